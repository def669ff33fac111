//! The file-system questions the path computation asks, behind a trait so the
//! algorithm runs unchanged over the real disk ([`RealFs`]) or over a
//! described tree in tests.

use std::ffi::CString;

/// Why a small file could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// It does not exist (`ENOENT`, `ENOTDIR`).
    NotFound,
    /// Access was denied (`EACCES`, `EPERM`).
    Permission,
    /// Another error opening it (e.g. a symbolic link loop).
    Other,
    /// It holds 32 KiB or more; the computation must stop.
    TooLarge,
}

/// Files of this size or more are refused by [`Fs::read`].
pub const MAX_READ: usize = 32 * 1024;

/// The file-system and process queries of the path computation.
pub trait Fs {
    /// `stat` succeeds (following links) and it is a regular file.
    fn is_file(&self, path: &[u8]) -> bool;
    /// `stat` succeeds (following links) and it is a directory.
    fn is_dir(&self, path: &[u8]) -> bool;
    /// A regular file with any execute bit.
    fn is_exec(&self, path: &[u8]) -> bool;
    /// The target of the symbolic link `path`, or `None` when it is not one.
    fn readlink(&self, path: &[u8]) -> Option<Vec<u8>>;
    /// The content of a file smaller than [`MAX_READ`]; what opens but cannot
    /// be read (a directory) has no content.
    fn read(&self, path: &[u8]) -> Result<Vec<u8>, ReadError>;
    /// The current working directory (empty when it cannot be read).
    fn cwd(&self) -> Vec<u8>;
    /// `stat` succeeds (following links): `os.path.exists`.
    fn exists(&self, path: &[u8]) -> bool {
        self.is_file(path) || self.is_dir(path)
    }
    /// `lstat` succeeds (a dangling link exists).
    fn lstat_exists(&self, path: &[u8]) -> bool {
        self.exists(path) || self.readlink(path).is_some()
    }
    /// The names in a directory (None when it cannot be listed).
    fn listdir(&self, _path: &[u8]) -> Option<Vec<Vec<u8>>> {
        None
    }
    /// A whole file, whatever its size (`site` reads `.pth` files and
    /// `pyvenv.cfg` so).
    fn read_all(&self, path: &[u8]) -> Result<Vec<u8>, ReadError> {
        self.read(path)
    }
}

thread_local! {
    /// The trace category of [`RealFs`]'s lines on this thread.
    static CATEGORY: std::cell::Cell<&'static str> = const { std::cell::Cell::new("getpath") };
}

/// Runs `f` with [`RealFs`]'s trace lines in category `cat` (`site`).
pub fn traced_as<R>(cat: &'static str, f: impl FnOnce() -> R) -> R {
    let old = CATEGORY.replace(cat);
    let r = f();
    CATEGORY.set(old);
    r
}

/// The process's real file system.
pub struct RealFs;

fn cpath(path: &[u8]) -> Option<CString> {
    CString::new(path).ok()
}

fn stat_mode(path: &[u8]) -> Option<libc::mode_t> {
    let c = cpath(path)?;
    // SAFETY: `st` is plain data that stat fills; `c` is NUL-terminated.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::stat(c.as_ptr(), &mut st) == 0).then_some(st.st_mode)
    }
}

/// Traces one look at the file system (the trace's `getpath` lines).
fn traced(check: &str, path: &[u8], found: bool) -> bool {
    crate::sys::trace::event(
        CATEGORY.get(),
        check,
        &[
            ("path", path),
            ("found", if found { b"yes" } else { b"no" }),
        ],
    );
    found
}

impl Fs for RealFs {
    fn is_file(&self, path: &[u8]) -> bool {
        let found = stat_mode(path).is_some_and(|m| m & libc::S_IFMT == libc::S_IFREG);
        traced("isfile", path, found)
    }

    fn is_dir(&self, path: &[u8]) -> bool {
        let found = stat_mode(path).is_some_and(|m| m & libc::S_IFMT == libc::S_IFDIR);
        traced("isdir", path, found)
    }

    fn is_exec(&self, path: &[u8]) -> bool {
        let found =
            stat_mode(path).is_some_and(|m| m & libc::S_IFMT == libc::S_IFREG && m & 0o111 != 0);
        traced("isxfile", path, found)
    }

    fn readlink(&self, path: &[u8]) -> Option<Vec<u8>> {
        let target = self.readlink_untraced(path);
        if crate::sys::trace::enabled() {
            crate::sys::trace::emit(
                CATEGORY.get(),
                "readlink",
                &[
                    ("path", path),
                    ("target", target.as_deref().unwrap_or(b"-")),
                ],
            );
        }
        target
    }

    fn read(&self, path: &[u8]) -> Result<Vec<u8>, ReadError> {
        let r = self.read_untraced(path);
        if crate::sys::trace::enabled() {
            let what = match &r {
                Ok(b) => format!("{} bytes", b.len()),
                Err(ReadError::NotFound) => "missing".to_string(),
                Err(ReadError::Permission) => "permission denied".to_string(),
                Err(ReadError::TooLarge) => "too large".to_string(),
                Err(ReadError::Other) => "unreadable".to_string(),
            };
            crate::sys::trace::emit(
                CATEGORY.get(),
                "read",
                &[("path", path), ("result", what.as_bytes())],
            );
        }
        r
    }

