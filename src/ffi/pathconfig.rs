//! `Include/cpython/pylifecycle.h` and `Include/pylifecycle.h`: the legacy
//! path API. The getters are deprecated since CPython 3.13 and the setters
//! are no longer declared by CPython's headers, but all are still exported
//! and used by existing embedders.

use crate::config::legacy_paths::LegacyPaths;
use crate::ffi::guard;
use crate::marshal::wide::read_opt_wstr;
use crate::runtime::{LEGACY_PATHS, pathconfig};
use crate::wstr::WChar;

/// The search path given to `Py_SetPath`, else the one the last
/// initialization computed (entries joined with `:`); NULL before either.
/// Deprecated since CPython 3.13 (read `PyConfig.module_search_paths`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetPath() -> *mut WChar {
    guard(c"Py_GetPath", || {
        pathconfig::legacy_getter(0, LegacyPaths::path)
    })
}

/// `sys.prefix` of the last initialization (`""` after `Py_SetPath`); NULL
/// before. Deprecated since CPython 3.13 (read `PyConfig.prefix`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetPrefix() -> *mut WChar {
    guard(c"Py_GetPrefix", || {
        pathconfig::legacy_getter(1, |g| g.prefix.as_ref())
    })
}

/// `sys.exec_prefix` of the last initialization (`""` after `Py_SetPath`);
/// NULL before. Deprecated since CPython 3.13 (read `PyConfig.exec_prefix`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetExecPrefix() -> *mut WChar {
    guard(c"Py_GetExecPrefix", || {
        pathconfig::legacy_getter(2, |g| g.exec_prefix.as_ref())
    })
}

/// `sys.executable` of the last initialization; NULL before. Deprecated
/// since CPython 3.13 (read `PyConfig.executable`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetProgramFullPath() -> *mut WChar {
    guard(c"Py_GetProgramFullPath", || {
        pathconfig::legacy_getter(3, |g| g.program_full_path.as_ref())
    })
}

/// The home given to `Py_SetPythonHome`, or the effective home of the last
/// initialization (e.g. `PYTHONHOME`); NULL when none. Deprecated since
/// CPython 3.13 (read `PyConfig.home`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetPythonHome() -> *mut WChar {
    guard(c"Py_GetPythonHome", || {
        pathconfig::legacy_getter(4, |g| g.home.as_ref())
    })
}

/// The name given to `Py_SetProgramName`, or the program name of the last
/// initialization; NULL when none. Deprecated since CPython 3.13 (read
/// `PyConfig.program_name`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetProgramName() -> *mut WChar {
    guard(c"Py_GetProgramName", || {
        pathconfig::legacy_getter(5, |g| g.program_name.as_ref())
    })
}

/// Fixes the module search path of later initializations to `path`
/// (`:`-separated, used as given) and sets the prefixes to `""`; NULL forgets
/// everything the legacy setters recorded. Deprecated since CPython 3.11 (set
/// `PyConfig.module_search_paths` instead).
///
/// # Safety
/// `path` is NULL or a NUL-terminated wide string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_SetPath(path: *const WChar) {
    guard(c"Py_SetPath", || {
        // SAFETY: `path` is NULL or a NUL-terminated wide string (this function's
        // contract), as `read_opt_wstr` requires.
        let path = unsafe { read_opt_wstr(path) };
        LEGACY_PATHS.lock().set_path(path.as_ref());
    })
}

/// Sets the program name later initializations use when
/// `PyConfig.program_name` is unset; NULL or `""` forgets it. Deprecated
/// since CPython 3.11 (set `PyConfig.program_name` instead).
///
/// # Safety
/// `name` is NULL or a NUL-terminated wide string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_SetProgramName(name: *const WChar) {
    guard(c"Py_SetProgramName", || {
        // SAFETY: `name` is NULL or a NUL-terminated wide string (this function's
        // contract), as `read_opt_wstr` requires.
        let name = unsafe { read_opt_wstr(name) };
        LEGACY_PATHS.lock().set_program_name(name.as_ref());
    })
}

/// Sets the home later initializations use when `PyConfig.home` is unset
/// (`prefix` or `prefix:exec_prefix`); NULL or `""` forgets it. Deprecated
/// since CPython 3.11 (set `PyConfig.home` instead).
///
/// # Safety
/// `home` is NULL or a NUL-terminated wide string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_SetPythonHome(home: *const WChar) {
    guard(c"Py_SetPythonHome", || {
        // SAFETY: `home` is NULL or a NUL-terminated wide string (this function's
        // contract), as `read_opt_wstr` requires.
        let home = unsafe { read_opt_wstr(home) };
        LEGACY_PATHS.lock().set_home(home.as_ref());
    })
}
