//! `PyConfig_Read` on the owned model: legacy flags, the command line, the
//! environment, `-X` options, warning filters, encodings and defaults, in
//! CPython 3.14's order. Path members are left for initialization (getpath).
//!
//! The process is reached only through [`ConfigHost`], so the whole read runs
//! on owned values and can be unit-tested with a fake host.

use std::borrow::Cow;

use crate::config::cparse::{str_to_int, strtoul, wstr_to_int};
use crate::config::getopt::{
    GetOpt, OPT_CHECK_HASH, OPT_HELP_ALL, OPT_HELP_ENV, OPT_HELP_XOPTIONS, Opt,
};
use crate::config::preconfig::{self, PreHost, get_xoption};
use crate::config::{CONFIG_INIT_COMPAT, Config, DEFAULT_MAX_STR_DIGITS, PreConfig, help};
use crate::locale::DecodeError;
use crate::status::{PyResult, Status};
use crate::status_err;
use crate::wstr;
use crate::wstr::{WChar, WideString};

/// The largest accepted `PYTHONHASHSEED`.
pub const MAX_HASH_SEED: u64 = 4_294_967_295;

/// Below this, `int_max_str_digits` must be 0 (unlimited).
pub const MAX_STR_DIGITS_THRESHOLD: i32 = 640;

/// What `PyConfig_Read` needs from the process beyond the pre-configuration's needs.
pub trait ConfigHost: PreHost {
    /// The current working directory (for making `run_filename` absolute).
    fn cwd(&self) -> Option<WideString>;
    /// Calls `f` with `nl_langinfo(CODESET)` in the current locale (None
    /// when it fails), borrowed for the call only.
    fn with_locale_codeset(&self, f: &mut dyn FnMut(Option<&[u8]>));
    /// The locale claims ASCII but decodes high bytes (see `crate::locale`).
    fn force_ascii(&self) -> bool;
    /// Writes to C's `stdout`.
    fn write_stdout(&mut self, text: &[u8]);
    /// Writes to C's `stderr`.
    fn write_stderr(&mut self, text: &[u8]);
    /// Encodes a wide string for printing (the program name in usage lines).
    fn encode(&self, text: &WideString) -> Vec<u8>;
    /// The value of the legacy `Py_IgnoreEnvironmentFlag` right now.
    fn ignore_environment_flag(&self) -> bool;
}

/// The legacy global flags the compat flavour copies (`Py_*Flag`).
#[derive(Clone, Copy, Debug, Default)]
#[allow(missing_docs)]
pub struct LegacyGlobals {
    pub isolated: i32,
    pub ignore_environment: i32,
    pub bytes_warning: i32,
    pub inspect: i32,
    pub interactive: i32,
    pub optimize: i32,
    pub debug: i32,
    pub verbose: i32,
    pub quiet: i32,
    pub frozen: i32,
    pub unbuffered_stdio: i32,
    pub no_site: i32,
    pub dont_write_bytecode: i32,
    pub no_user_site_directory: i32,
}

/// Inputs of one read besides the config itself.
pub struct ReadContext<'a> {
    /// The runtime's pre-configuration (after implicit pre-initialization).
    pub preconfig: PreConfig,
    /// The legacy global flags.
    pub legacy: LegacyGlobals,
    /// Warning options queued before initialization (`PySys_AddWarnOption`).
    pub queued_warnoptions: &'a [WideString],
    /// `-X` options queued before initialization (`PySys_AddXOption`).
    pub queued_xoptions: &'a [WideString],
    /// Copies what the legacy path API recorded (`Py_SetPath`,
    /// `Py_SetPythonHome`, ...) into the members left unset
    /// ([`crate::config::legacy_paths::copy_into`] on the recorded paths,
    /// which the runtime reads under their own lock at that moment).
    pub copy_legacy_paths: &'a dyn Fn(&mut Config),
}

#[inline(always)]
fn env<'h>(host: &'h dyn ConfigHost, c: &Config, name: &str) -> Option<Cow<'h, [u8]>> {
    preconfig::get_env(host, c.use_environment > 0, name)
}

fn decode_env(
    host: &dyn ConfigHost,
    utf8: bool,
    bytes: &[u8],
    err: Status,
) -> PyResult<WideString> {
    host.decode_arg(bytes, utf8).map_err(|e| match e {
        DecodeError::Invalid => err,
        DecodeError::NoMemory => Status::no_memory(c"config_get_env_dup"),
    })
}

#[inline(always)]
fn xopt<'a>(c: &'a Config, name: &str) -> Option<Option<&'a [WChar]>> {
    get_xoption(&c.xoptions, name)
}

/// `config_get_xoption_value`: the text after `=`, or empty when there is none.
#[inline(always)]
fn xopt_value<'a>(c: &'a Config, name: &str) -> Option<&'a [WChar]> {
    xopt(c, name).map(|v| v.unwrap_or(&[]))
}

fn units_eq(u: &[WChar], s: &str) -> bool {
    u.iter().copied().eq(s.chars().map(|c| c as WChar))
}