    fn cwd(&self) -> Vec<u8> {
        use std::os::unix::ffi::OsStrExt;
        std::env::current_dir()
            .map(|p| p.as_os_str().as_bytes().to_vec())
            .unwrap_or_default()
    }

    fn exists(&self, path: &[u8]) -> bool {
        traced("exists", path, stat_mode(path).is_some())
    }

    fn lstat_exists(&self, path: &[u8]) -> bool {
        let found = cpath(path).is_some_and(|c| {
            // SAFETY: `st` is plain data that lstat fills; `c` is NUL-terminated.
            unsafe {
                let mut st: libc::stat = std::mem::zeroed();
                libc::lstat(c.as_ptr(), &mut st) == 0
            }
        });
        traced("lstat", path, found)
    }

    fn listdir(&self, path: &[u8]) -> Option<Vec<Vec<u8>>> {
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let p = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
        let names: Option<Vec<Vec<u8>>> = std::fs::read_dir(p).ok().map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.file_name().into_vec()))
                .collect()
        });
        traced("listdir", path, names.is_some());
        names
    }

    fn read_all(&self, path: &[u8]) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        use std::os::unix::ffi::OsStrExt;
        let p = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
        let kind = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => ReadError::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadError::Permission,
            _ => ReadError::Other,
        };
        // Read in place, without asking the size first: the files are small.
        let r = std::fs::File::open(p).map_err(kind).and_then(|mut f| {
            // `read` calls only: `read_to_end` on a file asks its size and
            // position first (two more system calls).
            let mut buf = vec![0; 4096];
            let mut len = 0;
            loop {
                if len == buf.len() {
                    buf.resize(len * 2, 0);
                }
                match f.read(&mut buf[len..]) {
                    Ok(0) => break,
                    Ok(n) => len += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(kind(e)),
                }
            }
            buf.truncate(len);
            Ok(buf)
        });
        if crate::sys::trace::enabled() {
            let what = match &r {
                Ok(b) => format!("{} bytes", b.len()),
                Err(_) => "unreadable".to_string(),
            };
            crate::sys::trace::emit(
                CATEGORY.get(),
                "read",
                &[("path", path), ("result", what.as_bytes())],
            );
        }
        r
    }
}

impl RealFs {
    fn readlink_untraced(&self, path: &[u8]) -> Option<Vec<u8>> {
        let c = cpath(path)?;
        // Not initialized first: readlink writes the bytes it reports.
        let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); libc::PATH_MAX as usize + 1];
        // SAFETY: `buf` has room for `buf.len()` bytes; readlink does not NUL-terminate.
        let n = unsafe { libc::readlink(c.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        if n < 0 || n as usize >= buf.len() {
            return None;
        }
        // SAFETY: readlink wrote the first `n` bytes.
        Some(unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n as usize) }.to_vec())
    }

    fn read_untraced(&self, path: &[u8]) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        use std::os::unix::ffi::OsStrExt;
        let p = std::path::Path::new(std::ffi::OsStr::from_bytes(path));
        let mut f = std::fs::File::open(p).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => ReadError::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadError::Permission,
            _ => ReadError::Other,
        })?;
        // Room for the small files read here in one call.
        let mut buf = Vec::with_capacity(4096);
        // A file that opens but cannot be read (a directory) reads as empty,
        // as CPython's `fopen` + `fread` see it.
        if f.by_ref()
            .take(MAX_READ as u64)
            .read_to_end(&mut buf)
            .is_err()
        {
            buf.clear();
        }
        if buf.len() >= MAX_READ {
            return Err(ReadError::TooLarge);
        }
        Ok(buf)
    }
}

/// The answers of another [`Fs`], each question asked once: for one
/// computation (getpath, then `site`) that looks at some files more than
/// once. Not for tracing, which shows every look.
pub struct MemoFs<'a> {
    inner: &'a dyn Fs,
    bools: Memo<(u8, Vec<u8>), bool>,
    links: Memo<Vec<u8>, Option<Vec<u8>>>,
    reads: Memo<(bool, Vec<u8>), Result<Vec<u8>, ReadError>>,
    dirs: Memo<Vec<u8>, Option<Vec<Vec<u8>>>>,
    cwd: std::cell::OnceCell<Vec<u8>>,
}

/// Answers kept by question.
type Memo<K, V> = std::cell::RefCell<std::collections::HashMap<K, V>>;

