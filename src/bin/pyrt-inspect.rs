//! `pyrt-inspect [--json] [--layout=debian|upstream] [--] PROGRAM [ARGS...]`:
//! what the Python 3.14 program PROGRAM, started as `PROGRAM ARGS...` in
//! the current environment and working directory, would see once started
//! (after `site`), executing nothing. See the README, "Inspecting an
//! environment".

use std::ffi::{CString, c_char, c_int};
use std::fmt::Write as _;
use std::os::unix::ffi::OsStrExt;

use pyrt::abi::initconfig::{PyConfig, PyPreConfig};
use pyrt::config::Config;
use pyrt::ffi::initconfig::PyPreConfig_InitPythonConfig;
use pyrt::ffi::initconfig::{PyConfig_Clear, PyConfig_InitPythonConfig, PyConfig_SetBytesArgv};
use pyrt::ffi::pylifecycle::Py_PreInitializeFromBytesArgs;
use pyrt::getpath::site::{self, Origin};
use pyrt::runtime::inspect::Report;
use pyrt::status::Status;

const USAGE: &str =
    "usage: pyrt-inspect [--json] [--layout=debian|upstream] [--] PROGRAM [ARGS...]";

/// Ends with a one-line message and exit status 2.
fn bad(msg: &str) -> ! {
    eprintln!("pyrt-inspect: {msg}");
    std::process::exit(2)
}

