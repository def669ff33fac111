//! `Include/cpython/pylifecycle.h` and `Include/cpython/import.h`: the
//! sub-interpreter configuration and the built-in module table entry.

use std::ffi::{CStr, c_char, c_int};

use crate::abi::initconfig::{PyPreConfig, PyStatus};
use crate::abi::pylifecycle::{PyInterpreterConfig, PyInterpreterConfig_SHARED_GIL};
use crate::abi::pyport::Py_ssize_t;
use crate::config::PreConfig;
use crate::config::preconfig::PreArgs;
use crate::ffi::guard;
use crate::marshal::config::read_bytes_array;
use crate::marshal::wide::read_array;
use crate::runtime;
use crate::status::Status;
use crate::wstr::{WChar, WideString};

/// The pre-initialization shared by the three `Py_PreInitialize*` exports.
fn preinit<'a>(
    src: *const PyPreConfig,
    args: impl FnOnce() -> Result<Option<PreArgsOwned<'a>>, Status>,
) -> PyStatus {
    const FUNC: &CStr = c"_Py_PreInitializeFromPyArgv";
    // SAFETY: the exports' callers guarantee `src` is NULL or a valid config.
    let Some(src) = (unsafe { src.as_ref() }) else {
        return Status::error(FUNC, c"preinitialization config is NULL").into();
    };
    let pre = PreConfig::from(*src);
    let watch = crate::sys::alloc::AllocWatch::start();
    let args = args().and_then(|a| Status::check_alloc(watch, c"_PyArgv_AsWstrList").map(|()| a));
    let result = match args {
        Err(e) => Err(e),
        Ok(None) => runtime::preinitialize(&pre, PreArgs::None),
        Ok(Some(PreArgsOwned::Wide(w))) => runtime::preinitialize(&pre, PreArgs::Wide(&w)),
        Ok(Some(PreArgsOwned::Bytes(b))) => runtime::preinitialize(&pre, PreArgs::Bytes(&b)),
    };
    result.into()
}

enum PreArgsOwned<'a> {
    Wide(Vec<WideString>),
    Bytes(Vec<&'a [u8]>),
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

/* --- Initialization and finalization ------------------------------------ */

use std::ffi::c_void;

use crate::abi::initconfig::PyConfig;
use crate::abi::pystate::PyInterpreterState;
use crate::runtime::fatal::require_current;
use crate::runtime::main::{self, MainArgs};
use crate::runtime::{configure, lifecycle};

/// Initializes Python from `config` (which is copied, not modified): implicit
/// pre-initialization, `PyConfig_Read`, the core phase, then the main phase
/// unless `config->_init_main` is 0. Returns an error or exit status (e.g.
/// `--help` in a parsed `argv` gives exit 0); never exits by itself. When the
/// runtime is already initialized, the configuration is applied again.
///
/// # Safety
/// `config` is NULL or an initialized config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_InitializeFromConfig(config: *const PyConfig) -> PyStatus {
    const FUNC: &CStr = c"Py_InitializeFromConfig";
    guard(FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_ref() }) else {
            return Status::error(FUNC, c"initialization config is NULL").into();
        };
        configure::initialize_from(cfg).into()
    })
}

/// Initializes Python with the compat configuration and the legacy global
/// flags; `initsigs` = 0 leaves signal handlers alone. Does nothing when
/// already initialized; on failure prints the error and exits the process
/// (as `Py_ExitStatusException`).
#[unsafe(no_mangle)]
pub extern "C" fn Py_InitializeEx(initsigs: c_int) {
    guard(c"Py_InitializeEx", || {
        if lifecycle::is_initialized() {
            return;
        }
        let mut model = crate::config::Config::compat();
        model.install_signal_handlers = initsigs;
        if let Err(e) = configure::initialize_model(model) {
            main::exit_status(e);
        }
    })
}

/// `Py_InitializeEx(1)`.
#[unsafe(no_mangle)]
pub extern "C" fn Py_Initialize() {
    Py_InitializeEx(1)
}

/// Returns 1 between the end of initialization and the start of finalization.
#[unsafe(no_mangle)]
pub extern "C" fn Py_IsInitialized() -> c_int {
    guard(c"Py_IsInitialized", || lifecycle::is_initialized() as c_int)
}

/// Returns 1 from the moment finalization starts tearing the runtime down
/// until the next initialization.
#[unsafe(no_mangle)]
pub extern "C" fn Py_IsFinalizing() -> c_int {
    guard(c"Py_IsFinalizing", || lifecycle::is_finalizing() as c_int)
}

