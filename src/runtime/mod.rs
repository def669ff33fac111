//! The process-wide runtime state (CPython's `_PyRuntime`): the effective
//! pre-configuration and where the lifecycle stands.
//!
//! One mutex guards it ([`crate::sys::mutex::Mutex`]: pyrt's futex lock, without atomic
//! instructions while the process has one thread). Nothing here calls back
//! into C while holding the lock.

use crate::sys::mutex::{Mutex, MutexGuard};

use crate::config::PreConfig;
use crate::config::preconfig::{self, PreArgs, PreHost};
use crate::locale::{self, DecodeError};
use crate::status::{PyResult, Status};
use crate::wstr::WideString;

pub mod checks;
pub mod configure;
pub mod fatal;
pub mod fork;
pub mod gilstate;
pub mod host;
pub mod inittab;
pub mod inspect;
pub mod interp;
pub mod legacy;
pub mod lifecycle;
pub mod main;
pub mod pathconfig;
pub mod perfmap;
pub mod pythread;
pub mod recursion;
pub mod state;
pub mod syspath_cache;
pub mod thread;

/// A handle or pointer the runtime keeps in its lists (see [`crate::sys::SendPtr`]).
pub use crate::sys::SendPtr as Ptr;

// SAFETY: interpreter and thread-state handles are only dereferenced under
// the rules written where they are used (the runtime lock, or on the thread
// that owns the state); the lists only store and compare the addresses.
unsafe impl Send for Ptr<crate::abi::pystate::PyInterpreterState> {}
// SAFETY: thread-state handles are only dereferenced under the rules written
// where they are used (the runtime lock, or on the owning thread); the lists only store
// and compare the addresses.
unsafe impl Send for Ptr<crate::abi::pystate::PyThreadState> {}
// SAFETY: an interpreter's config copy (`_Py_GetConfig`) is written only
// while it is made and freed only with its interpreter, under the lock.
unsafe impl Send for Ptr<crate::abi::initconfig::PyConfig> {}
// SAFETY: callback data is the embedder's opaque pointer: pyrt never
// dereferences it, only hands it back to the embedder's callback.
unsafe impl Send for Ptr<std::ffi::c_void> {}

/// A `Py_AtExit` callback.
pub type ExitFn = unsafe extern "C" fn();
/// A `PyUnstable_AtExit` callback and its data.
pub type AtexitFn = unsafe extern "C" fn(*mut std::ffi::c_void);
/// A `Py_AddPendingCall` callback.
pub type PendingFn = unsafe extern "C" fn(*mut std::ffi::c_void) -> std::ffi::c_int;

/// Most `Py_AtExit` callbacks (CPython's `NEXITFUNCS`).
pub const MAX_EXIT_FUNCS: usize = 32;
/// Capacity of the main thread's pending-call queue.
pub const MAX_PENDING_CALLS: usize = 32;

/// One interpreter's state.
#[derive(Debug)]
pub struct Interp {
    /// The handle C holds (`PyInterpreterState *`).
    pub handle: Ptr<crate::abi::pystate::PyInterpreterState>,
    /// Its id (main: 0).
    pub id: i64,
    /// The effective configuration.
    pub config: crate::config::Config,
    /// The same configuration as C sees it (`_Py_GetConfig`), stable while the interpreter lives.
    pub raw_config: Ptr<crate::abi::initconfig::PyConfig>,
    /// `PyUnstable_AtExit` callbacks, oldest first.
    pub atexit: Vec<(AtexitFn, Ptr<std::ffi::c_void>)>,
    /// Its thread states, oldest first.
    pub threads: Vec<Ptr<crate::abi::pystate::PyThreadState>>,
    /// The id the next thread state gets.
    pub next_thread_id: u64,
    /// Its GIL (legacy sub-interpreters share the main interpreter's).
    pub gil: std::sync::Arc<thread::Gil>,
}

