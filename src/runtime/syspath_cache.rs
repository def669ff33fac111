//! A kept answer of the `sys.path` computation (`PyRT_SysPathCache_*`):
//! the answer for one configuration, given again while nothing it depends
//! on has changed.
//!
//! An answer depends on
//! - the configuration as read, the legacy path globals, the whole
//!   environment, the process's user and group ids, the UTF-8 mode (and,
//!   without it, the `LC_CTYPE` locale), the layout: compared on each call;
//! - the working directory, when the computation asked for it or looked at
//!   a relative path: compared on each call;
//! - every file-system question the computation asked ([`MemoFs`] keeps
//!   them): each directory the kernel goes through to resolve each path
//!   asked about is watched with inotify, for the name looked up in it;
//!   each file read and each directory listed, for anything. A change to
//!   one of those names (created, deleted, renamed, written, its
//!   attributes changed), to a watched object itself, a lost event, or an
//!   instance that cannot be read makes the answer stale.
//!
//! Races: each directory is watched before the name in it is looked up
//! and, once all are watched, every question is asked again; the answer is
//! kept only when each has the same answer, so a change after that is
//! reported and one before it is seen.
//!
//! Not kept (computed on each call): without inotify (no instance, a watch
//! refused), with `__PYVENV_LAUNCHER__` set (getpath removes it), without
//! `HOME` (the user site then comes from the password database). inotify
//! does not see mounts and unmounts below a path, nor changes another host
//! makes on a network file system: `docs/differences.md` says so.

use std::collections::{HashMap, HashSet};
use std::ffi::CString;

use crate::config::Config;
use crate::config::legacy_paths::LegacyPaths;
use crate::getpath::RealFs;
use crate::getpath::fs::{Look, MemoFs, traced_as};
use crate::getpath::site::Layout;
use crate::runtime::host;
use crate::runtime::inspect::{self, Report};
use crate::status::PyResult;
use crate::sys::inotify::{DIR_CHANGES, FILE_CHANGES, Inotify};

/// What a watch is for: any change in the watched directory (it was
/// listed, or a file that was read), or changes to some names in it.
#[derive(Debug)]
enum Interest {
    Any,
    Names(HashSet<Vec<u8>>),
}

/// Everything besides the file system an answer depends on.
#[derive(Debug)]
struct Key {
    model: Config,
    legacy: LegacyPaths,
    env: Vec<Vec<u8>>,
    ids: [libc::uid_t; 4],
    utf8: bool,
    /// `LC_CTYPE` outside the UTF-8 mode (encoding paths follows it).
    ctype: Option<Vec<u8>>,
    layout: Layout,
    main: bool,
}

fn ids() -> [libc::uid_t; 4] {
    // SAFETY: the id getters have no preconditions.
    unsafe {
        [
            libc::getuid(),
            libc::geteuid(),
            libc::getgid(),
            libc::getegid(),
        ]
    }
}

impl Key {
    fn now(model: &Config, layout: Layout, main: bool) -> Key {
        let utf8 = crate::runtime::utf8_mode();
        Key {
            model: model.clone(),
            legacy: crate::runtime::LEGACY_PATHS.lock().clone(),
            env: host::environment(),
            ids: ids(),
            utf8,
            ctype: if utf8 { None } else { host::lc_ctype() },
            layout,
            main,
        }
    }

    /// The same key as [`Key::now`] would make, compared in place.
    fn holds(&self, model: &Config, layout: Layout, main: bool) -> bool {
        let utf8 = crate::runtime::utf8_mode();
        self.layout == layout
            && self.main == main
            && self.utf8 == utf8
            && self.model == *model
            && self.ids == ids()
            && host::environment_is(&self.env)
            && *crate::runtime::LEGACY_PATHS.lock() == self.legacy
            && (utf8 || self.ctype == host::lc_ctype())
    }

