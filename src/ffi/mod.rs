//! The C ABI surface: `#[repr(C)]` mirrors of CPython 3.14's public structs and
//! the `extern "C"` exports, one module per CPython header.
//!
//! Boundary rules, applied by every export:
//! * the body runs inside [`guard`], so a Rust panic never unwinds into C; the
//!   fallback value depends on the return type ([`PanicDefault`]);
//! * raw pointers are checked and converted once, here; the safe layer never
//!   sees them;
//! * NULL arguments get CPython's answer where CPython has one, and otherwise a
//!   documented error status, -1, NULL or fatal error (never undefined behaviour).

#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case)]

use std::ffi::{CStr, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};

pub mod ceval;
pub mod fileutils;
pub mod import;
pub mod initconfig;
pub mod initconfig_api;
pub mod intrcheck;
pub mod layout;
pub mod pathconfig;
pub mod pydebug;
pub mod pyerrors;
pub mod pylifecycle;
pub mod pymem;
pub mod pyrt;
pub mod pystate;
pub mod sysmodule;
pub mod types;
pub mod wide;

/// What an export returns when its body panicked.
pub trait PanicDefault {
    /// The fallback for the export named `export`.
    fn panic_default(export: &'static CStr) -> Self;
}

/// The message of the error status returned when an export panicked.
pub const PANIC_MSG: &CStr = c"pyrt: internal error (Rust panic)";

impl PanicDefault for initconfig::PyStatus {
    fn panic_default(export: &'static CStr) -> Self {
        initconfig::PyStatus::from(crate::status::Status::error(export, PANIC_MSG))
    }
}

impl PanicDefault for c_int {
    fn panic_default(_: &'static CStr) -> Self {
        -1
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
        fatal_abort(export, "pyrt internal error (Rust panic)")
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

/// Prints a fatal error in CPython's format and aborts the process.
pub fn fatal_abort(func: &CStr, msg: &str) -> ! {
    let func = func.to_string_lossy();
    // One write so concurrent output does not interleave inside the line.
    let text = format!("Fatal Python error: {func}: {msg}\n");
    // SAFETY: writing a valid buffer to fd 2; the result is deliberately ignored
    // because nothing can be done about a failed write before abort.
    unsafe {
        libc::write(2, text.as_ptr().cast(), text.len());
        libc::abort()
    }
}

impl PanicDefault for std::convert::Infallible {
    fn panic_default(export: &'static CStr) -> Self {
        fatal_abort(export, "pyrt internal error (Rust panic)")
    }
}

/// [`guard`] for exports that never return (`Py_FatalError`, `Py_Exit`, ...).
pub fn guard_noreturn(export: &'static CStr, body: impl FnOnce() -> std::convert::Infallible) -> ! {
    match guard(export, body) {}
}
