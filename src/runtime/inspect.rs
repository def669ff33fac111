//! What a `python` program sees once started, without starting it: the
//! path configuration, then `site`'s part of `sys.path`, then the entry the
//! main program inserts at `sys.path[0]` (for `PyRT_ComputeSysPath` and
//! `pyrt-inspect`).

use crate::config::Config;
use crate::getpath::RealFs;
use crate::getpath::fs::{MemoFs, traced_as};
use crate::getpath::site::{self, Layout, Origin};
use crate::locale;
use crate::runtime::fatal::EXCEPTIONS;
use crate::runtime::pathconfig;
use crate::status::{PyResult, Status};
use crate::wstr::WideString;

/// The answer for one configuration.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// `sys.path` with each entry's origin (`sys.path[0]` included when
    /// asked for, with the origin [`Origin::Main`]).
    pub sys_path: Vec<(Vec<u8>, Origin)>,
    /// What `site` decided (None when `site` is not imported at startup).
    pub site: Option<site::Output>,
    /// What starting writes to stderr: getpath's warnings, then `site`'s,
    /// or the report of a startup that fails.
    pub stderr: String,
    /// The startup fails (the standard library cannot be imported): the
    /// status initialization returns. `sys_path` then holds the search
    /// path the failure report shows.
    pub failure: Option<Status>,
}

/// How a startup fails for want of the standard library.
pub struct ImportFailure {
    /// The status initialization returns (its function and message are
    /// the fatal error's).
    pub status: Status,
    /// The main phase had completed (`site` failed); otherwise the runtime
    /// is "core initialized" and CPython first writes its path
    /// configuration report.
    pub initialized: bool,
    /// The pending exception: an index into [`EXCEPTIONS`].
    pub exception: usize,
}

impl ImportFailure {
    /// The "Python runtime state" the failure leaves.
    pub fn state(&self) -> &'static str {
        if self.initialized {
            "initialized"
        } else {
            "core initialized"
        }
    }
}

/// What the main phase of initialization finds when it imports the
/// standard library from `paths` (the configuration's computed
/// `module_search_paths`, encoded): `encodings`, and `site` when it is
/// imported and not frozen. None: both would be found.
pub fn import_failure(
    c: &Config,
    paths: &[Vec<u8>],
    fs: &dyn crate::getpath::Fs,
) -> Option<ImportFailure> {
    use crate::getpath::importcheck::{Found, find_fast as find};
    match find(b"encodings", paths, fs) {
        Found::Missing => Some(ImportFailure {
            status: Status::Error {
                func: None,
                msg: c"Failed to import encodings module",
            },
            initialized: false,
            exception: 0,
        }),
        // A namespace package registers no codec search function.
        Found::Namespace(_) => Some(ImportFailure {
            status: Status::error(
                c"init_fs_encoding",
                c"failed to get the Python codec of the filesystem encoding",
            ),
            initialized: false,
            exception: 1,
        }),
        Found::Module(_) if c.site_import > 0 && !module_found(c, paths, "site", fs) => {
            Some(ImportFailure {
                status: SITE_FAILED,
                initialized: true,
                exception: 2,
            })
        }
        Found::Module(_) => None,
    }
}

/// The status of an import of `site` that fails.
const SITE_FAILED: Status = Status::error(c"init_import_site", c"Failed to import the site module");

/// The modules built into the reference build's `python` program.
const BUILTIN_MODULES: [&str; 64] = [
    "_abc",
    "_ast",
    "_bisect",
    "_blake2",
    "_codecs",
    "_collections",
    "_contextvars",
    "_csv",
    "_datetime",
    "_elementtree",
    "_functools",
    "_heapq",
    "_imp",
    "_io",
    "_json",
    "_locale",
    "_md5",
    "_opcode",
    "_operator",
    "_pickle",
    "_posixsubprocess",
    "_random",
    "_sha1",
    "_sha2",
    "_sha3",
    "_signal",
    "_socket",
    "_sre",
    "_stat",
    "_statistics",
    "_string",
    "_struct",
    "_suggestions",
    "_symtable",
    "_sysconfig",
    "_thread",
    "_tokenize",
    "_tracemalloc",
    "_types",
    "_typing",
    "_warnings",
    "_weakref",
    "array",
    "atexit",
    "binascii",
    "builtins",
    "cmath",
    "errno",
    "faulthandler",
    "fcntl",
    "gc",
    "grp",
    "itertools",
    "marshal",
    "math",
    "posix",
    "pwd",
    "pyexpat",
    "select",
    "sys",
    "syslog",
    "time",
    "unicodedata",
    "zlib",
];

