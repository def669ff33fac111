//! Recursion and tracing state of interpreters and thread states: the
//! recursion limit (`Py_GetRecursionLimit`), the C stack bounds that
//! `Py_EnterRecursiveCall` checks (CPython 3.14 checks the machine stack
//! pointer, not a counter), and the tracing counter.

use std::sync::atomic::Ordering;

use crate::abi::pystate::PyThreadState;
use crate::runtime::state::{interp, tstate};

/// A new interpreter's recursion limit (CPython's `Py_DEFAULT_RECURSION_LIMIT`).
pub const DEFAULT_RECURSION_LIMIT: i32 = 1000;

/// The stack kept free below the soft limit, and between the hard limit and
/// the stack's end.
const MARGIN: usize = 16 * 1024;

/// The smallest stack `PyUnstable_ThreadState_SetStackProtection` accepts.
pub const MIN_STACK_SIZE: usize = 3 * MARGIN;

/// The current interpreter's recursion limit.
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn recursion_limit(t: *mut PyThreadState) -> i32 {
    // SAFETY: a live thread state and its interpreter (the contract).
    unsafe { interp(tstate(t).interp) }
        .recursion_limit
        .load(Ordering::Relaxed)
}

/// Sets the current interpreter's recursion limit (any value, as CPython's
/// C function allows).
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn set_recursion_limit(t: *mut PyThreadState, limit: i32) {
    // SAFETY: a live thread state and its interpreter (the contract).
    unsafe { interp(tstate(t).interp) }
        .recursion_limit
        .store(limit, Ordering::Relaxed);
}

/// The calling thread's stack as the C library describes it: (lowest
/// address, highest address), or None when it cannot say.
fn os_stack() -> Option<(usize, usize)> {
    // SAFETY: a local attribute object, filled by the C library for the
    // calling thread and destroyed here.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        ok.then(|| (addr as usize, addr as usize + size))
    }
}

/// What `Py_EnterRecursiveCall` decided.
pub enum Depth {
    /// Room enough.
    Fine,
    /// Past the soft limit: the call fails (CPython raises RecursionError),
    /// having used this many KiB of stack.
    Overflow(usize),
    /// Past the hard limit (this many KiB used): CPython's fatal error.
    Unrecoverable(usize),
}

/// Checks the calling thread's stack pointer against `t`'s stack bounds
/// (the C library's for the calling thread, unless the embedder set them).
///
/// # Safety
/// `t` is the calling thread's live thread state.
pub unsafe fn check_stack(t: *mut PyThreadState) -> Depth {
    // SAFETY: a live thread state (the contract).
    let s = unsafe { tstate(t) };
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    let (mut low, mut top, explicit) = s.stack.get();
    // Bounds not set by the embedder follow the thread that uses the state.
    if !explicit && !(low..top).contains(&here) {
        let Some((l, h)) = os_stack() else {
            return Depth::Fine;
        };
        (low, top) = (l, h);
        s.stack.set((low, top, false));
    }
    let used = top.saturating_sub(here) / 1024;
    if here < low + MARGIN {
        Depth::Unrecoverable(used)
    } else if here < low + 2 * MARGIN {
        Depth::Overflow(used)
    } else {
        Depth::Fine
    }
}

/// `PyUnstable_ThreadState_SetStackProtection`: the stack of `t` is
/// `size` bytes from `start`. False (and nothing changed) when `size` is
/// below [`MIN_STACK_SIZE`].
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn set_stack(t: *mut PyThreadState, start: usize, size: usize) -> bool {
    if size < MIN_STACK_SIZE {
        return false;
    }
    // SAFETY: a live thread state (the contract).
    unsafe { tstate(t) }
        .stack
        .set((start, start.saturating_add(size), true));
    true
}

/// `PyUnstable_ThreadState_ResetStackProtection`: back to the C library's bounds.
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn reset_stack(t: *mut PyThreadState) {
    // SAFETY: a live thread state (the contract).
    unsafe { tstate(t) }.stack.set((0, 0, false));
}

/// `PyThreadState_EnterTracing` (`delta` 1) and `_LeaveTracing` (-1).
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn add_tracing(t: *mut PyThreadState, delta: i32) {
    // SAFETY: a live thread state (the contract).
    let s = unsafe { tstate(t) };
    s.tracing.set(s.tracing.get().wrapping_add(delta));
}

/// `PyUnstable_Eval_RequestCodeExtraIndex`: the next index of the current
/// interpreter's code-extra slots (0, 1, ...), or -1 once 254 are taken
/// (`MAX_CO_EXTRA_USERS` - 1, as in CPython). pyrt has no code objects, so
/// the free function is never called.
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn request_code_extra_index(t: *mut PyThreadState) -> isize {
    // SAFETY: a live thread state and its interpreter (the contract).
    let i = unsafe { interp(tstate(t).interp) };
    i.co_extra_users
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < 254).then_some(n + 1)
        })
        .unwrap_or(-1)
}
