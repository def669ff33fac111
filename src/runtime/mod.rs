//! The process-wide runtime state (CPython's `_PyRuntime`): the effective
//! pre-configuration and where the lifecycle stands.
//!
//! One `parking_lot` mutex guards it. Nothing here calls back into C while
//! holding the lock.

use parking_lot::Mutex;

use crate::config::PreConfig;
use crate::config::preconfig::{self, LegacyFlags, PreArgs, PreHost};
use crate::locale::{self, DecodeError};
use crate::status::{PyResult, Status};
use crate::wstr::WideString;

pub mod host;

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
}

impl Runtime {
    const INIT: Runtime = Runtime {
        preconfig: PreConfig::python(),
        preinitializing: false,
        preinitialized: false,
        core_initialized: false,
    };
}

static RUNTIME: Mutex<Runtime> = Mutex::new(Runtime::INIT);

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

/// True once pre-initialization completed.
pub fn is_preinitialized() -> bool {
    RUNTIME.lock().preinitialized
}

/// True when the runtime decodes and encodes in UTF-8 mode.
pub fn utf8_mode() -> bool {
    RUNTIME.lock().preconfig.utf8_mode >= 1
}

/// A copy of the effective pre-configuration.
pub fn preconfig() -> PreConfig {
    RUNTIME.lock().preconfig
}

/// Pre-initializes from a config's members, as the `PyConfig_Set*` helpers,
/// `PyConfig_Read` and `Py_InitializeFromConfig` do; nothing happens when
/// already pre-initialized.
pub fn preinit_from_config(fields: &ConfigPreinitFields, args: PreinitArgs<'_>) -> PyResult<()> {
    if is_preinitialized() {
        return Ok(());
    }
    let mut pre = PreConfig::for_flavour(fields.config_init);
    if fields.parse_argv != -1 {
        pre.parse_argv = fields.parse_argv;
    }
    if fields.isolated != -1 {
        pre.isolated = fields.isolated;
    }
    if fields.use_environment != -1 {
        pre.use_environment = fields.use_environment;
    }
    if fields.dev_mode != -1 {
        pre.dev_mode = fields.dev_mode;
    }
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
    let mut rt = RUNTIME.lock();
    if rt.preinitialized {
        return Ok(());
    }
    rt.preinitializing = true;
    let mut pre = *src;
    let mut host = host::Process;
    preconfig::read(
        &mut pre,
        args,
        crate::ffi::pydebug::legacy_flags(),
        &mut host,
    )?;
    write(&mut rt, &mut pre, &mut host)?;
    rt.preconfig = pre;
    rt.preinitializing = false;
    rt.preinitialized = true;
    Ok(())
}

fn write(rt: &mut Runtime, pre: &mut PreConfig, host: &mut host::Process) -> PyResult<()> {
    if rt.core_initialized {
        return Ok(());
    }
    if pre.allocator != preconfig::allocator::NOT_SET
        && !(preconfig::allocator::DEFAULT..=preconfig::allocator::MIMALLOC_DEBUG)
            .contains(&pre.allocator)
    {
        return Err(Status::error(
            c"_PyPreConfig_Write",
            c"Unknown PYTHONMALLOC allocator",
        ));
    }
    crate::ffi::pydebug::write_pre_globals(pre);
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
pub fn decode_argv(args: &[Vec<u8>]) -> PyResult<Vec<WideString>> {
    preconfig::decode_args(args, utf8_mode(), &host::Process)
}

/// `PyConfig_Read` on the model, after implicit pre-initialization.
pub fn read_config(config: &mut crate::config::Config) -> PyResult<()> {
    let queued_w: Vec<WideString> = Vec::new();
    let queued_x: Vec<WideString> = Vec::new();
    let ctx = crate::config::read::ReadContext {
        preconfig: preconfig(),
        legacy: crate::ffi::pydebug::legacy_globals(),
        queued_warnoptions: &queued_w,
        queued_xoptions: &queued_x,
    };
    crate::config::read::read(config, &ctx, &mut host::Process)
}

/// The legacy flags, for callers outside pre-initialization.
pub fn legacy_flags() -> LegacyFlags {
    crate::ffi::pydebug::legacy_flags()
}

/// Decodes one argument with an explicit UTF-8 mode (used by [`host::Process`]).
pub fn decode_with(arg: &[u8], utf8_mode: bool) -> Result<WideString, DecodeError> {
    locale::decode(arg, utf8_mode)
}
