//! `Include/cpython/initconfig.h`: `PyStatus`, `PyWideStringList`,
//! `PyPreConfig`, `PyConfig` and the functions that build and fill them.

use std::ffi::{CStr, c_char, c_int};
use std::ptr;

use crate::abi::initconfig::{
    _PyStatus_TYPE_ERROR, _PyStatus_TYPE_EXIT, _PyStatus_TYPE_OK, PyConfig, PyPreConfig, PyStatus,
    PyWideStringList,
};
use crate::abi::pyport::Py_ssize_t;
use crate::config::{CONFIG_INIT_COMPAT, CONFIG_INIT_ISOLATED, CONFIG_INIT_PYTHON, PreConfig};
use crate::ffi::{guard, guard_status};
use crate::marshal;
use crate::marshal::config::{borrow_bytes_array, read_bytes_array};
use crate::marshal::wide::{self, Raw};
use crate::mem::NoMemory;
use crate::runtime::configure::{CONFIG_NULL, preinit_for, preinit_from, read_config};
use crate::runtime::{self, PreinitArgs};
use crate::status::{NO_MEMORY_MSG, Status};
use crate::wstr::WChar;

/// Returns a success status.
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_Ok() -> PyStatus {
    PyStatus::OK
}

/// Returns an error status carrying `err_msg` (stored as given, not copied;
/// `func` is NULL). The string must outlive every use of the status.
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_Error(err_msg: *const c_char) -> PyStatus {
    PyStatus {
        _type: _PyStatus_TYPE_ERROR,
        err_msg,
        ..PyStatus::OK
    }
}

/// Returns the out-of-memory error status ("memory allocation failed").
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_NoMemory() -> PyStatus {
    PyStatus_Error(NO_MEMORY_MSG.as_ptr())
}

/// Returns a status asking the caller to exit the process with `exitcode`.
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_Exit(exitcode: c_int) -> PyStatus {
    PyStatus {
        _type: _PyStatus_TYPE_EXIT,
        exitcode,
        ..PyStatus::OK
    }
}

/// Returns 1 if `err` is an error status, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_IsError(err: PyStatus) -> c_int {
    (err._type == _PyStatus_TYPE_ERROR) as c_int
}

/// Returns 1 if `err` is an exit status, else 0.
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_IsExit(err: PyStatus) -> c_int {
    (err._type == _PyStatus_TYPE_EXIT) as c_int
}

/// Returns 1 if `err` is an error or an exit status (it must be handled,
/// for example with `Py_ExitStatusException`), else 0.
#[unsafe(no_mangle)]
pub extern "C" fn PyStatus_Exception(err: PyStatus) -> c_int {
    (err._type != _PyStatus_TYPE_OK) as c_int
}

/// Error message for a NULL list argument (pyrt's answer where CPython crashes).
const LIST_NULL: &CStr = c"PyWideStringList is NULL";
/// Error message for a NULL item argument (pyrt's answer where CPython crashes).
const ITEM_NULL: &CStr = c"PyWideStringList item is NULL";
/// Inserts a copy of `item` at `index` (an index past the end appends).
/// Does not pre-initialize Python.
///
/// Errors: a negative `index` gives "PyWideStringList_Insert index must be >= 0";
/// out of memory gives `PyStatus_NoMemory()`'s message. A NULL `list` or `item`,
/// on which CPython crashes, gives an error status instead.
///
/// # Safety
/// `list` is NULL or a valid list; `item` is NULL or a NUL-terminated wide string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyWideStringList_Insert(
    list: *mut PyWideStringList,
    index: Py_ssize_t,
    item: *const WChar,
) -> PyStatus {
    const FUNC: &CStr = c"PyWideStringList_Insert";
    guard_status(FUNC, FUNC, || {
        // SAFETY: the caller guarantees `list` is NULL or valid.
        let Some(list) = (unsafe { list.as_mut() }) else {
            return Status::error(FUNC, LIST_NULL).into();
        };
        if index < 0 {
            return Status::error(FUNC, c"PyWideStringList_Insert index must be >= 0").into();
        }
        if item.is_null() {
            return Status::error(FUNC, ITEM_NULL).into();
        }
        // SAFETY: `item` is non-NULL and NUL-terminated (caller contract).
        let item = unsafe { wide::read_wstr(item) };
        // SAFETY: `list` is valid (caller contract).
        unsafe { wide::list_insert(list, index, &item) }.into()
    })
}

