//! Initialization and finalization of the runtime, exit callbacks and pending
//! calls, in CPython 3.14's order. Callbacks into C always run with the
//! runtime lock released.

use std::ffi::c_void;

use crate::abi::initconfig::PyConfig;
use crate::abi::pystate::PyInterpreterState;
use crate::config::{Config, PreConfig};
use crate::runtime::{
    self, AtexitFn, ExitFn, Interp, MAX_EXIT_FUNCS, MAX_PENDING_CALLS, PendingFn, Ptr, thread,
};
use crate::status::{PyResult, Status};
use crate::status_err;
use crate::sys::alloc::AllocWatch;
use crate::wstr;
use crate::wstr::{WChar, WideString};

/// The OS thread that initialized the runtime (runs pending calls).
static MAIN_THREAD: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Writes the configuration to the process: legacy flags, C stdio buffering,
/// the runtime pre-configuration's copies, and `orig_argv`.
fn apply_config(rt: &mut runtime::Runtime, c: &Config) {
    crate::runtime::legacy::write_config_globals(c);
    if c.configure_c_stdio != 0 {
        crate::runtime::host::configure_c_stdio(c.buffered_stdio == 0, c.interactive != 0);
    }
    rt.preconfig
        .overlay(-1, c.isolated, c.use_environment, c.dev_mode);
    crate::runtime::main::store_argc_argv(&c.orig_argv);
}

/// Python's codec name for the encodings CPython normalizes at initialization.
pub fn codec_name(name: &WideString) -> WideString {
    // The names looked up are short and ASCII: normalize into a stack buffer.
    let mut key = [0u8; 16];
    let units = name.units();
    let ascii = units.len() <= key.len() && units.iter().all(|&u| (1..0x80).contains(&u));
    if ascii {
        for (k, &u) in key.iter_mut().zip(units) {
            *k = match u as u8 {
                b'-' | b' ' | b'.' => b'_',
                b => b.to_ascii_lowercase(),
            };
        }
        match &key[..units.len()] {
            b"utf_8" | b"utf8" | b"u8" | b"utf" | b"cp65001" => return wstr!("utf-8"),
            b"ascii" | b"646" | b"ansi_x3_4_1968" | b"ansi_x3_4_1986" | b"us_ascii" | b"us"
            | b"iso646_us" | b"cp367" | b"csascii" | b"ibm367" | b"iso_ir_6" => {
                return wstr!("ascii");
            }
            b"latin1" | b"latin_1" | b"iso_8859_1" | b"iso8859_1" | b"l1" | b"8859" | b"cp819"
            | b"latin" | b"iso_ir_100" => return wstr!("iso8859-1"),
            _ => {}
        }
        if !units
            .iter()
            .any(|&u| (b'A' as WChar..=b'Z' as WChar).contains(&u))
        {
            return name.clone();
        }
    }
    // Other names (and longer or non-ASCII ones, none of which is looked up)
    // are lower-cased (ASCII letters only) after a lossy conversion.
    WideString::from(name.to_string_lossy().to_ascii_lowercase().as_str())
}

