//! `Include/cpython/initconfig.h`, PEP 741 part: the opaque `PyInitConfig`
//! and its option-by-name functions.
//!
//! NULL handling (CPython crashes on these): a NULL `config` makes the
//! int-returning functions return -1 (`HasOption`, `GetError` and
//! `GetExitCode` return 0); a NULL option `name` is an unknown option.

use std::ffi::{CStr, c_char, c_int};
use std::ptr;

use crate::abi::initconfig::PyInitConfig;
use crate::abi::pylifecycle::_inittab;
use crate::abi::pyport::PyObject;
use crate::config::pep741::InitConfig;
use crate::ffi::guard;
use crate::sys::alloc::AllocWatch;

/// Runs `f` on the object behind `config`, or returns `null` for NULL.
fn with<R>(config: *mut PyInitConfig, null: R, f: impl FnOnce(&mut InitConfig) -> R) -> R {
    // SAFETY: the exports' callers pass NULL or a pointer from
    // PyInitConfig_Create, which is the address of a boxed `InitConfig`.
    match unsafe { config.cast::<InitConfig>().as_mut() } {
        Some(c) => f(c),
        None => null,
    }
}

/// [`with`] for the functions that return 0 or -1: when an allocation of
/// pyrt's heap failed during `f` (the emergency reserve of
/// [`crate::sys::alloc`] served it), the result is -1 with "memory
/// allocation failed" recorded. `f` must not hand out memory when it
/// returns 0 (the getters check for themselves).
fn with_int(config: *mut PyInitConfig, f: impl FnOnce(&mut InitConfig) -> c_int) -> c_int {
    with(config, -1, |c| {
        let watch = AllocWatch::start();
        let r = f(c);
        if r == 0 && watch.failed() {
            c.no_memory();
            return -1;
        }
        r
    })
}

/// The option name as UTF-8 text ("" for NULL or non-UTF-8, which no option has).
fn name_of<'a>(name: *const c_char) -> &'a str {
    if name.is_null() {
        return "";
    }
    // SAFETY: a non-NULL name is NUL-terminated (caller contract).
    unsafe { CStr::from_ptr(name) }.to_str().unwrap_or("")
}

/// Creates a configuration with the isolated defaults (both `PyPreConfig` and
/// `PyConfig`). Returns NULL when memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn PyInitConfig_Create() -> *mut PyInitConfig {
    guard(c"PyInitConfig_Create", || {
        let watch = AllocWatch::start();
        let config = Box::new(InitConfig::new());
        if watch.failed() {
            return ptr::null_mut();
        }
        Box::into_raw(config).cast::<PyInitConfig>()
    })
}

/// Releases a configuration; NULL does nothing.
///
/// # Safety
/// `config` is NULL or from `PyInitConfig_Create`, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_Free(config: *mut PyInitConfig) {
    guard(c"PyInitConfig_Free", || {
        if !config.is_null() {
            // SAFETY: the pointer came from Box::into_raw of an `InitConfig`
            // in PyInitConfig_Create.
            drop(unsafe { Box::from_raw(config.cast::<InitConfig>()) });
        }
    })
}

/// Returns 1 and stores the UTF-8 message of the recorded error in `*err_msg`
/// ("exit code N" for an exit request), or returns 0 and stores NULL. The
/// message belongs to `config` and stays valid until it is freed.
///
/// # Safety
/// `config` is NULL or valid; `err_msg` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_GetError(
    config: *mut PyInitConfig,
    err_msg: *mut *const c_char,
) -> c_int {
    guard(c"PyInitConfig_GetError", || {
        let msg = with(config, ptr::null(), |c| {
            c.get_error().map_or(ptr::null(), CStr::as_ptr)
        });
        if !err_msg.is_null() {
            // SAFETY: the caller passes a writable pointer.
            unsafe { *err_msg = msg };
        }
        (!msg.is_null()) as c_int
    })
}

/// Returns 1 and stores the exit code in `*exitcode` when initialization
/// asked to exit (e.g. `--help` in `argv`), else 0.
///
/// # Safety
/// `config` is NULL or valid; `exitcode` is writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_GetExitCode(
    config: *mut PyInitConfig,
    exitcode: *mut c_int,
) -> c_int {
    guard(c"PyInitConfig_GetExitCode", || {
        match with(config, None, |c| c.exit_code()) {
            Some(code) => {
                if !exitcode.is_null() {
                    // SAFETY: the caller passes a writable pointer.
                    unsafe { *exitcode = code };
                }
                1
            }
            None => 0,
        }
    })
}

