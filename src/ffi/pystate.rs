//! `Include/pystate.h` and `Include/cpython/pystate.h`: interpreter and thread
//! state handles, `PyGILState_STATE`, and the functions on them that the
//! lifecycle needs.

use std::ffi::{CStr, c_int};
use std::ptr;

use crate::ffi::guard;
use crate::runtime::{self, thread};

/// An interpreter. Opaque: only pointers cross the ABI.
/// Methods: `PyInterpreterState_Get`, `_Main`, `_GetID`.
pub struct PyInterpreterState {
    /// The interpreter's id (main: 0).
    pub(crate) id: i64,
}

/// The state of one thread in one interpreter. Opaque in pyrt's headers.
/// Methods: `PyThreadState_Get`, `_GetUnchecked`, `_Swap`, `_GetInterpreter`, `_GetID`.
pub struct PyThreadState {
    /// The interpreter it belongs to.
    pub(crate) interp: *mut PyInterpreterState,
    /// Its id within the interpreter (1, 2, ...).
    pub(crate) id: u64,
}

#[allow(non_camel_case_types)]
/// What `PyGILState_Ensure` found and `PyGILState_Release` restores.
pub type PyGILState_STATE = c_int;
/// The calling thread already held the GIL.
pub const PyGILState_LOCKED: PyGILState_STATE = 0;
/// The calling thread did not hold the GIL.
pub const PyGILState_UNLOCKED: PyGILState_STATE = 1;

/// The fatal error of every function that needs a current thread state.
pub fn require_current(func: &CStr) -> *mut PyThreadState {
    let t = thread::current();
    if t.is_null() {
        crate::ffi::pyerrors::fatal_error(
            Some(func),
            "the function must be called with the GIL held, after Python initialization and \
             before Python finalization, but the GIL is released (the current Python thread \
             state is NULL)",
        );
    }
    t
}

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
        thread::detach();
        if !tstate.is_null() {
            thread::attach(tstate);
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
    // SAFETY: caller contract; NULL answers NULL.
    guard(c"PyThreadState_GetInterpreter", || unsafe {
        tstate.as_ref().map_or(ptr::null_mut(), |t| t.interp)
    })
}

/// Returns the id of `tstate` within its interpreter (the main thread state is 1).
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_GetID(tstate: *mut PyThreadState) -> u64 {
    // SAFETY: caller contract; NULL answers 0.
    unsafe { tstate.as_ref() }.map_or(0, |t| t.id)
}

/// Returns the current interpreter; a fatal error when no thread state is current.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Get() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Get", || {
        let t = require_current(c"PyInterpreterState_Get");
        // SAFETY: a current thread state is live.
        unsafe { (*t).interp }
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
    // SAFETY: caller contract.
    unsafe { interp.as_ref() }.map_or(-1, |i| i.id)
}