/// The top-level modules CPython 3.14 freezes (used unless
/// `use_frozen_modules` is off).
const FROZEN_MODULES: [&str; 15] = [
    "_collections_abc",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_sitebuiltins",
    "abc",
    "codecs",
    "genericpath",
    "io",
    "ntpath",
    "os",
    "posixpath",
    "runpy",
    "site",
    "stat",
    "zipimport",
];

/// Whether `import MODULE` would find the module: a top-level one built
/// in, frozen, or on `paths`, then each submodule in its package's
/// directory (a frozen package's, or a package in a zip archive, are taken
/// as found; a namespace package's first portion is looked in).
fn module_found(c: &Config, paths: &[Vec<u8>], module: &str, fs: &dyn crate::getpath::Fs) -> bool {
    use crate::getpath::importcheck::{Found, find_fast as find};
    let mut names = module.split('.');
    let top = names.next().unwrap_or("");
    if BUILTIN_MODULES.contains(&top)
        || (c.use_frozen_modules != 0 && FROZEN_MODULES.contains(&top))
    {
        return true;
    }
    let mut search = paths.to_vec();
    let mut name = top;
    loop {
        let dir = match find(name.as_bytes(), &search, fs) {
            Found::Missing => return false,
            Found::Namespace(d) => d,
            Found::Module(file) => {
                let (dir, base) = match file.iter().rposition(|&b| b == b'/') {
                    Some(i) => (file[..i].to_vec(), &file[i + 1..]),
                    None => (Vec::new(), file.as_slice()),
                };
                if !base.starts_with(b"__init__.") {
                    // A module, not a package: it has no submodules.
                    return names.next().is_none();
                }
                if !fs.is_dir(&dir) {
                    // A package in a zip archive.
                    return true;
                }
                dir
            }
        };
        match names.next() {
            None => return true,
            Some(n) => {
                name = n;
                search = vec![dir];
            }
        }
    }
}

/// A wide string as Python's `repr` shows it.
pub fn python_repr(w: &WideString) -> String {
    site::python_repr(w.units().iter().map(|&u| u as u32))
}

/// CPython's "Python path configuration:" report, written before
/// initialization fails for want of the standard library.
pub fn path_config_report(c: &Config) -> String {
    let opt = |w: &Option<WideString>| w.as_ref().map_or("(not set)".to_string(), python_repr);
    let mut o = String::from("Python path configuration:\n");
    let mut line = |k: &str, v: String| o.push_str(&format!("  {k} = {v}\n"));
    line("PYTHONHOME", opt(&c.home));
    line("PYTHONPATH", opt(&c.pythonpath_env));
    line("program name", opt(&c.program_name));
    line("isolated", c.isolated.to_string());
    line("environment", c.use_environment.to_string());
    line("user site", c.user_site_directory.to_string());
    line("safe_path", c.safe_path.to_string());
    line("import site", c.site_import.to_string());
    line("is in build tree", c._is_python_build.to_string());
    line(
        "stdlib dir",
        python_repr(c.stdlib_dir.as_ref().unwrap_or(&WideString::new())),
    );
    line("sys.path[0]", opt(&c.sys_path_0));
    line("sys._base_executable", opt(&c.base_executable));
    line("sys.base_prefix", opt(&c.base_prefix));
    line("sys.base_exec_prefix", opt(&c.base_exec_prefix));
    line("sys.platlibdir", opt(&c.platlibdir));
    line("sys.executable", opt(&c.executable));
    line("sys.prefix", opt(&c.prefix));
    line("sys.exec_prefix", opt(&c.exec_prefix));
    o.push_str("  sys.path = [\n");
    for p in &c.module_search_paths {
        o.push_str(&format!("    {},\n", python_repr(p)));
    }
    o.push_str("  ]\n");
    o
}

