//! `Include/pystate.h` and `Include/cpython/pystate.h`: interpreter and thread
//! state handles, `PyGILState_STATE`, and the functions on them that the
//! lifecycle needs.

use std::ffi::{CStr, c_int};
use std::ptr;

use crate::abi::pystate::{PyGILState_STATE, PyInterpreterState, PyThreadState};
use crate::ffi::guard;
use crate::runtime::fatal::{fatal_error, null_tstate, require_current};
use crate::runtime::state::{interp, tstate};
use crate::runtime::{self, gilstate, thread};

/// Returns the current thread state; a fatal error when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn PyThreadState_Get() -> *mut PyThreadState {
    guard(c"PyThreadState_Get", || {
        require_current(c"PyThreadState_Get")
    })
}

/// Returns the current thread state, or NULL when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn PyThreadState_GetUnchecked() -> *mut PyThreadState {
    guard(c"PyThreadState_GetUnchecked", thread::current)
}

/// Makes `tstate` current (NULL: none) and returns the previous one. The
/// previous one is detached (releasing the GIL); `tstate` is attached (taking it).
///
/// # Safety
/// `tstate` is NULL or a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Swap(tstate: *mut PyThreadState) -> *mut PyThreadState {
    guard(c"PyThreadState_Swap", || {
        let old = thread::current();
        if old == tstate {
            return old;
        }
        if !tstate.is_null() && runtime::checks::on() {
            runtime::checks::thread_state(c"PyThreadState_Swap", tstate);
        }
        thread::detach();
        if !tstate.is_null() {
            // SAFETY: a non-NULL `tstate` is live (this function's contract).
            unsafe { thread::attach(tstate) };
        }
        old
    })
}

/// Returns the interpreter of `tstate`.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_GetInterpreter(
    tstate: *mut PyThreadState,
) -> *mut PyInterpreterState {
    guard(c"PyThreadState_GetInterpreter", || {
        if tstate.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a non-NULL `tstate` is live (the caller's contract).
        unsafe { self::tstate(tstate) }.interp
    })
}

/// Returns the id of `tstate` within its interpreter (the main thread state is 1).
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_GetID(tstate: *mut PyThreadState) -> u64 {
    if tstate.is_null() {
        return 0;
    }
    // SAFETY: a non-NULL `tstate` is live (the caller's contract).
    unsafe { self::tstate(tstate) }.id
}

/// Returns the current interpreter; a fatal error when no thread state is current.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Get() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Get", || {
        let t = require_current(c"PyInterpreterState_Get");
        // SAFETY: a current thread state is live.
        unsafe { tstate(t) }.interp
    })
}

/// Returns the main interpreter, or NULL when the runtime is not initialized.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Main() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Main", || {
        runtime::lock()
            .main()
            .map_or(ptr::null_mut(), |i| i.handle.0)
    })
}

/// Returns the id of `interp` (the main interpreter is 0), or -1 for NULL.
///
/// # Safety
/// `interp` is NULL or a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_GetID(interp: *mut PyInterpreterState) -> i64 {
    if interp.is_null() {
        return -1;
    }
    // SAFETY: a non-NULL `interp` is live (the caller's contract).
    unsafe { self::interp(interp) }.id
}

fn fatal(func: &CStr, msg: &str) -> ! {
    fatal_error(Some(func), msg)
}

/// Creates a bare interpreter (with a copy of the current or main
/// interpreter's configuration and its own id). Returns NULL when Python is
/// not initialized.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_New() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_New", || {
        runtime::interp::new_bare_interp().unwrap_or(ptr::null_mut())
    })
}

/// Runs the interpreter's `PyUnstable_AtExit` callbacks (newest first).
///
/// # Safety
/// `interp` is a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_Clear(interp: *mut PyInterpreterState) {
    guard(c"PyInterpreterState_Clear", || {
        runtime::lifecycle::run_interp_atexit(interp)
    })
}

/// Deletes an interpreter and its remaining thread states (detaching the
/// current thread state first if it belongs to it). NULL is a fatal error.
///
/// # Safety
/// `interp` is NULL or a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_Delete(interp: *mut PyInterpreterState) {
    guard(c"PyInterpreterState_Delete", || {
        if interp.is_null() {
            fatal(c"PyInterpreterState_Delete", "NULL interpreter");
        }
        // SAFETY: a non-NULL `interp` is live (the caller's contract).
        unsafe { runtime::interp::delete_interp(interp) };
    })
}

/// Returns the most recently created interpreter (NULL when none).
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Head() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Head", runtime::interp::head)
}

/// Returns the interpreter created before `interp` (the main one is last).
///
/// # Safety
/// `interp` is a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_Next(
    interp: *mut PyInterpreterState,
) -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Next", || runtime::interp::next(interp))
}

/// Returns the most recently created thread state of `interp`.
///
/// # Safety
/// `interp` is a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_ThreadHead(
    interp: *mut PyInterpreterState,
) -> *mut PyThreadState {
    guard(c"PyInterpreterState_ThreadHead", || {
        runtime::interp::thread_head(interp)
    })
}

/// Returns the thread state created before `tstate` in its interpreter.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Next(tstate: *mut PyThreadState) -> *mut PyThreadState {
    guard(c"PyThreadState_Next", || {
        if tstate.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: a non-NULL `tstate` is live (the caller's contract).
        unsafe { runtime::interp::thread_next(tstate) }
    })
}

