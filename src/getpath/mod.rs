//! The path configuration of CPython 3.14 on POSIX ("getpath"): from the
//! program name, the environment, the caller's `PyConfig` and what is on
//! disk, compute `executable`, the prefixes, `stdlib_dir` and
//! `module_search_paths`, with CPython's warnings.
//!
//! The algorithm works on byte paths (what POSIX file systems store); the
//! caller encodes the configuration's wide strings with the file-system
//! encoding and decodes the results back, which round-trips every value.
//! Every file-system question goes through [`Fs`], so the same code runs over
//! the real disk and over the described trees of `tests/getpath_cases.rs`.

pub mod fs;
pub mod importcheck;
pub mod path;
pub mod site;
pub mod syspath0;

pub use fs::{Fs, ReadError, RealFs};
use path::{abspath, basename, dirname, is_abs, join, partition, strip};

/// The build settings of the computation (CPython's compile-time values).
#[derive(Clone, Debug)]
pub struct Build {
    /// `PREFIX`: where the standard library is installed by default.
    pub prefix: Vec<u8>,
    /// `EXEC_PREFIX`: where platform-dependent modules are installed by default.
    pub exec_prefix: Vec<u8>,
    /// The compiled-in search path entries, `:`-separated, relative to `base_prefix`.
    pub pythonpath: Vec<u8>,
    /// Relative path from a build directory to its source tree.
    pub vpath: Vec<u8>,
    /// `PLATLIBDIR` (`lib` or `lib64`).
    pub platlibdir: Vec<u8>,
    /// Python's major version.
    pub major: u32,
    /// Python's minor version.
    pub minor: u32,
    /// `t` for free-threaded builds, else empty.
    pub abi_thread: Vec<u8>,
}

impl Build {
    /// pyrt's settings: `PYRT_PYTHON_PREFIX`, `PYRT_PYTHON_EXEC_PREFIX`,
    /// `PYRT_PLATLIBDIR`, `PYRT_VPATH` and `PYRT_PYTHONPATH` at build time
    /// (defaults `/usr`, the prefix, `lib`, `..`, empty: those of the reference
    /// CPython 3.14 build), Python 3.14.
    pub fn pyrt() -> Build {
        Build {
            prefix: env!("PYRT_PYTHON_PREFIX").into(),
            exec_prefix: env!("PYRT_PYTHON_EXEC_PREFIX").into(),
            pythonpath: env!("PYRT_PYTHONPATH").into(),
            vpath: env!("PYRT_VPATH").into(),
            platlibdir: env!("PYRT_PLATLIBDIR").into(),
            major: 3,
            minor: 14,
            abi_thread: Vec::new(),
        }
    }
}

/// Environment variables read by the computation (empty means unset).
#[derive(Clone, Debug, Default)]
pub struct Env {
    /// `PATH`, to find a bare program name.
    pub path: Vec<u8>,
    /// `PYTHONHOME`.
    pub pythonhome: Vec<u8>,
    /// `PYTHONEXECUTABLE`.
    pub pythonexecutable: Vec<u8>,
    /// `__PYVENV_LAUNCHER__`.
    pub pyvenv_launcher: Vec<u8>,
}

/// Values the process supplies (empty means unknown).
#[derive(Clone, Debug, Default)]
pub struct Process {
    /// The executable as the OS reports it (unknown on Linux).
    pub real_executable: Vec<u8>,
    /// The shared library holding the runtime.
    pub library: Vec<u8>,
    /// A preset search directory (unused on POSIX).
    pub executable_dir: Vec<u8>,
    /// The string given to `Py_SetPath`.
    pub py_setpath: Option<Vec<u8>>,
    /// How many characters a path's bytes decode to with the process's
    /// codec, for the length limits (None: one per byte).
    pub wide_len: Option<path::WideLen>,
}

