//! Layer 7, the top: the `extern "C"` exports, one module per CPython header,
//! and nothing else. The types they take and return are the mirrors in
//! [`crate::abi`]; each body is a guard, its NULL checks and one call down
//! (into [`crate::runtime`], [`crate::marshal`] or [`crate::mem`]).
//!
//! Boundary rules, applied by every export:
//! * the body runs inside [`guard`], so a Rust panic never unwinds into C; the
//!   fallback value depends on the return type ([`PanicDefault`]);
//! * raw pointers are checked and converted once, here; the safe layer never
//!   sees them;
//! * NULL arguments get CPython's answer where CPython has one, and otherwise a
//!   documented error status, -1, NULL or fatal error (never undefined behaviour).

#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case)]

use std::ffi::CStr;

pub mod ceval;
pub mod fileutils;
pub mod import;
pub mod initconfig;
pub mod initconfig_pep741;
pub mod intrcheck;
pub mod pathconfig;
pub mod pyerrors;
pub mod pylifecycle;
pub mod pymem;
pub mod pyrt;
pub mod pystate;
pub mod pythread;
pub mod sysmodule;

pub use crate::sys::fatal::abort_with as fatal_abort;
pub use crate::sys::panic::{PANIC_MSG, PanicDefault, guard, guard_noreturn};

/// [`guard`] for the exports that return a status: when an allocation of
/// pyrt's heap failed during the body (the emergency reserve of
/// [`crate::sys::alloc`] served it) and the body still succeeded, the result
/// is "memory allocation failed" from CPython's function `func`.
pub fn guard_status(
    export: &'static CStr,
    func: &'static CStr,
    body: impl FnOnce() -> crate::abi::initconfig::PyStatus,
) -> crate::abi::initconfig::PyStatus {
    guard(export, || {
        let watch = crate::sys::alloc::AllocWatch::start();
        let status = body();
        match crate::status::Status::check_alloc(watch, func) {
            Err(e) if status._type == crate::abi::initconfig::_PyStatus_TYPE_OK => e.into(),
            _ => status,
        }
    })
}

impl PanicDefault for crate::abi::initconfig::PyStatus {
    fn panic_default(export: &'static CStr) -> Self {
        crate::status::Status::error(export, PANIC_MSG).into()
    }
}