/// The core and main phases of `Py_InitializeFromConfig` for a config that
/// `PyConfig_Read` already completed.
pub fn initialize(config: Config) -> PyResult<()> {
    let watch = AllocWatch::start();
    let mut rt = runtime::lock();
    crate::sys::trace::event(
        "init",
        if rt.core_initialized {
            "core phase again"
        } else {
            "core phase"
        },
        &[],
    );
    if !rt.core_initialized {
        if rt.initialized {
            return status_err!(
                "pycore_init_runtime",
                "main interpreter already initialized"
            );
        }
        apply_config(&mut rt, &config);
        crate::runtime::pythread::init_thread();
        thread::set_finalizing(std::ptr::null_mut());
        rt.next_interp_id = 0;
        MAIN_THREAD.store(
            crate::sys::thread::os_thread(),
            std::sync::atomic::Ordering::Relaxed,
        );
        let interp = crate::runtime::interp::new_interp(&mut rt, config, thread::main_gil())?;
        thread::set_gilstate(std::ptr::null_mut());
        let tstate = crate::runtime::interp::new_tstate(&mut rt, interp, 1);
        let failed = match tstate {
            None => Some(Status::error(
                c"pycore_create_interpreter",
                c"can't make first thread",
            )),
            Some(_) => Status::check_alloc(watch, c"pycore_create_interpreter").err(),
        };
        if let Some(status) = failed {
            // SAFETY: made and listed just above; nothing else refers to it.
            unsafe { crate::runtime::interp::remove_interp(&mut rt, interp) };
            return Err(status);
        }
        let tstate = tstate.expect("checked above");
        rt.core_initialized = true;
        drop(rt);
        // SAFETY: the main thread state, just made.
        unsafe { thread::attach(tstate) };
    } else {
        let current = thread::current();
        if current.is_null() {
            return status_err!("pyinit_core_reconfigure", "failed to read thread state");
        }
        apply_config(&mut rt, &config);
        // SAFETY: a current thread state is live.
        let handle = unsafe { crate::runtime::state::tstate(current) }.interp;
        if let Some(interp) = rt.interp_mut(handle) {
            replace_config(interp, config)?;
        }
        drop(rt);
    }
    let init_main = runtime::lock().main().map_or(0, |m| m.config._init_main);
    if init_main != 0 {
        init_main_phase()?;
    }
    Ok(())
}

fn replace_config(interp: &mut Interp, config: Config) -> PyResult<()> {
    // SAFETY: `raw_config` was allocated by Box in `new_interp` and its
    // members by the C library (runtime-owned); `_Py_GetConfig` callers see
    // the struct updated in place, as with CPython's interpreter config.
    unsafe {
        let slot = &mut *interp.raw_config.0;
        crate::mem::runtime_owned(|| slot.assign_model(&config))
    }
    .map_err(|_| Status::no_memory(c"_PyInterpreterState_SetConfig"))?;
    interp.config = config;
    Ok(())
}

/// [`crate::runtime::inspect::import_failure`] for the configuration being
/// initialized (a path that cannot be encoded is not searched).
fn import_failure(
    config: &crate::config::Config,
    utf8: bool,
) -> Option<crate::runtime::inspect::ImportFailure> {
    let paths: Vec<Vec<u8>> = config
        .module_search_paths
        .iter()
        .filter_map(|p| crate::locale::encode(p.units(), utf8).ok())
        .collect();
    crate::getpath::fs::traced_as("import", || {
        crate::runtime::inspect::import_failure(config, &paths, &crate::getpath::RealFs)
    })
}

