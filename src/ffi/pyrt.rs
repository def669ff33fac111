//! pyrt's own additions to the C API (`PyRT_*`), declared in `include/pyrt.h`.

use std::ffi::{CStr, c_int};

use crate::abi::initconfig::{PyConfig, PyStatus};
use crate::ffi::guard;
use crate::marshal::wide::alloc_wstr;
use crate::runtime::configure::read_config_then;
use crate::runtime::inspect::Report;
use crate::runtime::syspath_cache::SysPathCache;
use crate::status::Status;
use crate::wstr::WChar;
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};

/// Computes the path configuration of `config` without initializing
/// anything: reads it (as `PyConfig_Read`), then fills `program_name`,
/// `home`, `executable`, `base_executable`, `prefix`, `base_prefix`,
/// `exec_prefix`, `base_exec_prefix`, `platlibdir`, `stdlib_dir` and
/// `module_search_paths` exactly as `Py_InitializeFromConfig` would, with the
/// same warnings on stderr (when `pathconfig_warnings` is set). Imports and
/// executes nothing; the legacy path getters are not changed. On failure the
/// config is left as it was and the status is the one initialization would
/// return.
///
/// # Safety
/// `config` is NULL or an initialized config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_ComputePathConfig(config: *mut PyConfig) -> PyStatus {
    const FUNC: &CStr = c"PyRT_ComputePathConfig";
    guard(FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, c"config is NULL").into();
        };
        read_config_then(FUNC, cfg, |model| {
            if model._install_importlib == 0 {
                return Ok(());
            }
            crate::runtime::pathconfig::compute(model, crate::runtime::utf8_mode())
        })
        .into()
    })
}

/// The entry the `python` program would insert at `sys.path[0]` before
/// running what `config` asks for (its `argv`, `safe_path` and
/// `run_filename`, after `PyConfig_Read`): a script's directory with
/// symbolic links resolved, `""` for `-c` and the interactive interpreter,
/// the working directory for `-m`, nothing when `safe_path` is set. Stores a
/// new string in `*path0` (free it with `PyMem_RawFree`) and returns 1, or
/// returns 0 with `*path0` set to NULL when nothing would be inserted; -1
/// when an argument is NULL or memory is exhausted.
///
/// # Safety
/// `config` is NULL or an initialized config; `path0` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_ComputeSysPath0(
    config: *const PyConfig,
    path0: *mut *mut WChar,
) -> c_int {
    guard(c"PyRT_ComputeSysPath0", || {
        // SAFETY: `config` is NULL or an initialized config (this function's contract),
        // so `as_ref` gives None or a valid reference.
        let (Some(cfg), false) = (unsafe { config.as_ref() }, path0.is_null()) else {
            return -1;
        };
        // SAFETY: `path0` is writable (checked non-NULL above).
        unsafe { *path0 = std::ptr::null_mut() };
        // SAFETY: an initialized config holds NULL or valid strings and lists.
        let Ok(model) = (unsafe { cfg.to_model() }) else {
            return -1;
        };
        let w = match crate::runtime::pathconfig::sys_path0(&model) {
            Ok(Some(w)) => w,
            Ok(None) => return 0,
            Err(_) => return -1,
        };
        match alloc_wstr(&w) {
            Ok(ptr) => {
                // SAFETY: `path0` is writable.
                unsafe { *path0 = ptr };
                1
            }
            Err(_) => -1,
        }
    })
}

/// `PyRT_ComputeSysPath`'s `layout`: the site-packages layout pyrt was
/// built with (`PYRT_SITE_LAYOUT`; Debian's, as the reference build, by
/// default).
pub const PYRT_SITE_LAYOUT_BUILD: c_int = 0;
/// `PyRT_ComputeSysPath`'s `layout`: Debian's python3.14
/// (`local/lib/python3.14/dist-packages`, `lib/python3/dist-packages`,
/// `lib/python3.14/dist-packages`).
pub const PYRT_SITE_LAYOUT_DEBIAN: c_int = 1;
/// `PyRT_ComputeSysPath`'s `layout`: upstream CPython
/// (`{platlibdir,lib}/python3.14/site-packages`).
pub const PYRT_SITE_LAYOUT_UPSTREAM: c_int = 2;

static_assertions::const_assert_eq!(PYRT_SITE_LAYOUT_DEBIAN, crate::getpath::site::LAYOUT_DEBIAN);
static_assertions::const_assert_eq!(
    PYRT_SITE_LAYOUT_UPSTREAM,
    crate::getpath::site::LAYOUT_UPSTREAM
);

