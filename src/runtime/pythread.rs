//! The runtime's part of the `PyThread_*` API: each interpreter's stack
//! size for the threads it starts, and what a signal arriving during a lock
//! wait means.

use std::sync::atomic::Ordering;

use crate::runtime::state::{interp, tstate};
use crate::runtime::thread;

/// The thread machinery was set up (`PyThread_init_thread`, the first
/// lock or thread, or initialization).
static READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks the thread machinery as set up.
pub fn init_thread() {
    READY.store(true, Ordering::Relaxed);
}

/// Whether [`init_thread`] ran (`PyThread_exit_thread` exits the process
/// otherwise, as CPython's does).
pub fn thread_machinery_ready() -> bool {
    READY.load(Ordering::Relaxed)
}

/// The smallest stack size `PyThread_set_stacksize` accepts (CPython's
/// `THREAD_STACK_MIN` on Linux).
pub const THREAD_STACK_MIN: usize = 0x8000;

/// The current interpreter's stack size for new threads (0 when it uses the
/// C library's default, or when the thread has no thread state).
pub fn stacksize() -> usize {
    let t = thread::current();
    if t.is_null() {
        return 0;
    }
    // SAFETY: a current thread state and its interpreter are live.
    unsafe { interp(tstate(t).interp) }
        .stacksize
        .load(Ordering::Relaxed)
}

/// `PyThread_set_stacksize` for the current thread state's interpreter
/// (the caller checked there is one): 0 resets to the default; a size of
/// at least [`THREAD_STACK_MIN`] the C library accepts is kept; else -1.
pub fn set_stacksize(size: usize) -> i32 {
    if size != 0 && (size < THREAD_STACK_MIN || !crate::sys::thread::stack_size_accepted(size)) {
        return -1;
    }
    let t = thread::current();
    // SAFETY: the caller checked that a thread state is current; it and its
    // interpreter are live.
    unsafe { interp(tstate(t).interp) }
        .stacksize
        .store(size, Ordering::Relaxed);
    0
}

/// A signal interrupted a lock wait that asked to be interruptible: true
/// when the wait gives up (`PY_LOCK_INTR`), as CPython's does when running
/// the pending work fails. That is: on the main thread of the main
/// interpreter, a SIGINT received (the flag `PyErr_CheckSignals` reports,
/// which it clears) or a pending call that returns non-zero. Without a
/// current thread state nothing runs (CPython would crash) and the wait goes on.
pub fn signal_during_wait() -> bool {
    let t = thread::current();
    if t.is_null() {
        return false;
    }
    // SAFETY: a current thread state is live.
    let handle = unsafe { tstate(t) }.interp;
    let main_interp = crate::runtime::lock().main().map(|m| m.handle.0) == Some(handle);
    if main_interp
        && crate::runtime::lifecycle::on_main_thread()
        && crate::runtime::host::INTERRUPTED.swap(false, Ordering::SeqCst)
    {
        return true;
    }
    crate::runtime::lifecycle::make_pending_calls(handle) != 0
}