fn init_main_phase() -> PyResult<()> {
    let mut rt = runtime::lock();
    if !rt.core_initialized {
        return status_err!("pyinit_main", "runtime core not initialized");
    }
    if rt.initialized {
        return Ok(());
    }
    let utf8 = rt.preconfig.utf8_mode >= 1;
    let Some(main) = rt.interps.first_mut() else {
        return status_err!("pyinit_main", "runtime core not initialized");
    };
    crate::sys::trace::event("init", "main phase", &[]);
    if main.config._install_importlib == 0 {
        rt.initialized = true;
        return Ok(());
    }
    // Encodings are normalized to Python's codec names, as the codec registry
    // does, and boolean members become 0 or 1 (CPython stores the main
    // interpreter's config through a Python dict at this point).
    let watch = AllocWatch::start();
    let mut config = main.config.clone();
    crate::runtime::pathconfig::compute(&mut config, utf8)?;
    Status::check_alloc(watch, c"_PyConfig_InitPathConfig")?;
    if crate::sys::trace::enabled() {
        let w = |v: &Option<WideString>| {
            v.as_ref()
                .map_or(b"NULL".to_vec(), |w| w.to_string_lossy().into_bytes())
        };
        crate::sys::trace::emit(
            "getpath",
            "result",
            &[
                ("executable", &w(&config.executable)),
                ("prefix", &w(&config.prefix)),
                ("exec_prefix", &w(&config.exec_prefix)),
                ("base_prefix", &w(&config.base_prefix)),
                ("stdlib_dir", &w(&config.stdlib_dir)),
            ],
        );
    }
    crate::runtime::pathconfig::update_legacy(&config);
    // The standard library is imported next (`encodings`, then `site`):
    // where CPython would not find it, initialization fails as CPython's.
    crate::runtime::fatal::set_pending_exception(None);
    if let Some(failure) = import_failure(&config, utf8) {
        if !failure.initialized {
            let report = crate::runtime::inspect::path_config_report(&config);
            for line in report.lines() {
                crate::runtime::host::write_stderr_line(line);
            }
        }
        crate::runtime::fatal::set_pending_exception(Some(failure.exception));
        rt.initialized = failure.initialized;
        return Err(failure.status);
    }
    Status::check_alloc(watch, c"_PyConfig_InitPathConfig")?;
    for spec in crate::config::spec::CONFIG_SPECS {
        if spec.ty == crate::config::spec::MemberType::Bool {
            if let Some(crate::config::spec::MemberMut::Int(v)) = config.member_mut(spec.name) {
                *v = (*v != 0) as i32;
            }
        }
    }
    for field in [&mut config.filesystem_encoding, &mut config.stdio_encoding] {
        if let Some(name) = field {
            *field = Some(codec_name(name));
        }
    }
    let install_signal_handlers = config.install_signal_handlers != 0;
    let c_string = |w: &Option<WideString>| {
        w.as_ref()
            .and_then(|w| std::ffi::CString::new(w.to_string_lossy()).ok())
    };
    let fs_encoding = c_string(&config.filesystem_encoding);
    let fs_errors = c_string(&config.filesystem_errors);
    Status::check_alloc(watch, c"_PyConfig_InitPathConfig")?;
    replace_config(main, config)?;
    if install_signal_handlers {
        crate::runtime::host::install_signal_handlers();
    }
    crate::runtime::legacy::set_filesystem_encoding(fs_encoding, fs_errors);
    rt.initialized = true;
    crate::sys::trace::event("init", "initialized", &[]);
    let warn = rt.preconfig.coerce_c_locale_warn != 0;
    drop(rt);
    if warn && crate::runtime::host::lc_ctype_is_c() {
        crate::runtime::host::write_stderr_line(
            "Python runtime initialized with LC_CTYPE=C (a locale with default ASCII encoding), \
             which may cause Unicode compatibility problems. Using C.UTF-8, C.utf8, or UTF-8 (if \
             available) as alternative Unicode-compatible locales is recommended.",
        );
    }
    Ok(())
}

/// True between the main phase and finalization (`Py_IsInitialized`).
pub fn is_initialized() -> bool {
    runtime::lock().initialized
}

/// `Py_IsFinalizing`.
pub fn is_finalizing() -> bool {
    thread::finalizing() != 0
}

/// Runs every queued pending call (used by finalization); failures are ignored.
fn drain_pending() {
    loop {
        let next = runtime::lock().pending.pop_front();
        let Some((func, arg)) = next else {
            return;
        };
        // SAFETY: the embedder registered `func` for exactly this call.
        unsafe { func(arg.0) };
    }
}