/// The runtime-wide state.
#[derive(Debug)]
pub struct Runtime {
    /// The effective pre-configuration (Python flavour until pre-initialized).
    pub preconfig: PreConfig,
    /// Pre-initialization is running (stays set if it failed).
    pub preinitializing: bool,
    /// Pre-initialization completed.
    pub preinitialized: bool,
    /// The core phase of initialization completed.
    pub core_initialized: bool,
    /// The main phase completed (`Py_IsInitialized`).
    pub initialized: bool,
    /// Set by finalization: the next (pre-)initialization starts from a fresh state.
    pub needs_reset: bool,
    /// Live interpreters, oldest (main) first.
    pub interps: Vec<Interp>,
    /// The id the next interpreter gets.
    pub next_interp_id: i64,
    /// `Py_AtExit` callbacks, oldest first.
    pub exit_funcs: Vec<ExitFn>,
    /// The main thread's pending calls, oldest first.
    pub pending: std::collections::VecDeque<(PendingFn, Ptr<std::ffi::c_void>)>,
    /// A thread is running pending calls.
    pub pending_busy: bool,
    /// `PySys_AddWarnOption` calls made before initialization.
    pub queued_warnoptions: Vec<WideString>,
    /// `PySys_AddXOption` calls made before initialization.
    pub queued_xoptions: Vec<WideString>,
}

impl Runtime {
    const INIT: Runtime = Runtime {
        preconfig: PreConfig::python(),
        preinitializing: false,
        preinitialized: false,
        core_initialized: false,
        initialized: false,
        needs_reset: false,
        interps: Vec::new(),
        next_interp_id: 0,
        exit_funcs: Vec::new(),
        pending: std::collections::VecDeque::new(),
        pending_busy: false,
        queued_warnoptions: Vec::new(),
        queued_xoptions: Vec::new(),
    };

    /// Pre-initialization completed (and no finalization since).
    pub fn is_preinitialized(&self) -> bool {
        self.preinitialized && !self.needs_reset
    }

    /// Starts over after a finalization (CPython resets `_PyRuntime` at the
    /// next initialization); nothing happens otherwise.
    pub fn reset_if_finalized(&mut self) {
        if self.needs_reset {
            *self = Runtime::INIT;
            crate::mem::set_gil_checks_disabled(false);
        }
    }

    /// The main interpreter, if it exists.
    pub fn main(&self) -> Option<&Interp> {
        self.interps.first().filter(|i| i.id == 0)
    }

    /// The interpreter behind a handle.
    pub fn interp_mut(
        &mut self,
        h: *mut crate::abi::pystate::PyInterpreterState,
    ) -> Option<&mut Interp> {
        self.interps.iter_mut().find(|i| i.handle.0 == h)
    }
}

static RUNTIME: Mutex<Runtime> = Mutex::new(Runtime::INIT);

/// The legacy path configuration (`Py_SetPath`, `Py_GetPath`, ...). Its own
/// lock: the setters may run before, during or after the runtime's life.
pub static LEGACY_PATHS: Mutex<crate::config::legacy_paths::LegacyPaths> =
    Mutex::new(crate::config::legacy_paths::LegacyPaths::new());

/// Locks the runtime state unless another holder keeps it for long (fatal-error paths).
pub fn try_lock() -> Option<MutexGuard<'static, Runtime>> {
    RUNTIME.try_lock_for(std::time::Duration::from_millis(100))
}

/// Set when a panic unwound through a [`RuntimeGuard`]: the runtime state
/// may be half-updated (the lock does not poison itself), so it is not
/// used again.
static POISONED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The message of the fatal error every later [`lock`] ends with.
pub const POISONED_MSG: &str = "pyrt: an internal error (Rust panic) interrupted a change \
     to the runtime state in an earlier call; the runtime cannot be used any more";

/// True once a panic unwound while the runtime lock was held.
pub fn poisoned() -> bool {
    POISONED.load(std::sync::atomic::Ordering::Relaxed)
}

/// The runtime lock, held. A panic while it is held poisons the runtime:
/// the call that panicked returns its error value as usual (its export's
/// guard), and every later [`lock`] ends the process with a fatal error
/// instead of working on a state the panic may have left half-updated.
/// (Fatal-error reports read the state anyway, through [`try_lock`].)
pub struct RuntimeGuard(MutexGuard<'static, Runtime>);

impl std::ops::Deref for RuntimeGuard {
    type Target = Runtime;
    fn deref(&self) -> &Runtime {
        &self.0
    }
}

impl std::ops::DerefMut for RuntimeGuard {
    fn deref_mut(&mut self) -> &mut Runtime {
        &mut self.0
    }
}

impl Drop for RuntimeGuard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            POISONED.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        self.0.publish();
    }
}

