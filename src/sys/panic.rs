//! The panic guard every export's body runs in: a Rust panic never unwinds
//! into C. What the caller gets instead depends on the return type
//! ([`PanicDefault`]): -1, NULL, an error status (the impl for `PyStatus`
//! is the boundary's), or a fatal error for functions with no error value.

use std::ffi::{CStr, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::fatal::abort_with;

/// What an export returns when its body panicked.
pub trait PanicDefault {
    /// The fallback for the export named `export`.
    fn panic_default(export: &'static CStr) -> Self;
}

/// The message of the error status or fatal error a panic turns into.
pub const PANIC_MSG: &CStr = c"pyrt: internal error (Rust panic)";

impl PanicDefault for c_int {
    fn panic_default(_: &'static CStr) -> Self {
        -1
    }
}

/// Counts and identifiers: the all-ones "invalid" value (as
/// `PYTHREAD_INVALID_THREAD_ID`).
impl PanicDefault for u64 {
    fn panic_default(_: &'static CStr) -> Self {
        u64::MAX
    }
}

/// Signed sizes and indices (`Py_ssize_t`): -1.
impl PanicDefault for isize {
    fn panic_default(_: &'static CStr) -> Self {
        -1
    }
}

/// Sizes: 0 ("the default").
impl PanicDefault for usize {
    fn panic_default(_: &'static CStr) -> Self {
        0
    }
}

impl<T> PanicDefault for *mut T {
    fn panic_default(_: &'static CStr) -> Self {
        std::ptr::null_mut()
    }
}

impl<T> PanicDefault for *const T {
    fn panic_default(_: &'static CStr) -> Self {
        std::ptr::null()
    }
}

impl PanicDefault for () {
    fn panic_default(export: &'static CStr) -> Self {
        abort_with(export, "pyrt internal error (Rust panic)")
    }
}

impl PanicDefault for std::convert::Infallible {
    fn panic_default(export: &'static CStr) -> Self {
        abort_with(export, "pyrt internal error (Rust panic)")
    }
}

/// Runs an export's body, turning a panic into the return type's fallback.
#[inline(always)]
pub fn guard<R: PanicDefault>(export: &'static CStr, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(_) => R::panic_default(export),
    }
}

/// [`guard`] for exports that never return (`Py_FatalError`, `Py_Exit`, ...).
pub fn guard_noreturn(export: &'static CStr, body: impl FnOnce() -> std::convert::Infallible) -> ! {
    match guard(export, body) {}
}