/// Whether `program` names a file to run: a path (with a `/`) that exists,
/// or a name found as an executable along `PATH`.
fn program_exists(program: &[u8]) -> bool {
    let is_exec = |p: &[u8]| {
        let Ok(c) = CString::new(p) else { return false };
        // SAFETY: `c` is NUL-terminated.
        unsafe { libc::access(c.as_ptr(), libc::X_OK) == 0 }
    };
    if program.contains(&b'/') {
        return std::path::Path::new(std::ffi::OsStr::from_bytes(program)).exists();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    path.as_bytes().split(|&b| b == b':').any(|dir| {
        let dir = if dir.is_empty() { b".".as_slice() } else { dir };
        is_exec(&[dir, b"/", program].concat())
    })
}

/// A JSON string as Python's `json.dumps` writes it (ASCII only).
fn json_units(out: &mut String, units: impl IntoIterator<Item = u32>) {
    out.push('"');
    for u in units {
        match u {
            0x22 => out.push_str("\\\""),
            0x5c => out.push_str("\\\\"),
            0x0a => out.push_str("\\n"),
            0x0d => out.push_str("\\r"),
            0x09 => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            0x20..=0x7e => out.push(u as u8 as char),
            0x10000.. => {
                let v = u - 0x10000;
                let _ = write!(
                    out,
                    "\\u{:04x}\\u{:04x}",
                    0xd800 + (v >> 10),
                    0xdc00 + (v & 0x3ff)
                );
            }
            _ => {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
    out.push('"');
}

fn json_wide(out: &mut String, w: &Option<pyrt::wstr::WideString>) {
    match w {
        None => out.push_str("null"),
        Some(w) => json_units(out, w.units().iter().map(|&u| u as u32)),
    }
}

fn json_bytes(out: &mut String, b: &[u8]) {
    let utf8 = pyrt::runtime::utf8_mode();
    match pyrt::locale::decode(b, utf8) {
        Ok(w) => json_units(out, w.units().iter().map(|&u| u as u32)),
        Err(_) => json_units(out, String::from_utf8_lossy(b).chars().map(|c| c as u32)),
    }
}

fn json_str(out: &mut String, s: &str) {
    json_units(out, s.chars().map(|c| c as u32));
}

/// The visible fields of `sys.flags`, in order, from the configuration.
fn flags(c: &Config) -> Vec<(&'static str, String)> {
    let b = |v: bool| if v { "true" } else { "false" }.to_string();
    let i = |v: i32| v.to_string();
    let hash_randomization = c.use_hash_seed == 0 || c.hash_seed != 0;
    vec![
        ("debug", i(c.parser_debug)),
        ("inspect", i(c.inspect)),
        ("interactive", i(c.interactive)),
        ("optimize", i(c.optimization_level)),
        ("dont_write_bytecode", i((c.write_bytecode == 0) as i32)),
        ("no_user_site", i((c.user_site_directory == 0) as i32)),
        ("no_site", i((c.site_import == 0) as i32)),
        ("ignore_environment", i((c.use_environment == 0) as i32)),
        ("verbose", i(c.verbose)),
        ("bytes_warning", i(c.bytes_warning)),
        ("quiet", i(c.quiet)),
        ("hash_randomization", i(hash_randomization as i32)),
        ("isolated", i(c.isolated)),
        ("dev_mode", b(c.dev_mode > 0)),
        ("utf8_mode", i(pyrt::runtime::utf8_mode() as i32)),
        ("warn_default_encoding", i(c.warn_default_encoding)),
        ("safe_path", b(c.safe_path > 0)),
        ("int_max_str_digits", i(c.int_max_str_digits)),
    ]
}

/// Where an entry came from, for people and for the `"origins"` key.
fn origin_text(o: &Origin, pythonpath: &[Vec<u8>], entry: &[u8]) -> String {
    match o {
        Origin::Config if pythonpath.iter().any(|p| p == entry) => "PYTHONPATH".to_string(),
        Origin::Config => "getpath".to_string(),
        Origin::SiteDir => "site-packages directory".to_string(),
        Origin::UserSite => "user site".to_string(),
        Origin::Pth(f, n) => format!("line {n} of {}", String::from_utf8_lossy(f)),
        Origin::Main => "sys.path[0] (the main program)".to_string(),
    }
}

/// `PYTHONPATH`'s entries as getpath makes them absolute.
fn pythonpath_entries(c: &Config) -> Vec<Vec<u8>> {
    let Some(pp) = &c.pythonpath_env else {
        return Vec::new();
    };
    let cwd = std::env::current_dir()
        .map(|p| p.as_os_str().as_bytes().to_vec())
        .unwrap_or_default();
    let pp = pp.to_string_lossy();
    pp.split(':')
        .map(|p| site::abspath(p.as_bytes(), &cwd))
        .collect()
}

fn render_json(c: &Config, r: &Report) -> String {
    let mut o = String::from("{");
    let key = |o: &mut String, k: &str| {
        if o.len() > 1 {
            o.push_str(", ");
        }
        json_str(o, k);
        o.push_str(": ");
    };
    key(&mut o, "version");
    json_str(&mut o, pyrt::version::PY_VERSION);
    for (k, v) in [
        ("sys.executable", &c.executable),
        ("sys._base_executable", &c.base_executable),
        ("sys.prefix", &c.prefix),
        ("sys.base_prefix", &c.base_prefix),
        ("sys.exec_prefix", &c.exec_prefix),
        ("sys.base_exec_prefix", &c.base_exec_prefix),
        ("sys.platlibdir", &c.platlibdir),
        ("sys._stdlib_dir", &c.stdlib_dir),
    ] {
        key(&mut o, k);
        json_wide(&mut o, v);
    }
    key(&mut o, "sys.path");
    o.push('[');
    for (i, (p, _)) in r.sys_path.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        json_bytes(&mut o, p);
    }
    o.push(']');
    key(&mut o, "sys.flags");
    o.push('{');
    for (i, (k, v)) in flags(c).iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        json_str(&mut o, k);
        o.push_str(": ");
        o.push_str(v);
    }
    o.push('}');
    key(&mut o, "site");
    match &r.site {
        None => o.push_str("null"),
        Some(s) => {
            o.push_str("{\"ENABLE_USER_SITE\": ");
            o.push_str(match s.enable_user_site {
                Some(true) => "true",
                Some(false) => "false",
                None => "null",
            });
            o.push_str(", \"USER_BASE\": ");
            json_bytes(&mut o, &s.user_base);
            o.push_str(", \"USER_SITE\": ");
            json_bytes(&mut o, &s.user_site);
            o.push_str(", \"PREFIXES\": [");
            for (i, p) in s.prefixes.iter().enumerate() {
                if i > 0 {
                    o.push_str(", ");
                }
                json_bytes(&mut o, p);
            }
            o.push_str("]}");
        }
    }
    key(&mut o, "stderr");
    json_str(&mut o, &r.stderr);
    // Extra keys: where each entry came from, the `.pth` lines not run,
    // the pyvenv.cfg read.
    let pp = pythonpath_entries(c);
    key(&mut o, "origins");
    o.push('[');
    for (i, (p, origin)) in r.sys_path.iter().enumerate() {
        if i > 0 {
            o.push_str(", ");
        }
        json_str(&mut o, &origin_text(origin, &pp, p));
    }
    o.push(']');
    key(&mut o, "pth_imports");
    o.push('[');
    if let Some(s) = &r.site {
        for (i, imp) in s.pth_imports.iter().enumerate() {
            if i > 0 {
                o.push_str(", ");
            }
            o.push_str("{\"file\": ");
            json_bytes(&mut o, &imp.file);
            let _ = write!(o, ", \"line\": {}, \"text\": ", imp.line);
            json_str(&mut o, &imp.text);
            o.push('}');
        }
    }
    o.push(']');
    for (k, v) in [
        (
            "sitecustomize",
            r.site.as_ref().and_then(|s| s.sitecustomize.as_ref()),
        ),
        (
            "usercustomize",
            r.site.as_ref().and_then(|s| s.usercustomize.as_ref()),
        ),
    ] {
        key(&mut o, k);
        match v {
            Some(p) => json_bytes(&mut o, p),
            None => o.push_str("null"),
        }
    }
    key(&mut o, "exit_status");
    o.push_str(if r.failure.is_some() { "1" } else { "0" });
    key(&mut o, "pyvenv.cfg");
    match r.site.as_ref().and_then(|s| s.pyvenv_cfg.as_ref()) {
        Some(p) => json_bytes(&mut o, p),
        None => o.push_str("null"),
    }
    o.push('}');
    o
}

fn render_text(c: &Config, r: &Report) -> String {
    let mut o = String::new();
    let w = |v: &Option<pyrt::wstr::WideString>| {
        v.as_ref()
            .map_or("None".to_string(), |w| w.to_string_lossy())
    };
    let _ = writeln!(
        o,
        "Python {} (as computed by pyrt-inspect; nothing was run)",
        pyrt::version::PY_VERSION
    );
    let _ = writeln!(o, "executable:       {}", w(&c.executable));
    let _ = writeln!(o, "prefix:           {}", w(&c.prefix));
    let _ = writeln!(o, "exec_prefix:      {}", w(&c.exec_prefix));
    let _ = writeln!(o, "base_prefix:      {}", w(&c.base_prefix));
    let _ = writeln!(o, "base_exec_prefix: {}", w(&c.base_exec_prefix));
    let _ = writeln!(o, "stdlib:           {}", w(&c.stdlib_dir));
    match &r.site {
        None => {
            let _ = writeln!(o, "site:             not imported at startup");
        }
        Some(s) => {
            let venv = s.pyvenv_cfg.as_ref().map_or("none".to_string(), |p| {
                format!(
                    "{} (system site-packages: {})",
                    String::from_utf8_lossy(p),
                    if s.system_site == Some(true) {
                        "yes"
                    } else {
                        "no"
                    }
                )
            });
            let _ = writeln!(o, "pyvenv.cfg:       {venv}");
            let _ = writeln!(
                o,
                "user site:        {} ({})",
                String::from_utf8_lossy(&s.user_site),
                match s.enable_user_site {
                    Some(true) => "enabled",
                    Some(false) => "disabled",
                    None => "disabled for security reasons",
                }
            );
        }
    }
    let pp = pythonpath_entries(c);
    let _ = writeln!(o, "sys.path:");
    for (p, origin) in &r.sys_path {
        let shown = if p.is_empty() {
            "''".to_string()
        } else {
            String::from_utf8_lossy(p).into_owned()
        };
        let _ = writeln!(o, "  {shown}\n      from {}", origin_text(origin, &pp, p));
    }
    if let Some(s) = &r.site {
        for (name, found) in [
            ("sitecustomize", &s.sitecustomize),
            ("usercustomize", &s.usercustomize),
        ] {
            if let Some(p) = found {
                let _ = writeln!(o, "not run: {name} ({})", String::from_utf8_lossy(p));
            }
        }
        for imp in &s.pth_imports {
            let _ = writeln!(
                o,
                "not run: line {} of {}: {}",
                imp.line,
                String::from_utf8_lossy(&imp.file),
                imp.text
            );
        }
    }
    if r.failure.is_some() {
        let _ = writeln!(o, "startup fails: the program would exit with status 1");
    }
    if !r.stderr.is_empty() {
        let _ = write!(o, "stderr at startup:\n{}", r.stderr);
    }
    o
}

/// A status that is not a success: CPython's `Py_ExitStatusException`.
fn exit_for(status: &pyrt::abi::initconfig::PyStatus) -> ! {
    if status._type == pyrt::abi::initconfig::_PyStatus_TYPE_EXIT {
        std::process::exit(status.exitcode);
    }
    let text = |p: *const c_char| {
        if p.is_null() {
            String::new()
        } else {
            // SAFETY: a status's strings are NUL-terminated literals.
            unsafe { std::ffi::CStr::from_ptr(p) }
                .to_string_lossy()
                .into_owned()
        }
    };
    let func = text(status.func);
    let msg = text(status.err_msg);
    if func.is_empty() {
        eprintln!("Fatal Python error: {msg}");
    } else {
        eprintln!("Fatal Python error: {func}: {msg}");
    }
    std::process::exit(1)
}

fn main() {
    let args: Vec<Vec<u8>> = std::env::args_os()
        .skip(1)
        .map(|a| a.as_bytes().to_vec())
        .collect();
    let mut json = false;
    let mut layout = pyrt::getpath::site::build_layout();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_slice() {
            b"--json" => json = true,
            b"--layout=debian" => layout = site::LAYOUT_DEBIAN,
            b"--layout=upstream" => layout = site::LAYOUT_UPSTREAM,
            b"--" => {
                i += 1;
                break;
            }
            b"-h" | b"--help" => {
                println!("{USAGE}");
                return;
            }
            a if a.starts_with(b"-") => bad(&format!(
                "unknown option {}\n{USAGE}",
                String::from_utf8_lossy(a)
            )),
            _ => break,
        }
        i += 1;
    }
    let Some(program) = args.get(i) else {
        bad(USAGE)
    };
    if !program_exists(program) {
        bad(&format!(
            "{}: no such program",
            String::from_utf8_lossy(program)
        ));
    }
    let cargs: Vec<CString> = args[i..]
        .iter()
        .map(|a| CString::new(a.clone()).unwrap_or_else(|_| bad("an argument holds a NUL byte")))
        .collect();
    let mut argv: Vec<*mut c_char> = cargs.iter().map(|a| a.as_ptr() as *mut c_char).collect();
    let argc = argv.len() as isize;
    // SAFETY: the configs are plain data the initializers fill; `argv` holds
    // `argc` NUL-terminated strings that outlive the calls.
    unsafe {
        let mut pre: PyPreConfig = std::mem::zeroed();
        PyPreConfig_InitPythonConfig(&mut pre);
        let st = Py_PreInitializeFromBytesArgs(&pre, argc, argv.as_mut_ptr());
        if st._type != pyrt::abi::initconfig::_PyStatus_TYPE_OK {
            exit_for(&st);
        }
        let mut cfg: PyConfig = std::mem::zeroed();
        PyConfig_InitPythonConfig(&mut cfg);
        let st = PyConfig_SetBytesArgv(&mut cfg, argc, argv.as_mut_ptr());
        if st._type != pyrt::abi::initconfig::_PyStatus_TYPE_OK {
            exit_for(&st);
        }
        let mut out: Option<(Config, Report)> = None;
        let r = pyrt::runtime::configure::read_config_then(c"pyrt-inspect", &mut cfg, |model| {
            let report = pyrt::runtime::inspect::compute(model, layout, true, false, true)?;
            out = Some((model.clone(), report));
            Ok(())
        });
        PyConfig_Clear(&mut cfg);
        if let Err(e) = r {
            if let Some((_, rep)) = &out {
                eprint!("{}", rep.stderr);
            }
            let st: pyrt::abi::initconfig::PyStatus = Err::<(), Status>(e).into();
            exit_for(&st);
        }
        let Some((c, report)) = out else {
            bad("no configuration was computed")
        };
        check_version(&c, &report);
        if json {
            println!("{}", render_json(&c, &report));
        } else {
            print!("{}", render_text(&c, &report));
        }
    }
    let _: c_int = 0;
}

/// Refuses a layout that is not Python 3.14's: the path computation found
/// no Python 3.14 standard library, and the program's own installation
/// (the directory of its executable, or the one above) holds another
/// version's (`lib/python3.12/os.py`).
fn check_version(c: &Config, report: &Report) {
    if !report
        .stderr
        .contains("Could not find platform independent libraries")
    {
        return;
    }
    let Some(exe) = &c.executable else { return };
    let exe = std::path::PathBuf::from(exe.to_string_lossy());
    let real = std::fs::canonicalize(&exe).unwrap_or(exe);
    let Some(bin) = real.parent() else { return };
    for d in [Some(bin), bin.parent()].into_iter().flatten() {
        if d.parent().is_none() {
            continue;
        }
        for lib in ["lib", "lib64"] {
            let Ok(entries) = std::fs::read_dir(d.join(lib)) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with("python3.")
                    && name != "python3.14"
                    && e.path().join("os.py").exists()
                {
                    bad(&format!(
                        "{}: not a Python 3.14 installation (its standard library is {}/{lib}/{name})",
                        real.display(),
                        d.display()
                    ));
                }
            }
        }
    }
}