/// Reads `config` in place (`PyConfig_Read` after implicit pre-initialization).
pub fn read(c: &mut Config, ctx: &ReadContext<'_>, host: &mut dyn ConfigHost) -> PyResult<()> {
    let mut sources = Sources::start(c, host);
    if c._config_init == CONFIG_INIT_COMPAT {
        copy_legacy_globals(c, &ctx.legacy);
        Sources::phase(&mut sources, c, "legacy global");
    }
    if c.orig_argv.is_empty() && !(c.argv.len() == 1 && c.argv[0].is_empty()) {
        c.orig_argv = c.argv.clone();
    }
    Sources::phase(&mut sources, c, "command line");
    read_precmdline(c, &ctx.preconfig, host);
    if c.isolated > 0 {
        c.safe_path = 1;
        c.use_environment = 0;
        c.user_site_directory = 0;
    }
    Sources::phase(
        &mut sources,
        c,
        "pre-configuration (command line or environment)",
    );
    read_cmdline(c, ctx, host)?;
    Sources::phase(&mut sources, c, "command line");
    for x in ctx.queued_xoptions {
        c.xoptions.push(x.clone());
    }
    Sources::phase(&mut sources, c, "PySys_AddXOption");
    read_rest(c, &ctx.preconfig, ctx.copy_legacy_paths, host, &mut sources)
}

/// Where the configuration's values came from, for the trace (`config
/// value` lines): only made while tracing. Each phase of the read is
/// compared with the state before it; a member it changed is reported with
/// the phase's source. The values the caller set before the read are
/// reported as "API" (those that differ from the flavour's defaults).
struct Sources {
    last: Config,
    /// The variables of [`INPUTS`] set in the environment.
    env: Vec<&'static str>,
}

/// The inputs that decide a member besides the command line's own options:
/// `-X` options, environment variables, "-W" (the command line's warning
/// options) and "dev" (the development mode). A trace line names those of a
/// changed member's inputs that are present; with none present, the value
/// is the default.
const INPUTS: &[(&str, &[&str])] = &[
    ("parser_debug", &["PYTHONDEBUG"]),
    ("verbose", &["PYTHONVERBOSE"]),
    ("optimization_level", &["PYTHONOPTIMIZE"]),
    ("inspect", &["PYTHONINSPECT"]),
    ("write_bytecode", &["PYTHONDONTWRITEBYTECODE"]),
    ("user_site_directory", &["PYTHONNOUSERSITE"]),
    ("buffered_stdio", &["PYTHONUNBUFFERED"]),
    ("dump_refs", &["PYTHONDUMPREFS"]),
    ("malloc_stats", &["PYTHONMALLOCSTATS"]),
    ("dump_refs_file", &["PYTHONDUMPREFSFILE"]),
    ("pythonpath_env", &["PYTHONPATH"]),
    ("platlibdir", &["PYTHONPLATLIBDIR"]),
    ("use_hash_seed", &["PYTHONHASHSEED"]),
    ("hash_seed", &["PYTHONHASHSEED"]),
    ("safe_path", &["PYTHONSAFEPATH"]),
    ("stdio_encoding", &["PYTHONIOENCODING"]),
    ("stdio_errors", &["PYTHONIOENCODING"]),
    (
        "faulthandler",
        &["-X faulthandler", "PYTHONFAULTHANDLER", "dev"],
    ),
    (
        "code_debug_ranges",
        &["-X no_debug_ranges", "PYTHONNODEBUGRANGES"],
    ),
    ("import_time", &["-X importtime", "PYTHONPROFILEIMPORTTIME"]),
    ("tracemalloc", &["-X tracemalloc", "PYTHONTRACEMALLOC"]),
    (
        "perf_profiling",
        &[
            "-X perf",
            "-X perf_jit",
            "PYTHONPERFSUPPORT",
            "PYTHON_PERF_JIT_SUPPORT",
        ],
    ),
    (
        "remote_debug",
        &["-X disable-remote-debug", "PYTHON_DISABLE_REMOTE_DEBUG"],
    ),
    (
        "int_max_str_digits",
        &["-X int_max_str_digits", "PYTHONINTMAXSTRDIGITS"],
    ),
    ("cpu_count", &["-X cpu_count", "PYTHON_CPU_COUNT"]),
    (
        "pycache_prefix",
        &["-X pycache_prefix", "PYTHONPYCACHEPREFIX"],
    ),
    (
        "warn_default_encoding",
        &["-X warn_default_encoding", "PYTHONWARNDEFAULTENCODING"],
    ),
    ("dev_mode", &["-X dev", "PYTHONDEVMODE"]),
    (
        "use_frozen_modules",
        &["-X frozen_modules", "PYTHON_FROZEN_MODULES"],
    ),
    ("show_ref_count", &["-X showrefcount"]),
    (
        "thread_inherit_context",
        &["-X thread_inherit_context", "PYTHON_THREAD_INHERIT_CONTEXT"],
    ),
    (
        "context_aware_warnings",
        &["-X context_aware_warnings", "PYTHON_CONTEXT_AWARE_WARNINGS"],
    ),
    ("warnoptions", &["-W", "PYTHONWARNINGS", "dev"]),
];

impl Sources {
    #[inline(always)]
    fn start(c: &Config, host: &dyn ConfigHost) -> Option<Sources> {
        if !crate::sys::trace::enabled() {
            return None;
        }
        Sources::start_traced(c, host)
    }

    /// [`Sources::start`] when tracing (out of line: the read itself stays
    /// as small as without the trace).
    #[cold]
    #[inline(never)]
    fn start_traced(c: &Config, host: &dyn ConfigHost) -> Option<Sources> {
        let mut env: Vec<&'static str> = INPUTS
            .iter()
            .flat_map(|(_, inputs)| inputs.iter().copied())
            .filter(|i| i.starts_with("PYTHON") && host.getenv(i).is_some())
            .collect();
        env.sort_unstable();
        env.dedup();
        let mut s = Sources {
            last: Config::for_flavour(c._config_init),
            env,
        };
        s.note(c, "API");
        Some(s)
    }