    /// The environment leaves something unwatched (see the module's text).
    fn unkept(&self) -> bool {
        let has = |name: &[u8]| {
            self.env
                .iter()
                .any(|e| e.len() > name.len() && e.starts_with(name) && e[name.len()] == b'=')
        };
        has(b"__PYVENV_LAUNCHER__") || !has(b"HOME")
    }
}

/// One answer and what it depends on.
#[derive(Debug)]
struct Entry {
    key: Key,
    /// The configuration once its paths are computed.
    computed: Config,
    report: Report,
    /// The working directory it depends on, if any.
    cwd: Option<Vec<u8>>,
    /// None: not kept (computed on each call).
    watched: Option<(Inotify, HashMap<i32, Interest>)>,
}

impl Entry {
    /// Nothing the answer depends on has changed (the key aside).
    fn still_true(&self) -> bool {
        let Some((ino, watches)) = &self.watched else {
            return false;
        };
        // Read until a change that matters (or all were read).
        let unchanged = ino.drain(|e| {
            if e.mask & libc::IN_Q_OVERFLOW != 0 {
                return false;
            }
            match watches.get(&e.wd) {
                None => true,
                Some(Interest::Any) => false,
                Some(Interest::Names(names)) => !e.name.is_empty() && !names.contains(e.name),
            }
        });
        unchanged
            && self
                .cwd
                .as_ref()
                .is_none_or(|c| crate::getpath::Fs::cwd(&RealFs) == *c)
    }
}

/// A kept answer, for one process (a child of `fork` starts afresh).
#[derive(Debug)]
pub struct SysPathCache {
    pid: libc::pid_t,
    entry: Option<Entry>,
}

impl Default for SysPathCache {
    fn default() -> Self {
        SysPathCache::new()
    }
}

impl SysPathCache {
    /// An empty cache.
    pub fn new() -> SysPathCache {
        SysPathCache {
            // SAFETY: no preconditions.
            pid: unsafe { libc::getpid() },
            entry: None,
        }
    }

    /// [`inspect::compute_over`] for the C API (`library` set, no
    /// customize search) on a configuration that has been read: the kept
    /// answer when its key holds and nothing it depends on has changed,
    /// else a new one, kept when it can be. `model` becomes the
    /// configuration with its paths computed. The report has no
    /// `sys.path[0]` ([`inspect::main_entry`] gives it); with it, whether
    /// it was kept (not computed).
    pub fn compute(
        &mut self,
        model: &mut Config,
        layout: Layout,
        main: bool,
    ) -> PyResult<(&Report, bool)> {
        // SAFETY: no preconditions.
        let pid = unsafe { libc::getpid() };
        if pid != self.pid {
            // A child of `fork`: the instance is shared with the parent,
            // whose changes reading it would take (closing the child's
            // descriptor leaves the parent's).
            self.entry = None;
            self.pid = pid;
        }
        // Why the kept answer (if any) cannot be given again.
        let stale: Option<&'static [u8]> = match &self.entry {
            None => Some(b"first"),
            Some(e) if !e.key.holds(model, layout, main) => Some(b"configuration or process"),
            Some(e) if !e.still_true() => Some(b"file system"),
            Some(_) => None,
        };
        let Some(why) = stale else {
            crate::sys::trace::event("cache", "hit", &[]);
            let e = self.entry.as_ref().expect("an answer is kept");
            model.clone_from(&e.computed);
            return Ok((&e.report, true));
        };
        // Dropped first: its watches go with its instance.
        self.entry = None;
        let key = Key::now(model, layout, main);
        let ino = if key.unkept() { None } else { Inotify::new() };
        let memo = MemoFs::new(&RealFs);
        let report = inspect::compute_over(model, layout, main, true, false, &memo)?;
        let looks = memo.looks();
        let relative = looks.iter().any(|l| !l.path.starts_with(b"/"));
        let cwd = match memo.cwd_asked() {
            Some(c) => Some(c.clone()),
            None if relative => Some(crate::getpath::Fs::cwd(&RealFs)),
            None => None,
        };
        // The trace shows these looks as the cache's.
        let watched = traced_as("cache", || {
            ino.and_then(|ino| {
                let watches = watch(&ino, &looks, cwd.as_deref().unwrap_or(b"/"))?;
                // Asked again once all is watched (the module's text).
                memo.still_true(&RealFs).then_some((ino, watches))
            })
        });
        crate::sys::trace::event(
            "cache",
            "miss",
            &[
                ("reason", why),
                ("kept", if watched.is_some() { b"yes" } else { b"no" }),
            ],
        );
        let entry = self.entry.insert(Entry {
            key,
            computed: model.clone(),
            report,
            cwd,
            watched,
        });
        Ok((&entry.report, false))
    }
}