/// Finalizes Python in CPython's order: pending calls, the interpreter's
/// `PyUnstable_AtExit` callbacks (newest first), the interpreter, then the
/// `Py_AtExit` callbacks (newest first) and a flush of C stdio. Returns 0;
/// does nothing (and returns 0) when not initialized.
#[unsafe(no_mangle)]
pub extern "C" fn Py_FinalizeEx() -> c_int {
    guard(c"Py_FinalizeEx", lifecycle::finalize)
}

/// `Py_FinalizeEx` without the result.
#[unsafe(no_mangle)]
pub extern "C" fn Py_Finalize() {
    guard(c"Py_Finalize", || {
        lifecycle::finalize();
    })
}

/// Registers `func` to run at the end of `Py_FinalizeEx` (newest first).
/// Returns 0, or -1 when the 32 slots are taken. Usable before initialization.
#[unsafe(no_mangle)]
pub extern "C" fn Py_AtExit(func: Option<unsafe extern "C" fn()>) -> c_int {
    guard(c"Py_AtExit", || match func {
        Some(f) => lifecycle::add_exit_func(f),
        None => -1,
    })
}

/// Registers `func(data)` to run when `interp` is finalized (newest first),
/// with its thread state current. Needs a current thread state (fatal error
/// otherwise). Returns 0, or -1 when `func` is NULL or `interp` is gone.
#[unsafe(no_mangle)]
pub extern "C" fn PyUnstable_AtExit(
    interp: *mut PyInterpreterState,
    func: Option<unsafe extern "C" fn(*mut c_void)>,
    data: *mut c_void,
) -> c_int {
    guard(c"PyUnstable_AtExit", || {
        require_current(c"PyUnstable_AtExit");
        match func {
            Some(f) => lifecycle::add_interp_atexit(interp, f, data),
            None => -1,
        }
    })
}

/// Returns the configuration of the current interpreter; a fatal error when
/// no thread state is current. The struct belongs to the interpreter.
#[unsafe(no_mangle)]
pub extern "C" fn _Py_GetConfig() -> *const PyConfig {
    guard(c"_Py_GetConfig", || {
        let t = require_current(c"_Py_GetConfig");
        // SAFETY: a current thread state is live.
        lifecycle::current_raw_config(unsafe { crate::runtime::state::tstate(t) }.interp)
    })
}

/// Stores the original command line of the last initialization (`orig_argv`)
/// in `*argc` / `*argv` (0 and NULL when there is none). The strings belong to
/// the runtime.
///
/// # Safety
/// `argc` and `argv` are writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_GetArgcArgv(argc: *mut c_int, argv: *mut *mut *mut WChar) {
    guard(c"Py_GetArgcArgv", || {
        let (n, p) = main::argc_argv();
        // SAFETY: the caller passes writable pointers.
        unsafe {
            if !argc.is_null() {
                *argc = n;
            }
            if !argv.is_null() {
                *argv = p;
            }
        }
    })
}