    /// Reports what the phase just ended changed.
    #[inline(always)]
    fn phase(sources: &mut Option<Sources>, c: &Config, source: &str) {
        if let Some(s) = sources {
            s.note(c, source);
        }
    }

    #[cold]
    #[inline(never)]
    fn note(&mut self, c: &Config, source: &str) {
        let mut now = c.clone();
        for spec in crate::config::spec::CONFIG_SPECS {
            let before = render(self.last.member_mut(spec.name));
            let after = render(now.member_mut(spec.name));
            if before != after {
                let source = self.refine(spec.name, source, c);
                crate::sys::trace::emit(
                    "config",
                    "value",
                    &[
                        ("name", spec.name.as_bytes()),
                        ("value", after.as_bytes()),
                        ("source", source.as_bytes()),
                    ],
                );
            }
        }
        self.last = now;
    }

    /// The source of a member the step `phase` changed: for the steps that
    /// read `-X` options and the environment, the inputs of [`INPUTS`]
    /// present (or "default" when none is).
    fn refine(&self, name: &str, phase: &str, c: &Config) -> String {
        let generic = matches!(
            phase,
            "environment variable"
                | "-X option or environment variable"
                | "computed"
                | "pre-configuration (command line or environment)"
        );
        let Some((_, inputs)) = INPUTS.iter().find(|(n, _)| *n == name) else {
            return if name == "xoptions" && phase.starts_with("pre-configuration") {
                "command line -X".to_string()
            } else if phase.starts_with("pre-configuration") {
                "command line".to_string()
            } else {
                phase.to_string()
            };
        };
        if !generic && name != "warnoptions" {
            return phase.to_string();
        }
        let present: Vec<String> = inputs
            .iter()
            .filter_map(|&i| {
                if let Some(x) = i.strip_prefix("-X ") {
                    xopt(c, x).is_some().then(|| i.to_string())
                } else if i == "-W" {
                    c.orig_argv
                        .iter()
                        .any(|a| a.units().starts_with(&['-' as WChar, 'W' as WChar]))
                        .then(|| "command line -W".to_string())
                } else if i == "dev" {
                    (c.dev_mode > 0).then(|| "development mode".to_string())
                } else {
                    (c.use_environment > 0 && self.env.contains(&i))
                        .then(|| format!("environment variable {i}"))
                }
            })
            .collect();
        if present.is_empty() {
            // The standard streams' encoding follows the locale or UTF-8 mode.
            if phase == "computed" && name.starts_with("stdio_") {
                "computed".to_string()
            } else {
                "default".to_string()
            }
        } else {
            present.join(", ")
        }
    }
}