/// `Py_FinalizeEx`: returns 0 (pyrt has no `sys.stdout` whose flush could fail).
pub fn finalize() -> i32 {
    let (main_tstate, main_handle) = {
        let rt = runtime::lock();
        if !rt.initialized {
            return 0;
        }
        let Some(main) = rt.main() else {
            return 0;
        };
        (main.threads[0], main.handle)
    };
    if crate::runtime::checks::on() {
        // SAFETY: the main interpreter's first thread state, listed, so live.
        unsafe { crate::runtime::checks::finalize(main_tstate.0) };
    }
    crate::runtime::checks::deleting("Py_FinalizeEx");
    if thread::current() != main_tstate.0 {
        thread::detach();
        // SAFETY: the main interpreter's first thread state, listed, so live.
        unsafe { thread::attach(main_tstate.0) };
    }
    crate::sys::trace::event("finalize", "pending calls", &[]);
    drain_pending();
    crate::sys::trace::event("finalize", "remaining sub-interpreters", &[]);
    end_remaining_subinterpreters(main_tstate.0);
    {
        let mut rt = runtime::lock();
        thread::set_finalizing(main_tstate.0);
        rt.initialized = false;
        rt.core_initialized = false;
    }
    crate::sys::trace::event("finalize", "signal handlers restored", &[]);
    crate::runtime::host::restore_signal_handlers();
    // The interpreter's PyUnstable_AtExit callbacks, newest first, with its
    // thread state still current.
    crate::sys::trace::event("finalize", "interpreter exit callbacks", &[]);
    run_interp_atexit(main_handle.0);
    let malloc_stats = runtime::lock()
        .main()
        .is_some_and(|m| m.config.malloc_stats != 0);
    if malloc_stats {
        if let Some(report) = crate::mem::stats_report() {
            crate::runtime::host::write_stderr_line(report.trim_end());
        }
    }
    thread::detach();
    // SAFETY: the main interpreter's handle, listed until this removal.
    unsafe { crate::runtime::interp::remove_interp(&mut runtime::lock(), main_handle.0) };
    crate::runtime::legacy::set_filesystem_encoding(None, None);
    crate::sys::trace::event("finalize", "Py_AtExit callbacks", &[]);
    loop {
        let next = runtime::lock().exit_funcs.pop();
        let Some(func) = next else {
            break;
        };
        // SAFETY: registered by the embedder with Py_AtExit.
        unsafe { func() };
    }
    // SAFETY: flushing every C stream has no preconditions.
    unsafe { libc::fflush(std::ptr::null_mut()) };
    runtime::lock().needs_reset = true;
    crate::sys::trace::event("finalize", "finalized", &[]);
    0
}

/// `Py_AtExit`: 0, or -1 when the 32 slots are taken.
pub fn add_exit_func(func: ExitFn) -> i32 {
    let mut rt = runtime::lock();
    if rt.exit_funcs.len() >= MAX_EXIT_FUNCS {
        return -1;
    }
    rt.exit_funcs.push(func);
    0
}

/// `PyUnstable_AtExit` for the interpreter behind `interp`: 0, or -1 if it is gone.
pub fn add_interp_atexit(
    interp: *mut PyInterpreterState,
    func: AtexitFn,
    data: *mut c_void,
) -> i32 {
    let mut rt = runtime::lock();
    match rt.interp_mut(interp) {
        Some(i) => {
            i.atexit.push((func, Ptr(data)));
            0
        }
        None => -1,
    }
}

/// `Py_AddPendingCall`: 0, or -1 when the 32 slots are taken.
pub fn add_pending_call(func: PendingFn, arg: *mut c_void) -> i32 {
    let mut rt = runtime::lock();
    if rt.pending.len() >= MAX_PENDING_CALLS {
        return -1;
    }
    rt.pending.push_back((func, Ptr(arg)));
    0
}

/// `Py_MakePendingCalls` for the caller, which has a current thread state.
pub fn make_pending_calls(interp: *mut PyInterpreterState) -> i32 {
    {
        let mut rt = runtime::lock();
        let on_main = rt.main().is_some_and(|m| m.handle.0 == interp)
            && MAIN_THREAD.load(std::sync::atomic::Ordering::Relaxed)
                == crate::sys::thread::os_thread();
        if !on_main || rt.pending_busy {
            return 0;
        }
        rt.pending_busy = true;
    }
    let mut result = 0;
    loop {
        let next = runtime::lock().pending.pop_front();
        let Some((func, arg)) = next else {
            break;
        };
        // SAFETY: the embedder registered `func` for exactly this call.
        if unsafe { func(arg.0) } != 0 {
            result = -1;
            break;
        }
    }
    runtime::lock().pending_busy = false;
    result
}

/// The current interpreter's configuration as C sees it (`_Py_GetConfig`).
pub fn current_raw_config(interp: *mut PyInterpreterState) -> *const PyConfig {
    let mut rt = runtime::lock();
    rt.interp_mut(interp)
        .map_or(std::ptr::null(), |i| i.raw_config.0.cast_const())
}

