//! What a `python` program sees once started, without starting it: the
//! path configuration, then `site`'s part of `sys.path`, then the entry the
//! main program inserts at `sys.path[0]` (for `PyRT_ComputeSysPath` and
//! `pyrt-inspect`).

use crate::config::Config;
use crate::getpath::RealFs;
use crate::getpath::fs::{MemoFs, traced_as};
use crate::getpath::site::{self, Layout, Origin};
use crate::locale;
use crate::runtime::pathconfig;
use crate::status::{PyResult, Status};
use crate::wstr::WideString;

/// The answer for one configuration.
#[derive(Debug, Default)]
pub struct Report {
    /// `sys.path` with each entry's origin (`sys.path[0]` included when
    /// asked for, with the origin [`Origin::Main`]).
    pub sys_path: Vec<(Vec<u8>, Origin)>,
    /// What `site` decided (None when `site` is not imported at startup).
    pub site: Option<site::Output>,
    /// What starting writes to stderr: getpath's warnings, then `site`'s.
    pub stderr: String,
}

fn getenv(name: &std::ffi::CStr) -> Option<Vec<u8>> {
    // SAFETY: getenv with a NUL-terminated name; the value is copied at once.
    let v = unsafe { libc::getenv(name.as_ptr()) };
    // SAFETY: a non-NULL result is a NUL-terminated string of the environment.
    (!v.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(v) }.to_bytes().to_vec())
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

/// `site`'s input from a configuration whose paths are computed, and from
/// the process (its ids and environment).
fn site_input(c: &Config, layout: Layout, utf8: bool) -> PyResult<site::Input> {
    // SAFETY: the id getters have no preconditions.
    let ids_differ =
        unsafe { libc::geteuid() != libc::getuid() || libc::getegid() != libc::getgid() };
    let home_env = getenv(c"HOME");
    Ok(site::Input {
        sys_path: c
            .module_search_paths
            .iter()
            .map(|p| encode(&Some(p.clone()), utf8))
            .collect::<PyResult<_>>()?,
        executable: encode(&c.executable, utf8)?,
        prefix: encode(&c.prefix, utf8)?,
        exec_prefix: encode(&c.exec_prefix, utf8)?,
        base_prefix: encode(&c.base_prefix, utf8)?,
        base_exec_prefix: encode(&c.base_exec_prefix, utf8)?,
        platlibdir: encode(&c.platlibdir, utf8)?,
        no_user_site: c.user_site_directory == 0,
        ids_differ,
        pythonuserbase: getenv(c"PYTHONUSERBASE").filter(|v| !v.is_empty()),
        home_pwd: if home_env.is_none() { pwd_home() } else { None },
        home_env,
        major: 3,
        minor: 14,
        abi_thread: Vec::new(),
        layout,
    })
}

/// Computes `model`'s paths (it must have been read), then `site`'s part
/// of `sys.path` when `site` is imported at startup, then, with `main`,
/// `sys.path[0]`. Warnings go to the report's `stderr`. `library`: the
/// program holds the runtime in this process's shared library (the C API),
/// as opposed to a program pyrt describes from outside (pyrt-inspect).
pub fn compute(model: &mut Config, layout: Layout, main: bool, library: bool) -> PyResult<Report> {
    let utf8 = crate::runtime::utf8_mode();
    let mut report = Report::default();
    // Without the trace, each file is looked at once (getpath and `site`
    // look at some twice); with it, every look is shown.
    let memo = MemoFs::new(&RealFs);
    let fs: &dyn crate::getpath::Fs = if crate::sys::trace::enabled() {
        &RealFs
    } else {
        &memo
    };
    if model._install_importlib != 0 {
        let mut err = String::new();
        let r = pathconfig::compute_with(model, utf8, fs, library, &mut |w| {
            err.push_str(w);
            err.push('\n');
        });
        report.stderr = err;
        r?;
    }
    if model.site_import > 0 {
        let input = site_input(model, layout, utf8)?;
        let out = traced_as("site", || site::compute(&input, fs));
        report.stderr.push_str(&out.stderr);
        report.sys_path = out.sys_path.clone();
        report.site = Some(out);
    } else {
        for p in &model.module_search_paths {
            report
                .sys_path
                .push((encode(&Some(p.clone()), utf8)?, Origin::Config));
        }
    }
    if main {
        match pathconfig::sys_path0(model) {
            Ok(Some(p0)) => {
                let p0 = encode(&Some(p0), utf8)?;
                report.sys_path.insert(0, (p0, Origin::Main));
            }
            Ok(None) => {}
            Err(_) => {
                return Err(Status::error(
                    c"PyRT_ComputeSysPath",
                    c"cannot encode sys.path[0]",
                ));
            }
        }
    }
    Ok(report)
}