/// Returns 1 if `name` is a `PyConfig` or `PyPreConfig` option, else 0.
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_HasOption(
    config: *mut PyInitConfig,
    name: *const c_char,
) -> c_int {
    let _ = config;
    guard(c"PyInitConfig_HasOption", || {
        crate::config::spec::find(name_of(name)).is_some() as c_int
    })
}

/// Stores an integer option (int, unsigned int, bool or unsigned long member)
/// in `*value`. Returns 0, or -1 with the error recorded in `config`.
///
/// # Safety
/// `config` is NULL or valid; `name` NUL-terminated; `value` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_GetInt(
    config: *mut PyInitConfig,
    name: *const c_char,
    value: *mut i64,
) -> c_int {
    guard(c"PyInitConfig_GetInt", || {
        with_int(config, |c| match c.get_int(name_of(name)) {
            Ok(v) => {
                if !value.is_null() {
                    // SAFETY: the caller passes a writable pointer.
                    unsafe { *value = v };
                }
                0
            }
            Err(_) => -1,
        })
    })
}

/// Stores a string option as a new UTF-8 string in `*value` (NULL when the
/// option is unset); release it with `free()`. Returns 0 or -1.
///
/// # Safety
/// `config` is NULL or valid; `name` NUL-terminated; `value` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_GetStr(
    config: *mut PyInitConfig,
    name: *const c_char,
    value: *mut *mut c_char,
) -> c_int {
    guard(c"PyInitConfig_GetStr", || {
        let watch = AllocWatch::start();
        with(config, -1, |c| match c.get_str(name_of(name)) {
            Ok(_) if watch.failed() => {
                c.no_memory();
                -1
            }
            Ok(s) => {
                let p = match s {
                    None => ptr::null_mut(),
                    Some(bytes) => {
                        let p = crate::marshal::wide::malloc_cstring(&bytes);
                        if p.is_null() {
                            c.no_memory();
                            return -1;
                        }
                        p
                    }
                };
                if !value.is_null() {
                    // SAFETY: the caller passes a writable pointer.
                    unsafe { *value = p };
                }
                0
            }
            Err(_) => -1,
        })
    })
}

/// Stores a string-list option as a new array of UTF-8 strings; release it
/// with `PyInitConfig_FreeStrList`. Returns 0 or -1.
///
/// # Safety
/// `config` is NULL or valid; `name` NUL-terminated; `length`, `items` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_GetStrList(
    config: *mut PyInitConfig,
    name: *const c_char,
    length: *mut usize,
    items: *mut *mut *mut c_char,
) -> c_int {
    guard(c"PyInitConfig_GetStrList", || {
        with(config, -1, |c| {
            let watch = AllocWatch::start();
            let Ok(list) = c.get_str_list(name_of(name)) else {
                return -1;
            };
            if watch.failed() {
                c.no_memory();
                return -1;
            }
            // SAFETY: malloc of a pointer array (at least one slot so the
            // result is never NULL on success).
            let array = unsafe { libc::malloc(list.len().max(1) * size_of::<*mut c_char>()) }
                .cast::<*mut c_char>();
            if array.is_null() {
                c.no_memory();
                return -1;
            }
            for (i, bytes) in list.iter().enumerate() {
                let s = crate::marshal::wide::malloc_cstring(bytes);
                if s.is_null() {
                    // SAFETY: the first `i` items and the array were malloc'ed here.
                    unsafe { PyInitConfig_FreeStrList(i, array) };
                    c.no_memory();
                    return -1;
                }
                // SAFETY: `i < list.len()` slots were allocated.
                unsafe { *array.add(i) = s };
            }
            if !length.is_null() && !items.is_null() {
                // SAFETY: the caller passes writable pointers.
                unsafe {
                    *length = list.len();
                    *items = array;
                }
            }
            0
        })
    })
}

/// Releases a list returned by `PyInitConfig_GetStrList`.
///
/// # Safety
/// `items` is NULL or an array of `length` strings from `PyInitConfig_GetStrList`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_FreeStrList(length: usize, items: *mut *mut c_char) {
    guard(c"PyInitConfig_FreeStrList", || {
        if items.is_null() {
            return;
        }
        for i in 0..length {
            // SAFETY: `items` holds `length` malloc'ed strings.
            unsafe { libc::free((*items.add(i)).cast()) };
        }
        // SAFETY: the array itself was malloc'ed.
        unsafe { libc::free(items.cast()) };
    })
}

/// Sets an integer option, checking the member's range (setting `hash_seed`
/// also sets `use_hash_seed` to 1). Returns 0, or -1 with the error recorded.
///
/// # Safety
/// `config` is NULL or valid; `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_SetInt(
    config: *mut PyInitConfig,
    name: *const c_char,
    value: i64,
) -> c_int {
    guard(c"PyInitConfig_SetInt", || {
        with_int(config, |c| match c.set_int(name_of(name), value) {
            Ok(()) => 0,
            Err(_) => -1,
        })
    })
}

