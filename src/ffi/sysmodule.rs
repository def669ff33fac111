//! `Include/sysmodule.h` survivors: options queued before initialization.
//!
//! CPython 3.14 still exports `PySys_AddWarnOption`, `PySys_AddXOption` and
//! `PySys_HasWarnOptions` (their declarations left the headers in 3.13). Called
//! before initialization they queue options that the next `PyConfig_Read`
//! takes (warning options after the command line's, `-X` options last).

use std::ffi::c_int;

use crate::ffi::guard;
use crate::marshal::wide;
use crate::runtime;
use crate::wstr::WChar;

/// Queues a warning filter for the next `PyConfig_Read` (before
/// initialization). With a current thread state CPython edits
/// `sys.warnoptions`; pyrt has no `sys` module and ignores the call then.
/// NULL is ignored.
///
/// # Safety
/// `s` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PySys_AddWarnOption(s: *const WChar) {
    guard(c"PySys_AddWarnOption", || {
        if s.is_null() || !runtime::thread::current().is_null() {
            return;
        }
        // SAFETY: non-NULL and NUL-terminated (caller contract).
        let w = unsafe { wide::read_wstr(s) };
        runtime::queue_option(true, w);
    })
}

/// Queues a `-X` option for the next `PyConfig_Read` (before
/// initialization); ignored with a current thread state, like
/// `PySys_AddWarnOption`. NULL is ignored.
///
/// # Safety
/// `s` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PySys_AddXOption(s: *const WChar) {
    guard(c"PySys_AddXOption", || {
        if s.is_null() || !runtime::thread::current().is_null() {
            return;
        }
        // SAFETY: non-NULL and NUL-terminated (caller contract).
        let w = unsafe { wide::read_wstr(s) };
        runtime::queue_option(false, w);
    })
}

/// Returns 1 when warning options are queued or the current interpreter has
/// some, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn PySys_HasWarnOptions() -> c_int {
    guard(c"PySys_HasWarnOptions", || {
        runtime::has_warn_options() as c_int
    })
}
