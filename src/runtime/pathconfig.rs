//! The path configuration of a real process (CPython's `pathconfig.c`): feeds
//! [`crate::getpath`] with this process's environment, file system and
//! shared library, and writes the results into the interpreter's
//! configuration (the main phase of initialization) and into the legacy
//! paths ([`crate::config::legacy_paths`]), whose getters' C strings are kept
//! here; also `sys.path[0]` for `PyRT_ComputeSysPath0`.

use crate::config::Config;
use crate::config::legacy_paths::{self, LegacyPaths};
use crate::getpath::{self, Build, Env, Input, Process, RealFs};
use crate::locale;
use crate::runtime::{LEGACY_PATHS, host};
use crate::status::{PyResult, Status};
use crate::wstr::{WChar, WideString};

fn error() -> Status {
    Status::Error {
        func: None,
        msg: c"error evaluating path",
    }
}

fn getenv(name: &str) -> Vec<u8> {
    use crate::config::preconfig::PreHost;
    host::Process::new()
        .getenv(name)
        .map(|v| v.into_owned())
        .unwrap_or_default()
}

/// The file holding the runtime when it is a shared library (`None` when
/// pyrt is linked into the executable itself). Computed once: it does not
/// change while the library is loaded.
fn library_path() -> Option<Vec<u8>> {
    static LIBRARY: std::sync::OnceLock<Option<Vec<u8>>> = std::sync::OnceLock::new();
    LIBRARY.get_or_init(find_library_path).clone()
}

fn find_library_path() -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: `info` is plain data dladdr fills; the address is one of our functions.
    let fname = unsafe {
        let mut info: libc::Dl_info = std::mem::zeroed();
        let addr = library_path as *const () as *const libc::c_void;
        if libc::dladdr(addr, &mut info) == 0 || info.dli_fname.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr(info.dli_fname).to_bytes().to_vec()
    };
    let exe = std::fs::canonicalize("/proc/self/exe").ok()?;
    let lib = std::fs::canonicalize(std::ffi::OsStr::from_bytes(&fname)).ok()?;
    (lib != exe).then_some(fname)
}

/// CPython reads the getpath results back into the configuration through
/// its option table, which refuses a negative value for an unsigned option
/// and a `_config_init` that names no flavour: initialization then fails
/// with "error getting getpath results", after the exception is reported on
/// stderr. The first bad option in the table's order is named.
fn check_int_values(c: &mut Config) -> PyResult<()> {
    use crate::config::spec::{CONFIG_SPECS, MemberMut, MemberType};
    use crate::config::{CONFIG_INIT_COMPAT, CONFIG_INIT_ISOLATED};
    for spec in CONFIG_SPECS.iter().filter(|s| s.ty == MemberType::UInt) {
        let Some(MemberMut::Int(v)) = c.member_mut(spec.name) else {
            continue;
        };
        let bad = if spec.name == "_config_init" {
            !(CONFIG_INIT_COMPAT..=CONFIG_INIT_ISOLATED).contains(v)
        } else {
            *v < 0
        };
        if bad {
            host::write_stderr_line(&format!(
                "Exception ignored while reading getpath results:\n\
                 ValueError: invalid config value: {}",
                spec.name
            ));
            return Err(Status::Error {
                func: None,
                msg: c"error getting getpath results",
            });
        }
    }
    Ok(())
}

/// Computes the paths of `c` (after copying what the legacy setters
/// recorded), as initialization does before the main phase. `utf8` is the
/// runtime's UTF-8 mode (paths are encoded with the file-system encoding).
/// Takes no runtime lock but the legacy paths' own.
pub fn compute(c: &mut Config, utf8: bool) -> PyResult<()> {
    compute_with(c, utf8, &RealFs, true, &mut |w| host::write_stderr_line(w))
}

