//! `sys.path[0]`: the directory the main program inserts in front of the
//! search path (`PyConfig.sys_path_0`), computed from `PyConfig.argv` when
//! `Py_RunMain` runs a script, a module or a command.

use super::Fs;
use super::path::is_abs;

/// What the main program is about to run.
pub struct Target<'a> {
    /// `PyConfig.argv[0]` (`-c`, `-m`, a script path, `-` or ``).
    pub argv0: &'a [u8],
    /// `PyConfig.safe_path`.
    pub safe_path: bool,
    /// `run_filename` is a directory or a zip archive run as a package;
    /// its absolute path is inserted even with `safe_path`.
    pub package: Option<&'a [u8]>,
}

/// The entry to insert, or `None` for nothing.
pub fn compute(
    t: &Target<'_>,
    fs: &dyn Fs,
    realpath: &dyn Fn(&[u8]) -> Option<Vec<u8>>,
) -> Option<Vec<u8>> {
    // The working directory is asked for only where it is used.
    if let Some(pkg) = t.package {
        if is_abs(pkg) {
            return Some(pkg.to_vec());
        }
        let mut p = fs.cwd();
        p.push(b'/');
        p.extend_from_slice(pkg);
        return Some(p);
    }
    if t.safe_path {
        return None;
    }
    match t.argv0 {
        b"-c" => return Some(Vec::new()),
        b"-m" => {
            let cwd = fs.cwd();
            return (!cwd.is_empty()).then_some(cwd);
        }
        _ => {}
    }
    let mut path = t.argv0.to_vec();
    if let Some(target) = fs.readlink(&path) {
        if is_abs(&target) {
            path = target;
        } else if target.contains(&b'/') {
            // The target replaces the last component, without normalizing.
            path = match path.iter().rposition(|&b| b == b'/') {
                Some(i) => [&path[..=i], target.as_slice()].concat(),
                None => target,
            };
        }
    }
    if let Some(full) = realpath(&path) {
        path = full;
    }
    Some(match path.iter().rposition(|&b| b == b'/') {
        Some(0) => b"/".to_vec(),
        Some(i) => path[..i].to_vec(),
        None => Vec::new(),
    })
}
