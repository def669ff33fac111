//! The calling thread's current thread state, its GILState thread state, and
//! the GILs.
//!
//! The current thread state is per OS thread (a thread-local pointer). Each
//! interpreter has a GIL (legacy sub-interpreters share the main one); a
//! thread state takes its interpreter's GIL when attached and releases it
//! when detached. The lock is `parking_lot`'s raw mutex: uncontended
//! hand-offs are one atomic operation, contended ones park the waiter.

use std::cell::Cell;
use std::ptr;

use parking_lot::RawMutex;
use parking_lot::lock_api::{RawMutex as _, RawMutexFair as _};

use crate::ffi::pystate::PyThreadState;

/// One global interpreter lock.
pub struct Gil {
    raw: RawMutex,
}

impl Gil {
    /// A new, unlocked GIL.
    pub fn new() -> Gil {
        Gil {
            raw: RawMutex::INIT,
        }
    }
}

impl Default for Gil {
    fn default() -> Self {
        Gil::new()
    }
}

impl std::fmt::Debug for Gil {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gil")
    }
}

/// The per-thread slots, kept together so one thread-local lookup serves a call.
#[repr(C)]
pub struct Slots {
    /// The current (attached) thread state.
    pub current: Cell<*mut PyThreadState>,
    /// The GILState thread state.
    pub gilstate: Cell<*mut PyThreadState>,
    /// Set while the thread builds or releases runtime-owned copies
    /// (`crate::mem::runtime_owned`).
    pub runtime_owned: Cell<bool>,
}

// The slots live in the static TLS block (the "initial-exec" model): one
// %fs-relative address computation instead of the `__tls_get_addr` call a
// shared library's `thread_local!` costs. They are plain zero-initialized
// data (`.tbss`): every thread starts with two NULL pointers and a false
// flag, which is what
// `Slots` holds before anything is recorded, and they need no destructor.
// The symbol is hidden, so it is neither exported nor interposable.
std::arch::global_asm!(
    ".pushsection .tbss,\"awT\",@nobits",
    ".globl pyrt_thread_slots",
    ".hidden pyrt_thread_slots",
    ".type pyrt_thread_slots,@object",
    ".size pyrt_thread_slots,24",
    ".p2align 3",
    "pyrt_thread_slots:",
    ".zero 24",
    ".popsection",
);

const _: () = assert!(std::mem::size_of::<Slots>() == 24 && std::mem::align_of::<Slots>() == 8);

/// The calling thread's slots.
#[inline(always)]
fn slots_ptr() -> *const Slots {
    let p: *const Slots;
    // SAFETY: reads the thread pointer (the TCB's self pointer at %fs:0 on
    // x86_64 Linux) and adds the slots' offset from the GOT; no memory is
    // written and the result is a valid, aligned `Slots` of this thread.
    unsafe {
        std::arch::asm!(
            "mov {p}, qword ptr fs:[0]",
            "add {p}, qword ptr [rip + pyrt_thread_slots@GOTTPOFF]",
            p = out(reg) p,
            options(pure, nomem, nostack),
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

/// Records `t` as the calling thread's GILState thread state.
pub fn set_gilstate(t: *mut PyThreadState) {
    slots(|s| s.gilstate.set(t));
}

/// Makes `t` the calling thread's GILState thread state, unbinding the previous one.
pub(crate) fn bind_gilstate(t: *mut PyThreadState) {
    let old = gilstate();
    if !old.is_null() && old != t {
        // SAFETY: the bound thread state is live (deleting one unbinds it).
        unsafe { (*old).bound_gilstate.set(false) };
    }
    set_gilstate(t);
    // SAFETY: callers pass a live thread state.
    unsafe { (*t).bound_gilstate.set(true) };
}

/// Takes `t`'s GIL and makes `t` current; like CPython, attaching a thread
/// state that is not its thread's GILState thread state makes it that (the
/// previous one is unbound). The thread must have no current thread state.
pub(crate) fn attach(t: *mut PyThreadState) {
    // SAFETY: callers pass a live thread state; its GIL outlives it.
    unsafe { (*(*t).gil).raw.lock() };
    slots(|s| s.current.set(t));
    // SAFETY: as above.
    if !unsafe { (*t).bound_gilstate.get() } {
        bind_gilstate(t);
    }
}

/// [`attach`] when `t`'s GIL is free and `t` is already the thread's bound
/// GILState thread state: true when attached. No calls, so callers can keep
/// it on a frame-less fast path.
#[inline(always)]
pub(crate) fn try_attach(t: *mut PyThreadState) -> bool {
    // SAFETY: callers pass a live thread state; its GIL outlives it.
    unsafe {
        if !(*t).bound_gilstate.get() || !(*(*t).gil).raw.try_lock() {
            return false;
        }
    }
    slots(|s| s.current.set(t));
    true
}

/// [`detach`] as a call that cannot unwind, so a caller can end with a jump
/// to it instead of keeping a frame for a landing pad.
#[inline(never)]
pub(crate) extern "C" fn detach_nounwind() {
    detach();
}

/// Makes no thread state current and releases the GIL the current one holds.
pub fn detach() {
    let t = slots(|s| s.current.replace(ptr::null_mut()));
    if !t.is_null() {
        // SAFETY: a current thread state means this thread holds its GIL.
        // A fair unlock hands the GIL straight to the longest waiter when
        // there is one (and is a plain unlock otherwise), so no thread starves.
        unsafe { (*(*t).gil).raw.unlock_fair() };
    }
}
