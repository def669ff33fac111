//! `Include/pystate.h` and `Include/cpython/pystate.h`: interpreter and thread
//! state handles, and `PyGILState_STATE`.

use std::ffi::c_int;

/// An interpreter. Opaque: only pointers cross the ABI.
pub struct PyInterpreterState {
    _private: (),
}

/// The state of one thread in one interpreter. Opaque in pyrt's headers.
pub struct PyThreadState {
    _private: (),
}

#[allow(non_camel_case_types)]
/// What `PyGILState_Ensure` found and `PyGILState_Release` restores.
pub type PyGILState_STATE = c_int;
/// The calling thread already held the GIL.
pub const PyGILState_LOCKED: PyGILState_STATE = 0;
/// The calling thread did not hold the GIL.
pub const PyGILState_UNLOCKED: PyGILState_STATE = 1;