/// Appends a copy of `item`. Same errors as `PyWideStringList_Insert`.
///
/// # Safety
/// As for `PyWideStringList_Insert`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyWideStringList_Append(
    list: *mut PyWideStringList,
    item: *const WChar,
) -> PyStatus {
    const FUNC: &CStr = c"PyWideStringList_Append";
    guard(FUNC, || {
        // SAFETY: the caller guarantees `list` is NULL or valid.
        let Some(l) = (unsafe { list.as_ref() }) else {
            return Status::error(FUNC, LIST_NULL).into();
        };
        let end = l.length;
        // SAFETY: `list` is a valid list (checked non-NULL above) and `item` NULL or
        // NUL-terminated (this function's contract, the same as `PyWideStringList_Insert`'s).
        unsafe { PyWideStringList_Insert(list, end, item) }
    })
}

/// Writes `value` into `*config` if the pointer is non-NULL (NULL is ignored:
/// CPython would crash; pyrt does nothing).
fn write_to<T>(config: *mut T, value: T) {
    // SAFETY: callers pass a pointer the C caller promised is NULL or writable.
    if let Some(c) = unsafe { config.as_mut() } {
        // Plain store: initializers overwrite whatever was there without freeing it.
        // SAFETY: `c` is valid for writes; the old value may be garbage, so it
        // must not be dropped (the types written here have no destructor anyway).
        unsafe { ptr::write(c, value) };
    }
}

/// Fills `config` with the Python pre-configuration defaults (behave like the
/// `python3` program: parse the command line, read the environment, decide
/// UTF-8 mode and locale coercion from the locale). NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyPreConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyPreConfig_InitPythonConfig(config: *mut PyPreConfig) {
    guard(c"PyPreConfig_InitPythonConfig", || {
        write_to(config, PreConfig::python().into())
    })
}

/// Fills `config` with the isolated pre-configuration defaults (no command
/// line, no environment, locale left alone). NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyPreConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyPreConfig_InitIsolatedConfig(config: *mut PyPreConfig) {
    guard(c"PyPreConfig_InitIsolatedConfig", || {
        write_to(config, PreConfig::isolated().into())
    })
}

/// Fills `config` with the compat pre-configuration defaults used by
/// `Py_Initialize*` (values left at -1 come from the legacy global flags).
/// NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyPreConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _PyPreConfig_InitCompatConfig(config: *mut PyPreConfig) {
    guard(c"_PyPreConfig_InitCompatConfig", || {
        write_to(config, PreConfig::compat().into())
    })
}

fn init_config(func: &'static CStr, config: *mut PyConfig, config_init: c_int) {
    guard(func, || match marshal::config::template(config_init) {
        Ok(t) => write_to(config, t),
        // The defaults hold no strings, so this cannot allocate; keep the branch honest.
        Err(NoMemory) => crate::ffi::fatal_abort(func, "memory allocation failed"),
    })
}

/// Fills `config` with the Python configuration defaults (behave like the
/// `python3` program: parse `argv`, read the environment). The struct is
/// overwritten without freeing what it held. NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_InitPythonConfig(config: *mut PyConfig) {
    init_config(c"PyConfig_InitPythonConfig", config, CONFIG_INIT_PYTHON)
}

/// Fills `config` with the isolated configuration defaults (ignore the
/// environment, the command line and the user site directory). The struct is
/// overwritten without freeing what it held. NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_InitIsolatedConfig(config: *mut PyConfig) {
    init_config(c"PyConfig_InitIsolatedConfig", config, CONFIG_INIT_ISOLATED)
}

/// Fills `config` with the compat defaults used by `Py_Initialize*` (members
/// left at -1 are taken from the legacy global flags when read). NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _PyConfig_InitCompatConfig(config: *mut PyConfig) {
    init_config(c"_PyConfig_InitCompatConfig", config, CONFIG_INIT_COMPAT)
}

/// Releases every string and list held by `config` (with `PyMem_RawFree`),
/// leaving them NULL / empty and `module_search_paths_set` 0; other integer
/// members keep their values. Calling it
/// twice is harmless. NULL is ignored.
///
/// # Safety
/// `config` is NULL or a config filled by an initializer whose strings and
/// lists were set through the `PyConfig_Set*` functions (or allocated with
/// `PyMem_RawMalloc`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_Clear(config: *mut PyConfig) {
    guard(c"PyConfig_Clear", || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        if let Some(c) = unsafe { config.as_mut() } {
            // SAFETY: the members are owned raw blocks (caller contract).
            unsafe { c.clear() }
        }
    })
}