/// A fatal error's report as the `python` program writes it when its
/// startup fails with `status`: the runtime's state, the pending exception,
/// the (only) thread. `thread` names the program's thread as the OS shows
/// it.
fn fatal_report(status: Status, state: &str, exception: &str, thread: &str) -> String {
    let Status::Error { func, msg } = status else {
        return String::new();
    };
    let head = match func {
        Some(f) => format!(
            "Fatal Python error: {}: {}",
            f.to_string_lossy(),
            msg.to_string_lossy()
        ),
        None => format!("Fatal Python error: {}", msg.to_string_lossy()),
    };
    let mut out = format!("{head}\nPython runtime state: {state}\n{exception}\n");
    // An exception with a traceback ends the report (CPython prints no
    // thread list after it).
    if !exception.starts_with("Traceback") {
        out.push_str(&format!(
            "\nCurrent thread 0x{:016x} [{thread}] (most recent call first):\n  <no Python frame>\n",
            crate::sys::thread::os_thread()
        ));
    }
    out
}

/// The thread name the kernel gives a program run as `argv0`.
fn comm_of(c: &Config) -> String {
    let argv0 = c
        .orig_argv
        .first()
        .or(c.program_name.as_ref())
        .map(|w| w.to_string_lossy())
        .unwrap_or_default();
    let base = argv0.rsplit('/').next().unwrap_or("").to_string();
    base.chars().take(15).collect()
}

/// The password database's home directory of the real user.
fn pwd_home() -> Option<Vec<u8>> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: plain data that getpwuid_r fills.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: `pw`, `buf` and `found` outlive the call; `buf.len()` is its size.
    let r = unsafe {
        libc::getpwuid_r(
            libc::getuid(),
            &mut pw,
            buf.as_mut_ptr(),
            buf.len(),
            &mut found,
        )
    };
    if r != 0 || found.is_null() || pw.pw_dir.is_null() {
        return None;
    }
    // SAFETY: getpwuid_r set `pw_dir` to a NUL-terminated string in `buf`.
    Some(
        unsafe { std::ffi::CStr::from_ptr(pw.pw_dir) }
            .to_bytes()
            .to_vec(),
    )
}

fn encode(w: &Option<WideString>, utf8: bool) -> PyResult<Vec<u8>> {
    match w {
        None => Ok(Vec::new()),
        Some(w) => locale::encode(w.units(), utf8)
            .map_err(|_| Status::error(c"PyRT_ComputeSysPath", c"cannot encode a path")),
    }
}

/// `site`'s input from a configuration whose paths are computed (`sys_path`:
/// its search path, encoded), and from the process (its ids and
/// environment).
fn site_input(
    c: &Config,
    sys_path: Vec<Vec<u8>>,
    layout: Layout,
    utf8: bool,
    find_customize: bool,
) -> PyResult<site::Input> {
    // SAFETY: the id getters have no preconditions.
    let ids_differ =
        unsafe { libc::geteuid() != libc::getuid() || libc::getegid() != libc::getgid() };
    let home_env = crate::sys::getenv(c"HOME");
    Ok(site::Input {
        sys_path,
        executable: encode(&c.executable, utf8)?,
        prefix: encode(&c.prefix, utf8)?,
        exec_prefix: encode(&c.exec_prefix, utf8)?,
        base_prefix: encode(&c.base_prefix, utf8)?,
        base_exec_prefix: encode(&c.base_exec_prefix, utf8)?,
        platlibdir: encode(&c.platlibdir, utf8)?,
        no_user_site: c.user_site_directory == 0,
        ids_differ,
        pythonuserbase: crate::sys::getenv(c"PYTHONUSERBASE").filter(|v| !v.is_empty()),
        home_pwd: if home_env.is_none() { pwd_home() } else { None },
        home_env,
        major: 3,
        minor: 14,
        abi_thread: Vec::new(),
        layout,
        warnoptions: c.warnoptions.iter().map(|w| w.to_string_lossy()).collect(),
        find_customize,
    })
}

/// Computes `model`'s paths (it must have been read), then `site`'s part
/// of `sys.path` when `site` is imported at startup, then, with `main`,
/// `sys.path[0]`. Warnings go to the report's `stderr`. `library`: the
/// program holds the runtime in this process's shared library (the C API),
/// as opposed to a program pyrt describes from outside (pyrt-inspect).
/// `customize`: look for `sitecustomize` and `usercustomize` on the final
/// path (a report names them; the search looks at many files).
pub fn compute(
    model: &mut Config,
    layout: Layout,
    main: bool,
    library: bool,
    customize: bool,
) -> PyResult<Report> {
    let mut report = compute_paths(model, layout, main, library, customize)?;
    if main && report.failure.is_none() {
        if let Some(p0) = main_entry(model)? {
            report.sys_path.insert(0, (p0, Origin::Main));
        }
    }
    Ok(report)
}

