//! `Include/cpython/initconfig.h`: `PyStatus`, `PyWideStringList`,
//! `PyPreConfig`, `PyConfig` and the functions that build and fill them.

use std::ffi::{CStr, c_char, c_int, c_ulong};
use std::ptr;

use crate::config::{Config, PreConfig};
use crate::ffi::guard;
use crate::ffi::types::Py_ssize_t;
use crate::ffi::wide::{self, BadList, Raw};
use crate::mem::NoMemory;
use crate::runtime::{self, PreinitArgs};
use crate::status::{NO_MEMORY_MSG, PyResult, Status};
use crate::wstr::{Units, WChar, WideString};

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
    const OK: PyStatus = PyStatus {
        _type: _PyStatus_TYPE_OK,
        func: ptr::null(),
        err_msg: ptr::null(),
        exitcode: 0,
    };
}

impl From<Status> for PyStatus {
    fn from(s: Status) -> PyStatus {
        match s {
            Status::Error { func, msg } => PyStatus {
                _type: _PyStatus_TYPE_ERROR,
                func: func.map_or(ptr::null(), CStr::as_ptr),
                err_msg: msg.as_ptr(),
                exitcode: 0,
            },
            Status::Exit(code) => PyStatus {
                _type: _PyStatus_TYPE_EXIT,
                exitcode: code,
                ..PyStatus::OK
            },
        }
    }
}

impl From<PyResult<()>> for PyStatus {
    fn from(r: PyResult<()>) -> PyStatus {
        match r {
            Ok(()) => PyStatus::OK,
            Err(s) => s.into(),
        }
    }
}

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

/// Error message for a NULL list argument (pyrt's answer where CPython crashes).
const LIST_NULL: &CStr = c"PyWideStringList is NULL";
/// Error message for a NULL item argument (pyrt's answer where CPython crashes).
const ITEM_NULL: &CStr = c"PyWideStringList item is NULL";
/// Error message for an inconsistent list (pyrt's answer where CPython crashes).
const LIST_BAD: &CStr = c"PyWideStringList is inconsistent (negative length or NULL item)";

/// A negative count gets CPython's answer (its size computation fails with an
/// out-of-memory status); NULL items, on which CPython crashes, get `LIST_BAD`.
fn bad_list(func: &'static CStr, e: BadList) -> Status {
    match e {
        BadList::NegativeLength => Status::no_memory(func),
        BadList::NullItem => Status::error(func, LIST_BAD),
    }
}

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
    guard(FUNC, || {
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
        unsafe { list_insert(list, index, &item) }.into()
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
        // SAFETY: forwarded contract.
        unsafe { PyWideStringList_Insert(list, end, item) }
    })
}