/// Computes `sys.path` as a Python 3.14 program started with `config` sees
/// it once `site` has run, without initializing, importing or executing
/// anything: reads `config` and computes its paths (as
/// `PyRT_ComputePathConfig`), then applies `site`'s rules when
/// `site_import` is set (duplicates removed, the venv's `pyvenv.cfg`, the
/// user site, each prefix's site-packages directories in `layout`, their
/// `.pth` files; `import` lines of `.pth` files are not run), then, when
/// `main` is non-zero, inserts the entry `Py_RunMain` puts at `sys.path[0]`
/// for the configuration's `-c`, `-m`, script or `safe_path`. Replaces
/// `*sys_path` with the result (clear it with `PyWideStringList` rules: the
/// entries are `PyMem_RawMalloc` strings). getpath's and `site`'s warnings
/// are written to stderr, as starting would write them. Errors: NULL
/// arguments, an unknown `layout` ("invalid site layout"), what
/// `PyRT_ComputePathConfig` returns, and the status initialization returns
/// when the standard library cannot be imported from the computed search
/// path ("Failed to import encodings module", after CPython's "Python path
/// configuration:" report on stderr; "Failed to import the site module"
/// without frozen modules).
///
/// # Safety
/// `config` is NULL or an initialized config; `sys_path` is NULL or an
/// initialized list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_ComputeSysPath(
    config: *mut PyConfig,
    layout: c_int,
    main: c_int,
    sys_path: *mut crate::abi::initconfig::PyWideStringList,
) -> PyStatus {
    const FUNC: &CStr = c"PyRT_ComputeSysPath";
    guard(FUNC, || {
        // SAFETY: the caller's contract is this function's.
        unsafe { compute_sys_path(FUNC, None, config, layout, main, sys_path) }.into()
    })
}

/// pyrt addition: a kept answer of `PyRT_SysPathCache_Compute`, for a
/// program that asks for the same `sys.path` again and again (a language
/// server, on each keystroke). Created by `PyRT_SysPathCache_New`, freed by
/// `PyRT_SysPathCache_Free`. One thread at a time uses it: a call while
/// another thread's runs returns an error.
pub struct PyRT_SysPathCache {
    _private: [u8; 0],
}

/// What a `PyRT_SysPathCache` pointer points to.
struct CacheHandle {
    /// 0, or the process id of the call in progress: a value from another
    /// process is a call a parent was making when it forked (no thread of
    /// this process runs it).
    user: AtomicI32,
    hits: AtomicU64,
    cache: UnsafeCell<SysPathCache>,
}

impl CacheHandle {
    /// Runs `f` on the cache unless another thread of this process is
    /// using it.
    fn with<R>(&self, f: impl FnOnce(&mut SysPathCache) -> R) -> Option<R> {
        // SAFETY: no preconditions.
        let me = unsafe { libc::getpid() };
        let mut seen = 0;
        loop {
            match self
                .user
                .compare_exchange(seen, me, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(v) if v == me => return None,
                Err(v) => seen = v,
            }
        }
        // SAFETY: `user` holds this process's id from the exchange above
        // until the store below: only this call uses the cache (a call left
        // by a parent before `fork` runs in no thread of this process).
        let r = f(unsafe { &mut *self.cache.get() });
        self.user.store(0, Ordering::Release);
        Some(r)
    }
}

/// A new, empty `sys.path` cache (it holds one answer and an inotify
/// instance while it keeps one); NULL when memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn PyRT_SysPathCache_New() -> *mut PyRT_SysPathCache {
    guard(c"PyRT_SysPathCache_New", || {
        let watch = crate::sys::alloc::AllocWatch::start();
        let cache = Box::new(CacheHandle {
            user: AtomicI32::new(0),
            hits: AtomicU64::new(0),
            cache: UnsafeCell::new(SysPathCache::new()),
        });
        if watch.failed() {
            return std::ptr::null_mut();
        }
        Box::into_raw(cache).cast::<PyRT_SysPathCache>()
    })
}

/// Frees a cache from `PyRT_SysPathCache_New` (NULL: nothing).
///
/// # Safety
/// `cache` is NULL or from `PyRT_SysPathCache_New`, not freed yet and not
/// in use by another thread (nor later).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_SysPathCache_Free(cache: *mut PyRT_SysPathCache) {
    guard(c"PyRT_SysPathCache_Free", || {
        if !cache.is_null() {
            // SAFETY: the pointer came from Box::into_raw in
            // PyRT_SysPathCache_New (the caller's contract).
            drop(unsafe { Box::from_raw(cache.cast::<CacheHandle>()) });
        }
    })
}

/// `PyRT_ComputeSysPath` with a cache: the same result, status, stderr
/// output and filled `config`, given again without looking at the file
/// system while nothing it depends on has changed. Each call compares the
/// configuration as read, the environment, the process's ids and (when the
/// answer depends on it) the working directory, and asks inotify whether a
/// directory or file the answer depends on has changed (a name created,
/// deleted, renamed, written or its attributes changed); `sys.path[0]` is
/// computed on each call. An answer is not kept (each call computes) when
/// inotify refuses a watch, without `HOME`, or with `__PYVENV_LAUNCHER__`
/// set. inotify does not see mounts, changes of a directory's permissions,
/// nor changes another host makes on a network file system. Errors: a NULL
/// `cache` ("cache is NULL"), a call while another thread's runs ("cache in
/// use by another thread"), then those of `PyRT_ComputeSysPath`.
///
/// # Safety
/// `cache` is NULL or from `PyRT_SysPathCache_New`; `config` is NULL or an
/// initialized config; `sys_path` is NULL or an initialized list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_SysPathCache_Compute(
    cache: *mut PyRT_SysPathCache,
    config: *mut PyConfig,
    layout: c_int,
    main: c_int,
    sys_path: *mut crate::abi::initconfig::PyWideStringList,
) -> PyStatus {
    const FUNC: &CStr = c"PyRT_SysPathCache_Compute";
    guard(FUNC, || {
        // SAFETY: NULL or from PyRT_SysPathCache_New (the caller's contract).
        let Some(cache) = (unsafe { cache.cast::<CacheHandle>().as_ref() }) else {
            return Status::error(FUNC, c"cache is NULL").into();
        };
        // SAFETY: the caller's contract is this function's.
        unsafe { compute_sys_path(FUNC, Some(cache), config, layout, main, sys_path) }.into()
    })
}