/// A member's value as the trace shows it.
fn render(m: Option<crate::config::spec::MemberMut<'_>>) -> String {
    use crate::config::spec::MemberMut;
    match m {
        Some(MemberMut::Int(v)) => v.to_string(),
        Some(MemberMut::ULong(v)) => v.to_string(),
        Some(MemberMut::Str(None)) => "NULL".to_string(),
        Some(MemberMut::Str(Some(w))) => format!("{:?}", w.to_string_lossy()),
        Some(MemberMut::List(l)) => format!(
            "[{}]",
            l.iter()
                .map(|w| format!("{:?}", w.to_string_lossy()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => String::new(),
    }
}

fn copy_legacy_globals(c: &mut Config, g: &LegacyGlobals) {
    fn copy(field: &mut i32, value: i32) {
        if *field == -1 {
            *field = value;
        }
    }
    fn copy_not(field: &mut i32, value: i32) {
        if *field == -1 {
            *field = (value == 0) as i32;
        }
    }
    copy(&mut c.isolated, g.isolated);
    copy_not(&mut c.use_environment, g.ignore_environment);
    copy(&mut c.bytes_warning, g.bytes_warning);
    copy(&mut c.inspect, g.inspect);
    copy(&mut c.interactive, g.interactive);
    copy(&mut c.optimization_level, g.optimize);
    copy(&mut c.parser_debug, g.debug);
    copy(&mut c.verbose, g.verbose);
    copy(&mut c.quiet, g.quiet);
    copy_not(&mut c.pathconfig_warnings, g.frozen);
    copy_not(&mut c.buffered_stdio, g.unbuffered_stdio);
    copy_not(&mut c.site_import, g.no_site);
    copy_not(&mut c.write_bytecode, g.dont_write_bytecode);
    copy_not(&mut c.user_site_directory, g.no_user_site_directory);
}

/// The `-E`/`-I`/`-X` pass over the command line, applied to the config.
fn read_precmdline(c: &mut Config, runtime_pre: &PreConfig, host: &dyn ConfigHost) {
    let mut pre = *runtime_pre;
    pre.overlay(c.parse_argv, c.isolated, c.use_environment, c.dev_mode);
    let argv = (c.parse_argv == 1).then_some(c.argv.as_slice());
    let cmd = preconfig::read_cmdline(&pre, argv, host);
    if c.xoptions.is_empty() {
        c.xoptions = cmd.xoptions;
    } else {
        c.xoptions.extend(cmd.xoptions);
    }
    c.isolated = cmd.isolated;
    c.use_environment = cmd.use_environment;
    c.dev_mode = cmd.dev_mode;
    c.warn_default_encoding = cmd.warn_default_encoding;
}

fn read_cmdline(c: &mut Config, ctx: &ReadContext<'_>, host: &mut dyn ConfigHost) -> PyResult<()> {
    let mut cmdline_warnoptions = Vec::new();
    if c.parse_argv < 0 {
        c.parse_argv = 1;
    }
    if c.parse_argv == 1 {
        let opt_index = parse_cmdline(c, &mut cmdline_warnoptions, host)?;
        run_filename_abspath(c, host);
        update_argv(c, opt_index);
    } else {
        run_filename_abspath(c, host);
    }
    let mut env_warnoptions = Vec::new();
    if c.use_environment > 0 {
        if let Some(v) = env(host, c, "PYTHONWARNINGS") {
            let w = decode_env(
                host,
                ctx.preconfig.utf8_mode >= 1,
                &v,
                Status::error(
                    c"config_init_env_warnoptions",
                    c"cannot decode PYTHONWARNINGS",
                ),
            )?;
            let mut start = 0;
            for (i, &u) in w.units().iter().chain([&(',' as WChar)]).enumerate() {
                if u == ',' as WChar {
                    if i > start {
                        env_warnoptions.push(w.slice(start..i));
                    }
                    start = i + 1;
                }
            }
        }
    }
    init_warnoptions(
        c,
        &cmdline_warnoptions,
        &env_warnoptions,
        ctx.queued_warnoptions,
    );
    Ok(())
}

/// Prints the short usage to stderr and returns the exit status 2.
fn usage_error(c: &Config, argv: &[WideString], host: &mut dyn ConfigHost) -> Status {
    let prog = program_for_usage(c, argv, host);
    host.write_stderr(&help::usage_line(&prog));
    host.write_stderr(help::TRY_HELP.as_bytes());
    Status::Exit(2)
}

fn program_for_usage(c: &Config, argv: &[WideString], host: &dyn ConfigHost) -> Vec<u8> {
    match c.program_name.as_ref().or(argv.first()) {
        Some(p) => host.encode(p),
        None => Vec::new(),
    }
}

/// The full command-line parse; returns the index where `argv` is cut.
fn parse_cmdline(
    c: &mut Config,
    warnoptions: &mut Vec<WideString>,
    host: &mut dyn ConfigHost,
) -> PyResult<usize> {
    // Parse from the list taken out of the config (put back below), so the
    // options can update the config while the scanner borrows the list.
    let argv = std::mem::take(&mut c.argv);
    let result = parse_options(c, &argv, warnoptions, host);
    c.argv = argv;
    result
}

fn parse_options(
    c: &mut Config,
    argv: &[WideString],
    warnoptions: &mut Vec<WideString>,
    host: &mut dyn ConfigHost,
) -> PyResult<usize> {
    let mut g = GetOpt::new(argv);
    let mut print_version = 0;
    loop {
        match g.next_opt() {
            Opt::End => break,
            Opt::ExpectedLongOption => {
                host.write_stderr(b"Expected long option\n");
                break;
            }
            Opt::Error(msg) => {
                let mut line = msg;
                line.push(b'\n');
                host.write_stderr(&line);
                return Err(usage_error(c, argv, host));
            }
            Opt::Opt('c', value) => {
                if c.run_command.is_none() {
                    let mut units = value.unwrap_or_default().units().to_vec();
                    units.push('\n' as WChar);
                    c.run_command = Some(WideString::from_units(units));
                }
                break;
            }
            Opt::Opt('m', value) => {
                if c.run_module.is_none() {
                    c.run_module = value;
                }
                break;
            }
            Opt::Opt(OPT_CHECK_HASH, value) => {
                let v = value.unwrap_or_default();
                if v.eq_str("always") || v.eq_str("never") || v.eq_str("default") {
                    c.check_hash_pycs_mode = Some(v);
                } else {
                    host.write_stderr(
                        b"--check-hash-based-pycs must be one of 'default', 'always', or 'never'\n",
                    );
                    return Err(usage_error(c, argv, host));
                }
            }
            Opt::Opt(OPT_HELP_ALL, _) => {
                let prog = program_for_usage(c, argv, host);
                host.write_stdout(&help::usage_line(&prog));
                host.write_stdout(help::OPTIONS.as_bytes());
                host.write_stdout(b"\n");
                host.write_stdout(help::ENVIRONMENT.as_bytes());
                host.write_stdout(b"\n");
                host.write_stdout(help::XOPTIONS.as_bytes());
                return Err(Status::Exit(0));
            }
            Opt::Opt(OPT_HELP_ENV, _) => {
                host.write_stdout(help::ENVIRONMENT.as_bytes());
                return Err(Status::Exit(0));
            }
            Opt::Opt(OPT_HELP_XOPTIONS, _) => {
                host.write_stdout(help::XOPTIONS.as_bytes());
                return Err(Status::Exit(0));
            }
            Opt::Opt('h' | '?', _) => {
                let prog = program_for_usage(c, argv, host);
                host.write_stdout(&help::usage_line(&prog));
                host.write_stdout(help::OPTIONS.as_bytes());
                return Err(Status::Exit(0));
            }
            Opt::Opt('b', _) => c.bytes_warning += 1,
            Opt::Opt('d', _) => c.parser_debug += 1,
            Opt::Opt('i', _) => {
                c.inspect += 1;
                c.interactive += 1;
            }
            Opt::Opt('O', _) => c.optimization_level += 1,
            Opt::Opt('P', _) => c.safe_path = 1,
            Opt::Opt('B', _) => c.write_bytecode = 0,
            Opt::Opt('s', _) => c.user_site_directory = 0,
            Opt::Opt('S', _) => c.site_import = 0,
            Opt::Opt('u', _) => c.buffered_stdio = 0,
            Opt::Opt('v', _) => c.verbose += 1,
            Opt::Opt('x', _) => c.skip_source_first_line = 1,
            Opt::Opt('V', _) => print_version += 1,
            Opt::Opt('W', Some(v)) => warnoptions.push(v),
            Opt::Opt('q', _) => c.quiet += 1,
            Opt::Opt('R', _) => c.use_hash_seed = 0,
            // -E, -I and -X were handled by the pre-scan; -t is accepted and ignored.
            Opt::Opt(..) => {}
        }
    }
    if print_version > 0 {
        let text = if print_version >= 2 {
            format!("Python {}\n", crate::version::full_version())
        } else {
            format!("Python {}\n", crate::version::PY_VERSION)
        };
        host.write_stdout(text.as_bytes());
        return Err(Status::Exit(0));
    }
    let mut index = g.index;
    if c.run_command.is_none()
        && c.run_module.is_none()
        && index < argv.len()
        && !argv[index].eq_str("-")
        && c.run_filename.is_none()
    {
        c.run_filename = Some(argv[index].clone());
    }
    if c.run_command.is_some() || c.run_module.is_some() {
        index -= 1;
    }
    Ok(index)
}

fn run_filename_abspath(c: &mut Config, host: &dyn ConfigHost) {
    let Some(name) = &c.run_filename else {
        return;
    };
    if name.units().first() == Some(&('/' as WChar)) {
        return;
    }
    let Some(cwd) = host.cwd() else {
        return;
    };
    let mut units = cwd.units().to_vec();
    if !name.is_empty() && !name.eq_str(".") {
        units.push('/' as WChar);
        units.extend_from_slice(name.units());
    }
    c.run_filename = Some(WideString::from_units(units));
}

fn update_argv(c: &mut Config, opt_index: usize) {
    if c.argv.len() <= opt_index {
        c.argv = vec![WideString::new()];
    } else {
        c.argv.drain(..opt_index);
    }
    if c.run_command.is_some() {
        c.argv[0] = wstr!("-c");
    } else if c.run_module.is_some() {
        c.argv[0] = wstr!("-m");
    }
}

fn init_warnoptions(
    c: &mut Config,
    cmdline: &[WideString],
    env: &[WideString],
    queued: &[WideString],
) {
    let caller = std::mem::take(&mut c.warnoptions);
    let most = 2 + env.len() + cmdline.len() + queued.len() + caller.len();
    let mut options: Vec<WideString> = Vec::with_capacity(most);
    let add = |opt: &WideString, options: &mut Vec<WideString>| {
        if !caller.contains(opt) && !options.contains(opt) {
            options.push(opt.clone());
        }
    };
    if c.dev_mode > 0 {
        add(&wstr!("default"), &mut options);
    }
    for o in env.iter().chain(cmdline) {
        add(o, &mut options);
    }
    if c.bytes_warning != 0 {
        let filter = if c.bytes_warning > 1 {
            wstr!("error::BytesWarning")
        } else {
            wstr!("default::BytesWarning")
        };
        add(&filter, &mut options);
    }
    for o in queued {
        add(o, &mut options);
    }
    options.extend(caller);
    c.warnoptions = options;
}

/// `config_read`: environment, `-X` options, defaults and encodings.
fn read_rest(
    c: &mut Config,
    pre: &PreConfig,
    copy_legacy_paths: &dyn Fn(&mut Config),
    host: &mut dyn ConfigHost,
    sources: &mut Option<Sources>,
) -> PyResult<()> {
    let utf8 = pre.utf8_mode >= 1;
    if c.use_environment > 0 {
        read_env_vars(c, utf8, host)?;
        Sources::phase(sources, c, "environment variable");
    }
    if xopt(c, "showrefcount").is_some() {
        c.show_ref_count = 1;
    }
    if let Some(v) = xopt_value(c, "gil") {
        read_gil(v.len(), v.first().copied().unwrap_or(0))?;
    }
    read_complex_options(c, utf8, host)?;
    Sources::phase(sources, c, "-X option or environment variable");
    if c._install_importlib != 0 {
        copy_legacy_paths(c);
        Sources::phase(sources, c, "legacy path setter");
        init_import(c, host)?;
    }
    if c.dev_mode > 0 && c.faulthandler < 0 {
        c.faulthandler = 1;
    }
    if c.faulthandler < 0 {
        c.faulthandler = 0;
    }
    if c.tracemalloc < 0 {
        c.tracemalloc = 0;
    }
    if c.perf_profiling < 0 {
        c.perf_profiling = 0;
    }
    if c.use_hash_seed < 0 {
        c.use_hash_seed = 0;
        c.hash_seed = 0;
    }
    let mut encoding = None;
    if c.filesystem_encoding.is_none() || c.filesystem_errors.is_none() {
        if c.filesystem_encoding.is_none() {
            c.filesystem_encoding = Some(if utf8 {
                wstr!("utf-8")
            } else if host.force_ascii() {
                wstr!("ascii")
            } else {
                locale_encoding(host, utf8, &mut encoding)?
            });
        }
        if c.filesystem_errors.is_none() {
            c.filesystem_errors = Some(wstr!("surrogateescape"));
        }
    }
    init_stdio_encoding(c, utf8, host, &mut encoding)?;
    if c.argv.is_empty() {
        c.argv.push(WideString::new());
    }
    if c.check_hash_pycs_mode.is_none() {
        c.check_hash_pycs_mode = Some(wstr!("default"));
    }
    if c.configure_c_stdio < 0 {
        c.configure_c_stdio = 1;
    }
    if c.parse_argv == 1 {
        c.parse_argv = 2;
    }
    Sources::phase(sources, c, "computed");
    Ok(())
}

/// Selects an `int` member of the model.
type IntField = fn(&mut Config) -> &mut i32;
/// Selects a string member of the model.
type StrField = fn(&mut Config) -> &mut Option<WideString>;

fn env_flag(host: &dyn ConfigHost, c: &Config, name: &str, flag: &mut i32) {
    if let Some(v) = env(host, c, name) {
        let value = match str_to_int(&v) {
            Some(n) if n >= 0 => n,
            _ => 1,
        };
        if *flag < value {
            *flag = value;
        }
    }
}

fn env_string(
    c: &Config,
    utf8: bool,
    host: &dyn ConfigHost,
    name: &str,
    err: Status,
) -> PyResult<Option<WideString>> {
    match env(host, c, name) {
        None => Ok(None),
        Some(v) => decode_env(host, utf8, &v, err).map(Some),
    }
}

fn read_env_vars(c: &mut Config, utf8: bool, host: &dyn ConfigHost) -> PyResult<()> {
    let (mut debug, mut verbose, mut optimize) = (c.parser_debug, c.verbose, c.optimization_level);
    env_flag(host, c, "PYTHONDEBUG", &mut debug);
    env_flag(host, c, "PYTHONVERBOSE", &mut verbose);
    env_flag(host, c, "PYTHONOPTIMIZE", &mut optimize);
    (c.parser_debug, c.verbose, c.optimization_level) = (debug, verbose, optimize);
    if c.inspect == 0 && env(host, c, "PYTHONINSPECT").is_some() {
        c.inspect = 1;
    }
    // Any value but a literal 0 turns these off, whatever the config said.
    let negative: [(&str, IntField); 3] = [
        ("PYTHONDONTWRITEBYTECODE", |c| &mut c.write_bytecode),
        ("PYTHONNOUSERSITE", |c| &mut c.user_site_directory),
        ("PYTHONUNBUFFERED", |c| &mut c.buffered_stdio),
    ];
    for (name, field) in negative {
        let mut flag = 0;
        env_flag(host, c, name, &mut flag);
        if flag != 0 {
            *field(c) = 0;
        }
    }
    if env(host, c, "PYTHONDUMPREFS").is_some() {
        c.dump_refs = 1;
    }
    if env(host, c, "PYTHONMALLOCSTATS").is_some() {
        c.malloc_stats = 1;
    }
    // Strings taken from the environment only when the caller left them unset.
    let strings: [(&str, &'static std::ffi::CStr, StrField); 3] = [
        (
            "PYTHONDUMPREFSFILE",
            c"cannot decode PYTHONDUMPREFSFILE",
            |c| &mut c.dump_refs_file,
        ),
        ("PYTHONPATH", c"cannot decode PYTHONPATH", |c| {
            &mut c.pythonpath_env
        }),
        ("PYTHONPLATLIBDIR", c"cannot decode PYTHONPLATLIBDIR", |c| {
            &mut c.platlibdir
        }),
    ];
    for (name, msg, field) in strings {
        if field(c).is_none() {
            let value = env_string(
                c,
                utf8,
                host,
                name,
                Status::error(c"config_read_env_vars", msg),
            )?;
            *field(c) = value;
        }
    }
    if c.use_hash_seed < 0 {
        init_hash_seed(c, host)?;
    }
    if env(host, c, "PYTHONSAFEPATH").is_some() {
        c.safe_path = 1;
    }
    if let Some(gil) = env(host, c, "PYTHON_GIL") {
        read_gil(gil.len(), gil[0] as WChar)?;
    }
    Ok(())
}

fn init_hash_seed(c: &mut Config, host: &dyn ConfigHost) -> PyResult<()> {
    match env(host, c, "PYTHONHASHSEED") {
        Some(text) if *text != *b"random" => {
            let ok = strtoul(&text)
                .filter(|&(seed, rest_empty, overflow)| {
                    rest_empty && seed <= MAX_HASH_SEED && !overflow
                })
                .map(|t| t.0);
            match ok {
                Some(seed) => {
                    c.use_hash_seed = 1;
                    c.hash_seed = seed;
                }
                None => {
                    return status_err!(
                        "config_init_hash_seed",
                        "PYTHONHASHSEED must be \"random\" or an integer in range [0; 4294967295]"
                    );
                }
            }
        }
        _ => {
            c.use_hash_seed = 0;
            c.hash_seed = 0;
        }
    }
    Ok(())
}

/// `PYTHON_GIL` / `-X gil` in a build with the GIL: only "1" is accepted.
fn read_gil(len: usize, first: WChar) -> PyResult<()> {
    if len == 1 && first == '0' as WChar {
        status_err!(
            "config_read_gil",
            "Disabling the GIL is not supported by this build"
        )
    } else if len == 1 && first == '1' as WChar {
        Ok(())
    } else {
        status_err!(
            "config_read_gil",
            "PYTHON_GIL / -X gil must be \"0\" or \"1\""
        )
    }
}

fn read_complex_options(c: &mut Config, utf8: bool, host: &dyn ConfigHost) -> PyResult<()> {
    if c.faulthandler < 0
        && (env(host, c, "PYTHONFAULTHANDLER").is_some() || xopt(c, "faulthandler").is_some())
    {
        c.faulthandler = 1;
    }
    if env(host, c, "PYTHONNODEBUGRANGES").is_some() || xopt(c, "no_debug_ranges").is_some() {
        c.code_debug_ranges = 0;
    }
    if c.import_time < 0 {
        init_import_time(c, host)?;
    }
    if c.tracemalloc < 0 {
        init_tracemalloc(c, host)?;
    }
    if c.perf_profiling < 0 {
        init_perf_profiling(c, host);
    }
    if c.remote_debug < 0 {
        let disabled_by_env =
            !host.ignore_environment_flag() && host.getenv("PYTHON_DISABLE_REMOTE_DEBUG").is_some();
        c.remote_debug = if disabled_by_env || xopt(c, "disable-remote-debug").is_some() {
            0
        } else {
            1
        };
    }
    if c.int_max_str_digits < 0 {
        init_int_max_str_digits(c, host)?;
    }
    if c.cpu_count < 0 {
        init_cpu_count(c, host)?;
    }
    if c.pycache_prefix.is_none() {
        init_pycache_prefix(c, utf8, host)?;
    }
    init_bool_option(
        c,
        host,
        "PYTHON_THREAD_INHERIT_CONTEXT",
        "thread_inherit_context",
        Status::error(
            c"config_init_thread_inherit_context",
            c"PYTHON_THREAD_INHERIT_CONTEXT=N: N is missing or invalid",
        ),
        Status::error(
            c"config_init_thread_inherit_context",
            c"-X thread_inherit_context=n: n is missing or invalid",
        ),
        |c| &mut c.thread_inherit_context,
    )?;
    init_bool_option(
        c,
        host,
        "PYTHON_CONTEXT_AWARE_WARNINGS",
        "context_aware_warnings",
        Status::error(
            c"config_init_context_aware_warnings",
            c"PYTHON_CONTEXT_AWARE_WARNINGS=N: N is missing or invalid",
        ),
        Status::error(
            c"config_init_context_aware_warnings",
            c"-X context_aware_warnings=n: n is missing or invalid",
        ),
        |c| &mut c.context_aware_warnings,
    )
}

fn init_import_time(c: &mut Config, host: &dyn ConfigHost) -> PyResult<()> {
    let mut import_time = 0;
    if let Some(v) = env(host, c, "PYTHONPROFILEIMPORTTIME") {
        import_time = str_to_int(&v).unwrap_or(1);
        if !(0..=2).contains(&import_time) {
            return status_err!(
                "config_init_import_time",
                "PYTHONPROFILEIMPORTTIME: numeric values other than 1 and 2 are reserved for future use."
            );
        }
    }
    if let Some(v) = xopt_value(c, "importtime") {
        import_time = if v.is_empty() {
            1
        } else {
            wstr_to_int(v).unwrap_or(1)
        };
        if !(0..=2).contains(&import_time) {
            return status_err!(
                "config_init_import_time",
                "-X importtime: values other than 1 and 2 are reserved for future use."
            );
        }
    }
    c.import_time = import_time;
    Ok(())
}

fn init_tracemalloc(c: &mut Config, host: &dyn ConfigHost) -> PyResult<()> {
    if let Some(v) = env(host, c, "PYTHONTRACEMALLOC") {
        match str_to_int(&v) {
            Some(n) if n >= 0 => c.tracemalloc = n,
            _ => {
                return status_err!(
                    "config_init_tracemalloc",
                    "PYTHONTRACEMALLOC: invalid number of frames"
                );
            }
        }
    }
    if let Some(value) = xopt(c, "tracemalloc") {
        c.tracemalloc = match value {
            None => 1,
            Some(v) => match wstr_to_int(v) {
                Some(n) if n >= 0 => n,
                _ => {
                    return status_err!(
                        "config_init_tracemalloc",
                        "-X tracemalloc=NFRAME: invalid number of frames"
                    );
                }
            },
        };
    }
    Ok(())
}

fn init_perf_profiling(c: &mut Config, host: &dyn ConfigHost) {
    if let Some(v) = env(host, c, "PYTHONPERFSUPPORT") {
        if str_to_int(&v).unwrap_or(0) != 0 {
            c.perf_profiling = 1;
        }
    }
    if xopt(c, "perf").is_some() {
        c.perf_profiling = 1;
    }
    if let Some(v) = env(host, c, "PYTHON_PERF_JIT_SUPPORT") {
        if str_to_int(&v).unwrap_or(0) != 0 {
            c.perf_profiling = 2;
        }
    }
    if xopt(c, "perf_jit").is_some() {
        c.perf_profiling = 2;
    }
}

fn valid_max_str_digits(n: i32) -> bool {
    n == 0 || n >= MAX_STR_DIGITS_THRESHOLD
}

fn init_int_max_str_digits(c: &mut Config, host: &dyn ConfigHost) -> PyResult<()> {
    if let Some(v) = env(host, c, "PYTHONINTMAXSTRDIGITS") {
        match str_to_int(&v) {
            Some(n) if valid_max_str_digits(n) => c.int_max_str_digits = n,
            _ => {
                return status_err!(
                    "config_init_int_max_str_digits",
                    "PYTHONINTMAXSTRDIGITS: invalid limit; must be >= 640 or 0 for unlimited."
                );
            }
        }
    }
    if let Some(value) = xopt(c, "int_max_str_digits") {
        match value.and_then(wstr_to_int) {
            Some(n) if valid_max_str_digits(n) => c.int_max_str_digits = n,
            _ => {
                return status_err!(
                    "config_init_int_max_str_digits",
                    "-X int_max_str_digits: invalid limit; must be >= 640 or 0 for unlimited."
                );
            }
        }
    }
    if c.int_max_str_digits < 0 {
        c.int_max_str_digits = DEFAULT_MAX_STR_DIGITS;
    }
    Ok(())
}

fn init_cpu_count(c: &mut Config, host: &dyn ConfigHost) -> PyResult<()> {
    let err = || {
        status_err!(
            "config_init_cpu_count",
            "-X cpu_count=n option: n is missing or an invalid number, n must be greater than 0"
        )
    };
    if let Some(v) = env(host, c, "PYTHON_CPU_COUNT") {
        c.cpu_count = if *v == *b"default" {
            -1
        } else {
            match str_to_int(&v) {
                Some(n) if n >= 1 => n,
                _ => return err(),
            }
        };
    }
    if let Some(value) = xopt(c, "cpu_count") {
        c.cpu_count = match value {
            Some(v) if units_eq(v, "default") => -1,
            Some(v) => match wstr_to_int(v) {
                Some(n) if n >= 1 => n,
                _ => return err(),
            },
            None => return err(),
        };
    }
    Ok(())
}

fn init_pycache_prefix(c: &mut Config, utf8: bool, host: &dyn ConfigHost) -> PyResult<()> {
    if let Some(value) = xopt(c, "pycache_prefix") {
        c.pycache_prefix = match value {
            Some(v) if !v.is_empty() => Some(WideString::from_slice(v)),
            _ => None,
        };
        return Ok(());
    }
    c.pycache_prefix = env_string(
        c,
        utf8,
        host,
        "PYTHONPYCACHEPREFIX",
        Status::error(
            c"config_init_pycache_prefix",
            c"cannot decode PYTHONPYCACHEPREFIX",
        ),
    )?;
    Ok(())
}

fn init_bool_option(
    c: &mut Config,
    host: &dyn ConfigHost,
    env_name: &str,
    xname: &str,
    env_err: Status,
    x_err: Status,
    field: IntField,
) -> PyResult<()> {
    if let Some(v) = env(host, c, env_name) {
        match str_to_int(&v) {
            Some(n @ 0..=1) => *field(c) = n,
            _ => return Err(env_err),
        }
    }
    if let Some(value) = xopt(c, xname) {
        match value.and_then(wstr_to_int) {
            Some(n @ 0..=1) => *field(c) = n,
            _ => return Err(x_err),
        }
    }
    Ok(())
}

fn init_import(c: &mut Config, host: &dyn ConfigHost) -> PyResult<()> {
    match env(host, c, "PYTHON_FROZEN_MODULES").as_deref() {
        None => {}
        Some(b"on") => c.use_frozen_modules = 1,
        Some(b"off") => c.use_frozen_modules = 0,
        Some(_) => {
            return Err(Status::Error {
                func: None,
                msg: c"bad value for PYTHON_FROZEN_MODULES (expected \"on\" or \"off\")",
            });
        }
    }
    if let Some(v) = xopt_value(c, "frozen_modules") {
        if units_eq(v, "on") || v.is_empty() {
            c.use_frozen_modules = 1;
        } else if units_eq(v, "off") {
            c.use_frozen_modules = 0;
        } else {
            return Err(Status::Error {
                func: None,
                msg: c"bad value for option -X frozen_modules (expected \"on\" or \"off\")",
            });
        }
    }
    Ok(())
}

/// [`locale_encoding`]'s answer, kept for the second question of a read
/// (the locale does not change in between).
type EncodingCache = Option<WideString>;

fn locale_encoding(
    host: &dyn ConfigHost,
    utf8: bool,
    cache: &mut EncodingCache,
) -> PyResult<WideString> {
    if utf8 {
        return Ok(wstr!("utf-8"));
    }
    if let Some(enc) = cache {
        return Ok(enc.clone());
    }
    let mut enc = None;
    host.with_locale_codeset(&mut |cs| {
        enc = cs.filter(|cs| !cs.is_empty()).map(|cs| match cs {
            b"UTF-8" => wstr!("UTF-8"),
            b"ANSI_X3.4-1968" => wstr!("ANSI_X3.4-1968"),
            _ => WideString::from(String::from_utf8_lossy(cs).as_ref()),
        });
    });
    match enc {
        Some(enc) => {
            *cache = Some(enc.clone());
            Ok(enc)
        }
        None => status_err!(
            "config_get_locale_encoding",
            "failed to get the locale encoding: nl_langinfo(CODESET) failed"
        ),
    }
}

fn init_stdio_encoding(
    c: &mut Config,
    utf8: bool,
    host: &dyn ConfigHost,
    cache: &mut EncodingCache,
) -> PyResult<()> {
    if c.stdio_encoding.is_some() && c.stdio_errors.is_some() {
        return Ok(());
    }
    if let Some(opt) = env(host, c, "PYTHONIOENCODING") {
        let (enc, mut errors): (&[u8], Option<&[u8]>) = match opt.iter().position(|&b| b == b':') {
            Some(i) => (&opt[..i], Some(&opt[i + 1..]).filter(|e| !e.is_empty())),
            None => (&opt[..], None),
        };
        let err = || {
            Status::error(
                c"config_init_stdio_encoding",
                c"cannot decode PYTHONIOENCODING environment variable",
            )
        };
        if !enc.is_empty() {
            if c.stdio_encoding.is_none() {
                c.stdio_encoding = Some(decode_env(host, utf8, enc, err())?);
            }
            if errors.is_none() {
                errors = Some(b"strict");
            }
        }
        if c.stdio_errors.is_none() {
            if let Some(e) = errors {
                c.stdio_errors = Some(decode_env(host, utf8, e, err())?);
            }
        }
    }
    if c.stdio_encoding.is_none() {
        c.stdio_encoding = Some(locale_encoding(host, utf8, cache)?);
    }
    if c.stdio_errors.is_none() {
        let surrogateescape =
            utf8 || host.lc_ctype_in(&[b"C", b"POSIX", b"C.UTF-8", b"C.utf8", b"UTF-8"]);
        c.stdio_errors = Some(if surrogateescape {
            wstr!("surrogateescape")
        } else {
            wstr!("strict")
        });
    }
    Ok(())
}