/// Sets a string option from UTF-8 (copied; NULL only for optional strings).
/// Returns 0, or -1 with the error recorded.
///
/// # Safety
/// `config` is NULL or valid; `name` and `value` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_SetStr(
    config: *mut PyInitConfig,
    name: *const c_char,
    value: *const c_char,
) -> c_int {
    guard(c"PyInitConfig_SetStr", || {
        // SAFETY: a non-NULL value is NUL-terminated (caller contract).
        let bytes = (!value.is_null()).then(|| unsafe { CStr::from_ptr(value) }.to_bytes());
        with_int(config, |c| match c.set_str(name_of(name), bytes) {
            Ok(()) => 0,
            Err(_) => -1,
        })
    })
}

/// Sets a string-list option from `length` UTF-8 strings (copied; setting
/// `module_search_paths` also sets `module_search_paths_set`). Returns 0 or -1.
///
/// # Safety
/// `config` is NULL or valid; `name` NUL-terminated; `items` holds `length` strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_SetStrList(
    config: *mut PyInitConfig,
    name: *const c_char,
    length: usize,
    items: *const *mut c_char,
) -> c_int {
    guard(c"PyInitConfig_SetStrList", || {
        with_int(config, |c| {
            let mut list: Vec<&[u8]> = Vec::with_capacity(length);
            for i in 0..length {
                // SAFETY: `items` holds `length` pointers (caller contract).
                let p = unsafe { *items.add(i) };
                if p.is_null() {
                    c.set_status(crate::status::Status::Error {
                        func: None,
                        msg: c"config option string cannot be NULL",
                    });
                    return -1;
                }
                // SAFETY: non-NULL items are NUL-terminated.
                list.push(unsafe { CStr::from_ptr(p) }.to_bytes());
            }
            match c.set_str_list(name_of(name), &list) {
                Ok(()) => 0,
                Err(_) => -1,
            }
        })
    })
}

/// Adds a built-in extension module (`name` is kept by pointer, not copied,
/// and must stay valid), made available by `Py_InitializeFromInitConfig`.
/// Returns 0, or -1 when memory is exhausted.
///
/// # Safety
/// `config` is NULL or valid; `name` stays valid while the config is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInitConfig_AddModule(
    config: *mut PyInitConfig,
    name: *const c_char,
    initfunc: Option<unsafe extern "C" fn() -> *mut PyObject>,
) -> c_int {
    guard(c"PyInitConfig_AddModule", || {
        with_int(config, |c| {
            c.inittab.push(_inittab { name, initfunc });
            0
        })
    })
}

/// Initializes Python from `config`: adds its modules to the built-in table,
/// pre-initializes (with its `argv` when `parse_argv` is set), then
/// `Py_InitializeFromConfig`. Returns 0, or -1 with the error or exit request
/// recorded in `config` (`PyInitConfig_GetError`, `PyInitConfig_GetExitCode`).
///
/// # Safety
/// `config` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_InitializeFromInitConfig(config: *mut PyInitConfig) -> c_int {
    guard(c"Py_InitializeFromInitConfig", || {
        with(config, -1, |c| {
            let result = crate::runtime::configure::initialize_init_config(c);
            match result {
                Ok(()) => 0,
                Err(st) => {
                    c.set_status(st);
                    -1
                }
            }
        })
    })
}

/// Stores the value of an integer option of the running interpreter in
/// `*value` (pre-configuration options come from the runtime). Returns 0, or
/// -1 for an unknown or non-integer option or when no thread state is current
/// (CPython also sets an exception, which pyrt does not have).
///
/// # Safety
/// `name` is NUL-terminated; `value` writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_GetInt(name: *const c_char, value: *mut c_int) -> c_int {
    guard(c"PyConfig_GetInt", || {
        let t = crate::runtime::fatal::require_current(c"PyConfig_GetInt");
        // SAFETY: a current thread state is live.
        let Some((mut config, mut pre)) = crate::runtime::lifecycle::interp_config(
            unsafe { crate::runtime::state::tstate(t) }.interp,
        ) else {
            return -1;
        };
        let v = crate::config::spec::get_int(&mut config, &mut pre, name_of(name));
        match v {
            Some(v) => {
                if !value.is_null() {
                    // SAFETY: the caller passes a writable pointer.
                    unsafe { *value = v };
                }
                0
            }
            None => -1,
        }
    })
}
