//! `Include/cpython/pydebug.h` and `Include/fileobject.h`: the legacy global
//! configuration variables (deprecated since 3.12, still exported, read by the
//! compat flavour and written at initialization).
#![allow(non_upper_case_globals)]

use std::ffi::{c_char, c_int};

/// Legacy `-d` flag (parser debug).
#[unsafe(no_mangle)]
pub static mut Py_DebugFlag: c_int = 0;
/// Legacy `-v` flag.
#[unsafe(no_mangle)]
pub static mut Py_VerboseFlag: c_int = 0;
/// Legacy `-q` flag.
#[unsafe(no_mangle)]
pub static mut Py_QuietFlag: c_int = 0;
/// Legacy `-i` flag (interactive).
#[unsafe(no_mangle)]
pub static mut Py_InteractiveFlag: c_int = 0;
/// Legacy `-i` flag (inspect).
#[unsafe(no_mangle)]
pub static mut Py_InspectFlag: c_int = 0;
/// Legacy `-O` flag.
#[unsafe(no_mangle)]
pub static mut Py_OptimizeFlag: c_int = 0;
/// Legacy `-S` flag.
#[unsafe(no_mangle)]
pub static mut Py_NoSiteFlag: c_int = 0;
/// Legacy `-b` flag.
#[unsafe(no_mangle)]
pub static mut Py_BytesWarningFlag: c_int = 0;
/// Legacy "frozen" flag (disables path configuration warnings).
#[unsafe(no_mangle)]
pub static mut Py_FrozenFlag: c_int = 0;
/// Legacy `-E` flag.
#[unsafe(no_mangle)]
pub static mut Py_IgnoreEnvironmentFlag: c_int = 0;
/// Legacy `-B` flag.
#[unsafe(no_mangle)]
pub static mut Py_DontWriteBytecodeFlag: c_int = 0;
/// Legacy `-s` flag.
#[unsafe(no_mangle)]
pub static mut Py_NoUserSiteDirectory: c_int = 0;
/// Legacy `-u` flag.
#[unsafe(no_mangle)]
pub static mut Py_UnbufferedStdioFlag: c_int = 0;
/// Legacy hash randomization flag (`PYTHONHASHSEED`).
#[unsafe(no_mangle)]
pub static mut Py_HashRandomizationFlag: c_int = 0;
/// Legacy `-I` flag.
#[unsafe(no_mangle)]
pub static mut Py_IsolatedFlag: c_int = 0;
/// Legacy UTF-8 mode flag.
#[unsafe(no_mangle)]
pub static mut Py_UTF8Mode: c_int = 0;
/// Filesystem encoding (UTF-8) while initialized, NULL otherwise.
#[unsafe(no_mangle)]
pub static mut Py_FileSystemDefaultEncoding: *const c_char = std::ptr::null();
/// Filesystem error handler while initialized, NULL otherwise.
#[unsafe(no_mangle)]
pub static mut Py_FileSystemDefaultEncodeErrors: *const c_char = std::ptr::null();
/// Set when `Py_FileSystemDefaultEncoding` points to static storage.
#[unsafe(no_mangle)]
pub static mut Py_HasFileSystemDefaultEncoding: c_int = 0;