/// Sets `*config_str` to a copy of `str` (NULL clears it), freeing the old
/// value. Pre-initializes Python from `config` first if it was not yet.
///
/// Errors: pre-initialization errors; out of memory; NULL `config` or
/// `config_str` give an error status (CPython crashes).
///
/// # Safety
/// `config` is NULL or an initialized config; `config_str` is NULL or points to
/// one of its string members (or another raw-allocated string pointer);
/// `str` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_SetString(
    config: *mut PyConfig,
    config_str: *mut *mut WChar,
    str: *const WChar,
) -> PyStatus {
    const FUNC: &CStr = c"PyConfig_SetString";
    guard_status(FUNC, FUNC, || {
        if config_str.is_null() {
            return Status::error(FUNC, c"config string pointer is NULL").into();
        }
        // SAFETY: the caller guarantees `config` is NULL or valid.
        if let Err(e) = unsafe { preinit_from(FUNC, config) } {
            return e.into();
        }
        // SAFETY: `str` is NULL or NUL-terminated (caller contract).
        let value = unsafe { wide::read_opt_wstr(str) };
        // SAFETY: `config_str` points to a raw-allocated string slot (caller contract).
        unsafe { wide::replace_string(config_str, &value) }.into()
    })
}

/// Like `PyConfig_SetString`, but decodes the bytes string `str` with
/// `Py_DecodeLocale` first (after pre-initialization, so UTF-8 mode applies).
///
/// Errors: "cannot decode string" when decoding fails; otherwise as
/// `PyConfig_SetString`.
///
/// # Safety
/// As for `PyConfig_SetString`, with `str` a NUL-terminated byte string or NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_SetBytesString(
    config: *mut PyConfig,
    config_str: *mut *mut WChar,
    str: *const c_char,
) -> PyStatus {
    const FUNC: &CStr = c"PyConfig_SetBytesString";
    guard_status(FUNC, FUNC, || {
        if config_str.is_null() {
            return Status::error(FUNC, c"config string pointer is NULL").into();
        }
        // SAFETY: the caller guarantees `config` is NULL or valid.
        if let Err(e) = unsafe { preinit_from(FUNC, config) } {
            return e.into();
        }
        let value = if str.is_null() {
            None
        } else {
            // SAFETY: `str` is NUL-terminated (caller contract).
            let bytes = unsafe { CStr::from_ptr(str) }.to_bytes();
            match crate::locale::decode(bytes, runtime::utf8_mode()) {
                Ok(w) => Some(w),
                Err(crate::locale::DecodeError::Invalid) => {
                    return Status::error(c"PyConfig_SetBytesString", c"cannot decode string")
                        .into();
                }
                Err(crate::locale::DecodeError::NoMemory) => {
                    return Status::no_memory(c"PyConfig_SetBytesString").into();
                }
            }
        };
        // SAFETY: `config_str` points to a raw-allocated string slot (caller contract).
        unsafe { wide::replace_string(config_str, &value) }.into()
    })
}

/// Sets `config->argv` to a copy of the `argc` wide strings of `argv`
/// (replacing the old list). Pre-initializes Python first, parsing these
/// arguments when `config->parse_argv` is set.
///
/// Errors: pre-initialization errors; out of memory; NULL `config`, a negative
/// `argc`, or a NULL `argv`/item with `argc > 0` give an error status.
///
/// # Safety
/// `config` is NULL or an initialized config; `argv` holds `argc` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_SetArgv(
    config: *mut PyConfig,
    argc: Py_ssize_t,
    argv: *const *mut WChar,
) -> PyStatus {
    const FUNC: &CStr = c"PyConfig_SetArgv";
    guard_status(FUNC, FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, CONFIG_NULL).into();
        };
        // SAFETY: `argv` holds `argc` strings (caller contract).
        let args = match unsafe { wide::read_array(argc, argv) } {
            Ok(a) => a,
            Err(e) => return e.status(c"_PyArgv_AsWstrList").into(),
        };
        if let Err(e) = preinit_for(FUNC, cfg, PreinitArgs::Wide(&args)) {
            return e.into();
        }
        // SAFETY: `cfg.argv` is owned by the config.
        unsafe { wide::replace_list(c"_PyArgv_AsWstrList", &mut cfg.argv, &args) }.into()
    })
}

