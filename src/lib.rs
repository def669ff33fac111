//! pyrt: CPython 3.14's embedding lifecycle C API, reimplemented in Rust.
//!
//! The crate has two layers:
//!
//! * [`ffi`] mirrors CPython's public headers: `#[repr(C)]` types with the
//!   exact 3.14 layout (checked at compile time in `ffi::layout`) and thin
//!   `extern "C"` exports. Every export runs its body inside
//!   [`ffi::guard`], converts its arguments once, and calls into the safe layer.
//! * Everything else ([`status`], [`wstr`], [`config`], [`locale`], [`mem`],
//!   [`runtime`]) is safe Rust on owned types, returning `Result`.
//!
//! The generated header `include/pyrt.h` is produced from the `ffi` module by
//! cbindgen; `include/Python.h` wraps it so unchanged embedder source compiles.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

/// cbindgen:ignore
pub mod config;
pub mod ffi;
/// cbindgen:ignore
pub mod getpath;
/// cbindgen:ignore
pub mod locale;
/// cbindgen:ignore
pub mod mem;
/// cbindgen:ignore
pub mod runtime;
/// cbindgen:ignore
pub mod status;
/// cbindgen:ignore
pub mod version;
/// cbindgen:ignore
pub mod wstr;
