//! The `python3` program's entry (`Py_BytesMain`, `Py_Main`, `Py_RunMain`),
//! the exit that follows a failed status, and the command line kept for
//! `Py_GetArgcArgv`.

use std::ffi::c_int;

use crate::config::PreConfig;
use crate::config::preconfig::PreArgs;
use crate::runtime::{self, configure, lifecycle};
use crate::status::Status;
use crate::wstr::{WChar, WideString};

/// The command line `Py_BytesMain` and `Py_Main` were given.
pub enum MainArgs<'a> {
    /// Wide strings (`Py_Main`).
    Wide(Vec<WideString>),
    /// Byte strings (`Py_BytesMain`), decoded once pre-initialized.
    Bytes(&'a [&'a [u8]]),
}

/// The `orig_argv` of the last applied configuration, as C arrays.
struct ArgcArgv {
    argc: c_int,
    argv: Vec<*mut WChar>,
}

// SAFETY: the strings are owned by this value and only read by C.
unsafe impl Send for ArgcArgv {}

static ARGC_ARGV: crate::sys::mutex::Mutex<ArgcArgv> = crate::sys::mutex::Mutex::new(ArgcArgv {
    argc: 0,
    argv: Vec::new(),
});

/// Keeps a C copy of `orig_argv` for `Py_GetArgcArgv`.
pub fn store_argc_argv(orig: &[WideString]) {
    crate::mem::runtime_owned(|| store_argc_argv_owned(orig));
}

fn store_argc_argv_owned(orig: &[WideString]) {
    let mut slot = ARGC_ARGV.lock();
    for p in slot.argv.drain(..) {
        // SAFETY: allocated below with the raw allocator.
        unsafe { crate::marshal::wide::free_wstr(p) };
    }
    slot.argv = orig
        .iter()
        .map(|w| crate::marshal::wide::alloc_units(w.units()))
        .collect();
    slot.argc = orig.len() as c_int;
    if !slot.argv.is_empty() {
        slot.argv.push(std::ptr::null_mut());
    }
}

/// The stored command line as `Py_GetArgcArgv` hands it out: (0, NULL)
/// when there is none; the strings belong to the runtime.
pub fn argc_argv() -> (c_int, *mut *mut WChar) {
    let mut slot = ARGC_ARGV.lock();
    if slot.argc == 0 {
        (0, std::ptr::null_mut())
    } else {
        (slot.argc, slot.argv.as_mut_ptr())
    }
}

/// Ends the process for a failed status: an exit status exits with its
/// code, an error prints CPython's report and exits with 1.
pub fn exit_status(st: Status) -> ! {
    match st {
        Status::Exit(code) => {
            // SAFETY: exit has no preconditions.
            unsafe { libc::exit(code) }
        }
        Status::Error { func, msg } => crate::runtime::fatal::exit_with_error(func, Some(msg)),
    }
}

/// What pyrt prints when asked to run Python code, which it cannot do.
fn run_unsupported(what: &str) -> c_int {
    crate::runtime::host::write_stderr_line(&format!(
        "pyrt: cannot run {what}: pyrt implements CPython's embedding lifecycle, not the \
         Python interpreter (see docs/differences.md)"
    ));
    1
}

/// `Py_RunMain`: runs what the configuration asks for (`-c`, `-m`, a script
/// or the REPL), then finalizes. pyrt does not execute Python code: when
/// something is to be run it says why it cannot on stderr and the exit code
/// is 1. Returns the exit code (120 if finalization failed).
pub fn run_main() -> c_int {
    let config = {
        let t = crate::runtime::thread::current();
        if t.is_null() {
            None
        } else {
            // SAFETY: a current thread state is live.
            lifecycle::interp_config(unsafe { crate::runtime::state::tstate(t) }.interp)
                .map(|c| c.0)
        }
    };
    let mut code = 0;
    if let Some(c) = config {
        code = if c.run_command.is_some() {
            run_unsupported("the -c command")
        } else if let Some(m) = &c.run_module {
            run_unsupported(&format!("module {}", m.to_string_lossy()))
        } else if let Some(f) = &c.run_filename {
            run_unsupported(&format!("file {}", f.to_string_lossy()))
        } else {
            run_unsupported("the interactive interpreter")
        };
    }
    if lifecycle::finalize() < 0 {
        code = 120;
    }
    store_argc_argv(&[]);
    code
}

/// `Py_BytesMain`/`Py_Main`: pre-initializes from the command line, initializes
/// from it, then [`run_main`].
pub fn main(args: MainArgs<'_>) -> c_int {
    let pre = PreConfig::python();
    let pre_st = match &args {
        MainArgs::Wide(w) => runtime::preinitialize(&pre, PreArgs::Wide(w)),
        MainArgs::Bytes(b) => runtime::preinitialize(&pre, PreArgs::Bytes(b)),
    };
    let result = pre_st.and_then(|()| {
        let mut model = crate::config::Config::python();
        model.argv = match args {
            MainArgs::Wide(w) => w,
            MainArgs::Bytes(b) => runtime::decode_argv(b)?,
        };
        configure::initialize_model(model)
    });
    match result {
        Ok(()) => run_main(),
        Err(Status::Exit(code)) => {
            runtime::lock().needs_reset = true;
            code
        }
        Err(e) => exit_status(e),
    }
}

/// A flag of the current interpreter's configuration; false without a
/// thread state.
fn current_config_flag(flag: impl FnOnce(&crate::config::Config) -> i32) -> bool {
    let t = crate::runtime::thread::current();
    if t.is_null() {
        return false;
    }
    // SAFETY: a current thread state is live.
    let interp = unsafe { crate::runtime::state::tstate(t) }.interp;
    lifecycle::with_interp_config(interp, flag).is_some_and(|v| v != 0)
}

/// Whether the current interpreter's configuration is interactive (`-i`);
/// false without a thread state.
pub fn config_interactive() -> bool {
    current_config_flag(|c| c.interactive)
}

/// `Py_FrozenMain`: initializes as CPython's does (the Python
/// configuration with `argv`, no command-line parsing, no path warnings),
/// prints the version when verbose, then ends with CPython's fatal error for
/// a program without a frozen `__main__` (pyrt has no frozen modules).
pub fn frozen_main(args: &[&[u8]]) -> c_int {
    let result = (|| {
        let mut model = crate::config::Config::python();
        model.pathconfig_warnings = 0;
        model.parse_argv = 0;
        let fields = crate::runtime::ConfigPreinitFields {
            config_init: model._config_init,
            parse_argv: 0,
            isolated: model.isolated,
            use_environment: model.use_environment,
            dev_mode: model.dev_mode,
        };
        runtime::preinit_from_config(&fields, PreArgs::None)?;
        model.argv = runtime::decode_argv(args)?;
        configure::initialize_model(model)
    })();
    if let Err(e) = result {
        exit_status(e);
    }
    if current_config_flag(|c| c.verbose) {
        crate::runtime::host::write_stderr_line(&format!(
            "Python {}\n{}",
            crate::version::full_version(),
            crate::version::COPYRIGHT.to_string_lossy()
        ));
    }
    crate::runtime::fatal::fatal_error(Some(c"Py_FrozenMain"), "the __main__ module is not frozen")
}

/// Takes this module's lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&ARGC_ARGV);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&ARGC_ARGV) };
}
