//! `Include/cpython/pylifecycle.h` and `Include/cpython/import.h`: the
//! sub-interpreter configuration and the built-in module table entry.

use std::ffi::{CStr, c_char, c_int};

use crate::config::PreConfig;
use crate::config::preconfig::PreArgs;
use crate::ffi::guard;
use crate::ffi::initconfig::{PyPreConfig, PyStatus, read_bytes_array};
use crate::ffi::types::{Py_ssize_t, PyObject};
use crate::ffi::wide::read_array;
use crate::runtime;
use crate::status::Status;
use crate::wstr::{WChar, WideString};

/// `PyInterpreterConfig.gil`: use the default for the kind of interpreter.
pub const PyInterpreterConfig_DEFAULT_GIL: c_int = 0;
/// `PyInterpreterConfig.gil`: share the main interpreter's GIL.
pub const PyInterpreterConfig_SHARED_GIL: c_int = 1;
/// `PyInterpreterConfig.gil`: the interpreter gets its own GIL (PEP 684).
pub const PyInterpreterConfig_OWN_GIL: c_int = 2;

/// How `Py_NewInterpreterFromConfig` sets up a sub-interpreter.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyInterpreterConfig {
    /// Share the main interpreter's object allocator state.
    pub use_main_obmalloc: c_int,
    /// Allow `os.fork()`.
    pub allow_fork: c_int,
    /// Allow `os.exec*()`.
    pub allow_exec: c_int,
    /// Allow creating threads.
    pub allow_threads: c_int,
    /// Allow daemon threads.
    pub allow_daemon_threads: c_int,
    /// Refuse single-phase-init extension modules.
    pub check_multi_interp_extensions: c_int,
    /// One of `PyInterpreterConfig_*_GIL`.
    pub gil: c_int,
}

/// An entry of the built-in module table (`PyImport_Inittab`); a table ends
/// with an entry whose `name` is NULL.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct _inittab {
    /// Module name.
    pub name: *const c_char,
    /// Module initialization function.
    pub initfunc: Option<unsafe extern "C" fn() -> *mut PyObject>,
}

/// The pre-initialization shared by the three `Py_PreInitialize*` exports.
fn preinit(
    src: *const PyPreConfig,
    args: impl FnOnce() -> Result<Option<PreArgsOwned>, Status>,
) -> PyStatus {
    const FUNC: &CStr = c"_Py_PreInitializeFromPyArgv";
    // SAFETY: the exports' callers guarantee `src` is NULL or a valid config.
    let Some(src) = (unsafe { src.as_ref() }) else {
        return Status::error(FUNC, c"preinitialization config is NULL").into();
    };
    let pre = PreConfig::from(*src);
    let result = match args() {
        Err(e) => Err(e),
        Ok(None) => runtime::preinitialize(&pre, PreArgs::None),
        Ok(Some(PreArgsOwned::Wide(w))) => runtime::preinitialize(&pre, PreArgs::Wide(&w)),
        Ok(Some(PreArgsOwned::Bytes(b))) => runtime::preinitialize(&pre, PreArgs::Bytes(&b)),
    };
    result.into()
}

enum PreArgsOwned {
    Wide(Vec<WideString>),
    Bytes(Vec<Vec<u8>>),
}

const ARGV_BAD: &CStr = c"invalid command line arguments (negative count or NULL item)";

/// Pre-initializes Python from `src_config`: decides the memory allocator,
/// the locale (C-locale coercion) and UTF-8 mode, reading the environment
/// unless the config says not to. Only the first call has an effect; later
/// calls return success without reading their argument.
///
/// Errors: NULL gives "preinitialization config is NULL"; invalid
/// `PYTHONUTF8`, `-X utf8` or `PYTHONMALLOC` values give CPython's messages.
///
/// # Safety
/// `src_config` is NULL or points to an initialized `PyPreConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_PreInitialize(src_config: *const PyPreConfig) -> PyStatus {
    guard(c"Py_PreInitialize", || preinit(src_config, || Ok(None)))
}

/// Like `Py_PreInitialize`, also scanning the byte-string command line for
/// `-E`, `-I` and `-X` options when `src_config->parse_argv` is set.
///
/// # Safety
/// `src_config` as for `Py_PreInitialize`; `argv` holds `argc` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_PreInitializeFromBytesArgs(
    src_config: *const PyPreConfig,
    argc: Py_ssize_t,
    argv: *mut *mut c_char,
) -> PyStatus {
    guard(c"Py_PreInitializeFromBytesArgs", || {
        preinit(src_config, || {
            // SAFETY: `argv` holds `argc` strings (caller contract).
            unsafe { read_bytes_array(argc, argv) }
                .map(|b| Some(PreArgsOwned::Bytes(b)))
                .ok_or(Status::error(c"_Py_PreInitializeFromPyArgv", ARGV_BAD))
        })
    })
}

/// Like `Py_PreInitialize`, also scanning the wide-string command line for
/// `-E`, `-I` and `-X` options when `src_config->parse_argv` is set.
///
/// # Safety
/// `src_config` as for `Py_PreInitialize`; `argv` holds `argc` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_PreInitializeFromArgs(
    src_config: *const PyPreConfig,
    argc: Py_ssize_t,
    argv: *mut *mut WChar,
) -> PyStatus {
    guard(c"Py_PreInitializeFromArgs", || {
        preinit(src_config, || {
            // SAFETY: `argv` holds `argc` strings (caller contract).
            unsafe { read_array(argc, argv) }
                .map(|w| Some(PreArgsOwned::Wide(w)))
                .map_err(|_| Status::error(c"_Py_PreInitializeFromPyArgv", ARGV_BAD))
        })
    })
}