/// [`compute`] over `fs`, with the lines it would write to stderr (the
/// warnings and a failure's explanation) given to `stderr` instead; without
/// `library`, as for a program that does not hold the runtime in a shared
/// library (pyrt-inspect's: the program it describes is not linked to pyrt).
pub fn compute_with(
    c: &mut Config,
    utf8: bool,
    fs: &dyn crate::getpath::Fs,
    library: bool,
    stderr: &mut dyn FnMut(&str),
) -> PyResult<()> {
    let legacy = LEGACY_PATHS.lock().clone();
    legacy_paths::copy_into(c, &legacy);
    let enc_one = |w: &WideString| -> PyResult<Vec<u8>> {
        locale::encode(w.units(), utf8).map_err(|_| error())
    };
    let enc = |w: &Option<WideString>| -> PyResult<Option<Vec<u8>>> {
        w.as_ref().map(enc_one).transpose()
    };
    let input = Input {
        program_name: enc(&c.program_name)?,
        home: enc(&c.home)?,
        executable: enc(&c.executable)?,
        base_executable: enc(&c.base_executable)?,
        prefix: enc(&c.prefix)?,
        exec_prefix: enc(&c.exec_prefix)?,
        base_prefix: enc(&c.base_prefix)?,
        base_exec_prefix: enc(&c.base_exec_prefix)?,
        stdlib_dir: enc(&c.stdlib_dir)?,
        platlibdir: enc(&c.platlibdir)?,
        pythonpath_env: enc(&c.pythonpath_env)?,
        module_search_paths: c
            .module_search_paths
            .iter()
            .map(enc_one)
            .collect::<PyResult<_>>()?,
        module_search_paths_set: c.module_search_paths_set > 0,
        argv0: c.orig_argv.first().map(enc_one).transpose()?,
        use_environment: c.use_environment > 0,
        is_python_build: c._is_python_build,
    };
    let env = Env {
        path: getenv("PATH"),
        pythonhome: getenv("PYTHONHOME"),
        pythonexecutable: getenv("PYTHONEXECUTABLE"),
        pyvenv_launcher: getenv("__PYVENV_LAUNCHER__"),
    };
    if !env.pyvenv_launcher.is_empty() {
        // The launcher variable is meant for this process only.
        // SAFETY: the name is a NUL-terminated literal; pyrt's reads of the
        // environment happen under the runtime's initialization.
        unsafe { libc::unsetenv(c"__PYVENV_LAUNCHER__".as_ptr()) };
    }
    let process = Process {
        real_executable: Vec::new(),
        library: if library {
            library_path().unwrap_or_default()
        } else {
            Vec::new()
        },
        executable_dir: Vec::new(),
        py_setpath: enc(&legacy.module_search_path)?,
        wide_len: Some(if utf8 { wide_len_utf8 } else { wide_len_locale }),
    };
    let warnings = c.pathconfig_warnings != 0;
    static BUILD: std::sync::OnceLock<Build> = std::sync::OnceLock::new();
    let build = BUILD.get_or_init(Build::pyrt);
    let out = getpath::compute(&input, build, &env, &process, fs, &mut |w| {
        if warnings {
            stderr(w);
        }
    });
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            let why = match e {
                getpath::Error::TooLarge(p) => format!(
                    "{} is 32 KiB or larger, which initialization refuses to read",
                    String::from_utf8_lossy(&p)
                ),
                getpath::Error::Unreadable(p) => {
                    format!("cannot read {}", String::from_utf8_lossy(&p))
                }
                getpath::Error::JoinTooLong => {
                    "failed to join paths: the result would pass 4096 characters".to_string()
                }
            };
            stderr(&format!("pyrt: path configuration failed: {why}"));
            return Err(error());
        }
    };
    check_int_values(c)?;
    // The outputs often repeat one another (the prefixes, the home): each
    // distinct value is decoded once and shared.
    let mut seen: Vec<(&[u8], WideString)> = Vec::with_capacity(16);
    // The caller's home decodes back to itself when its bytes are ASCII.
    if let (Some(bytes), Some(home)) = (&input.home, &c.home) {
        if locale::decodes_to_itself(bytes) {
            seen.push((bytes, home.clone()));
        }
    }
    let mut dec = |b| decode_shared(&mut seen, b, utf8);
    c.program_name = Some(dec(&out.program_name)?);
    c.home = match &out.home {
        Some(h) => Some(dec(h)?),
        None => None,
    };
    c.executable = Some(dec(&out.executable)?);
    c.base_executable = Some(dec(&out.base_executable)?);
    c.prefix = Some(dec(&out.prefix)?);
    c.exec_prefix = Some(dec(&out.exec_prefix)?);
    c.base_prefix = Some(dec(&out.base_prefix)?);
    c.base_exec_prefix = Some(dec(&out.base_exec_prefix)?);
    c.platlibdir = Some(dec(&out.platlibdir)?);
    c.stdlib_dir = Some(dec(&out.stdlib_dir)?);
    if let Some(paths) = &out.module_search_paths {
        c.module_search_paths = paths.iter().map(|p| dec(p)).collect::<PyResult<_>>()?;
        c.module_search_paths_set = 1;
    }
    if out.is_python_build {
        c._is_python_build = 1;
    }
    if let Some(pth) = &out.pth {
        c.isolated = 1;
        c.use_environment = 0;
        c.site_import = pth.site_import as i32;
        c.safe_path = 1;
    }
    Ok(())
}

/// The characters `b` decodes to in UTF-8 mode (the getpath length limits).
fn wide_len_utf8(b: &[u8]) -> usize {
    locale::decode(b, true).map_or(b.len(), |w| w.len())
}

/// The characters `b` decodes to with the locale's codec.
fn wide_len_locale(b: &[u8]) -> usize {
    locale::decode(b, false).map_or(b.len(), |w| w.len())
}

/// Decodes `b`, or shares the string of an equal value decoded before.
fn decode_shared<'a>(
    seen: &mut Vec<(&'a [u8], WideString)>,
    b: &'a [u8],
    utf8: bool,
) -> PyResult<WideString> {
    for (bytes, w) in seen.iter() {
        if *bytes == b {
            return Ok(w.clone());
        }
    }
    let w = locale::decode(b, utf8).map_err(|_| error())?;
    seen.push((b, w.clone()));
    Ok(w)
}

