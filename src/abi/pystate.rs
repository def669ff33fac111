//! `Include/pystate.h`: the interpreter and thread-state handles and
//! `PyGILState_STATE`.
//!
//! The handles are opaque tags (CPython's `struct _is` and `struct _ts`): C
//! only holds pointers to them. Behind each pointer is the runtime's own
//! state (`runtime::state::Interp`, `runtime::state::ThreadState`), which
//! only the runtime dereferences.

use std::ffi::c_int;

/// An interpreter. Opaque: only pointers cross the ABI.
/// Methods: `PyInterpreterState_Get`, `_Main`, `_GetID`.
pub struct PyInterpreterState {
    _private: [u8; 0],
}

/// The state of one thread in one interpreter. Opaque in pyrt's headers.
/// Methods: `PyThreadState_Get`, `_GetUnchecked`, `_Swap`, `_GetInterpreter`, `_GetID`.
pub struct PyThreadState {
    _private: [u8; 0],
}

#[allow(non_camel_case_types)]
/// What `PyGILState_Ensure` found and `PyGILState_Release` restores.
pub type PyGILState_STATE = c_int;
/// The calling thread already held the GIL.
pub const PyGILState_LOCKED: PyGILState_STATE = 0;
/// The calling thread did not hold the GIL.
pub const PyGILState_UNLOCKED: PyGILState_STATE = 1;
