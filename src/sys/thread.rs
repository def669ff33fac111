//! The process's threads as the OS sees them: whether the process has one
//! thread (glibc's flag), counters that skip atomic instructions while it
//! does, the monotonic clock, and OS thread identity and names.

use std::ffi::{CStr, c_char};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// The monotonic clock in nanoseconds.
pub fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: writes the current time into `ts`, a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

unsafe extern "C" {
    /// glibc (2.32 and later): nonzero while the process has only one thread.
    /// Only the calling thread can make it false (by creating a thread).
    static __libc_single_threaded: AtomicU8;
}

/// True while the calling thread is the process's only thread: nothing
/// else can touch a GIL's word (or a shared counter), so it needs no atomic
/// read-modify-write (glibc's own mutexes use the same flag the same way).
#[inline(always)]
pub fn single_threaded() -> bool {
    // SAFETY: glibc's exported flag, a byte that lives as long as the process.
    unsafe { __libc_single_threaded.load(Ordering::Relaxed) != 0 }
}

/// `a += delta` (wrapping), returning the previous value: one atomic
/// addition with `order`, or a plain load and store while the process has
/// one thread (nobody else can read or change `a` then).
#[inline(always)]
pub fn fetch_add_unshared(a: &AtomicU64, delta: u64, order: Ordering) -> u64 {
    if single_threaded() {
        let v = a.load(Ordering::Relaxed);
        a.store(v.wrapping_add(delta), Ordering::Relaxed);
        v
    } else {
        a.fetch_add(delta, order)
    }
}

/// The calling OS thread (`pthread_self`), as an integer.
#[inline]
pub fn os_thread() -> u64 {
    // SAFETY: pthread_self has no preconditions.
    unsafe { libc::pthread_self() as u64 }
}

/// An OS thread name: Linux keeps at most 15 bytes (plus the NUL), so it
/// is stored inline and copying it into each thread state allocates nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadName {
    bytes: [u8; 16],
    len: u8,
}

impl ThreadName {
    /// True when the thread has no name.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The name, with invalid UTF-8 replaced.
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes[..self.len as usize])
    }
}

/// The calling thread's name (empty when it has none), read from the OS once
/// per thread: thread states are created often, and the name is only shown
/// in fatal error reports.
pub fn thread_name() -> ThreadName {
    thread_local! {
        static NAME: std::cell::OnceCell<ThreadName> = const { std::cell::OnceCell::new() };
    }
    NAME.with(|n| *n.get_or_init(read_thread_name))
}

fn read_thread_name() -> ThreadName {
    let mut buf = [0 as c_char; 64];
    // SAFETY: the buffer is writable and its length is passed.
    let rc = unsafe { libc::pthread_getname_np(libc::pthread_self(), buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return ThreadName::default();
    }
    // SAFETY: on success the name is NUL-terminated inside the buffer.
    let name = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes();
    let mut out = ThreadName::default();
    let len = name.len().min(out.bytes.len());
    out.bytes[..len].copy_from_slice(&name[..len]);
    out.len = len as u8;
    out
}