/// Stores the main interpreter's computed paths for the legacy getters.
pub fn update_legacy(c: &Config) {
    LEGACY_PATHS.lock().update_from(c);
}

/// A path the locale encoding cannot represent.
#[derive(Debug)]
pub struct Unencodable;

/// The entry the `python` program would insert at `sys.path[0]` for a read
/// configuration (`PyRT_ComputeSysPath0`): None when nothing is inserted;
/// `Err` when a path cannot be encoded or decoded.
pub fn sys_path0(model: &Config) -> Result<Option<WideString>, Unencodable> {
    use crate::getpath::{RealFs, syspath0};
    let Some(argv0) = model.argv.first() else {
        return Ok(None);
    };
    let utf8 = crate::runtime::utf8_mode();
    let enc = |w: &WideString| locale::encode(w.units(), utf8).ok();
    let Some(argv0) = enc(argv0) else {
        return Err(Unencodable);
    };
    // The package path, if any, lives in an always-initialized buffer:
    // with `Option<Vec<u8>>`, the optimizer tests the (unset) pointer
    // of `None` first, which valgrind reports as a jump on uninitialised
    // memory.
    let (mut package, mut has_package) = (Vec::new(), false);
    if let Some(f) = &model.run_filename {
        match enc(f) {
            Some(f) if is_package(&f) => (package, has_package) = (f, true),
            Some(_) => {}
            None => return Err(Unencodable),
        }
    }
    let target = syspath0::Target {
        argv0: &argv0,
        safe_path: model.safe_path > 0,
        package: has_package.then_some(package.as_slice()),
    };
    let Some(p) = syspath0::compute(&target, &RealFs, &realpath) else {
        return Ok(None);
    };
    let Ok(w) = locale::decode(&p, utf8) else {
        return Err(Unencodable);
    };
    Ok(Some(w))
}

/// A directory, or a zip archive (an end-of-central-directory record in its
/// last 64 KiB, as zip applications with a leading `#!` line have): what the
/// import system's path hooks accept as a program to run.
fn is_package(path: &[u8]) -> bool {
    use crate::getpath::{Fs, RealFs};
    use std::io::{Read, Seek, SeekFrom};
    use std::os::unix::ffi::OsStrExt;
    if RealFs.is_dir(path) {
        return true;
    }
    if !RealFs.is_file(path) {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(std::ffi::OsStr::from_bytes(path)) else {
        return false;
    };
    let Ok(len) = f.seek(SeekFrom::End(0)) else {
        return false;
    };
    let tail_len = len.min(22 + 65535);
    let mut tail = Vec::with_capacity(tail_len as usize);
    f.seek(SeekFrom::Start(len - tail_len)).is_ok()
        && f.read_to_end(&mut tail).is_ok()
        && tail.windows(4).any(|w| w == b"PK\x05\x06")
}

/// `realpath(3)`: the fully resolved path of an existing file.
fn realpath(p: &[u8]) -> Option<Vec<u8>> {
    let c = std::ffi::CString::new(p).ok()?;
    // SAFETY: `c` is NUL-terminated; realpath allocates the result with malloc.
    unsafe {
        let r = libc::realpath(c.as_ptr(), std::ptr::null_mut());
        if r.is_null() {
            return None;
        }
        let out = std::ffi::CStr::from_ptr(r).to_bytes().to_vec();
        libc::free(r.cast());
        Some(out)
    }
}

/// The C strings handed out by the getters, one slot per getter: a slot keeps
/// its string until the value changes, so a returned pointer stays valid
/// until the next setter call or initialization changes that value.
struct Slot {
    value: Option<WideString>,
    ptr: usize,
}

static SLOTS: crate::sys::mutex::Mutex<[Slot; 6]> = crate::sys::mutex::Mutex::new(
    [const {
        Slot {
            value: None,
            ptr: 0,
        }
    }; 6],
);

/// The C string of one legacy getter (`slot`: its index), for the value
/// `pick` reads from the legacy paths now.
pub fn legacy_getter(slot: usize, pick: fn(&LegacyPaths) -> Option<&WideString>) -> *mut WChar {
    let value = pick(&LEGACY_PATHS.lock()).cloned();
    let mut slots = SLOTS.lock();
    let s = &mut slots[slot];
    if s.value == value && (s.ptr != 0 || value.is_none()) {
        return s.ptr as *mut WChar;
    }
    // The strings are runtime-owned: allocated and freed with the C library,
    // whatever allocator the embedder installs in between.
    crate::mem::runtime_owned(|| {
        // SAFETY: `s.ptr` is 0 or a string this module allocated and nothing else frees.
        unsafe { crate::marshal::wide::free_wstr(s.ptr as *mut WChar) };
        s.ptr = match &value {
            Some(v) => crate::marshal::wide::alloc_wstr(v).map_or(0, |p| p as usize),
            None => 0,
        };
    });
    s.value = if s.ptr == 0 { None } else { value };
    s.ptr as *mut WChar
}

/// Takes this module's lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&SLOTS);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&SLOTS) };
}
