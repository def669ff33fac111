//! Layer 1, the bottom: pure `#[repr(C)]` mirrors of CPython 3.14's public
//! headers (one module per header), their constants, the opaque handle tags,
//! and the globals that are part of the ABI (`Py_*Flag`, `PyImport_Inittab`).
//! No logic: the layouts are asserted in [`layout`], and every other layer
//! builds on these types.
//!
//! cbindgen reads this module and [`crate::ffi`] to write `include/pyrt.h`.

#![allow(non_upper_case_globals, non_camel_case_types, non_snake_case)]

pub mod ceval;
pub mod import;
pub mod initconfig;
pub mod intrcheck;
pub mod layout;
pub mod pydebug;
pub mod pylifecycle;
pub mod pymem;
pub mod pyport;
pub mod pystate;
pub mod pythread;