/// The `PyConfig` members the computation reads (`None` is NULL); each has
/// the meaning of the `PyConfig` member of the same name.
#[allow(missing_docs)]
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub program_name: Option<Vec<u8>>,
    pub home: Option<Vec<u8>>,
    pub executable: Option<Vec<u8>>,
    pub base_executable: Option<Vec<u8>>,
    pub prefix: Option<Vec<u8>>,
    pub exec_prefix: Option<Vec<u8>>,
    pub base_prefix: Option<Vec<u8>>,
    pub base_exec_prefix: Option<Vec<u8>>,
    pub stdlib_dir: Option<Vec<u8>>,
    pub platlibdir: Option<Vec<u8>>,
    pub pythonpath_env: Option<Vec<u8>>,
    pub module_search_paths: Vec<Vec<u8>>,
    pub module_search_paths_set: bool,
    /// `orig_argv[0]`, when `orig_argv` is not empty.
    pub argv0: Option<Vec<u8>>,
    pub use_environment: bool,
    pub is_python_build: i32,
}

/// What a `._pth` file imposes on the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PthFlags {
    /// Whether the file asked for `import site`.
    pub site_import: bool,
}

/// The computed members, written back into the `PyConfig` members of the
/// same names (`platstdlib_dir` is internal: CPython 3.14 has no such member).
#[allow(missing_docs)]
#[derive(Clone, Debug, Default)]
pub struct Output {
    pub program_name: Vec<u8>,
    /// The effective home (config, `PYTHONHOME` or the `._pth` directory).
    pub home: Option<Vec<u8>>,
    pub executable: Vec<u8>,
    pub base_executable: Vec<u8>,
    pub prefix: Vec<u8>,
    pub exec_prefix: Vec<u8>,
    pub base_prefix: Vec<u8>,
    pub base_exec_prefix: Vec<u8>,
    pub platlibdir: Vec<u8>,
    pub stdlib_dir: Vec<u8>,
    pub platstdlib_dir: Vec<u8>,
    /// The new search path; `None` keeps the caller's list.
    pub module_search_paths: Option<Vec<Vec<u8>>>,
    /// A build tree was detected.
    pub is_python_build: bool,
    /// A `._pth` file with content was applied.
    pub pth: Option<PthFlags>,
    /// The build tree's source prefix (internal, reported for tests).
    pub build_prefix: Option<Vec<u8>>,
    /// The virtual environment's directory (internal, reported for tests).
    pub venv_prefix: Option<Vec<u8>>,
}

/// Why the computation stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// A file of 32 KiB or more was read (the path is given).
    TooLarge(Vec<u8>),
    /// `pyvenv.cfg` or `pybuilddir.txt` cannot be opened for another reason
    /// than absence or permissions (e.g. a symbolic link loop).
    Unreadable(Vec<u8>),
    /// A join would pass [`path::MAX_PATH_CHARS`] (CPython: "failed to join
    /// paths").
    JoinTooLong,
}

/// `python` followed by the numbers joined with `sep` (`python3.14`,
/// `python314`, `python3`).
fn program(numbers: &[u32], sep: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut out = b"python".to_vec();
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        // Writing into a Vec cannot fail.
        let _ = write!(out, "{n}");
    }
    out
}

fn some(v: &Option<Vec<u8>>) -> Vec<u8> {
    v.clone().unwrap_or_default()
}

/// Follows `path` while it is a symbolic link (only the last component);
/// fails after 40 links.
pub fn realpath(fs: &dyn Fs, path: &[u8]) -> Option<Vec<u8>> {
    let mut cur = path.to_vec();
    for _ in 0..=40 {
        match fs.readlink(&cur) {
            None => return Some(cur),
            Some(target) => {
                cur = if path::is_abs(&target) {
                    target
                } else {
                    join(&[dirname(&cur), &target])
                };
            }
        }
    }
    None
}

struct Ctx<'a> {
    fs: &'a dyn Fs,
    warn: std::cell::RefCell<&'a mut dyn FnMut(&str)>,
    wide_len: Option<path::WideLen>,
    /// A join CPython would have refused happened: CPython stops there with
    /// an exception, so from then on warnings are dropped, and the
    /// computation ends with [`Error::JoinTooLong`].
    join_failed: std::cell::Cell<bool>,
}

