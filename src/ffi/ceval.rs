//! `Include/ceval.h`: pending calls and releasing/re-taking the GIL.

use std::ffi::{c_int, c_void};

use crate::abi::pystate::PyThreadState;
use crate::ffi::guard;
use crate::runtime::fatal::require_current;
use crate::runtime::{lifecycle, thread};

/// Queues `func(arg)` to run in the main thread of the main interpreter
/// (at `Py_MakePendingCalls` or finalization). Thread-safe, no GIL needed.
/// Returns 0, or -1 when the queue (32 calls) is full or `func` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn Py_AddPendingCall(
    func: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    arg: *mut c_void,
) -> c_int {
    guard(c"Py_AddPendingCall", || match func {
        Some(f) => lifecycle::add_pending_call(f, arg),
        None => -1,
    })
}

/// Runs the queued pending calls when called from the main thread of the main
/// interpreter (elsewhere, and when already running them, does nothing).
/// Returns 0, or -1 when a call returned non-zero (the rest stay queued).
/// Needs a current thread state (fatal error otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn Py_MakePendingCalls() -> c_int {
    guard(c"Py_MakePendingCalls", || {
        let t = require_current(c"Py_MakePendingCalls");
        // SAFETY: a current thread state is live.
        lifecycle::make_pending_calls(unsafe { crate::runtime::state::tstate(t) }.interp)
    })
}

/// Detaches the current thread state (releasing the GIL) and returns it.
#[unsafe(no_mangle)]
pub extern "C" fn PyEval_SaveThread() -> *mut PyThreadState {
    guard(c"PyEval_SaveThread", || {
        let t = thread::current();
        thread::detach();
        t
    })
}

/// Re-attaches `tstate` (taking the GIL). NULL is a fatal error; so is a
/// thread that already has a current thread state.
///
/// # Safety
/// `tstate` is NULL or a live thread state of this thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyEval_RestoreThread(tstate: *mut PyThreadState) {
    guard(c"PyEval_RestoreThread", || {
        // SAFETY: `tstate` is NULL or live (this function's contract).
        unsafe { thread::attach_checked(c"PyEval_RestoreThread", tstate) }
    })
}

/// Attaches `tstate` (taking its GIL). NULL and a thread that already has a
/// current thread state are fatal errors.
///
/// # Safety
/// `tstate` is NULL or a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyEval_AcquireThread(tstate: *mut PyThreadState) {
    guard(c"PyEval_AcquireThread", || {
        // SAFETY: `tstate` is NULL or live (this function's contract).
        unsafe { thread::attach_checked(c"PyEval_AcquireThread", tstate) }
    })
}

/// Detaches `tstate` (releasing its GIL). NULL is a fatal error.
///
/// # Safety
/// `tstate` is NULL or the current thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyEval_ReleaseThread(tstate: *mut PyThreadState) {
    guard(c"PyEval_ReleaseThread", || {
        if tstate.is_null() {
            require_current(c"PyEval_ReleaseThread");
        }
        if thread::current() == tstate {
            thread::detach();
        }
    })
}

/// Does nothing: the GIL exists from initialization on (deprecated since 3.9).
#[unsafe(no_mangle)]
pub extern "C" fn PyEval_InitThreads() {
    guard(c"PyEval_InitThreads", || ())
}