/// Exits the process for a failed status: an exit status exits with its code;
/// an error status prints "Fatal Python error: [FUNC: ]MSG" and the runtime
/// state to stderr and exits with 1. A success status is a fatal error.
#[unsafe(no_mangle)]
pub extern "C" fn Py_ExitStatusException(err: PyStatus) -> ! {
    crate::ffi::guard_noreturn(c"Py_ExitStatusException", || match err._type {
        crate::abi::initconfig::_PyStatus_TYPE_EXIT => {
            // SAFETY: exit has no preconditions.
            unsafe { libc::exit(err.exitcode) }
        }
        crate::abi::initconfig::_PyStatus_TYPE_ERROR => {
            let opt = |p: *const c_char| {
                // SAFETY: statuses carry NULL or NUL-terminated strings.
                (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
            };
            crate::runtime::fatal::exit_with_error(opt(err.func), opt(err.err_msg))
        }
        _ => crate::runtime::fatal::fatal_error(
            None,
            "Py_ExitStatusException() must not be called on success",
        ),
    })
}

/// Finalizes Python and exits with `status` (120 if finalization failed).
#[unsafe(no_mangle)]
pub extern "C" fn Py_Exit(status: c_int) -> ! {
    crate::ffi::guard_noreturn(c"Py_Exit", || {
        let code = if lifecycle::finalize() < 0 {
            120
        } else {
            status
        };
        // SAFETY: exit has no preconditions.
        unsafe { libc::exit(code) }
    })
}

/* --- The python3 front end ------------------------------------------------ */

/// Runs what the configuration asks for (`-c`, `-m`, a script or the REPL),
/// then finalizes. pyrt does not execute Python code: when something is to be
/// run it prints why it cannot to stderr and the exit code is 1. Returns the
/// exit code (120 if finalization failed).
#[unsafe(no_mangle)]
pub extern "C" fn Py_RunMain() -> c_int {
    guard(c"Py_RunMain", main::run_main)
}

/// The `python3` program on byte-string arguments: parses them as CPython's
/// command line, initializes, runs (see `Py_RunMain`), finalizes and returns
/// the exit code (2 for usage errors, 0 after `-h`/`-V`).
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_BytesMain(argc: c_int, argv: *mut *mut c_char) -> c_int {
    guard(c"Py_BytesMain", || {
        // SAFETY: `argv` holds `argc` NUL-terminated strings (this function's contract),
        // unchanged while `main` borrows them, as `read_bytes_array` requires.
        match unsafe { read_bytes_array(argc as isize, argv) } {
            Some(args) => main::main(MainArgs::Bytes(&args)),
            None => main::exit_status(Status::no_memory(c"_PyArgv_AsWstrList")),
        }
    })
}

/// `Py_BytesMain` on wide-string arguments.
///
/// # Safety
/// `argv` holds `argc` NUL-terminated wide strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_Main(argc: c_int, argv: *mut *mut WChar) -> c_int {
    guard(c"Py_Main", || {
        // SAFETY: `argv` holds `argc` NUL-terminated wide strings (this function's
        // contract), as `read_array` requires.
        match unsafe { read_array(argc as isize, argv) } {
            Ok(args) => main::main(MainArgs::Wide(args)),
            Err(_) => main::exit_status(Status::no_memory(c"_PyArgv_AsWstrList")),
        }
    })
}

/* --- Sub-interpreters ------------------------------------------------------ */

use crate::abi::pystate::PyThreadState;

fn settings_of(c: &PyInterpreterConfig) -> lifecycle::InterpSettings {
    lifecycle::InterpSettings {
        use_main_obmalloc: c.use_main_obmalloc,
        check_multi_interp_extensions: c.check_multi_interp_extensions,
        gil: c.gil,
    }
}

/// Creates a sub-interpreter as described by `config` and stores its new
/// thread state, which becomes current, in `*tstate_p`. On error stores NULL,
/// re-attaches the previous thread state and returns CPython's status
/// ("Py_Initialize must be called first", "invalid interpreter config 'gil'
/// value", ...).
///
/// # Safety
/// `tstate_p` is writable; `config` is NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_NewInterpreterFromConfig(
    tstate_p: *mut *mut PyThreadState,
    config: *const PyInterpreterConfig,
) -> PyStatus {
    const FUNC: &CStr = c"Py_NewInterpreterFromConfig";
    guard(FUNC, || {
        // SAFETY: `config` is NULL or points to a valid `PyInterpreterConfig` (this
        // function's contract).
        let Some(cfg) = (unsafe { config.as_ref() }) else {
            return Status::error(FUNC, c"interpreter config is NULL").into();
        };
        let previous = crate::runtime::thread::current();
        let result = lifecycle::new_interpreter(settings_of(cfg));
        let t = match result {
            Ok(t) => t,
            Err(e) => {
                if !previous.is_null() && crate::runtime::thread::current() != previous {
                    crate::runtime::thread::detach();
                    // SAFETY: `previous` was current before the call, and a failed
                    // creation deletes no thread state but its own.
                    unsafe { crate::runtime::thread::attach(previous) };
                }
                if !tstate_p.is_null() {
                    // SAFETY: `tstate_p` is writable (this function's contract) and was
                    // checked non-NULL.
                    unsafe { *tstate_p = std::ptr::null_mut() };
                }
                return e.into();
            }
        };
        if !tstate_p.is_null() {
            // SAFETY: `tstate_p` is writable (this function's contract) and was checked
            // non-NULL.
            unsafe { *tstate_p = t };
        }
        crate::ffi::initconfig::PyStatus_Ok()
    })
}