impl Ctx<'_> {
    /// CPython's `joinpath` ([`path::join`] within its length limit; an
    /// empty path once refused).
    fn join(&self, parts: &[&[u8]]) -> Vec<u8> {
        if !path::join_fits(parts, self.wide_len) {
            self.join_failed.set(true);
            return Vec::new();
        }
        join(parts)
    }

    /// Passes a warning on, unless the computation already failed.
    fn warn(&self, msg: &str) {
        if !self.join_failed.get() {
            (self.warn.borrow_mut())(msg);
        }
    }

    /// The lines of a text file (`pyvenv.cfg`, `._pth`, `pybuilddir.txt`),
    /// read as CPython does: up to the first NUL byte.
    fn read_lines(&self, p: &[u8]) -> Result<Result<Vec<Vec<u8>>, ReadError>, Error> {
        match self.fs.read(p) {
            Ok(c) => {
                let text = c.split(|&b| b == 0).next().unwrap_or_default();
                Ok(Ok(path::lines(text)))
            }
            Err(ReadError::TooLarge) => Err(Error::TooLarge(p.to_vec())),
            Err(e) => Ok(Err(e)),
        }
    }

    fn search_up(&self, start: &[u8], landmarks: &[&[u8]], dir: bool) -> Vec<u8> {
        let mut p = start.to_vec();
        while !p.is_empty() {
            let hit = landmarks.iter().any(|lm| {
                let c = self.join(&[&p, lm]);
                if dir {
                    self.fs.is_dir(&c)
                } else {
                    self.fs.is_file(&c)
                }
            });
            if hit {
                return p;
            }
            p = dirname(&p).to_vec();
        }
        Vec::new()
    }
}

/// Computes the path configuration. `warn` receives each warning (the caller
/// prints it when `pathconfig_warnings` is set).
pub fn compute(
    input: &Input,
    build: &Build,
    env: &Env,
    process: &Process,
    fs: &dyn Fs,
    warn: &mut dyn FnMut(&str),
) -> Result<Output, Error> {
    let ctx = Ctx {
        fs,
        warn: std::cell::RefCell::new(warn),
        wide_len: process.wide_len,
        join_failed: std::cell::Cell::new(false),
    };
    let out = compute_in(&ctx, input, build, env, process);
    if ctx.join_failed.get() {
        return Err(Error::JoinTooLong);
    }
    out
}

