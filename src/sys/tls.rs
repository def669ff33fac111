//! The calling thread's slots: its current thread state, its GILState
//! thread state and the runtime-owned flag, in the static TLS block.
//!
//! pyrt is built for x86_64 Linux only (CPython 3.14's ABI there); under
//! Miri, which cannot run the inline assembly, the slots are an ordinary
//! `thread_local!` so the safe layers can still be checked.

use std::cell::Cell;

use crate::abi::pystate::PyThreadState;

#[cfg(not(any(all(target_arch = "x86_64", target_os = "linux"), miri)))]
compile_error!("pyrt targets x86_64 Linux only: the slots below use its TLS model");

/// The per-thread slots, kept together so one thread-local lookup serves a call.
#[repr(C)]
pub struct Slots {
    /// The current (attached) thread state.
    pub current: Cell<*mut PyThreadState>,
    /// The GILState thread state.
    pub gilstate: Cell<*mut PyThreadState>,
    /// Set while the thread builds or releases runtime-owned copies
    /// (`mem::runtime_owned`).
    pub runtime_owned: Cell<bool>,
    /// Allocations the C library refused on this thread ([`super::alloc`]).
    pub alloc_failures: Cell<u64>,
}

// The slots live in the static TLS block (the "initial-exec" model): one
// %fs-relative address computation instead of the `__tls_get_addr` call a
// shared library's `thread_local!` costs. They are plain zero-initialized
// data (`.tbss`): every thread starts with two NULL pointers, a false
// flag and a zero count, which is what
// `Slots` holds before anything is recorded, and they need no destructor.
// The symbol is hidden, so it is neither exported nor interposable.
#[cfg(not(miri))]
std::arch::global_asm!(
    ".pushsection .tbss,\"awT\",@nobits",
    ".globl pyrt_thread_slots",
    ".hidden pyrt_thread_slots",
    ".type pyrt_thread_slots,@object",
    ".size pyrt_thread_slots,32",
    ".p2align 3",
    "pyrt_thread_slots:",
    ".zero 32",
    ".popsection",
);

const _: () = assert!(std::mem::size_of::<Slots>() == 32 && std::mem::align_of::<Slots>() == 8);

/// The calling thread's slots.
#[cfg(not(miri))]
#[inline(always)]
fn slots_ptr() -> *const Slots {
    let p: *const Slots;
    // SAFETY: two loads and an add, nothing written: the thread pointer (the
    // TCB's self pointer at %fs:0, set by the C library before any code of
    // the thread runs and never changed) and the slots' offset in the static
    // TLS block (a GOT entry the loader fills before the library runs). Both
    // values are fixed for the life of the thread, so `pure` lets the
    // compiler reuse the result within it, and `readonly` says the asm
    // reads memory; the result is a valid, aligned `Slots` of this thread.
    unsafe {
        std::arch::asm!(
            "mov {p}, qword ptr fs:[0]",
            "add {p}, qword ptr [rip + pyrt_thread_slots@GOTTPOFF]",
            p = out(reg) p,
            options(pure, readonly, nostack, preserves_flags),
        );
    }
    p
}

/// Runs `f` on the calling thread's slots (one thread-local lookup).
#[inline(always)]
pub fn slots<R>(f: impl FnOnce(&Slots) -> R) -> R {
    // SAFETY: the pointer is this thread's slots, alive as long as the
    // thread; the reference does not outlive `f` (Cells keep it `!Sync`).
    f(unsafe { &*slots_ptr() })
}

/// The calling thread's slots (Miri: an ordinary thread-local).
#[cfg(miri)]
fn slots_ptr() -> *const Slots {
    thread_local! {
        static SLOTS: Slots = const {
            Slots {
                current: Cell::new(std::ptr::null_mut()),
                gilstate: Cell::new(std::ptr::null_mut()),
                runtime_owned: Cell::new(false),
                alloc_failures: Cell::new(0),
            }
        };
    }
    SLOTS.with(|s| s as *const Slots)
}

/// The calling thread's current (attached) thread state, or NULL.
#[inline]
pub fn current() -> *mut PyThreadState {
    slots(|s| s.current.get())
}

/// The calling thread's GILState thread state, or NULL.
#[inline]
pub fn gilstate() -> *mut PyThreadState {
    slots(|s| s.gilstate.get())
}