/// Sets `config->argv` from `argc` byte strings, decoding each with
/// `Py_DecodeLocale` after pre-initialization (which parses these arguments
/// when `config->parse_argv` is set, so `-X utf8` among them applies).
///
/// Errors: "cannot decode command line arguments"; otherwise as `PyConfig_SetArgv`.
///
/// # Safety
/// `config` is NULL or an initialized config; `argv` holds `argc` byte strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_SetBytesArgv(
    config: *mut PyConfig,
    argc: Py_ssize_t,
    argv: *const *mut c_char,
) -> PyStatus {
    const FUNC: &CStr = c"PyConfig_SetBytesArgv";
    guard_status(FUNC, FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, CONFIG_NULL).into();
        };
        // A typical command line is borrowed into a stack array.
        let mut small: [&[u8]; 16] = [&[]; 16];
        let big;
        let args: &[&[u8]] = if (0..=16).contains(&argc) {
            // SAFETY: `argv` holds `argc` byte strings (caller contract).
            match unsafe { borrow_bytes_array(argc, argv, &mut small) } {
                Some(n) => &small[..n],
                None => return Status::error(FUNC, wide::LIST_BAD).into(),
            }
        } else {
            // SAFETY: `argv` holds `argc` NUL-terminated byte strings when `argc > 0` (this
            // function's contract), as `read_bytes_array` requires.
            match unsafe { read_bytes_array(argc, argv) } {
                Some(a) => {
                    big = a;
                    &big
                }
                None if argc < 0 => return Status::no_memory(c"_PyArgv_AsWstrList").into(),
                None => return Status::error(FUNC, wide::LIST_BAD).into(),
            }
        };
        // Decoded straight into the new list (after pre-initialization, which
        // decides the UTF-8 mode).
        let utf8 = match runtime::utf8_mode_if_preinitialized() {
            Some(utf8) => utf8,
            None => {
                if let Err(e) = preinit_for(FUNC, cfg, PreinitArgs::Bytes(args)) {
                    return e.into();
                }
                runtime::utf8_mode()
            }
        };
        const ARGV_FUNC: &CStr = c"_PyArgv_AsWstrList";
        let raw = Raw::now();
        let new = raw.build_list(args.len(), Status::no_memory(ARGV_FUNC), |i| {
            let bytes = args[i];
            let p = if crate::locale::decodes_to_itself(bytes) {
                raw.widened(bytes)
            } else {
                let w = runtime::decode_arg(bytes, utf8)?;
                raw.units(w.units())
            };
            if p.is_null() {
                Err(Status::no_memory(ARGV_FUNC))
            } else {
                Ok(p)
            }
        });
        match new {
            Ok(new) => {
                // SAFETY: `cfg.argv` is owned by the config.
                unsafe {
                    raw.clear_list(&mut cfg.argv);
                    cfg.argv = new;
                }
                PyStatus::OK
            }
            Err(e) => e.into(),
        }
    })
}

/// Sets `*list` to copies of `length` strings of `items` (replacing the old
/// list). Pre-initializes Python from `config` first.
///
/// Errors: pre-initialization errors; out of memory; NULL `config` or `list`,
/// a negative `length`, or NULL items give an error status.
///
/// # Safety
/// `config` is NULL or an initialized config; `list` is NULL or one of its
/// list members; `items` holds `length` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_SetWideStringList(
    config: *mut PyConfig,
    list: *mut PyWideStringList,
    length: Py_ssize_t,
    items: *mut *mut WChar,
) -> PyStatus {
    const FUNC: &CStr = c"PyConfig_SetWideStringList";
    guard_status(FUNC, FUNC, || {
        if list.is_null() {
            return Status::error(FUNC, LIST_NULL).into();
        }
        // SAFETY: the caller guarantees `config` is NULL or valid.
        if let Err(e) = unsafe { preinit_from(FUNC, config) } {
            return e.into();
        }
        // SAFETY: `items` holds `length` strings (caller contract).
        let strings = match unsafe { wide::read_array(length, items) } {
            Ok(s) => s,
            Err(e) => return e.status(FUNC).into(),
        };
        // SAFETY: `list` is a list owned by the config (caller contract).
        unsafe { wide::replace_list(FUNC, list, &strings) }.into()
    })
}

/// Reads the configuration as `python3` would: legacy flags (compat flavour),
/// the command line in `argv` when `parse_argv` is set (once: `parse_argv`
/// becomes 2), environment variables unless `use_environment` is 0, `-X`
/// options, warning filters, encodings and defaults. Path members stay unset
/// until initialization. Pre-initializes Python first if needed.
///
/// Returns an exit status for `-h`/`--help*`/`-V` (0, after printing to
/// stdout) and for command-line errors (2, after printing the usage to
/// stderr); an error status with CPython's message for invalid values. On
/// failure the config is left as it was.
///
/// # Safety
/// `config` is NULL or an initialized config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_Read(config: *mut PyConfig) -> PyStatus {
    const FUNC: &CStr = c"PyConfig_Read";
    guard_status(FUNC, FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, CONFIG_NULL).into();
        };
        read_config(FUNC, cfg).into()
    })
}