/// Reads one value of an interpreter's configuration under the runtime
/// lock, without copying the configuration.
pub fn with_interp_config<R>(
    interp: *mut PyInterpreterState,
    f: impl FnOnce(&Config) -> R,
) -> Option<R> {
    runtime::lock().interp_mut(interp).map(|i| f(&i.config))
}

/// The current interpreter's configuration (`PyConfig_GetInt`).
pub fn interp_config(interp: *mut PyInterpreterState) -> Option<(Config, PreConfig)> {
    let mut rt = runtime::lock();
    let pre = rt.preconfig;
    rt.interp_mut(interp).map(|i| (i.config.clone(), pre))
}

/// True on the OS thread that initialized the runtime.
pub fn on_main_thread() -> bool {
    MAIN_THREAD.load(std::sync::atomic::Ordering::Relaxed) == crate::sys::thread::os_thread()
}

/// `PyOS_BeforeFork`: holds every pyrt lock across `fork()`.
pub fn before_fork() {
    crate::runtime::fork::before();
}

/// `PyOS_AfterFork_Parent`.
pub fn after_fork_parent() {
    crate::runtime::fork::after();
}

/// `PyOS_AfterFork_Child`: the forking thread is the child's only thread.
pub fn after_fork_child() {
    crate::runtime::fork::after();
    MAIN_THREAD.store(
        crate::sys::thread::os_thread(),
        std::sync::atomic::Ordering::Relaxed,
    );
    let mut rt = runtime::lock();
    rt.pending.clear();
    rt.pending_busy = false;
    thread::main_gil_after_fork_child();
    for interp in &rt.interps {
        interp.gil.after_fork_child();
    }
}

/// Runs an interpreter's `PyUnstable_AtExit` callbacks, newest first, each
/// once, with the runtime lock released.
pub fn run_interp_atexit(interp: *mut PyInterpreterState) {
    loop {
        let next = runtime::lock()
            .interp_mut(interp)
            .and_then(|i| i.atexit.pop());
        let Some((func, data)) = next else {
            break;
        };
        // SAFETY: registered by the embedder for this call.
        unsafe { func(data.0) };
    }
}

/// The settings of `Py_NewInterpreterFromConfig` (`PyInterpreterConfig`).
#[derive(Clone, Copy, Debug)]
pub struct InterpSettings {
    /// `use_main_obmalloc`.
    pub use_main_obmalloc: i32,
    /// `check_multi_interp_extensions`.
    pub check_multi_interp_extensions: i32,
    /// `gil`: 0 default, 1 shared, 2 own.
    pub gil: i32,
}