/// Creates a thread state of `interp`, bound to the calling OS thread (it
/// becomes the thread's GILState thread state if it has none). It is not
/// made current. Returns NULL for a NULL or dead interpreter.
///
/// # Safety
/// `interp` is NULL or a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_New(interp: *mut PyInterpreterState) -> *mut PyThreadState {
    guard(c"PyThreadState_New", || {
        if !interp.is_null() && runtime::checks::on() {
            runtime::checks::interpreter(c"PyThreadState_New", interp);
        }
        runtime::interp::new_tstate(&mut runtime::lock(), interp, 1).unwrap_or(ptr::null_mut())
    })
}

/// Resets the thread state's Python-level data (pyrt keeps none).
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Clear(tstate: *mut PyThreadState) {
    guard(c"PyThreadState_Clear", || {
        if !tstate.is_null() && runtime::checks::on() {
            runtime::checks::thread_state(c"PyThreadState_Clear", tstate);
        }
    })
}

/// Deletes a thread state that is not current. NULL and the current thread
/// state are fatal errors.
///
/// # Safety
/// `tstate` is NULL or a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Delete(tstate: *mut PyThreadState) {
    guard(c"PyThreadState_Delete", || {
        if tstate.is_null() {
            null_tstate(c"PyThreadState_Delete");
        }
        if runtime::checks::on() {
            runtime::checks::thread_state(c"PyThreadState_Delete", tstate);
            runtime::checks::deleting("PyThreadState_Delete");
        }
        if tstate == thread::current() {
            fatal(
                c"PyThreadState_Delete",
                &format!("tstate {tstate:p} is still current"),
            );
        }
        runtime::interp::delete_tstate(&mut runtime::lock(), tstate);
    })
}

/// Deletes the current thread state and releases the GIL. Fatal when no
/// thread state is current.
#[unsafe(no_mangle)]
pub extern "C" fn PyThreadState_DeleteCurrent() {
    guard(c"PyThreadState_DeleteCurrent", || {
        let t = require_current(c"_PyThreadState_DeleteCurrent");
        runtime::checks::deleting("PyThreadState_DeleteCurrent");
        thread::detach();
        runtime::interp::delete_tstate(&mut runtime::lock(), t);
    })
}

/// Makes sure the calling thread holds the GIL with a thread state of the
/// main interpreter, creating one the first time. Returns
/// `PyGILState_LOCKED` if it already held it, else `PyGILState_UNLOCKED`;
/// calls nest and must be paired with `PyGILState_Release`.
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_Ensure() -> PyGILState_STATE {
    guard(c"PyGILState_Ensure", gilstate::ensure)
}

/// Undoes one `PyGILState_Ensure`: the last release of a thread state that
/// Ensure created deletes it; releasing `PyGILState_UNLOCKED` releases the GIL.
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_Release(oldstate: PyGILState_STATE) {
    guard(c"PyGILState_Release", || gilstate::release(oldstate))
}

/// Returns the calling thread's GILState thread state (NULL when none).
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_GetThisThreadState() -> *mut PyThreadState {
    guard(c"PyGILState_GetThisThreadState", thread::gilstate)
}

/// Returns 1 when the calling thread's GILState thread state is current (and
/// always once a sub-interpreter was created, as CPython stops checking).
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_Check() -> c_int {
    guard(c"PyGILState_Check", || gilstate::check() as c_int)
}

/// Disables tracing and profiling for `tstate` (nests: one
/// `PyThreadState_LeaveTracing` per call). pyrt runs no Python code, so
/// only the nesting is kept.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_EnterTracing(tstate: *mut PyThreadState) {
    guard(c"PyThreadState_EnterTracing", || {
        if tstate.is_null() {
            crate::runtime::fatal::null_tstate(c"PyThreadState_EnterTracing");
        }
        // SAFETY: a live thread state (the contract).
        unsafe { crate::runtime::recursion::add_tracing(tstate, 1) }
    })
}

/// Undoes one `PyThreadState_EnterTracing`.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_LeaveTracing(tstate: *mut PyThreadState) {
    guard(c"PyThreadState_LeaveTracing", || {
        if tstate.is_null() {
            crate::runtime::fatal::null_tstate(c"PyThreadState_LeaveTracing");
        }
        // SAFETY: a live thread state (the contract).
        unsafe { crate::runtime::recursion::add_tracing(tstate, -1) }
    })
}

/// Tells `Py_EnterRecursiveCall` that `tstate`'s C stack is the
/// `stack_size` bytes from `stack_start_addr` (a thread on a stack the C
/// library does not know, such as a coroutine's). Returns 0, or -1 for a
/// size below 49152 bytes (CPython also raises `ValueError`).
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyUnstable_ThreadState_SetStackProtection(
    tstate: *mut PyThreadState,
    stack_start_addr: *mut std::ffi::c_void,
    stack_size: usize,
) -> c_int {
    guard(c"PyUnstable_ThreadState_SetStackProtection", || {
        if tstate.is_null() {
            crate::runtime::fatal::null_tstate(c"PyUnstable_ThreadState_SetStackProtection");
        }
        // SAFETY: a live thread state (the contract).
        if unsafe {
            crate::runtime::recursion::set_stack(tstate, stack_start_addr as usize, stack_size)
        } {
            0
        } else {
            -1
        }
    })
}

/// Goes back to the C library's stack bounds for `tstate`.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyUnstable_ThreadState_ResetStackProtection(tstate: *mut PyThreadState) {
    guard(c"PyUnstable_ThreadState_ResetStackProtection", || {
        if tstate.is_null() {
            crate::runtime::fatal::null_tstate(c"PyUnstable_ThreadState_ResetStackProtection");
        }
        // SAFETY: a live thread state (the contract).
        unsafe { crate::runtime::recursion::reset_stack(tstate) }
    })
}