/// What resolving a path found at one step.
#[derive(Clone)]
enum Node {
    Missing,
    Dir(i32),
    Link(Vec<u8>),
    Other,
}

/// Watches what each path in `looks` depends on (relative ones from
/// `cwd`): None when a watch is refused.
fn watch(ino: &Inotify, looks: &[Look], cwd: &[u8]) -> Option<HashMap<i32, Interest>> {
    let mut plan = Plan {
        ino,
        watches: HashMap::new(),
        dirs: HashMap::new(),
        nodes: HashMap::new(),
    };
    for look in looks {
        let path = if look.path.starts_with(b"/") {
            look.path.clone()
        } else {
            [cwd, b"/", &look.path].concat()
        };
        let mut links = 0;
        plan.resolve(&path, look.content, &mut links)?;
    }
    Some(plan.watches)
}

struct Plan<'a> {
    ino: &'a Inotify,
    watches: HashMap<i32, Interest>,
    /// Each directory watched so far, by its path (without links).
    dirs: HashMap<Vec<u8>, i32>,
    /// What each path (without links) is.
    nodes: HashMap<Vec<u8>, Node>,
}

/// The kernel's limit of links followed while resolving one path.
const MAX_LINKS: u32 = 40;

impl Plan<'_> {
    fn watch_dir(&mut self, dir: &[u8]) -> Option<i32> {
        if let Some(&wd) = self.dirs.get(dir) {
            return Some(wd);
        }
        let wd = self.ino.watch(&CString::new(dir).ok()?, DIR_CHANGES)?;
        self.dirs.insert(dir.to_vec(), wd);
        self.watches
            .entry(wd)
            .or_insert_with(|| Interest::Names(HashSet::new()));
        Some(wd)
    }

    fn interest(&mut self, wd: i32, name: Option<&[u8]>) {
        let i = self
            .watches
            .entry(wd)
            .or_insert_with(|| Interest::Names(HashSet::new()));
        match (i, name) {
            (Interest::Names(names), Some(n)) => {
                names.insert(n.to_vec());
            }
            (i, None) => *i = Interest::Any,
            (Interest::Any, Some(_)) => {}
        }
    }

    /// What `path` (a directory path without links, then a name) is,
    /// looked at once; a directory is watched. None when a watch is
    /// refused.
    fn node(&mut self, path: Vec<u8>) -> Option<Node> {
        if let Some(n) = self.nodes.get(&path) {
            return Some(n.clone());
        }
        let node = match lstat_mode(&path) {
            None => Node::Missing,
            Some(m) if m & libc::S_IFMT == libc::S_IFLNK => {
                match crate::getpath::Fs::readlink(&RealFs, &path) {
                    Some(t) => Node::Link(t),
                    None => Node::Missing,
                }
            }
            Some(m) if m & libc::S_IFMT == libc::S_IFDIR => Node::Dir(self.watch_dir(&path)?),
            Some(_) => Node::Other,
        };
        self.nodes.insert(path, node.clone());
        Some(node)
    }

    /// Watches each directory resolving the absolute `path` goes through,
    /// for the name looked up in it (before looking it up), following
    /// links; with `content`, what the path resolves to as a whole. None
    /// when a watch is refused.
    fn resolve(&mut self, path: &[u8], content: bool, links: &mut u32) -> Option<()> {
        let names: Vec<&[u8]> = path
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty() && *c != b".")
            .collect();
        let mut dir: Vec<u8> = b"/".to_vec();
        let mut wd = self.watch_dir(&dir)?;
        for (i, &name) in names.iter().enumerate() {
            if name == b".." {
                let cut = dir.iter().rposition(|&b| b == b'/').unwrap_or(0);
                dir.truncate(cut.max(1));
                wd = self.watch_dir(&dir)?;
                continue;
            }
            self.interest(wd, Some(name));
            let next = if dir == b"/" {
                [b"/", name].concat()
            } else {
                [&dir, b"/".as_slice(), name].concat()
            };
            let last = i + 1 == names.len();
            match self.node(next.clone())? {
                // Its creation is watched; so is a directory's becoming
                // searchable (its attributes, in the directory above).
                Node::Missing => return Some(()),
                Node::Link(target) => {
                    *links += 1;
                    if *links > MAX_LINKS {
                        return Some(());
                    }
                    let start = if target.starts_with(b"/") {
                        target
                    } else {
                        [&dir, b"/".as_slice(), &target].concat()
                    };
                    let rest = names[i + 1..].join(&b'/');
                    let whole = [start.as_slice(), b"/", &rest].concat();
                    return self.resolve(&whole, content, links);
                }
                Node::Dir(d) => {
                    dir = next;
                    wd = d;
                }
                Node::Other => {
                    if last && content {
                        let f = self.ino.watch(&CString::new(next).ok()?, FILE_CHANGES)?;
                        self.interest(f, None);
                    }
                    return Some(());
                }
            }
        }
        if content {
            self.interest(wd, None);
        }
        Some(())
    }
}