/// Creates a sub-interpreter and makes its new thread state current (the
/// previous one is detached; on error it is attached again).
pub fn new_interpreter(
    settings: InterpSettings,
) -> PyResult<*mut crate::abi::pystate::PyThreadState> {
    let watch = AllocWatch::start();
    let previous = thread::current();
    let mut rt = runtime::lock();
    if !rt.initialized {
        return status_err!("new_interpreter", "Py_Initialize must be called first");
    }
    // CPython makes the interpreter (taking the next id) before it checks
    // the settings, so a refused configuration still uses up an id.
    let refused = (settings.use_main_obmalloc == 0 && settings.check_multi_interp_extensions == 0)
        || !(0..=2).contains(&settings.gil);
    if refused {
        rt.next_interp_id += 1;
    }
    if settings.use_main_obmalloc == 0 && settings.check_multi_interp_extensions == 0 {
        return status_err!(
            "init_interp_settings",
            "per-interpreter obmalloc does not support single-phase init extension modules"
        );
    }
    if !(0..=2).contains(&settings.gil) {
        return status_err!(
            "init_interp_settings",
            "invalid interpreter config 'gil' value"
        );
    }
    // The new interpreter's config is a copy of the current (or main) one.
    let source = if previous.is_null() {
        rt.main().map(|m| m.handle.0)
    } else {
        // SAFETY: a current thread state is live.
        Some(unsafe { crate::runtime::state::tstate(previous) }.interp)
    };
    let Some(source) = source else {
        return status_err!("new_interpreter", "Py_Initialize must be called first");
    };
    let (config, main_gil) = {
        let main_gil = rt.main().map(|m| m.gil.clone()).unwrap_or_default();
        let config = rt
            .interp_mut(source)
            .map(|i| i.config.clone())
            .unwrap_or_else(Config::compat);
        (config, main_gil)
    };
    let gil = if settings.gil == 2 {
        thread::own_gil()
    } else {
        main_gil
    };
    let interp = crate::runtime::interp::new_interp(&mut rt, config, gil)?;
    // Its own allocator state unless it shares the main one under the main
    // GIL (an own GIL with the main state would let two threads change it).
    if settings.use_main_obmalloc == 0 || settings.gil == 2 {
        // SAFETY: `interp` was made just above and is listed.
        unsafe { crate::runtime::interp::give_own_obmalloc(interp) };
    }
    crate::mem::set_gil_checks_disabled(true);
    let tstate = crate::runtime::interp::new_tstate(&mut rt, interp, 1);
    let Some(tstate) = tstate.filter(|_| !watch.failed()) else {
        // SAFETY: `interp` was made just above and is listed; a thread
        // state made for it goes with it.
        unsafe { crate::runtime::interp::remove_interp(&mut rt, interp) };
        return Err(Status::no_memory(c"new_interpreter"));
    };
    drop(rt);
    thread::detach();
    // SAFETY: the new interpreter's thread state, just made.
    unsafe { thread::attach(tstate) };
    Ok(tstate)
}

/// `Py_EndInterpreter` for the current thread state `t` (checked by the caller):
/// pending work, the interpreter's exit callbacks, then the interpreter; no
/// thread state is current afterwards.
pub(crate) fn end_interpreter(t: *mut crate::abi::pystate::PyThreadState) {
    crate::runtime::checks::deleting("Py_EndInterpreter");
    // SAFETY: the caller checked that `t` is the live current thread state.
    let interp = unsafe { crate::runtime::state::tstate(t) }.interp;
    run_interp_atexit(interp);
    crate::runtime::interp::end_gil(interp);
    thread::detach();
    // SAFETY: `t`'s interpreter is live (its thread state was).
    unsafe { crate::runtime::interp::remove_interp(&mut runtime::lock(), interp) };
}

/// Finalization step: warn about sub-interpreters still alive and end each
/// (newest first) from a fresh thread state, then re-attach `main_tstate`.
fn end_remaining_subinterpreters(main_tstate: *mut crate::abi::pystate::PyThreadState) {
    let remaining: Vec<*mut PyInterpreterState> = {
        let rt = runtime::lock();
        rt.interps
            .iter()
            .skip(1)
            .rev()
            .map(|i| i.handle.0)
            .collect()
    };
    if remaining.is_empty() {
        return;
    }
    crate::runtime::host::write_stderr_line(
        "<sys>:0: RuntimeWarning: remaining subinterpreters; close them with Interpreter.close()",
    );
    thread::detach();
    for interp in remaining {
        let t = crate::runtime::interp::new_tstate_unchecked(&mut runtime::lock(), interp, 1);
        if let Some(t) = t {
            // SAFETY: `t` was just made for this sub-interpreter.
            unsafe { thread::attach(t) };
            end_interpreter(t);
        }
    }
    // SAFETY: the main thread state stays live through finalization's steps.
    unsafe { thread::attach(main_tstate) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codec_names() {
        for (name, codec) in [
            ("UTF-8", "utf-8"),
            ("utf8", "utf-8"),
            ("ANSI_X3.4-1968", "ascii"),
            ("ISO-8859-1", "iso8859-1"),
            ("KOI8-R", "koi8-r"),
            ("cp1252", "cp1252"),
            ("A-VERY-LONG-CODESET-NAME", "a-very-long-codeset-name"),
            ("ÉUC-JP", "Éuc-jp"),
        ] {
            assert_eq!(codec_name(&name.into()), WideString::from(codec), "{name}");
        }
    }
}
