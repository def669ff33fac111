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

/// The kernel's id of the calling thread (`gettid`).
pub fn native_id() -> u64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u64 }
}

/// What a thread started by [`start_detached`] runs.
struct Start {
    func: unsafe extern "C-unwind" fn(*mut libc::c_void),
    arg: *mut libc::c_void,
}

/// The new thread's first frame. It may be unwound by the C library
/// (`pthread_exit` in `func`), so it is `C-unwind` and holds nothing that
/// needs dropping while `func` runs.
extern "C-unwind" fn start_trampoline(p: *mut libc::c_void) -> *mut libc::c_void {
    // SAFETY: `p` is the `Start` box `start_detached` leaked for this thread.
    let Start { func, arg } = *unsafe { Box::from_raw(p.cast::<Start>()) };
    // SAFETY: the caller of `start_detached` gave a function for this argument.
    unsafe { func(arg) };
    std::ptr::null_mut()
}

/// Starts a detached OS thread running `func(arg)`, with a stack of
/// `stacksize` bytes (0: the C library's default). Returns the thread's
/// `pthread_t`, or None when it cannot be started.
///
/// # Safety
/// `func` may be called with `arg` on another thread.
pub unsafe fn start_detached(
    func: unsafe extern "C-unwind" fn(*mut libc::c_void),
    arg: *mut libc::c_void,
    stacksize: usize,
) -> Option<u64> {
    let start = crate::sys::alloc::try_box(Start { func, arg }).ok()?;
    let start = Box::into_raw(start);
    // SAFETY: attr is initialized before use and destroyed after; the new
    // thread owns `start` (the trampoline frees it); on failure it is freed here.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_attr_init(&mut attr) != 0 {
            drop(Box::from_raw(start));
            return None;
        }
        let mut ok = stacksize == 0 || libc::pthread_attr_setstacksize(&mut attr, stacksize) == 0;
        ok = ok && libc::pthread_attr_setdetachstate(&mut attr, libc::PTHREAD_CREATE_DETACHED) == 0;
        let mut th: libc::pthread_t = 0;
        // The C library calls the routine with the C calling convention,
        // which `C-unwind` shares (it only also allows unwinding).
        let routine: extern "C" fn(*mut libc::c_void) -> *mut libc::c_void =
            std::mem::transmute(start_trampoline as extern "C-unwind" fn(_) -> _);
        ok = ok && libc::pthread_create(&mut th, &attr, routine, start.cast()) == 0;
        libc::pthread_attr_destroy(&mut attr);
        if !ok {
            drop(Box::from_raw(start));
            return None;
        }
        Some(th as u64)
    }
}

/// Whether the C library accepts `size` as a thread's stack size.
pub fn stack_size_accepted(size: usize) -> bool {
    // SAFETY: a local attribute object, initialized and destroyed here.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_attr_init(&mut attr) != 0 {
            return false;
        }
        let ok = libc::pthread_attr_setstacksize(&mut attr, size) == 0;
        libc::pthread_attr_destroy(&mut attr);
        ok
    }
}

/// A new thread-specific storage key (`pthread_key_create`, no destructor).
pub fn key_create() -> Option<u32> {
    let mut key: libc::pthread_key_t = 0;
    // SAFETY: `key` is writable; no destructor is registered.
    (unsafe { libc::pthread_key_create(&mut key, None) } == 0).then_some(key)
}

/// Deletes a key made by [`key_create`] (values left in threads are dropped
/// without a call, as POSIX says).
pub fn key_delete(key: u32) {
    // SAFETY: deleting a key has no memory-safety precondition; an unknown
    // key gives EINVAL, which is ignored.
    unsafe { libc::pthread_key_delete(key) };
}

/// Sets the calling thread's value of `key`; false when the C library refuses.
// The pointer is stored as a value and never dereferenced.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn key_set(key: u32, value: *mut libc::c_void) -> bool {
    // SAFETY: the value is stored, never dereferenced; an unknown key gives EINVAL.
    unsafe { libc::pthread_setspecific(key, value) == 0 }
}

/// The calling thread's value of `key` (NULL when unset).
pub fn key_get(key: u32) -> *mut libc::c_void {
    // SAFETY: reading a key's value has no memory-safety precondition.
    unsafe { libc::pthread_getspecific(key) }
}
