//! pyrt: CPython 3.14's embedding lifecycle C API, reimplemented in Rust.
//!
//! The crate is seven layers; each module imports only from the layers
//! below it (`make lint` checks this, `docs/architecture.md` maps CPython's
//! files onto them):
//!
//! ```text
//! 7  ffi/       extern "C" exports only: guard, NULL checks, one call down
//! 6  runtime/   runtime, interpreter and thread states, GIL, GILState,
//!               lifecycle, fatal errors, the program entry, legacy globals
//! 5  marshal/   PyConfig <-> Config, wide strings and lists
//! 4  mem/       the allocator domains, pymalloc-class allocator, debug hooks
//! 3  config/ getpath/ status wstr locale version   the safe model and values
//! 2  sys/       platform: TLS slots, futex locks, thread facts, panic
//!               guard, the last-resort fatal report
//! 1  abi/       #[repr(C)] mirrors of CPython's headers, ABI globals, layouts
//! ```
//!
//! The generated header `include/pyrt.h` is produced from [`abi`] and [`ffi`]
//! by cbindgen; `include/Python.h` wraps it so unchanged embedder source compiles.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::missing_safety_doc)]

pub mod abi;
/// cbindgen:ignore
pub mod config;
pub mod ffi;
/// cbindgen:ignore
pub mod getpath;
/// cbindgen:ignore
pub mod locale;
/// cbindgen:ignore
pub mod marshal;
/// cbindgen:ignore
pub mod mem;
/// cbindgen:ignore
pub mod runtime;
/// cbindgen:ignore
pub mod status;
/// cbindgen:ignore
pub mod sys;
/// cbindgen:ignore
pub mod version;
/// cbindgen:ignore
pub mod wstr;