/// Creates a sub-interpreter with the legacy settings (shared GIL and
/// allocator) and returns its thread state, which becomes current. On failure
/// prints the error and exits the process with status 1.
#[unsafe(no_mangle)]
pub extern "C" fn Py_NewInterpreter() -> *mut PyThreadState {
    guard(c"Py_NewInterpreter", || {
        let legacy = lifecycle::InterpSettings {
            use_main_obmalloc: 1,
            check_multi_interp_extensions: 0,
            gil: PyInterpreterConfig_SHARED_GIL,
        };
        match lifecycle::new_interpreter(legacy) {
            Ok(t) => t,
            Err(e) => main::exit_status(e),
        }
    })
}

/// Ends the interpreter of `tstate`, which must be the current thread state
/// (fatal error otherwise): its exit callbacks run, then it is deleted with
/// its thread states. Afterwards no thread state is current.
///
/// # Safety
/// `tstate` is the current thread state of a sub-interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_EndInterpreter(tstate: *mut PyThreadState) {
    guard(c"Py_EndInterpreter", || {
        if tstate.is_null() || tstate != crate::runtime::thread::current() {
            crate::runtime::fatal::fatal_error(Some(c"Py_EndInterpreter"), "thread is not current");
        }
        if crate::runtime::checks::on() {
            // SAFETY: the current thread state, so live.
            unsafe { crate::runtime::checks::end_interpreter(tstate) };
        }
        lifecycle::end_interpreter(tstate);
    })
}

/* --- Version and build information ----------------------------------------- */

use std::ffi::c_ulong;

/// `PY_VERSION_HEX` of the Python version pyrt implements (3.14.10 final).
#[unsafe(no_mangle)]
pub static Py_Version: c_ulong = crate::version::PY_VERSION_HEX as c_ulong;

/// The version string: "3.14.10", then pyrt's build information in
/// parentheses and the compiler in brackets (CPython: its build and
/// compiler). A static string.
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetVersion() -> *const c_char {
    guard(c"Py_GetVersion", || crate::version::FULL_VERSION.as_ptr())
}

/// The platform, as `sys.platform` gives it: "linux". A static string.
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetPlatform() -> *const c_char {
    guard(c"Py_GetPlatform", || crate::version::PLATFORM.as_ptr())
}

/// pyrt's copyright notice. A static string.
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetCopyright() -> *const c_char {
    guard(c"Py_GetCopyright", || crate::version::COPYRIGHT.as_ptr())
}

/// The compiler that built pyrt, in brackets ("[rustc 1.95.0]"). A static string.
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetCompiler() -> *const c_char {
    guard(c"Py_GetCompiler", || crate::version::COMPILER.as_ptr())
}

/// What built this library: "pyrt" and its version (CPython: its source
/// revision and build date). A static string.
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetBuildInfo() -> *const c_char {
    guard(c"Py_GetBuildInfo", || crate::version::BUILD_INFO.as_ptr())
}

/// 1 when `fp` is a terminal; otherwise, when the running interpreter's
/// configuration is interactive (`-i`), 1 for a NULL `filename`, `<stdin>`
/// or `???`; else 0.
///
/// # Safety
/// `fp` is an open stream; `filename` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_FdIsInteractive(fp: *mut libc::FILE, filename: *const c_char) -> c_int {
    guard(c"Py_FdIsInteractive", || {
        // SAFETY: an open stream (the contract); isatty only asks the kernel.
        if !fp.is_null() && unsafe { libc::isatty(libc::fileno(fp)) } != 0 {
            return 1;
        }
        if !main::config_interactive() {
            return 0;
        }
        if filename.is_null() {
            return 1;
        }
        // SAFETY: NUL-terminated (the contract).
        let name = unsafe { CStr::from_ptr(filename) }.to_bytes();
        (name == b"<stdin>" || name == b"???") as c_int
    })
}

/// The entry of a program whose `__main__` module is frozen into it:
/// initializes from the Python configuration with `argv` (no command-line
/// parsing, no path warnings), then runs the frozen `__main__`. pyrt has no
/// frozen modules, so it ends, as CPython does for a program without a
/// frozen `__main__`, with the fatal error "the __main__ module is not frozen".
///
/// # Safety
/// `argv` holds `argc` NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_FrozenMain(argc: c_int, argv: *mut *mut c_char) -> c_int {
    guard(c"Py_FrozenMain", || {
        // SAFETY: `argv` holds `argc` NUL-terminated strings (the contract).
        match unsafe { read_bytes_array(argc as isize, argv) } {
            Some(args) => main::frozen_main(&args),
            None => main::exit_status(Status::no_memory(c"_PyArgv_AsWstrList")),
        }
    })
}
