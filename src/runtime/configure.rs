//! Configuring the runtime from a C `PyConfig` or from the model: the
//! implicit pre-initialization CPython performs from a config's members, and
//! `PyConfig_Read` and initialization through the model.

use std::ffi::CStr;

use crate::abi::initconfig::PyConfig;
use crate::config::Config;
use crate::config::preconfig::PreArgs as PreinitArgs;
use crate::marshal::wide::BadList;
use crate::mem::NoMemory;
use crate::runtime::lifecycle;
use crate::status::{PyResult, Status};
use crate::sys::alloc::AllocWatch;

/// Error message for a NULL config argument (pyrt's answer where CPython crashes).
pub const CONFIG_NULL: &CStr = c"config is NULL";

/// The pre-initialization a config setter performs first (CPython pre-initializes
/// from the config, with `args` as the command line when given).
pub fn preinit_for(func: &'static CStr, config: &PyConfig, args: PreinitArgs<'_>) -> PyResult<()> {
    let fields = crate::runtime::ConfigPreinitFields {
        config_init: config._config_init,
        parse_argv: config.parse_argv,
        isolated: config.isolated,
        use_environment: config.use_environment,
        dev_mode: config.dev_mode,
    };
    let args = match args {
        PreinitArgs::None => {
            if crate::runtime::is_preinitialized() {
                return Ok(());
            }
            if config.parse_argv == 0 {
                PreinitArgs::None
            } else {
                // SAFETY: the config's own argv list is consistent (initializer contract).
                let argv = unsafe { crate::marshal::wide::read_list(&config.argv) }
                    .map_err(|e| e.status(func))?;
                return crate::runtime::preinit_from_config(&fields, PreinitArgs::Wide(&argv));
            }
        }
        other => other,
    };
    crate::runtime::preinit_from_config(&fields, args)
}

/// Pre-initializes from `config` like CPython's setters. A NULL `config` is
/// only an error while pre-initialization is still to be done (CPython reads
/// the config then, and never afterwards).
///
/// # Safety
/// `config` is NULL or an initialized config.
pub unsafe fn preinit_from(func: &'static CStr, config: *const PyConfig) -> PyResult<()> {
    // SAFETY: `config` is NULL or an initialized config (this function's contract),
    // so `as_ref` gives None or a valid reference.
    match unsafe { config.as_ref() } {
        Some(cfg) => preinit_for(func, cfg, PreinitArgs::None),
        None if crate::runtime::is_preinitialized() => Ok(()),
        None => Err(Status::error(func, CONFIG_NULL)),
    }
}

/// The implicit pre-initialization of `Py_InitializeFromConfig`.
pub fn preinit_for_config(func: &'static CStr, cfg: &PyConfig) -> PyResult<()> {
    preinit_for(func, cfg, PreinitArgs::None)
}

/// Pre-initializes from `cfg`, reads it through the model and writes the result back.
pub fn read_config(func: &'static CStr, cfg: &mut PyConfig) -> PyResult<()> {
    read_config_then(func, cfg, |_| Ok(()))
}

/// [`read_config`], then `more` on the read model before it is written back
/// (the config is unchanged when either fails).
pub fn read_config_then(
    func: &'static CStr,
    cfg: &mut PyConfig,
    more: impl FnOnce(&mut crate::config::Config) -> PyResult<()>,
) -> PyResult<()> {
    let watch = AllocWatch::start();
    preinit_for(func, cfg, PreinitArgs::None)?;
    // SAFETY: an initialized config holds NULL or valid strings and lists.
    let (mut model, origins) = unsafe { cfg.to_model_traced() }.map_err(|e| match e {
        // A negative `argv` length: CPython's read fails sizing its copy.
        BadList::NegativeLength => Status::no_memory(c"_PyConfig_Read"),
        BadList::NullItem => e.status(func),
    })?;
    crate::runtime::read_config(&mut model)?;
    more(&mut model)?;
    Status::check_alloc(watch, c"_PyConfig_Read")?;
    // SAFETY: the members are owned by the config (initializer contract);
    // its lists are the ones just read.
    unsafe { cfg.assign_model_traced(&model, &origins) }.map_err(|NoMemory| Status::no_memory(func))
}

/// `Py_InitializeFromConfig` on a valid config: implicit pre-initialization,
/// the read through the model, then initialization.
pub fn initialize_from(cfg: &PyConfig) -> PyResult<()> {
    let watch = AllocWatch::start();
    preinit_for_config(c"Py_InitializeFromConfig", cfg)?;
    // SAFETY: an initialized config holds NULL or valid strings and lists.
    let model = unsafe { cfg.to_model() }.map_err(|e| match e {
        // CPython's copy of the config fails first, sizing the list.
        BadList::NegativeLength => Status::no_memory(c"_PyConfig_Copy"),
        BadList::NullItem => Status::error(c"Py_InitializeFromConfig", c"invalid configuration"),
    })?;
    read_and_initialize(model, watch)
}

/// Initialization from the model, as `Py_InitializeFromConfig` does from
/// the same values in a `PyConfig` (`Py_InitializeEx`, `Py_BytesMain` and
/// PEP 741 start from the model, without a C copy).
pub fn initialize_model(model: Config) -> PyResult<()> {
    initialize_model_watched(model, AllocWatch::start())
}

/// [`initialize_model`] with a watch started before the model was made.
fn initialize_model_watched(model: Config, watch: AllocWatch) -> PyResult<()> {
    let fields = crate::runtime::ConfigPreinitFields {
        config_init: model._config_init,
        parse_argv: model.parse_argv,
        isolated: model.isolated,
        use_environment: model.use_environment,
        dev_mode: model.dev_mode,
    };
    if !crate::runtime::is_preinitialized() {
        crate::runtime::preinit_from_config(&fields, PreinitArgs::Wide(&model.argv))?;
    }
    read_and_initialize(model, watch)
}

/// Reads the model and initializes from it; `watch` started with the caller's
/// conversions, which an allocation failure reported here undoes by dropping.
fn read_and_initialize(mut model: Config, watch: AllocWatch) -> PyResult<()> {
    crate::runtime::read_config(&mut model)?;
    Status::check_alloc(watch, c"_PyConfig_Read")?;
    lifecycle::initialize(model)
}

/// `Py_InitializeFromInitConfig` (PEP 741): adds its modules to the built-in
/// table, pre-initializes from the options (with their `argv`), then
/// initializes from the model.
pub fn initialize_init_config(c: &crate::config::pep741::InitConfig) -> PyResult<()> {
    let watch = AllocWatch::start();
    crate::runtime::inittab::extend(&c.inittab);
    let mut pre = c.pre;
    let m = &c.config;
    pre.overlay(m.parse_argv, m.isolated, m.use_environment, m.dev_mode);
    crate::runtime::preinitialize(&pre, PreinitArgs::Wide(&m.argv))?;
    initialize_model_watched(m.clone(), watch)
}
