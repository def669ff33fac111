//! [`Status`] to `PyStatus`: the static strings of an error status are
//! handed to C as they are (statuses never own memory).

use std::ffi::CStr;
use std::ptr;

use crate::abi::initconfig::{_PyStatus_TYPE_ERROR, _PyStatus_TYPE_EXIT, PyStatus};
use crate::status::{PyResult, Status};

impl From<Status> for PyStatus {
    fn from(s: Status) -> PyStatus {
        match s {
            Status::Error { func, msg } => PyStatus {
                _type: _PyStatus_TYPE_ERROR,
                func: func.map_or(ptr::null(), CStr::as_ptr),
                err_msg: msg.as_ptr(),
                exitcode: 0,
            },
            Status::Exit(code) => PyStatus {
                _type: _PyStatus_TYPE_EXIT,
                exitcode: code,
                ..PyStatus::OK
            },
        }
    }
}

impl From<PyResult<()>> for PyStatus {
    fn from(r: PyResult<()>) -> PyStatus {
        match r {
            Ok(()) => PyStatus::OK,
            Err(s) => s.into(),
        }
    }
}
