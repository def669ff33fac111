//! The safe counterpart of `PyStatus`: an error or exit request carried in a `Result`.
//!
//! Error messages and function names are `&'static CStr` because `PyStatus`
//! hands C a `const char *` that must stay valid forever, exactly as CPython's
//! string literals do. `func` holds the *CPython* function name that produces
//! the same error, since `Py_ExitStatusException` prints it.

use std::ffi::CStr;

use crate::sys::alloc::AllocWatch;

/// An abnormal outcome of a configuration or lifecycle step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// An error: `PyStatus` with `_type` = ERROR.
    Error {
        /// CPython's function name for this error, or `None` for errors made
        /// through the public `PyStatus_Error` (which leaves `func` NULL).
        func: Option<&'static CStr>,
        /// The message (`err_msg`).
        msg: &'static CStr,
    },
    /// A request to exit the process with this code: `PyStatus` with `_type` = EXIT.
    Exit(i32),
}

/// The message of every out-of-memory status, as CPython spells it.
pub const NO_MEMORY_MSG: &CStr = c"memory allocation failed";

/// The result type of the safe layer.
pub type PyResult<T> = Result<T, Status>;

impl Status {
    /// An error recorded as coming from CPython's function `func`.
    pub const fn error(func: &'static CStr, msg: &'static CStr) -> Status {
        Status::Error {
            func: Some(func),
            msg,
        }
    }

    /// An out-of-memory error recorded as coming from `func`.
    pub const fn no_memory(func: &'static CStr) -> Status {
        Status::error(func, NO_MEMORY_MSG)
    }

    /// `Err` with [`Status::no_memory`]`(func)` when an allocation of pyrt's
    /// heap failed on the calling thread since `watch` started (the
    /// emergency reserve of [`crate::sys::alloc`] served it): the watch
    /// points of operations that must report such a failure.
    pub fn check_alloc(watch: AllocWatch, func: &'static CStr) -> PyResult<()> {
        if watch.failed() {
            Err(Status::no_memory(func))
        } else {
            Ok(())
        }
    }

    /// The message, if this is an error.
    pub fn message(&self) -> Option<&'static str> {
        match self {
            Status::Error { msg, .. } => Some(msg.to_str().unwrap_or("<non-UTF-8 message>")),
            Status::Exit(_) => None,
        }
    }
}

/// Builds `Err(Status::Error { .. })` for a CPython function name and message:
/// `status_err!("config_init_hash_seed", "PYTHONHASHSEED must be ...")`.
#[macro_export]
macro_rules! status_err {
    ($func:literal, $msg:literal) => {
        ::core::result::Result::Err($crate::status::Status::Error {
            func: ::core::option::Option::Some(
                match ::core::ffi::CStr::from_bytes_with_nul(concat!($func, "\0").as_bytes()) {
                    ::core::result::Result::Ok(s) => s,
                    ::core::result::Result::Err(_) => unreachable!(),
                },
            ),
            msg: match ::core::ffi::CStr::from_bytes_with_nul(concat!($msg, "\0").as_bytes()) {
                ::core::result::Result::Ok(s) => s,
                ::core::result::Result::Err(_) => unreachable!(),
            },
        })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_builds_static_strings() {
        let r: PyResult<()> = status_err!("PyWideStringList_Insert", "boom");
        let e = r.unwrap_err();
        assert_eq!(e.message(), Some("boom"));
        match e {
            Status::Error { func, .. } => {
                assert_eq!(func.unwrap().to_str().unwrap(), "PyWideStringList_Insert")
            }
            Status::Exit(_) => panic!("not an error"),
        }
    }
}