/// What the lock-free readers see of the pre-configuration:
/// [`PRE_PREINITIALIZED`] and [`PRE_UTF8`], republished each time the
/// runtime lock is released. `Py_DecodeLocale`, `Py_EncodeLocale` and the
/// config setters read it without the lock (a thread may `fork()` while
/// another holds it).
static PRE_STATE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
/// [`PRE_STATE`]: pre-initialization completed (and no finalization since).
const PRE_PREINITIALIZED: u8 = 1;
/// [`PRE_STATE`]: the runtime decodes and encodes in UTF-8 mode.
const PRE_UTF8: u8 = 2;

impl Runtime {
    /// Publishes [`PRE_STATE`] (the caller holds the runtime lock).
    fn publish(&self) {
        let mut v = 0;
        if self.is_preinitialized() {
            v |= PRE_PREINITIALIZED;
        }
        if self.preconfig.utf8_mode >= 1 {
            v |= PRE_UTF8;
        }
        PRE_STATE.store(v, std::sync::atomic::Ordering::Release);
    }
}

fn pre_state() -> u8 {
    PRE_STATE.load(std::sync::atomic::Ordering::Acquire)
}

/// The runtime lock, if it can be had within `timeout` (None otherwise,
/// and once the runtime is [`poisoned`]).
pub fn try_lock_for(timeout: std::time::Duration) -> Option<RuntimeGuard> {
    if poisoned() {
        return None;
    }
    RUNTIME.try_lock_for(timeout).map(RuntimeGuard)
}

/// Locks the runtime state. Never call back into C while holding the guard.
/// A fatal error once the runtime is [`poisoned`].
#[inline]
pub fn lock() -> RuntimeGuard {
    if poisoned() {
        poisoned_fatal();
    }
    RuntimeGuard(RUNTIME.lock())
}

#[cold]
#[inline(never)]
fn poisoned_fatal() -> ! {
    crate::runtime::fatal::fatal_error(None, POISONED_MSG)
}

/// The command line handed to an implicit pre-initialization.
pub type PreinitArgs<'a> = PreArgs<'a>;

/// The `PyConfig` members that flow into an implicit pre-initialization.
#[derive(Clone, Copy, Debug)]
pub struct ConfigPreinitFields {
    /// `_config_init`: selects the pre-config flavour.
    pub config_init: i32,
    /// `parse_argv`.
    pub parse_argv: i32,
    /// `isolated`.
    pub isolated: i32,
    /// `use_environment`.
    pub use_environment: i32,
    /// `dev_mode`.
    pub dev_mode: i32,
}

/// True once pre-initialization completed. Takes no lock.
pub fn is_preinitialized() -> bool {
    pre_state() & PRE_PREINITIALIZED != 0
}

/// True when the runtime decodes and encodes in UTF-8 mode. Takes no lock.
pub fn utf8_mode() -> bool {
    pre_state() & PRE_UTF8 != 0
}

/// [`utf8_mode`] once pre-initialized, None before (one look at the runtime).
pub fn utf8_mode_if_preinitialized() -> Option<bool> {
    let v = pre_state();
    (v & PRE_PREINITIALIZED != 0).then_some(v & PRE_UTF8 != 0)
}

/// Pre-initializes from a config's members, as the `PyConfig_Set*` helpers,
/// `PyConfig_Read` and `Py_InitializeFromConfig` do; nothing happens when
/// already pre-initialized.
pub fn preinit_from_config(fields: &ConfigPreinitFields, args: PreinitArgs<'_>) -> PyResult<()> {
    if is_preinitialized() {
        return Ok(());
    }
    let mut pre = PreConfig::for_flavour(fields.config_init);
    pre.overlay(
        fields.parse_argv,
        fields.isolated,
        fields.use_environment,
        fields.dev_mode,
    );
    let args = if fields.parse_argv == 0 {
        PreArgs::None
    } else {
        args
    };
    preinitialize(&pre, args)
}

