//! `Include/pyerrors.h`, `Include/cpython/pyerrors.h`: fatal errors.

use std::ffi::{CStr, c_char};

use crate::ffi::guard_noreturn;
use crate::runtime::fatal::fatal_error_c;

fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    // SAFETY: callers pass NULL or a NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// Prints "Fatal Python error: MESSAGE", the runtime state and the current
/// thread to stderr, then aborts. Python.h turns `Py_FatalError(msg)` into
/// `_Py_FatalErrorFunc(__func__, msg)`, which adds the caller's name.
///
/// # Safety
/// `message` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_FatalError(message: *const c_char) -> ! {
    guard_noreturn(c"Py_FatalError", || fatal_error_c(None, opt_cstr(message)))
}

/// Like `Py_FatalError`, printing "FUNC: MESSAGE".
///
/// # Safety
/// `func` and `message` are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _Py_FatalErrorFunc(func: *const c_char, message: *const c_char) -> ! {
    guard_noreturn(c"_Py_FatalErrorFunc", || {
        fatal_error_c(opt_cstr(func), opt_cstr(message))
    })
}