/// Inserts into a C list in place, growing its array with the raw allocator.
///
/// # Safety
/// `list` is a consistent list whose array and items are raw blocks.
unsafe fn list_insert(
    list: &mut PyWideStringList,
    index: isize,
    item: &WideString,
) -> PyResult<()> {
    const FUNC: &CStr = c"PyWideStringList_Insert";
    if list.length < 0 || (list.length > 0 && list.items.is_null()) {
        return Err(Status::error(FUNC, LIST_BAD));
    }
    let len = list.length as usize;
    let index = (index as usize).min(len);
    let copy = wide::alloc_wstr(item).map_err(|NoMemory| Status::no_memory(FUNC))?;
    let bytes = (len + 1) * size_of::<*mut WChar>();
    // SAFETY: `items` is NULL or the list's raw array.
    let items = unsafe { crate::mem::raw_realloc(list.items.cast(), bytes) }.cast::<*mut WChar>();
    if items.is_null() {
        // SAFETY: `copy` was allocated above and is not shared.
        unsafe { wide::free_wstr(copy) };
        return Err(Status::no_memory(FUNC));
    }
    // SAFETY: the array now holds len + 1 slots; shift [index, len) up by one.
    unsafe {
        ptr::copy(items.add(index), items.add(index + 1), len - index);
        *items.add(index) = copy;
    }
    list.items = items;
    list.length += 1;
    Ok(())
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

impl From<PreConfig> for PyPreConfig {
    fn from(p: PreConfig) -> PyPreConfig {
        PyPreConfig {
            _config_init: p._config_init,
            parse_argv: p.parse_argv,
            isolated: p.isolated,
            use_environment: p.use_environment,
            configure_locale: p.configure_locale,
            coerce_c_locale: p.coerce_c_locale,
            coerce_c_locale_warn: p.coerce_c_locale_warn,
            utf8_mode: p.utf8_mode,
            dev_mode: p.dev_mode,
            allocator: p.allocator,
        }
    }
}

impl From<PyPreConfig> for PreConfig {
    fn from(p: PyPreConfig) -> PreConfig {
        PreConfig {
            _config_init: p._config_init,
            parse_argv: p.parse_argv,
            isolated: p.isolated,
            use_environment: p.use_environment,
            configure_locale: p.configure_locale,
            coerce_c_locale: p.coerce_c_locale,
            coerce_c_locale_warn: p.coerce_c_locale_warn,
            utf8_mode: p.utf8_mode,
            dev_mode: p.dev_mode,
            allocator: p.allocator,
        }
    }
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

macro_rules! impl_config_conversions {
    (int { $($i:ident),* } ulong { $($u:ident),* } wstr { $($s:ident),* } list { $($l:ident),* }) => {
        impl PyConfig {
            /// The struct an initializer writes for `model`, allocating its
            /// strings and lists. `Err(NoMemory)` when memory is exhausted (nothing leaks).
            pub fn from_model(model: &Config) -> Result<PyConfig, NoMemory> {
                let mut out = PyConfig {
                    $($i: model.$i,)*
                    $($u: model.$u as c_ulong,)*
                    $($s: ptr::null_mut(),)*
                    $($l: PyWideStringList::EMPTY,)*
                };
                let raw = Raw::now();
                let filled = (|| -> Result<(), NoMemory> {
                    $(out.$s = raw.opt_wstr(&model.$s)?;)*
                    $(out.$l = raw.list(&model.$l)?;)*
                    Ok(())
                })();
                match filled {
                    Ok(()) => Ok(out),
                    Err(NoMemory) => {
                        // SAFETY: `out` owns exactly what was allocated so far.
                        unsafe { out.clear() };
                        Err(NoMemory)
                    }
                }
            }

            /// Makes the struct hold `model`, keeping the blocks it already
            /// has where they are equal: a string member whose text did not
            /// change keeps its block, and a list equal to one of the
            /// struct's lists (its own, or another one it was copied from,
            /// as `orig_argv` from `argv`) takes over that list's array and
            /// items. Everything else is allocated anew and what is not kept
            /// is released. `Err(NoMemory)` leaves the struct as it was.
            ///
            /// # Safety
            /// Every string and list member is NULL or a raw block owned by
            /// the struct (as for [`PyConfig::clear`]), readable as for
            /// [`PyConfig::to_model`].
            pub unsafe fn assign_model(&mut self, model: &Config) -> Result<(), NoMemory> {
                // SAFETY: forwarded contract.
                unsafe { self.assign_model_traced(model, &ListOrigins::default()) }
            }

            /// [`PyConfig::assign_model`] for a model read from this struct by
            /// [`PyConfig::to_model_traced`]: a list still made of the
            /// strings read from one of the struct's lists is known equal to
            /// it without comparing units.
            ///
            /// # Safety
            /// As for [`PyConfig::assign_model`]; the struct's lists are the
            /// ones `origins` were read from, unchanged.
            pub unsafe fn assign_model_traced(
                &mut self,
                model: &Config,
                origins: &ListOrigins,
            ) -> Result<(), NoMemory> {
                let mut out = PyConfig {
                    $($i: model.$i,)*
                    $($u: model.$u as c_ulong,)*
                    $($s: ptr::null_mut(),)*
                    $($l: PyWideStringList::EMPTY,)*
                };
                let old: [PyWideStringList; LIST_MEMBERS] = [$(self.$l),*];
                let new: [&[WideString]; LIST_MEMBERS] = [$(&model.$l),*];
                // taken[j]: old list j was taken over; fresh[i]: new list i was allocated.
                let mut taken = [false; LIST_MEMBERS];
                let mut fresh = [false; LIST_MEMBERS];
                let mut lists = [PyWideStringList::EMPTY; LIST_MEMBERS];
                let raw = Raw::now();
                let filled = (|| -> Result<(), NoMemory> {
                    // SAFETY: the old strings are NULL or NUL-terminated (contract).
                    $(out.$s = unsafe { keep_or_alloc_wstr(raw, self.$s, &model.$s) }?;)*
                    for i in 0..LIST_MEMBERS {
                        // SAFETY: the old lists are readable (contract).
                        match unsafe { find_equal_list(&old, origins, &taken, i, new[i]) } {
                            Some(j) => {
                                taken[j] = true;
                                lists[i] = old[j];
                            }
                            None => {
                                lists[i] = raw.list(new[i])?;
                                fresh[i] = !new[i].is_empty();
                            }
                        }
                    }
                    Ok(())
                })();
                let [$($l),*] = lists;
                $(out.$l = $l;)*
                match filled {
                    Ok(()) => {
                        // SAFETY: the blocks not kept are owned by the struct
                        // and no longer referenced by `out`.
                        unsafe {
                            $(
                                if self.$s != out.$s {
                                    raw.free(self.$s);
                                }
                            )*
                            for (j, mut list) in old.into_iter().enumerate() {
                                if !taken[j] {
                                    raw.clear_list(&mut list);
                                }
                            }
                        }
                        *self = out;
                        Ok(())
                    }
                    Err(NoMemory) => {
                        // SAFETY: only the blocks allocated above are released.
                        unsafe {
                            $(
                                if self.$s != out.$s {
                                    raw.free(out.$s);
                                }
                            )*
                            for (i, mut list) in lists.into_iter().enumerate() {
                                if fresh[i] {
                                    raw.clear_list(&mut list);
                                }
                            }
                        }
                        Err(NoMemory)
                    }
                }
            }

            /// Reads the struct into the model.
            ///
            /// # Safety
            /// Every string member is NULL or NUL-terminated; every list is
            /// readable for its length.
            pub unsafe fn to_model(&self) -> Result<Config, BadList> {
                // SAFETY: forwarded contract.
                unsafe { self.to_model_traced() }.map(|(model, _)| model)
            }

            /// [`PyConfig::to_model`], and where each list's strings were
            /// read into (for [`PyConfig::assign_model_traced`]).
            ///
            /// # Safety
            /// As for [`PyConfig::to_model`].
            pub unsafe fn to_model_traced(&self) -> Result<(Config, ListOrigins), BadList> {
                let mut origins = ListOrigins::default();
                let mut slots = origins.0.iter_mut();
                let mut read = |list: &PyWideStringList| {
                    // SAFETY: forwarded contract.
                    let (strings, buf) = unsafe { wide::read_array_traced(list.length, list.items) }?;
                    if let Some(slot) = slots.next() {
                        *slot = buf;
                    }
                    Ok::<_, BadList>(strings)
                };
                let model = Config {
                    $($i: self.$i,)*
                    $($u: self.$u as u64,)*
                    // SAFETY: forwarded contract.
                    $($s: unsafe { wide::read_opt_wstr(self.$s) },)*
                    $($l: read(&self.$l)?,)*
                };
                Ok((model, origins))
            }

            /// Frees every string and list member, leaving NULL and `{0, NULL}`,
            /// and resets `module_search_paths_set` (the list it vouches for is
            /// gone); other integer members are left as they are.
            ///
            /// # Safety
            /// Every string and list member is NULL or a raw block owned by the struct.
            pub unsafe fn clear(&mut self) {
                let raw = Raw::now();
                $(
                    // SAFETY: forwarded contract.
                    unsafe { raw.free(self.$s) };
                    self.$s = ptr::null_mut();
                )*
                // SAFETY: forwarded contract.
                $(unsafe { raw.clear_list(&mut self.$l) };)*
                self.module_search_paths_set = 0;
            }
        }
    };
}
crate::config_fields!(impl_config_conversions);

/// Number of `PyWideStringList` members of `PyConfig`.
const LIST_MEMBERS: usize = 5;

/// The buffers the lists of a `PyConfig` were read into, in member order
/// (None for an empty list): see [`PyConfig::to_model_traced`].
#[derive(Default)]
pub struct ListOrigins([Option<Units>; LIST_MEMBERS]);

/// `old` itself when it holds exactly `new` (no allocation), else a new raw copy.
///
/// # Safety
/// `old` is NULL or a NUL-terminated string.
unsafe fn keep_or_alloc_wstr(
    raw: Raw,
    old: *mut WChar,
    new: &Option<WideString>,
) -> Result<*mut WChar, NoMemory> {
    match new {
        None => Ok(ptr::null_mut()),
        // SAFETY: forwarded contract.
        Some(n) if !old.is_null() && unsafe { wide::wstr_eq(old, n.units()) } => Ok(old),
        Some(n) => raw.wstr(n),
    }
}

/// The index of an old list, not yet taken, that holds exactly `new`: list
/// `i` itself first, then the others in member order. None for an empty `new`.
///
/// # Safety
/// Every list of `old` is readable for its length.
unsafe fn find_equal_list(
    old: &[PyWideStringList; LIST_MEMBERS],
    origins: &ListOrigins,
    taken: &[bool; LIST_MEMBERS],
    i: usize,
    new: &[WideString],
) -> Option<usize> {
    if new.is_empty() {
        return None;
    }
    // The list itself first, then the others in member order. Strings still
    // pointing where list `j` was read into are its items; otherwise the
    // units are compared.
    for k in 0..LIST_MEMBERS {
        // i, then 0..i, then i+1..
        let j = match k {
            0 => i,
            k if k <= i => k - 1,
            k => k,
        };
        if taken[j] || old[j].length != new.len() as isize {
            continue;
        }
        let same = match &origins.0[j] {
            Some(buf) if WideString::are_parts(new, buf) => true,
            // SAFETY: forwarded contract.
            _ => unsafe { wide::list_eq(&old[j], new) },
        };
        if same {
            return Some(j);
        }
    }
    None
}

/// The struct an initializer writes, made once per flavour.
struct Template(PyConfig);

// SAFETY: a template's pointers are all NULL (the defaults hold no strings
// or lists) and it is never written after it is made.
unsafe impl Sync for Template {}
// SAFETY: as above.
unsafe impl Send for Template {}

/// The templates of the compat, Python and isolated flavours.
static TEMPLATES: std::sync::OnceLock<[Template; 3]> = std::sync::OnceLock::new();

fn init_config(func: &'static CStr, config: *mut PyConfig, flavour: usize) {
    guard(func, || {
        let templates = TEMPLATES.get_or_init(|| {
            [Config::compat(), Config::python(), Config::isolated()].map(|model| {
                match PyConfig::from_model(&model) {
                    Ok(raw) => Template(raw),
                    // The defaults hold no strings, so this cannot allocate; keep the branch honest.
                    Err(NoMemory) => crate::ffi::fatal_abort(func, "memory allocation failed"),
                }
            })
        });
        let t = &templates[flavour].0;
        // SAFETY: the template owns nothing (all its pointers are NULL), so a
        // bitwise copy is an independent struct.
        write_to(config, unsafe { ptr::read(t) })
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
    init_config(c"PyConfig_InitPythonConfig", config, 1)
}

/// Fills `config` with the isolated configuration defaults (ignore the
/// environment, the command line and the user site directory). The struct is
/// overwritten without freeing what it held. NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyConfig_InitIsolatedConfig(config: *mut PyConfig) {
    init_config(c"PyConfig_InitIsolatedConfig", config, 2)
}

/// Fills `config` with the compat defaults used by `Py_Initialize*` (members
/// left at -1 are taken from the legacy global flags when read). NULL is ignored.
///
/// # Safety
/// `config` is NULL or points to writable memory for a `PyConfig`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _PyConfig_InitCompatConfig(config: *mut PyConfig) {
    init_config(c"_PyConfig_InitCompatConfig", config, 0)
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

/// Error message for a NULL config argument (pyrt's answer where CPython crashes).
const CONFIG_NULL: &CStr = c"config is NULL";

/// The pre-initialization a config setter performs first (CPython pre-initializes
/// from the config, with `args` as the command line when given).
fn preinit_for(func: &'static CStr, config: &PyConfig, args: PreinitArgs<'_>) -> PyResult<()> {
    let fields = runtime::ConfigPreinitFields {
        config_init: config._config_init,
        parse_argv: config.parse_argv,
        isolated: config.isolated,
        use_environment: config.use_environment,
        dev_mode: config.dev_mode,
    };
    let args = match args {
        PreinitArgs::None => {
            if runtime::is_preinitialized() {
                return Ok(());
            }
            if config.parse_argv == 0 {
                PreinitArgs::None
            } else {
                // SAFETY: the config's own argv list is consistent (initializer contract).
                let argv =
                    unsafe { wide::read_list(&config.argv) }.map_err(|e| bad_list(func, e))?;
                return runtime::preinit_from_config(&fields, PreinitArgs::Wide(&argv));
            }
        }
        other => other,
    };
    runtime::preinit_from_config(&fields, args)
}

/// Pre-initializes from `config` like CPython's setters. A NULL `config` is
/// only an error while pre-initialization is still to be done (CPython reads
/// the config then, and never afterwards).
///
/// # Safety
/// `config` is NULL or an initialized config.
unsafe fn preinit_from(func: &'static CStr, config: *const PyConfig) -> PyResult<()> {
    // SAFETY: caller contract.
    match unsafe { config.as_ref() } {
        Some(cfg) => preinit_for(func, cfg, PreinitArgs::None),
        None if runtime::is_preinitialized() => Ok(()),
        None => Err(Status::error(func, CONFIG_NULL)),
    }
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
    guard(FUNC, || {
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
        unsafe { replace_string(config_str, &value) }.into()
    })
}

/// Replaces a string slot with a copy of `value`, freeing the old string.
///
/// # Safety
/// `slot` is valid and holds NULL or a raw-allocated string.
unsafe fn replace_string(slot: *mut *mut WChar, value: &Option<WideString>) -> PyResult<()> {
    let new =
        wide::alloc_opt_wstr(value).map_err(|NoMemory| Status::no_memory(c"PyConfig_SetString"))?;
    // SAFETY: caller contract; the old string is owned by the slot.
    unsafe {
        wide::free_wstr(*slot);
        *slot = new;
    }
    Ok(())
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
    guard(FUNC, || {
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
        unsafe { replace_string(config_str, &value) }.into()
    })
}

/// Replaces a list with copies of `length` strings, freeing the old list
/// only once the new one is built.
///
/// # Safety
/// `list` is valid and owns its raw-allocated contents.
unsafe fn replace_list(
    func: &'static CStr,
    list: *mut PyWideStringList,
    strings: &[WideString],
) -> PyResult<()> {
    let new = wide::alloc_list(strings).map_err(|NoMemory| Status::no_memory(func))?;
    // SAFETY: caller contract.
    unsafe {
        wide::clear_list(&mut *list);
        *list = new;
    }
    Ok(())
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
    guard(FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, CONFIG_NULL).into();
        };
        // SAFETY: `argv` holds `argc` strings (caller contract).
        let args = match unsafe { wide::read_array(argc, argv) } {
            Ok(a) => a,
            Err(e) => return bad_list(c"_PyArgv_AsWstrList", e).into(),
        };
        if let Err(e) = preinit_for(FUNC, cfg, PreinitArgs::Wide(&args)) {
            return e.into();
        }
        // SAFETY: `cfg.argv` is owned by the config.
        unsafe { replace_list(c"_PyArgv_AsWstrList", &mut cfg.argv, &args) }.into()
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
    guard(FUNC, || {
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
                None => return Status::error(FUNC, LIST_BAD).into(),
            }
        } else {
            // SAFETY: as above.
            match unsafe { read_bytes_array(argc, argv) } {
                Some(a) => {
                    big = a;
                    &big
                }
                None if argc < 0 => return Status::no_memory(c"_PyArgv_AsWstrList").into(),
                None => return Status::error(FUNC, LIST_BAD).into(),
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

/// Borrows `argc` (at most `out.len()`) NUL-terminated byte strings into
/// `out`, returning their count; None for a negative or too large count, a
/// NULL array or a NULL item.
///
/// # Safety
/// When `argc > 0`, `argv` is NULL or points to `argc` pointers, each NULL
/// or a NUL-terminated string that stays unchanged while `out` uses it.
unsafe fn borrow_bytes_array(
    argc: isize,
    argv: *const *mut c_char,
    out: &mut [&[u8]],
) -> Option<usize> {
    let n = usize::try_from(argc).ok().filter(|&n| n <= out.len())?;
    if n > 0 && argv.is_null() {
        return None;
    }
    for (i, slot) in out[..n].iter_mut().enumerate() {
        // SAFETY: `i < argc` (caller contract).
        let p = unsafe { *argv.add(i) };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-NULL items are NUL-terminated (caller contract).
        *slot = unsafe { CStr::from_ptr(p) }.to_bytes();
    }
    Some(n)
}

/// Borrows `argc` NUL-terminated byte strings; None for a negative count or a NULL item.
///
/// # Safety
/// As for [`borrow_bytes_array`].
pub unsafe fn read_bytes_array<'a>(argc: isize, argv: *const *mut c_char) -> Option<Vec<&'a [u8]>> {
    let mut out = vec![&[][..]; usize::try_from(argc).ok()?];
    // SAFETY: forwarded contract; `out` has room for all `argc` strings.
    unsafe { borrow_bytes_array(argc, argv, &mut out) }?;
    Some(out)
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
    guard(FUNC, || {
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
            Err(e) => return bad_list(FUNC, e).into(),
        };
        // SAFETY: `list` is a list owned by the config (caller contract).
        unsafe { replace_list(FUNC, list, &strings) }.into()
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
    guard(FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, CONFIG_NULL).into();
        };
        read_config(FUNC, cfg).into()
    })
}

/// The implicit pre-initialization of `Py_InitializeFromConfig`.
pub fn preinit_for_config(func: &'static CStr, cfg: &PyConfig) -> PyResult<()> {
    preinit_for(func, cfg, PreinitArgs::None)
}

/// Pre-initializes from `cfg`, reads it through the model and writes the result back.
fn read_config(func: &'static CStr, cfg: &mut PyConfig) -> PyResult<()> {
    read_config_then(func, cfg, |_| Ok(()))
}

/// [`read_config`], then `more` on the read model before it is written back
/// (the config is unchanged when either fails).
pub fn read_config_then(
    func: &'static CStr,
    cfg: &mut PyConfig,
    more: impl FnOnce(&mut crate::config::Config) -> PyResult<()>,
) -> PyResult<()> {
    preinit_for(func, cfg, PreinitArgs::None)?;
    // SAFETY: an initialized config holds NULL or valid strings and lists.
    let (mut model, origins) = unsafe { cfg.to_model_traced() }.map_err(|e| bad_list(func, e))?;
    runtime::read_config(&mut model)?;
    more(&mut model)?;
    // SAFETY: the members are owned by the config (initializer contract);
    // its lists are the ones just read.
    unsafe { cfg.assign_model_traced(&model, &origins) }.map_err(|NoMemory| Status::no_memory(func))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<WideString> {
        items.iter().map(|&s| s.into()).collect()
    }

    #[test]
    fn traced_assign_takes_over_the_lists_read() {
        let mut model = Config::python();
        model.argv = list(&["py", "", "x"]);
        // A list of the same length: taking it over for orig_argv would be wrong.
        model.xoptions = list(&["a", "b", "c"]);
        let mut raw = PyConfig::from_model(&model).unwrap();
        let (argv_items, xoptions_items) = (raw.argv.items, raw.xoptions.items);
        // SAFETY: `raw` owns what from_model allocated.
        let (mut read, origins) = unsafe { raw.to_model_traced() }.unwrap();
        // Each origin is the buffer of the list in the same member position.
        let lists = [
            &read.orig_argv,
            &read.argv,
            &read.xoptions,
            &read.warnoptions,
            &read.module_search_paths,
        ];
        for (list, origin) in lists.into_iter().zip(&origins.0) {
            match origin {
                Some(buf) => assert!(WideString::are_parts(list, buf)),
                None => assert!(list.is_empty()),
            }
        }
        // As PyConfig_Read does: orig_argv from argv, argv cut down.
        read.orig_argv = read.argv.clone();
        read.argv = vec![read.argv[2].clone()];
        // SAFETY: as above; `raw`'s lists are the ones just read.
        unsafe { raw.assign_model_traced(&read, &origins) }.unwrap();
        assert_eq!(raw.orig_argv.items, argv_items);
        assert_eq!(raw.xoptions.items, xoptions_items);
        assert_ne!(raw.argv.items, argv_items);
        // SAFETY: as above.
        assert_eq!(unsafe { raw.to_model() }.unwrap(), read);
        // SAFETY: as above.
        unsafe { raw.clear() };
    }

    #[test]
    fn assign_model_keeps_equal_blocks() {
        let mut model = Config::python();
        model.argv = list(&["py", "-b", "x"]);
        model.program_name = Some("prog".into());
        model.home = Some("/old".into());
        let mut raw = PyConfig::from_model(&model).unwrap();
        let (argv_items, prog, home) = (raw.argv.items, raw.program_name, raw.home);

        let mut next = model.clone();
        next.orig_argv = model.argv.clone();
        next.argv = list(&["x"]);
        next.home = Some("/new".into());
        next.stdio_errors = Some(crate::wstr!("strict"));
        // SAFETY: `raw` owns what from_model allocated.
        unsafe { raw.assign_model(&next) }.unwrap();
        // The unchanged string and the list copied from argv keep their blocks.
        assert_eq!(raw.program_name, prog);
        assert_eq!(raw.orig_argv.items, argv_items);
        assert_ne!(raw.home, home);
        assert_ne!(raw.argv.items, argv_items);
        // SAFETY: as above.
        assert_eq!(unsafe { raw.to_model() }.unwrap(), next);

        // Reading the same values again allocates nothing new.
        let before = (
            raw.orig_argv.items,
            raw.argv.items,
            raw.home,
            raw.stdio_errors,
        );
        // SAFETY: as above.
        unsafe { raw.assign_model(&next) }.unwrap();
        let after = (
            raw.orig_argv.items,
            raw.argv.items,
            raw.home,
            raw.stdio_errors,
        );
        assert_eq!(before, after);

        // SAFETY: as above.
        unsafe { raw.assign_model(&Config::python()) }.unwrap();
        assert!(raw.argv.items.is_null() && raw.program_name.is_null());
        // SAFETY: as above.
        unsafe { raw.clear() };
    }
}