/// How many answers `cache` gave again without computing them (0 for
/// NULL): for tests and for a tool's own statistics.
///
/// # Safety
/// `cache` is NULL or from `PyRT_SysPathCache_New`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_SysPathCache_Hits(cache: *const PyRT_SysPathCache) -> u64 {
    guard(c"PyRT_SysPathCache_Hits", || {
        // SAFETY: NULL or from PyRT_SysPathCache_New (the caller's contract).
        match unsafe { cache.cast::<CacheHandle>().as_ref() } {
            Some(c) => c.hits.load(Ordering::Relaxed),
            None => 0,
        }
    })
}

/// The body of `PyRT_ComputeSysPath` and `PyRT_SysPathCache_Compute`.
///
/// # Safety
/// As `PyRT_ComputeSysPath`.
unsafe fn compute_sys_path(
    func: &'static CStr,
    cache: Option<&CacheHandle>,
    config: *mut PyConfig,
    layout: c_int,
    main: c_int,
    sys_path: *mut crate::abi::initconfig::PyWideStringList,
) -> Result<(), Status> {
    // SAFETY: the caller guarantees `config` is NULL or valid.
    let Some(cfg) = (unsafe { config.as_mut() }) else {
        return Err(Status::error(func, c"config is NULL"));
    };
    if sys_path.is_null() {
        return Err(Status::error(func, c"sys_path is NULL"));
    }
    let layout = match layout {
        PYRT_SITE_LAYOUT_BUILD => crate::getpath::site::build_layout(),
        PYRT_SITE_LAYOUT_DEBIAN | PYRT_SITE_LAYOUT_UPSTREAM => layout,
        _ => return Err(Status::error(func, c"invalid site layout")),
    };
    let main = main != 0;
    let mut entries = Vec::new();
    read_config_then(func, cfg, |model| {
        let utf8 = crate::runtime::utf8_mode();
        let mut decode_all = |report: &Report| -> Result<(), Status> {
            for line in report.stderr.lines() {
                crate::runtime::host::write_stderr_line(line);
            }
            if let Some(failure) = report.failure {
                return Err(failure);
            }
            for (p, _) in &report.sys_path {
                let w = crate::locale::decode(p, utf8)
                    .map_err(|_| Status::error(func, c"cannot decode a path"))?;
                entries.push(w);
            }
            Ok(())
        };
        match cache {
            None => {
                let report =
                    crate::runtime::inspect::compute_paths(model, layout, main, true, false)?;
                decode_all(&report)?;
            }
            Some(handle) => {
                let (kept, decoded) = handle
                    .with(|cache| {
                        let (report, kept) = cache.compute(model, layout, main)?;
                        Ok::<_, Status>((kept, decode_all(report)))
                    })
                    .ok_or_else(|| Status::error(func, c"cache in use by another thread"))??;
                if kept {
                    handle.hits.fetch_add(1, Ordering::Relaxed);
                }
                decoded?;
            }
        }
        // Looked at afresh on each call (a script's directory, the working
        // directory).
        if main {
            if let Some(p0) = crate::runtime::inspect::main_entry(model)? {
                let w = crate::locale::decode(&p0, utf8)
                    .map_err(|_| Status::error(func, c"cannot decode a path"))?;
                entries.insert(0, w);
            }
        }
        Ok(())
    })?;
    // SAFETY: `sys_path` is an initialized list (the contract).
    unsafe { crate::marshal::wide::replace_list(func, sys_path, &entries) }
}

/// pyrt addition: turns pyrt's checks on (`enable` non-zero) or off and
/// returns the previous setting (1 or 0). With checks on, misuse of thread
/// states that CPython's release build turns into a hang, a crash or silent
/// corruption ends with a fatal error naming the function, the rule and the
/// states and threads involved (see `docs/debugging.md`); thread states are
/// then kept after deletion, so that a stale handle is recognized. Also set
/// by `PYRT_CHECKS=1` in the environment at pre-initialization.
#[unsafe(no_mangle)]
pub extern "C" fn PyRT_SetChecks(enable: c_int) -> c_int {
    guard(c"PyRT_SetChecks", || {
        crate::runtime::checks::set(enable != 0) as c_int
    })
}