/// [`compute`] without `sys.path[0]` (the report's `stderr` has the fatal
/// error's report of a failing startup when `main` is set).
pub fn compute_paths(
    model: &mut Config,
    layout: Layout,
    main: bool,
    library: bool,
    customize: bool,
) -> PyResult<Report> {
    // Without the trace, each file is looked at once (getpath and `site`
    // look at some twice); with it, every look is shown.
    let memo = MemoFs::new(&RealFs);
    let fs: &dyn crate::getpath::Fs = if crate::sys::trace::enabled() {
        &RealFs
    } else {
        &memo
    };
    compute_over(model, layout, main, library, customize, fs)
}

/// The entry the main program inserts at `sys.path[0]` for `model`, if
/// any (it looks at the file system and the working directory afresh).
pub fn main_entry(model: &Config) -> PyResult<Option<Vec<u8>>> {
    let cannot = || Status::error(c"PyRT_ComputeSysPath", c"cannot encode sys.path[0]");
    match pathconfig::sys_path0(model) {
        Ok(Some(p0)) => encode(&Some(p0), crate::runtime::utf8_mode()).map(Some),
        Ok(None) => Ok(None),
        Err(_) => Err(cannot()),
    }
}

/// [`compute_paths`] over the file system `fs`.
pub fn compute_over(
    model: &mut Config,
    layout: Layout,
    main: bool,
    library: bool,
    customize: bool,
    fs: &dyn crate::getpath::Fs,
) -> PyResult<Report> {
    let utf8 = crate::runtime::utf8_mode();
    let mut report = Report::default();
    if model._install_importlib != 0 {
        let mut err = String::new();
        let r = pathconfig::compute_with(model, utf8, fs, library, &mut |w| {
            err.push_str(w);
            err.push('\n');
        });
        report.stderr = err;
        r?;
    }
    // The search path, encoded once for the import checks and `site`.
    let paths: Vec<Vec<u8>> = model
        .module_search_paths
        .iter()
        .map(|p| encode(&Some(p.clone()), utf8))
        .collect::<PyResult<_>>()?;
    if model._install_importlib != 0 {
        // The main phase imports `encodings` (then `site`, which comes
        // from the frozen modules unless they are off).
        let failure = traced_as("import", || import_failure(model, &paths, fs));
        if let Some(f) = failure {
            if !f.initialized {
                report.stderr.push_str(&path_config_report(model));
            }
            if main {
                report.stderr.push_str(&fatal_report(
                    f.status,
                    f.state(),
                    EXCEPTIONS[f.exception],
                    &comm_of(model),
                ));
            }
            report.failure = Some(f.status);
            report.sys_path = paths.into_iter().map(|p| (p, Origin::Config)).collect();
            return Ok(report);
        }
    }
    // The `warnings` module, imported by `site` to warn or after it, first
    // reports the `-W` options it ignores.
    let warnoptions: Vec<String> = model
        .warnoptions
        .iter()
        .map(|w| w.to_string_lossy())
        .collect();
    if !warnoptions.is_empty() {
        let found = |module: &str| module_found(model, &paths, module, fs);
        let lines = traced_as("import", || site::invalid_warnoptions(&warnoptions, &found));
        report.stderr.push_str(&lines);
    }
    if model.site_import > 0 {
        let input = site_input(model, paths, layout, utf8, customize)?;
        let out = traced_as("site", || site::compute(&input, fs));
        report.stderr.push_str(&out.stderr);
        if let Some(exception) = &out.error {
            // A warning made an error: importing `site` fails.
            if main {
                report.stderr.push_str(&fatal_report(
                    SITE_FAILED,
                    "initialized",
                    exception,
                    &comm_of(model),
                ));
            }
            report.failure = Some(SITE_FAILED);
            report.sys_path = out.sys_path.clone();
            report.site = Some(out);
            return Ok(report);
        }
        report.sys_path = out.sys_path.clone();
        report.site = Some(out);
    } else {
        report.sys_path = paths.into_iter().map(|p| (p, Origin::Config)).collect();
    }
    Ok(report)
}
