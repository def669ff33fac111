//! `Include/cpython/initconfig.h`: `PyStatus`, `PyWideStringList`,
//! `PyPreConfig` and `PyConfig`, with CPython 3.14's exact layouts
//! (asserted in [`super::layout`]).

use std::ffi::{c_char, c_int, c_ulong};
use std::ptr;

use super::pyport::{Py_ssize_t, WChar};

/* --- PyStatus ----------------------------------------------- */

/// `PyStatus._type` of a success.
pub const _PyStatus_TYPE_OK: c_int = 0;
/// `PyStatus._type` of an error (`err_msg` set).
pub const _PyStatus_TYPE_ERROR: c_int = 1;
/// `PyStatus._type` of an exit request (`exitcode` set).
pub const _PyStatus_TYPE_EXIT: c_int = 2;

/// The outcome of a configuration or initialization step: success, an error
/// with a message (and, for errors made inside the runtime, the name of the
/// CPython function that reports it), or a request to exit with a code.
/// `err_msg` and `func` point to static strings and are never freed.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyStatus {
    /// `_PyStatus_TYPE_OK`, `_PyStatus_TYPE_ERROR` or `_PyStatus_TYPE_EXIT`.
    pub _type: c_int,
    /// Name of the function that reported the error, or NULL.
    pub func: *const c_char,
    /// The error message, or NULL.
    pub err_msg: *const c_char,
    /// The exit code of an exit status.
    pub exitcode: c_int,
}

impl PyStatus {
    /// The success status.
    pub const OK: PyStatus = PyStatus {
        _type: _PyStatus_TYPE_OK,
        func: ptr::null(),
        err_msg: ptr::null(),
        exitcode: 0,
    };
}

/* --- PyWideStringList ------------------------------------------------ */

/// A list of wide strings. When `length` is non-zero, `items` is non-NULL and
/// holds `length` non-NULL strings. Items and the array are allocated with the
/// raw memory allocator (`PyMem_RawMalloc`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyWideStringList {
    /// Number of items.
    pub length: Py_ssize_t,
    /// The items.
    pub items: *mut *mut WChar,
}

impl PyWideStringList {
    /// The empty list `{0, NULL}`.
    pub const EMPTY: PyWideStringList = PyWideStringList {
        length: 0,
        items: ptr::null_mut(),
    };
}

/* --- PyPreConfig ----------------------------------------------- */

/// Pre-initialization configuration: what must be decided before any other
/// part of the runtime runs (memory allocator, locale, UTF-8 mode).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyPreConfig {
    /// Which initializer filled the struct (1 compat, 2 Python, 3 isolated).
    pub _config_init: c_int,
    /// Parse the command line passed to `Py_PreInitializeFrom*Args` (`-E`, `-I`, `-X`).
    pub parse_argv: c_int,
    /// Isolated mode (`-I`).
    pub isolated: c_int,
    /// Read `PYTHON*` environment variables (`-E` clears it).
    pub use_environment: c_int,
    /// Set `LC_CTYPE` from the environment.
    pub configure_locale: c_int,
    /// Coerce the C locale (PEP 538; `PYTHONCOERCECLOCALE`).
    pub coerce_c_locale: c_int,
    /// Warn when the C locale is coerced.
    pub coerce_c_locale_warn: c_int,
    /// UTF-8 mode (PEP 540; `-X utf8`, `PYTHONUTF8`).
    pub utf8_mode: c_int,
    /// Development mode (`-X dev`, `PYTHONDEVMODE`).
    pub dev_mode: c_int,
    /// Memory allocator (`PyMemAllocatorName`; `PYTHONMALLOC`).
    pub allocator: c_int,
}

/* --- PyConfig ---------------------------------------------- */

/// The whole configuration of the runtime. Fill it with one of the
/// initializers, set members (strings with `PyConfig_SetString` and friends),
/// pass it to `Py_InitializeFromConfig`, then release it with `PyConfig_Clear`.
/// Strings and lists are owned by the struct and allocated with the raw
/// allocator.
#[repr(C)]
#[derive(Debug)]
pub struct PyConfig {
    /// Which initializer filled the struct (1 compat, 2 Python, 3 isolated).
    pub _config_init: c_int,

