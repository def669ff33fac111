//! Linux inotify: being told when directories and files change, for the
//! answers pyrt keeps about a file system (the `sys.path` cache of
//! `PyRT_SysPathCache_Compute`). One instance is one file descriptor
//! (non-blocking, closed on `exec`), closed when the instance is dropped.

use std::ffi::CStr;

/// What a directory's watch reports: a name in it created, deleted, moved
/// in or out; the directory itself deleted or moved. Not writes to what it
/// holds nor attribute changes: asking for those makes the kernel mark
/// every entry of the directory it has in its cache when the watch is
/// added (40 ms for a `/tmp` that a test suite has used).
pub const DIR_CHANGES: u32 = libc::IN_CREATE
    | libc::IN_DELETE
    | libc::IN_DELETE_SELF
    | libc::IN_MOVE_SELF
    | libc::IN_MOVED_FROM
    | libc::IN_MOVED_TO;

/// What a file's watch reports: it was written, its attributes changed, it
/// was deleted or moved.
pub const FILE_CHANGES: u32 = libc::IN_ATTRIB
    | libc::IN_DELETE_SELF
    | libc::IN_MODIFY
    | libc::IN_CLOSE_WRITE
    | libc::IN_MOVE_SELF;

/// One reported change.
#[derive(Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// The watch it concerns (as [`Inotify::watch`] returned it; -1 for a
    /// queue overflow).
    pub wd: i32,
    /// What happened (`IN_*` bits).
    pub mask: u32,
    /// The name in the watched directory it concerns; empty when it
    /// concerns the watched object itself.
    pub name: &'a [u8],
}

/// An inotify instance.
#[derive(Debug)]
pub struct Inotify {
    fd: libc::c_int,
}

impl Inotify {
    /// A new instance; None when the system refuses one (the per-user
    /// limit of instances, no descriptors left).
    pub fn new() -> Option<Inotify> {
        // SAFETY: no pointers; the flags are valid for inotify_init1.
        let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        (fd >= 0).then_some(Inotify { fd })
    }

    /// Watches `path` (following a symbolic link) for `mask`
    /// ([`DIR_CHANGES`], [`FILE_CHANGES`]); the watch's number, or None
    /// when it cannot be watched (it does not exist, the per-user limit of
    /// watches is reached). One object watched twice has one number and
    /// the last mask.
    pub fn watch(&self, path: &CStr, mask: u32) -> Option<i32> {
        // SAFETY: `path` is NUL-terminated; `fd` is this instance's.
        let wd = unsafe { libc::inotify_add_watch(self.fd, path.as_ptr(), mask) };
        (wd >= 0).then_some(wd)
    }

    /// Reads the changes reported so far, giving each to `f` until it
    /// returns false. False when `f` did, or when the instance cannot be
    /// read or keeps reporting (more than `MAX_READS` buffers: changes
    /// arrive as fast as they are read), when nothing it said can be
    /// trusted.
    pub fn drain(&self, mut f: impl FnMut(&Event<'_>) -> bool) -> bool {
        // Aligned for the event headers the kernel writes.
        #[repr(C, align(8))]
        struct Buf([u8; 4096]);
        let mut buf = Buf([0; 4096]);
        const HEADER: usize = std::mem::size_of::<libc::inotify_event>();
        const MAX_READS: usize = 64;
        for _ in 0..MAX_READS {
            // SAFETY: `buf` has room for `buf.0.len()` bytes; `fd` is this
            // instance's.
            let n = unsafe { libc::read(self.fd, buf.0.as_mut_ptr().cast(), buf.0.len()) };
            if n < 0 {
                let e = std::io::Error::last_os_error().raw_os_error();
                return match e {
                    Some(libc::EAGAIN) => true,
                    Some(libc::EINTR) => continue,
                    _ => false,
                };
            }
            let n = n as usize;
            if n == 0 {
                return true;
            }
            let mut at = 0;
            while at + HEADER <= n {
                // SAFETY: the kernel wrote a whole header at `at` (events are
                // never split across reads); read unaligned to be safe.
                let ev: libc::inotify_event =
                    unsafe { std::ptr::read_unaligned(buf.0.as_ptr().add(at).cast()) };
                let len = ev.len as usize;
                let start = at + HEADER;
                let Some(end) = start.checked_add(len).filter(|&e| e <= n) else {
                    return false;
                };
                // The name is NUL-padded to its length.
                let raw = &buf.0[start..end];
                let name = &raw[..raw.iter().position(|&b| b == 0).unwrap_or(raw.len())];
                if !f(&Event {
                    wd: ev.wd,
                    mask: ev.mask,
                    name,
                }) {
                    return false;
                }
                at = end;
            }
        }
        false
    }
}

impl Drop for Inotify {
    fn drop(&mut self) {
        // SAFETY: `fd` is this instance's and closed only here.
        unsafe { libc::close(self.fd) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_a_name_created_in_a_watched_directory() {
        let dir = std::env::temp_dir().join(format!("pyrt-inotify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ino = Inotify::new().expect("an inotify instance");
        let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
        let wd = ino.watch(&c, DIR_CHANGES).expect("a watch");
        let seen = |ino: &Inotify| {
            let mut seen = Vec::new();
            assert!(ino.drain(|e| {
                seen.push((e.wd, e.name.to_vec()));
                true
            }));
            seen
        };
        assert!(seen(&ino).is_empty());
        std::fs::write(dir.join("x.pth"), b"a\n").unwrap();
        let s = seen(&ino);
        assert!(s.contains(&(wd, b"x.pth".to_vec())), "{s:?}");
        // Stopped by the callback.
        std::fs::write(dir.join("y.pth"), b"a\n").unwrap();
        assert!(!ino.drain(|_| false));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