fn lstat_mode(path: &[u8]) -> Option<libc::mode_t> {
    let c = CString::new(path).ok()?;
    // SAFETY: `st` is plain data that lstat fills; `c` is NUL-terminated.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::lstat(c.as_ptr(), &mut st) == 0).then_some(st.st_mode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(plan: &Plan<'_>, dir: &std::path::Path) -> Vec<String> {
        let wd = plan.dirs[dir.as_os_str().as_encoded_bytes()];
        match &plan.watches[&wd] {
            Interest::Any => vec!["*".into()],
            Interest::Names(n) => {
                let mut v: Vec<String> = n
                    .iter()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .collect();
                v.sort();
                v
            }
        }
    }

    #[test]
    fn resolving_watches_each_directory_for_the_names_looked_up() {
        let base = std::env::temp_dir().join(format!("pyrt-plan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("real")).unwrap();
        std::fs::write(base.join("real/f"), b"x").unwrap();
        std::os::unix::fs::symlink("real", base.join("link")).unwrap();
        let ino = Inotify::new().expect("an inotify instance");
        let mut plan = Plan {
            ino: &ino,
            watches: HashMap::new(),
            dirs: HashMap::new(),
            nodes: HashMap::new(),
        };
        let b = base.as_os_str().as_encoded_bytes();
        let mut links = 0;
        // Through the link to a file read: the link's directory for both
        // names, the target directory for the file's, the file itself.
        plan.resolve(&[b, b"/link/f"].concat(), true, &mut links)
            .unwrap();
        // A missing directory: its name, nothing below.
        plan.resolve(&[b, b"/missing/x"].concat(), false, &mut links)
            .unwrap();
        // A directory listed: any name in it.
        plan.resolve(b, true, &mut links).unwrap();
        assert_eq!(links, 1);
        assert_eq!(names(&plan, &base.join("real")), ["f"]);
        assert_eq!(names(&plan, &base), ["*"]);
        assert!(
            !plan
                .dirs
                .contains_key(base.join("link").as_os_str().as_encoded_bytes())
        );
        assert!(
            !plan
                .dirs
                .contains_key(base.join("missing").as_os_str().as_encoded_bytes())
        );
        // The file's own watch, for anything.
        let any = plan
            .watches
            .values()
            .filter(|i| matches!(i, Interest::Any))
            .count();
        assert_eq!(any, 2);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