fn compute_in(
    ctx: &Ctx<'_>,
    input: &Input,
    build: &Build,
    env: &Env,
    process: &Process,
) -> Result<Output, Error> {
    let fs = ctx.fs;
    // The working directory is only needed to make a relative path absolute.
    let cwd_cell = std::cell::OnceCell::new();
    let cwd = || -> &Vec<u8> { cwd_cell.get_or_init(|| fs.cwd()) };

    // Constants.
    let platlibdir = match &input.platlibdir {
        Some(p) if !p.is_empty() => p.clone(),
        _ => build.platlibdir.clone(),
    };
    // Formatted, not joined, as CPython formats them: always one `/` after
    // `platlibdir`, no normalization, no length limit (the joins that use
    // them have one).
    let version = program(&[build.major, build.minor], b".");
    let stdlib_subdir = [&platlibdir, b"/".as_slice(), &version, &build.abi_thread].concat();
    let os_py = [stdlib_subdir.as_slice(), b"/os.py"].concat();
    let os_pyc = [stdlib_subdir.as_slice(), b"/os.pyc"].concat();
    let stdlib_landmarks: [&[u8]; 2] = [&os_py, &os_pyc];
    let platstdlib_landmark = [stdlib_subdir.as_slice(), b"/lib-dynload"].concat();
    let zip_name = program(&[build.major, build.minor], b"");
    let zip_landmark = [
        &platlibdir,
        b"/".as_slice(),
        &zip_name,
        &build.abi_thread,
        b".zip",
    ]
    .concat();
    let default_program_name = program(&[build.major], b"");

    let mut program_name = some(&input.program_name);
    let mut home = input.home.clone();
    let mut executable = some(&input.executable);
    let mut base_executable = some(&input.base_executable);
    let mut prefix = some(&input.prefix);
    let mut exec_prefix = some(&input.exec_prefix);
    let mut base_prefix = some(&input.base_prefix);
    let mut base_exec_prefix = some(&input.base_exec_prefix);
    let mut use_environment = input.use_environment;
    let mut stdlib_dir = some(&input.stdlib_dir);
    let stdlib_dir_was_set = !stdlib_dir.is_empty();
    let py_setpath = process.py_setpath.as_ref().filter(|p| !p.is_empty());
    let mut real_executable = process.real_executable.clone();
    let mut executable_dir = process.executable_dir.clone();
    let mut real_executable_dir: Vec<u8> = Vec::new();
    let mut platstdlib_dir: Vec<u8> = Vec::new();
    let mut base_executable_dir: Vec<u8> = Vec::new();

    // Program name.
    if program_name.is_empty() {
        program_name = some(&input.argv0);
    }
    if program_name.is_empty() {
        program_name = default_program_name.clone();
    }

    // Executable.
    if py_setpath.is_some() && executable.is_empty() {
        executable = real_executable.clone();
    }
    if executable.is_empty() && program_name.contains(&b'/') {
        executable = if is_abs(&program_name) {
            abspath(&program_name, b"")
        } else {
            abspath(&program_name, cwd())
        };
    }
    if executable.is_empty() {
        executable = real_executable.clone();
    }
    if executable.is_empty() && !program_name.is_empty() && !env.path.is_empty() {
        for dir in env.path.split(|&b| b == b':') {
            let candidate = ctx.join(&[dir, &program_name]);
            if fs.is_exec(&candidate) {
                executable = candidate;
                break;
            }
        }
    }
    if executable.is_empty() {
        executable_dir = abspath(b".", cwd());
        real_executable_dir = executable_dir.clone();
    }
    let launcher = if !env.pythonexecutable.is_empty() {
        &env.pythonexecutable
    } else {
        &env.pyvenv_launcher
    };
    if !launcher.is_empty() {
        base_executable = if real_executable.is_empty() {
            executable.clone()
        } else {
            real_executable.clone()
        };
        if real_executable.is_empty() {
            real_executable = base_executable.clone();
        }
        executable = launcher.clone();
        executable_dir = dirname(&executable).to_vec();
    }

    // Home.
    let home_was_set = home.as_ref().is_some_and(|h| !h.is_empty());
    if !home_was_set && use_environment && !env.pythonhome.is_empty() && py_setpath.is_none() {
        home = Some(env.pythonhome.clone());
    }
    let home_set = |h: &Option<Vec<u8>>| h.as_ref().is_some_and(|h| !h.is_empty());

    // pyvenv.cfg.
    let mut venv_prefix: Vec<u8> = Vec::new();
    if py_setpath.is_none() {
        let start = if executable_dir.is_empty() {
            dirname(&executable).to_vec()
        } else {
            executable_dir.clone()
        };
        let parent = dirname(&start).to_vec();
        let mut cfg = Vec::new();
        for dir in [parent, start] {
            match ctx.read_lines(&ctx.join(&[&dir, b"pyvenv.cfg"]))? {
                Ok(lines) => {
                    venv_prefix = dir;
                    cfg = lines;
                    break;
                }
                Err(ReadError::NotFound | ReadError::Permission) => continue,
                Err(_) => return Err(Error::Unreadable(ctx.join(&[&dir, b"pyvenv.cfg"]))),
            }
        }
        for line in &cfg {
            let (key, value) = partition(line, b'=');
            let Some(value) = value else { continue };
            if !strip(key).eq_ignore_ascii_case(b"home") {
                continue;
            }
            if home_set(&home) {
                break;
            }
            executable_dir = strip(value).to_vec();
            real_executable_dir = executable_dir.clone();
            if base_executable.is_empty() {
                if let Some(r) = realpath(fs, &executable) {
                    if r != executable {
                        base_executable = r;
                    }
                }
                if base_executable.is_empty() {
                    base_executable = ctx.join(&[&executable_dir, basename(&executable)]);
                    if !fs.is_file(&base_executable) {
                        let exe_name = basename(&executable).to_vec();
                        let dotted = version.clone();
                        for candidate in [&default_program_name, &dotted] {
                            if exe_name == *candidate {
                                continue;
                            }
                            let c = ctx.join(&[&executable_dir, candidate]);
                            if fs.is_file(&c) {
                                base_executable = c;
                                break;
                            }
                        }
                    }
                }
                // The resolved base interpreter's directory wins over `home`
                // when it looks like an installation or a build tree.
                if !base_executable.is_empty() && fs.is_file(&base_executable) {
                    base_executable_dir = dirname(&base_executable).to_vec();
                    let looks_installed = fs
                        .is_file(&ctx.join(&[&base_executable_dir, b"pybuilddir.txt"]))
                        || !ctx
                            .search_up(
                                &base_executable_dir,
                                &[&zip_landmark, &os_py, &os_pyc],
                                false,
                            )
                            .is_empty();
                    if looks_installed {
                        executable_dir = base_executable_dir.clone();
                        real_executable_dir = base_executable_dir.clone();
                    }
                }
            }
            break;
        }
    }

    // Base executable, real executable, search directory.
    if base_executable.is_empty() {
        base_executable = if executable.is_empty() {
            real_executable.clone()
        } else {
            executable.clone()
        };
    }
    if real_executable.is_empty() {
        real_executable = base_executable.clone();
    }
    if !real_executable.is_empty() {
        match realpath(fs, &real_executable) {
            Some(r) => real_executable = r,
            None => {
                if fs.is_file(&real_executable) {
                    let msg = format!(
                        "Failed to find real location of {}",
                        String::from_utf8_lossy(&real_executable)
                    );
                    ctx.warn(&msg);
                }
            }
        }
    }
    if executable_dir.is_empty() && !real_executable.is_empty() {
        executable_dir = dirname(&real_executable).to_vec();
        real_executable_dir = executable_dir.clone();
    }
    if real_executable_dir.is_empty() && !real_executable.is_empty() {
        real_executable_dir = dirname(&real_executable).to_vec();
    }

    // ._pth file.
    let mut pth: Option<Vec<Vec<u8>>> = None;
    let mut pth_dir: Vec<u8> = Vec::new();
    if py_setpath.is_none() && !home_was_set {
        for base in [&process.library, &executable, &real_executable] {
            if base.is_empty() {
                continue;
            }
            let candidate = [base.as_slice(), b"._pth"].concat();
            if let Ok(lines) = ctx.read_lines(&candidate)? {
                pth_dir = dirname(&candidate).to_vec();
                pth = Some(lines);
                break;
            }
        }
        if !pth_dir.is_empty() {
            use_environment = false;
            home = Some(pth_dir.clone());
        }
    }

    // Build tree.
    let mut build_prefix: Vec<u8> = Vec::new();
    if (!home_was_set && !real_executable_dir.is_empty() && py_setpath.is_none())
        || input.is_python_build > 0
    {
        let marker = ctx.join(&[&real_executable_dir, b"pybuilddir.txt"]);
        match ctx.read_lines(&marker)? {
            Ok(lines) => {
                platstdlib_dir = match lines.first() {
                    Some(first) => ctx.join(&[&real_executable_dir, first]),
                    None => real_executable_dir.clone(),
                };
                build_prefix = ctx.join(&[&real_executable_dir, &build.vpath]);
            }
            Err(ReadError::NotFound | ReadError::Permission) => {}
            Err(_) => return Err(Error::Unreadable(marker)),
        }
        if !build_prefix.is_empty() {
            let build_stdlib_prefix = ctx.search_up(&build_prefix, &[b"Lib/os.py"], false);
            if !stdlib_dir_was_set {
                let base = if build_stdlib_prefix.is_empty() {
                    &build_prefix
                } else {
                    &build_stdlib_prefix
                };
                stdlib_dir = ctx.join(&[base, b"Lib"]);
            }
            if prefix.is_empty() {
                prefix = build_stdlib_prefix;
            }
            if exec_prefix.is_empty() {
                exec_prefix = build_prefix.clone();
            }
        }
    }

    // prefix and exec_prefix.
    if py_setpath.is_some() {
        prefix = Vec::new();
        exec_prefix = Vec::new();
    } else {
        if let Some(h) = home.as_ref().filter(|h| !h.is_empty()) {
            let (p, e) = partition(h, b':');
            prefix = p.to_vec();
            exec_prefix = e.unwrap_or(p).to_vec();
            if !stdlib_dir_was_set {
                stdlib_dir = Vec::new();
            }
        }
        if !process.library.is_empty() && prefix.is_empty() {
            let library_dir = dirname(&process.library).to_vec();
            prefix = ctx.search_up(&library_dir, &[&zip_landmark], false);
            if prefix.is_empty()
                && stdlib_landmarks
                    .iter()
                    .any(|lm| fs.is_file(&ctx.join(&[&library_dir, lm])))
            {
                prefix = library_dir;
                if !stdlib_dir_was_set {
                    stdlib_dir = ctx.join(&[&prefix, &stdlib_subdir]);
                }
            }
        }
        if !executable_dir.is_empty() && prefix.is_empty() {
            prefix = ctx.search_up(&executable_dir, &[&zip_landmark], false);
            if !prefix.is_empty() && !stdlib_dir_was_set {
                stdlib_dir = ctx.join(&[&prefix, &stdlib_subdir]);
                if !fs.is_dir(&stdlib_dir) {
                    stdlib_dir = Vec::new();
                }
            }
        }
        if !executable_dir.is_empty() && prefix.is_empty() {
            prefix = ctx.search_up(&executable_dir, &stdlib_landmarks, false);
            if !prefix.is_empty() && stdlib_dir.is_empty() {
                stdlib_dir = ctx.join(&[&prefix, &stdlib_subdir]);
            }
        }
        if !build.prefix.is_empty() && prefix.is_empty() {
            prefix = build.prefix.clone();
            if !stdlib_landmarks
                .iter()
                .any(|lm| fs.is_file(&ctx.join(&[&prefix, lm])))
            {
                ctx.warn("Could not find platform independent libraries <prefix>");
            }
        }
        if prefix.is_empty() {
            prefix = abspath(b"", cwd());
            ctx.warn("Could not find platform independent libraries <prefix>");
        }

        if exec_prefix.is_empty() {
            if !prefix.is_empty() && fs.is_dir(&ctx.join(&[&prefix, &platstdlib_landmark])) {
                exec_prefix = prefix.clone();
            }
            if exec_prefix.is_empty()
                && !base_executable_dir.is_empty()
                && base_executable_dir != executable_dir
            {
                exec_prefix = ctx.search_up(&base_executable_dir, &[&platstdlib_landmark], true);
            }
            if exec_prefix.is_empty() && !executable_dir.is_empty() {
                exec_prefix = ctx.search_up(&executable_dir, &[&platstdlib_landmark], true);
            }
            if exec_prefix.is_empty() && !build.exec_prefix.is_empty() {
                exec_prefix = build.exec_prefix.clone();
            }
            if exec_prefix.is_empty()
                || !fs.is_dir(&ctx.join(&[&exec_prefix, &platstdlib_landmark]))
            {
                ctx.warn("Could not find platform dependent libraries <exec_prefix>");
            }
        }
        if exec_prefix.is_empty() {
            exec_prefix = prefix.clone();
        }
        if prefix.is_empty() || exec_prefix.is_empty() {
            ctx.warn("Consider setting $PYTHONHOME to <prefix>[:<exec_prefix>]");
        }
    }

    // Virtual environment.
    if !venv_prefix.is_empty() {
        if base_prefix.is_empty() {
            base_prefix = prefix.clone();
        }
        if base_exec_prefix.is_empty() {
            base_exec_prefix = exec_prefix.clone();
        }
        prefix = venv_prefix.clone();
        exec_prefix = venv_prefix.clone();
    }
    if base_prefix.is_empty() {
        base_prefix = prefix.clone();
    }
    if base_exec_prefix.is_empty() {
        base_exec_prefix = exec_prefix.clone();
    }

    // module_search_paths.
    let mut module_search_paths = None;
    if let Some(setpath) = py_setpath {
        module_search_paths = Some(setpath.split(|&b| b == b':').map(<[u8]>::to_vec).collect());
    } else if !input.module_search_paths_set {
        let mut list = Vec::new();
        if use_environment {
            if let Some(pp) = input.pythonpath_env.as_ref().filter(|p| !p.is_empty()) {
                list.extend(pp.split(|&b| b == b':').map(|p| abspath(p, cwd())));
            }
        }
        let zip_base = if build_prefix.is_empty() {
            &base_prefix
        } else {
            &build.prefix
        };
        list.push(ctx.join(&[zip_base, &zip_landmark]));
        if !build.pythonpath.is_empty() {
            for p in build.pythonpath.split(|&b| b == b':') {
                list.push(ctx.join(&[&base_prefix, p]));
            }
        }
        if stdlib_dir.is_empty() && !base_prefix.is_empty() {
            stdlib_dir = ctx.join(&[&base_prefix, &stdlib_subdir]);
        }
        if platstdlib_dir.is_empty() && !base_exec_prefix.is_empty() {
            platstdlib_dir = ctx.join(&[&base_exec_prefix, &platstdlib_landmark]);
        }
        if !stdlib_dir.is_empty() {
            list.push(stdlib_dir.clone());
        }
        if !platstdlib_dir.is_empty() {
            list.push(platstdlib_dir.clone());
        }
        module_search_paths = Some(list);
    }

    // Build tree: report the installation prefixes.
    if !build_prefix.is_empty() {
        let or = |a: &Option<Vec<u8>>, b: &[u8]| -> Vec<u8> {
            match a {
                Some(v) if !v.is_empty() => v.clone(),
                _ => b.to_vec(),
            }
        };
        if venv_prefix.is_empty() {
            prefix = or(&input.prefix, &build.prefix);
            let fallback = or(&Some(build.exec_prefix.clone()), &prefix);
            exec_prefix = or(&input.exec_prefix, &fallback);
        }
        base_prefix = or(&input.base_prefix, &build.prefix);
        let fallback = or(&Some(build.exec_prefix.clone()), &base_prefix);
        base_exec_prefix = or(&input.base_exec_prefix, &fallback);
    }

    // ._pth content.
    let mut pth_flags = None;
    if let Some(lines) = pth.filter(|l| !l.is_empty()) {
        let mut site_import = false;
        let mut list = Vec::new();
        for line in &lines {
            let line = strip(partition(line, b'#').0);
            if line.is_empty() {
                continue;
            }
            if line == b"import site" {
                site_import = true;
            } else if line.starts_with(b"import ") {
                ctx.warn("unsupported 'import' line in ._pth file");
            } else {
                list.push(ctx.join(&[&pth_dir, line]));
            }
        }
        module_search_paths = Some(list);
        pth_flags = Some(PthFlags { site_import });
    }

    Ok(Output {
        program_name,
        home,
        executable,
        base_executable,
        prefix,
        exec_prefix,
        base_prefix,
        base_exec_prefix,
        platlibdir,
        stdlib_dir,
        platstdlib_dir,
        module_search_paths,
        is_python_build: !build_prefix.is_empty(),
        pth: pth_flags,
        build_prefix: (!build_prefix.is_empty()).then_some(build_prefix),
        venv_prefix: (!venv_prefix.is_empty()).then_some(venv_prefix),
    })
}