/// `Py_PreInitialize*`: reads and applies a pre-configuration once per runtime;
/// later calls return success without looking at their arguments.
pub fn preinitialize(src: &PreConfig, args: PreinitArgs<'_>) -> PyResult<()> {
    let mut rt = lock();
    rt.reset_if_finalized();
    if rt.preinitialized {
        return Ok(());
    }
    rt.preinitializing = true;
    crate::runtime::checks::read_env();
    let watch = crate::sys::alloc::AllocWatch::start();
    let mut pre = *src;
    let mut host = host::Process::snapshot();
    preconfig::read(
        &mut pre,
        args,
        crate::runtime::legacy::legacy_flags(),
        &mut host,
    )?;
    Status::check_alloc(watch, c"_PyPreConfig_Read")?;
    write(&mut rt, &mut pre, &mut host)?;
    Status::check_alloc(watch, c"_PyPreConfig_Write")?;
    if crate::sys::trace::enabled() {
        let n = |v: i32| v.to_string().into_bytes();
        crate::sys::trace::emit(
            "preinit",
            "decided",
            &[
                ("utf8_mode", &n(pre.utf8_mode)),
                ("coerce_c_locale", &n(pre.coerce_c_locale)),
                ("configure_locale", &n(pre.configure_locale)),
                ("allocator", &n(pre.allocator)),
                ("isolated", &n(pre.isolated)),
                ("use_environment", &n(pre.use_environment)),
                ("dev_mode", &n(pre.dev_mode)),
            ],
        );
    }
    rt.preconfig = pre;
    rt.preinitializing = false;
    rt.preinitialized = true;
    Ok(())
}

fn write(rt: &mut Runtime, pre: &mut PreConfig, host: &mut host::Process) -> PyResult<()> {
    if rt.core_initialized {
        return Ok(());
    }
    // The named allocator replaces the three domains' (and any an embedder
    // set before); NOT_SET keeps them.
    if pre.allocator != preconfig::allocator::NOT_SET && !crate::mem::setup_named(pre.allocator) {
        return Err(Status::error(
            c"_PyPreConfig_Write",
            c"Unknown PYTHONMALLOC allocator",
        ));
    }
    crate::runtime::legacy::write_pre_globals(pre);
    if pre.configure_locale != 0 {
        if pre.coerce_c_locale != 0 && !host.coerce_legacy_locale(pre.coerce_c_locale_warn != 0) {
            pre.coerce_c_locale = 0;
        }
        host.set_lc_ctype(b"");
        locale::reset_force_ascii();
    }
    Ok(())
}

/// Decodes a bytes command line with the runtime's current UTF-8 mode.
pub fn decode_argv(args: &[&[u8]]) -> PyResult<Vec<WideString>> {
    preconfig::decode_args(args, utf8_mode(), &host::Process::new())
}

/// Decodes one argument of a bytes command line with the given UTF-8 mode.
pub fn decode_arg(arg: &[u8], utf8_mode: bool) -> PyResult<WideString> {
    preconfig::decode_arg(arg, utf8_mode, &host::Process::new())
}

/// Queues an option given before initialization (`PySys_Add*Option`).
pub fn queue_option(warn: bool, option: WideString) {
    let mut rt = lock();
    rt.reset_if_finalized();
    if warn {
        rt.queued_warnoptions.push(option);
    } else {
        rt.queued_xoptions.push(option);
    }
}

/// `PySys_HasWarnOptions`.
pub fn has_warn_options() -> bool {
    let t = thread::current();
    let mut rt = lock();
    if !rt.queued_warnoptions.is_empty() {
        return true;
    }
    if t.is_null() {
        return false;
    }
    // SAFETY: a current thread state is live.
    let interp = unsafe { crate::runtime::state::tstate(t) }.interp;
    rt.interp_mut(interp)
        .is_some_and(|i| !i.config.warnoptions.is_empty())
}

/// `PyConfig_Read` on the model, after implicit pre-initialization; takes
/// the options queued before initialization.
pub fn read_config(config: &mut crate::config::Config) -> PyResult<()> {
    let (queued_w, queued_x, preconfig) = {
        let mut rt = lock();
        (
            std::mem::take(&mut rt.queued_warnoptions),
            std::mem::take(&mut rt.queued_xoptions),
            rt.preconfig,
        )
    };
    // The legacy paths are copied under their own lock, and only for the
    // copy: the read may take the runtime lock, which initialization holds
    // while it takes this one.
    let copy_legacy_paths = |c: &mut crate::config::Config| {
        crate::config::legacy_paths::copy_into(c, &LEGACY_PATHS.lock())
    };
    let ctx = crate::config::read::ReadContext {
        preconfig,
        legacy: crate::runtime::legacy::legacy_globals(),
        queued_warnoptions: &queued_w,
        queued_xoptions: &queued_x,
        copy_legacy_paths: &copy_legacy_paths,
    };
    crate::config::read::read(config, &ctx, &mut host::Process::snapshot())
}

/// Decodes one argument with an explicit UTF-8 mode (used by [`host::Process`]).
pub fn decode_with(arg: &[u8], utf8_mode: bool) -> Result<WideString, DecodeError> {
    locale::decode(arg, utf8_mode)
}