impl<'a> MemoFs<'a> {
    /// Remembers `inner`'s answers.
    pub fn new(inner: &'a dyn Fs) -> MemoFs<'a> {
        MemoFs {
            inner,
            bools: Default::default(),
            links: Default::default(),
            reads: Default::default(),
            dirs: Default::default(),
            cwd: std::cell::OnceCell::new(),
        }
    }

    fn flag(&self, kind: u8, path: &[u8], ask: impl FnOnce() -> bool) -> bool {
        if let Some(&v) = self.bools.borrow().get(&(kind, path.to_vec())) {
            return v;
        }
        let v = ask();
        self.bools.borrow_mut().insert((kind, path.to_vec()), v);
        v
    }

    fn content(
        &self,
        all: bool,
        path: &[u8],
        ask: impl FnOnce() -> Result<Vec<u8>, ReadError>,
    ) -> Result<Vec<u8>, ReadError> {
        if let Some(v) = self.reads.borrow().get(&(all, path.to_vec())) {
            return v.clone();
        }
        let v = ask();
        self.reads
            .borrow_mut()
            .insert((all, path.to_vec()), v.clone());
        v
    }
}

/// A path one of [`MemoFs`]'s answers depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Look {
    /// The path as it was asked about.
    pub path: Vec<u8>,
    /// The answer depends on the object itself (a file's bytes or mode, a
    /// directory's names), not only on its entry (whether it exists, its
    /// type, a link's target).
    pub content: bool,
}

impl MemoFs<'_> {
    /// Every path looked at, each once (with `content` when any answer
    /// about it depends on what it holds).
    pub fn looks(&self) -> Vec<Look> {
        let mut seen: std::collections::HashMap<Vec<u8>, bool> = Default::default();
        let mut note = |p: &Vec<u8>, content: bool| {
            *seen.entry(p.clone()).or_default() |= content;
        };
        // `is_exec` asks for a file's mode.
        self.bools
            .borrow()
            .keys()
            .for_each(|(kind, p)| note(p, *kind == 2));
        self.links.borrow().keys().for_each(|p| note(p, false));
        self.reads.borrow().keys().for_each(|(_, p)| note(p, true));
        self.dirs.borrow().keys().for_each(|p| note(p, true));
        let mut looks: Vec<Look> = seen
            .into_iter()
            .map(|(path, content)| Look { path, content })
            .collect();
        looks.sort_by(|a, b| a.path.cmp(&b.path));
        looks
    }

    /// The working directory, when it was asked for.
    pub fn cwd_asked(&self) -> Option<&Vec<u8>> {
        self.cwd.get()
    }

    /// Asks `fs` every question asked so far again: true when each answer
    /// is the one remembered.
    pub fn still_true(&self, fs: &dyn Fs) -> bool {
        let bools = self.bools.borrow().iter().all(|((kind, p), &v)| {
            v == match kind {
                0 => fs.is_file(p),
                1 => fs.is_dir(p),
                2 => fs.is_exec(p),
                3 => fs.exists(p),
                _ => fs.lstat_exists(p),
            }
        });
        bools
            && self
                .links
                .borrow()
                .iter()
                .all(|(p, v)| fs.readlink(p) == *v)
            && self
                .reads
                .borrow()
                .iter()
                .all(|((all, p), v)| *v == if *all { fs.read_all(p) } else { fs.read(p) })
            && self.dirs.borrow().iter().all(|(p, v)| fs.listdir(p) == *v)
            && self.cwd.get().is_none_or(|c| fs.cwd() == *c)
    }
}

impl Fs for MemoFs<'_> {
    fn is_file(&self, path: &[u8]) -> bool {
        self.flag(0, path, || self.inner.is_file(path))
    }
    fn is_dir(&self, path: &[u8]) -> bool {
        self.flag(1, path, || self.inner.is_dir(path))
    }
    fn is_exec(&self, path: &[u8]) -> bool {
        self.flag(2, path, || self.inner.is_exec(path))
    }
    fn exists(&self, path: &[u8]) -> bool {
        self.flag(3, path, || self.inner.exists(path))
    }
    fn lstat_exists(&self, path: &[u8]) -> bool {
        self.flag(4, path, || self.inner.lstat_exists(path))
    }
    fn readlink(&self, path: &[u8]) -> Option<Vec<u8>> {
        if let Some(v) = self.links.borrow().get(path) {
            return v.clone();
        }
        let v = self.inner.readlink(path);
        self.links.borrow_mut().insert(path.to_vec(), v.clone());
        v
    }
    fn read(&self, path: &[u8]) -> Result<Vec<u8>, ReadError> {
        self.content(false, path, || self.inner.read(path))
    }
    fn read_all(&self, path: &[u8]) -> Result<Vec<u8>, ReadError> {
        // A file [`Fs::read`] already read whole (it refuses only the large
        // ones) is not read again (`pyvenv.cfg`: getpath, then `site`).
        if let Some(Ok(b)) = self.reads.borrow().get(&(false, path.to_vec())) {
            return Ok(b.clone());
        }
        self.content(true, path, || self.inner.read_all(path))
    }
    fn listdir(&self, path: &[u8]) -> Option<Vec<Vec<u8>>> {
        if let Some(v) = self.dirs.borrow().get(path) {
            return v.clone();
        }
        let v = self.inner.listdir(path);
        self.dirs.borrow_mut().insert(path.to_vec(), v.clone());
        v
    }
    fn cwd(&self) -> Vec<u8> {
        self.cwd.get_or_init(|| self.inner.cwd()).clone()
    }
}