    /// Isolated mode (`-I`).
    pub isolated: c_int,
    /// Read `PYTHON*` environment variables (`-E` clears it).
    pub use_environment: c_int,
    /// Development mode (`-X dev`, `PYTHONDEVMODE`).
    pub dev_mode: c_int,
    /// Install Python's signal handlers at initialization.
    pub install_signal_handlers: c_int,
    /// Use `hash_seed` instead of a random seed (`PYTHONHASHSEED`).
    pub use_hash_seed: c_int,
    /// The hash seed when `use_hash_seed` is set.
    pub hash_seed: c_ulong,
    /// `-X faulthandler`, `PYTHONFAULTHANDLER`.
    pub faulthandler: c_int,
    /// `-X tracemalloc`, `PYTHONTRACEMALLOC`.
    pub tracemalloc: c_int,
    /// `-X perf`, `PYTHONPERFSUPPORT`.
    pub perf_profiling: c_int,
    /// `-X disable_remote_debug`, `PYTHON_DISABLE_REMOTE_DEBUG`.
    pub remote_debug: c_int,
    /// `-X importtime`, `PYTHONPROFILEIMPORTTIME`.
    pub import_time: c_int,
    /// `-X no_debug_ranges`, `PYTHONNODEBUGRANGES`.
    pub code_debug_ranges: c_int,
    /// `-X showrefcount` (debug builds).
    pub show_ref_count: c_int,
    /// `PYTHONDUMPREFS` (debug builds).
    pub dump_refs: c_int,
    /// `PYTHONDUMPREFSFILE` (debug builds).
    pub dump_refs_file: *mut WChar,
    /// `PYTHONMALLOCSTATS`.
    pub malloc_stats: c_int,
    /// Filesystem encoding.
    pub filesystem_encoding: *mut WChar,
    /// Filesystem error handler.
    pub filesystem_errors: *mut WChar,
    /// `-X pycache_prefix`, `PYTHONPYCACHEPREFIX`.
    pub pycache_prefix: *mut WChar,
    /// Parse `argv` as a `python3` command line.
    pub parse_argv: c_int,
    /// The original command line.
    pub orig_argv: PyWideStringList,
    /// The command line (becomes `sys.argv`).
    pub argv: PyWideStringList,
    /// `-X` options.
    pub xoptions: PyWideStringList,
    /// `-W` options and `PYTHONWARNINGS`.
    pub warnoptions: PyWideStringList,
    /// Import `site` at startup (`-S` clears it).
    pub site_import: c_int,
    /// `-b`.
    pub bytes_warning: c_int,
    /// `-X warn_default_encoding`, `PYTHONWARNDEFAULTENCODING`.
    pub warn_default_encoding: c_int,
    /// `-i`, `PYTHONINSPECT`.
    pub inspect: c_int,
    /// `-i`.
    pub interactive: c_int,
    /// `-O`, `PYTHONOPTIMIZE`.
    pub optimization_level: c_int,
    /// `-d`, `PYTHONDEBUG`.
    pub parser_debug: c_int,
    /// `-B` and `PYTHONDONTWRITEBYTECODE` clear it.
    pub write_bytecode: c_int,
    /// `-v`, `PYTHONVERBOSE`.
    pub verbose: c_int,
    /// `-q`.
    pub quiet: c_int,
    /// `-s` and `PYTHONNOUSERSITE` clear it.
    pub user_site_directory: c_int,
    /// Configure the C standard streams at initialization.
    pub configure_c_stdio: c_int,
    /// `-u` and `PYTHONUNBUFFERED` clear it.
    pub buffered_stdio: c_int,
    /// `PYTHONIOENCODING` encoding part.
    pub stdio_encoding: *mut WChar,
    /// `PYTHONIOENCODING` errors part.
    pub stdio_errors: *mut WChar,
    /// `--check-hash-based-pycs`.
    pub check_hash_pycs_mode: *mut WChar,
    /// `-X frozen_modules`.
    pub use_frozen_modules: c_int,
    /// `-P`, `PYTHONSAFEPATH`.
    pub safe_path: c_int,
    /// `-X int_max_str_digits`, `PYTHONINTMAXSTRDIGITS`.
    pub int_max_str_digits: c_int,
    /// `-X thread_inherit_context`, `PYTHON_THREAD_INHERIT_CONTEXT`.
    pub thread_inherit_context: c_int,
    /// `-X context_aware_warnings`, `PYTHON_CONTEXT_AWARE_WARNINGS`.
    pub context_aware_warnings: c_int,
    /// `-X cpu_count`, `PYTHON_CPU_COUNT`.
    pub cpu_count: c_int,
    // skipped: enable_gil, tlbc_enabled (Py_GIL_DISABLED builds only)

    /* --- Path configuration inputs ------------ */
    /// Emit warnings when the path configuration is incomplete.
    pub pathconfig_warnings: c_int,
    /// Program name (`argv[0]` by default).
    pub program_name: *mut WChar,
    /// `PYTHONPATH`.
    pub pythonpath_env: *mut WChar,
    /// `PYTHONHOME`.
    pub home: *mut WChar,
    /// `PYTHONPLATLIBDIR`.
    pub platlibdir: *mut WChar,

    /* --- Path configuration outputs ----------- */
    /// Set when `module_search_paths` was given by the caller.
    pub module_search_paths_set: c_int,
    /// `sys.path`.
    pub module_search_paths: PyWideStringList,
    /// The standard library directory.
    pub stdlib_dir: *mut WChar,
    /// `sys.executable`.
    pub executable: *mut WChar,
    /// `sys._base_executable`.
    pub base_executable: *mut WChar,
    /// `sys.prefix`.
    pub prefix: *mut WChar,
    /// `sys.base_prefix`.
    pub base_prefix: *mut WChar,
    /// `sys.exec_prefix`.
    pub exec_prefix: *mut WChar,
    /// `sys.base_exec_prefix`.
    pub base_exec_prefix: *mut WChar,

    /* --- Parameter only used by Py_Main() ---------- */
    /// `-x`.
    pub skip_source_first_line: c_int,
    /// `-c`.
    pub run_command: *mut WChar,
    /// `-m`.
    pub run_module: *mut WChar,
    /// The script file name.
    pub run_filename: *mut WChar,

    /* --- Set by Py_Main() -------------------------- */
    /// `sys.path[0]` computed by `Py_RunMain`.
    pub sys_path_0: *mut WChar,

    /* --- Private fields ---------------------------- */
    /// Install the import machinery.
    pub _install_importlib: c_int,
    /// Run the main initialization phase (0: stop after the core phase).
    pub _init_main: c_int,
    /// Running from a build tree.
    pub _is_python_build: c_int,
    // skipped: _pystats (Py_STATS builds), run_presite (Py_DEBUG builds)
}

/// A configuration for `Py_InitializeFromInitConfig`, built option by option
/// (PEP 741). Created by `PyInitConfig_Create` with the isolated defaults;
/// released by `PyInitConfig_Free`. The first error is kept and reported by
/// `PyInitConfig_GetError` until the object is freed.
pub struct PyInitConfig {
    _private: [u8; 0],
}
