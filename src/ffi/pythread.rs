//! `Include/pythread.h` and `Include/cpython/pythread.h`: thread identity,
//! starting threads, locks, stack sizes and thread-specific storage. None
//! of them needs an initialized runtime, except the stack-size functions,
//! which need a thread state (as in CPython).

use std::ffi::{c_int, c_longlong, c_ulong, c_void};
use std::time::Duration;

use crate::abi::pythread::{
    PY_LOCK_ACQUIRED, PY_LOCK_FAILURE, PY_LOCK_INTR, PY_TIMEOUT_MAX, Py_tss_t, PyLockStatus,
    PyThread_type_lock,
};
use crate::ffi::guard;
use crate::runtime::fatal::require_current;
use crate::sys::sem::{Acquire, BinaryLock};

/// The value `PyThread_start_new_thread` returns when it fails.
const INVALID_THREAD_ID: c_ulong = c_ulong::MAX;

/// Prepares the thread machinery. Nothing to do in pyrt (kept for
/// compatibility); it marks the machinery as set up, as the first lock,
/// thread or initialization also does.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_init_thread() {
    guard(
        c"PyThread_init_thread",
        crate::runtime::pythread::init_thread,
    )
}

/// Starts a detached OS thread running `func(arg)`, with the current
/// interpreter's stack size (`PyThread_set_stacksize`). Returns the new
/// thread's identifier (`PyThread_get_thread_ident` in that thread), or
/// `PYTHREAD_INVALID_THREAD_ID` when it cannot be started (or `func` is NULL).
///
/// # Safety
/// `func` may be called with `arg` on the new thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_start_new_thread(
    func: Option<unsafe extern "C-unwind" fn(*mut c_void)>,
    arg: *mut c_void,
) -> c_ulong {
    guard(c"PyThread_start_new_thread", || {
        crate::runtime::pythread::init_thread();
        let Some(func) = func else {
            return INVALID_THREAD_ID;
        };
        let size = crate::runtime::pythread::stacksize();
        // SAFETY: the caller allows `func(arg)` on another thread.
        match unsafe { crate::sys::thread::start_detached(func, arg, size) } {
            Some(id) => id as c_ulong,
            None => INVALID_THREAD_ID,
        }
    })
}

/// Ends the calling thread (`pthread_exit`), or the process with status 0
/// when the thread machinery was never set up, as in CPython. Deprecated in
/// CPython 3.14. Runs without pyrt's panic guard: the thread's stack is
/// unwound through it by the C library, which a guard would stop.
#[unsafe(no_mangle)]
pub extern "C-unwind" fn PyThread_exit_thread() -> ! {
    if !crate::runtime::pythread::thread_machinery_ready() {
        // SAFETY: exit runs the process's exit handlers and never returns.
        unsafe { libc::exit(0) }
    }
    unsafe extern "C-unwind" {
        fn pthread_exit(retval: *mut c_void) -> !;
    }
    // SAFETY: ends the calling thread; the frames above this one are the
    // embedder's (or pyrt's thread trampoline, which allows the unwind and
    // holds nothing to drop).
    unsafe { pthread_exit(std::ptr::null_mut()) }
}

/// The calling thread's identifier (its `pthread_t`), never 0.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_get_thread_ident() -> c_ulong {
    guard(c"PyThread_get_thread_ident", || {
        crate::sys::thread::os_thread() as c_ulong
    })
}

/// The calling thread's id in the kernel (`gettid`).
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_get_thread_native_id() -> c_ulong {
    guard(c"PyThread_get_thread_native_id", || {
        crate::sys::thread::native_id() as c_ulong
    })
}

/// Allocates a new, unlocked lock; NULL when memory is exhausted. A lock
/// is not owned by a thread: any thread may release it.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_allocate_lock() -> PyThread_type_lock {
    guard(c"PyThread_allocate_lock", || {
        crate::runtime::pythread::init_thread();
        match crate::sys::alloc::try_box(BinaryLock::new()) {
            Ok(b) => Box::into_raw(b).cast(),
            Err(_) => std::ptr::null_mut(),
        }
    })
}

/// Frees a lock made by `PyThread_allocate_lock` (NULL is ignored). The
/// lock must not be in use by another thread.
///
/// # Safety
/// `lock` is NULL or a live lock from `PyThread_allocate_lock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_free_lock(lock: PyThread_type_lock) {
    guard(c"PyThread_free_lock", || {
        if !lock.is_null() {
            // SAFETY: a live lock made by `PyThread_allocate_lock` (a box).
            drop(unsafe { Box::from_raw(lock.cast::<BinaryLock>()) });
        }
    })
}

/// Takes `lock`: waits for it when `waitflag` is non-zero, else only takes
/// it if it is free. Returns 1 when acquired, else 0.
///
/// # Safety
/// `lock` is a live lock from `PyThread_allocate_lock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_acquire_lock(lock: PyThread_type_lock, waitflag: c_int) -> c_int {
    guard(c"PyThread_acquire_lock", || {
        let timeout = if waitflag != 0 { -1 } else { 0 };
        // SAFETY: the caller's contract.
        (unsafe { acquire(lock, timeout, false) } == PY_LOCK_ACQUIRED) as c_int
    })
}

/// Takes `lock`, waiting at most `microseconds` (0: not at all; negative:
/// until acquired; values above `PY_TIMEOUT_MAX` are clamped to it).
/// Returns `PY_LOCK_ACQUIRED`, `PY_LOCK_FAILURE` when the time ran out, or,
/// when `intr_flag` is set, `PY_LOCK_INTR` if a signal interrupted the wait
/// and running the pending work failed (on the main thread: a SIGINT
/// received, or a pending call that returned non-zero), as in CPython.
///
/// # Safety
/// `lock` is a live lock from `PyThread_allocate_lock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_acquire_lock_timed(
    lock: PyThread_type_lock,
    microseconds: c_longlong,
    intr_flag: c_int,
) -> PyLockStatus {
    guard(c"PyThread_acquire_lock_timed", || {
        // SAFETY: the caller's contract.
        unsafe { acquire(lock, microseconds, intr_flag != 0) }
    })
}

/// The two acquire exports, on a live lock.
///
/// # Safety
/// `lock` is a live lock from `PyThread_allocate_lock`.
unsafe fn acquire(lock: PyThread_type_lock, microseconds: c_longlong, intr: bool) -> PyLockStatus {
    // SAFETY: a live lock (this function's contract).
    let l = unsafe { &*lock.cast::<BinaryLock>() };
    let timeout =
        (microseconds >= 0).then(|| Duration::from_micros(microseconds.min(PY_TIMEOUT_MAX) as u64));
    let on_signal: &dyn Fn() -> bool = &crate::runtime::pythread::signal_during_wait;
    match l.acquire(timeout, intr.then_some(on_signal)) {
        Acquire::Acquired => PY_LOCK_ACQUIRED,
        Acquire::TimedOut => PY_LOCK_FAILURE,
        Acquire::Interrupted => PY_LOCK_INTR,
    }
}

/// Releases `lock`, whichever thread took it. Releasing a lock that is not
/// taken does nothing (as in CPython 3.14's release build).
///
/// # Safety
/// `lock` is a live lock from `PyThread_allocate_lock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_release_lock(lock: PyThread_type_lock) {
    guard(c"PyThread_release_lock", || {
        // SAFETY: a live lock (the caller's contract).
        unsafe { &*lock.cast::<BinaryLock>() }.release();
    })
}

/// The stack size of the threads the current interpreter starts (0: the C
/// library's default). Needs a thread state (fatal error otherwise; CPython
/// crashes).
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_get_stacksize() -> usize {
    guard(c"PyThread_get_stacksize", || {
        require_current(c"PyThread_get_stacksize");
        crate::runtime::pythread::stacksize()
    })
}

/// Sets the stack size of the threads the current interpreter starts: 0
/// for the C library's default, else at least 32 KiB (0x8000) and a size
/// the C library accepts. Returns 0, or -1 for a size it refuses. Needs a
/// thread state (fatal error otherwise; CPython crashes).
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_set_stacksize(size: usize) -> c_int {
    guard(c"PyThread_set_stacksize", || {
        require_current(c"PyThread_set_stacksize");
        crate::runtime::pythread::set_stacksize(size)
    })
}

/// Creates a thread-specific storage key (deprecated since 3.7: use the
/// `PyThread_tss_*` functions). Returns it, or -1 when none is left.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_create_key() -> c_int {
    guard(
        c"PyThread_create_key",
        || match crate::sys::thread::key_create() {
            Some(k) if k <= c_int::MAX as u32 => k as c_int,
            Some(k) => {
                crate::sys::thread::key_delete(k);
                -1
            }
            None => -1,
        },
    )
}

/// Deletes a key made by `PyThread_create_key`.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_delete_key(key: c_int) {
    guard(c"PyThread_delete_key", || {
        crate::sys::thread::key_delete(key as u32)
    })
}

/// Sets the calling thread's value of `key` (replacing any). Returns 0, or
/// -1 when the C library refuses.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_set_key_value(key: c_int, value: *mut c_void) -> c_int {
    guard(c"PyThread_set_key_value", || {
        if crate::sys::thread::key_set(key as u32, value) {
            0
        } else {
            -1
        }
    })
}

/// The calling thread's value of `key` (NULL when unset).
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_get_key_value(key: c_int) -> *mut c_void {
    guard(c"PyThread_get_key_value", || {
        crate::sys::thread::key_get(key as u32)
    })
}

/// Clears the calling thread's value of `key`.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_delete_key_value(key: c_int) {
    guard(c"PyThread_delete_key_value", || {
        crate::sys::thread::key_set(key as u32, std::ptr::null_mut());
    })
}

/// Re-initializes the old key API in a child after `fork()`: nothing to do
/// with POSIX keys.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_ReInitTLS() {}

/// Allocates a key in the not-created state (`Py_tss_NEEDS_INIT`), to free
/// with `PyThread_tss_free`; NULL when memory is exhausted.
#[unsafe(no_mangle)]
pub extern "C" fn PyThread_tss_alloc() -> *mut Py_tss_t {
    guard(c"PyThread_tss_alloc", || {
        let p = crate::mem::raw_malloc(size_of::<Py_tss_t>()).cast::<Py_tss_t>();
        if !p.is_null() {
            // SAFETY: a fresh block of the struct's size from the raw
            // domain, aligned for it.
            unsafe {
                p.write(Py_tss_t {
                    _is_initialized: 0,
                    _key: 0,
                })
            };
        }
        p
    })
}

/// Deletes the key if created, then frees it (NULL is ignored).
///
/// # Safety
/// `key` is NULL or from `PyThread_tss_alloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_tss_free(key: *mut Py_tss_t) {
    guard(c"PyThread_tss_free", || {
        if !key.is_null() {
            // SAFETY: a key from `PyThread_tss_alloc` (the contract).
            unsafe {
                PyThread_tss_delete(key);
                crate::mem::raw_free(key.cast());
            }
        }
    })
}

/// 1 when the key was created (`PyThread_tss_create`), else 0.
///
/// # Safety
/// `key` is a valid key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_tss_is_created(key: *mut Py_tss_t) -> c_int {
    guard(c"PyThread_tss_is_created", || {
        // SAFETY: a valid key (the contract); NULL reads as not created.
        unsafe { key.as_ref() }.is_some_and(|k| k._is_initialized != 0) as c_int
    })
}

/// Creates the key; creating a created key does nothing. Returns 0, or -1
/// when the C library has no key left.
///
/// # Safety
/// `key` is a valid key, not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_tss_create(key: *mut Py_tss_t) -> c_int {
    guard(c"PyThread_tss_create", || {
        // SAFETY: a valid key, ours for the call (the contract).
        let Some(k) = (unsafe { key.as_mut() }) else {
            return -1;
        };
        if k._is_initialized != 0 {
            return 0;
        }
        match crate::sys::thread::key_create() {
            Some(native) => {
                k._key = native;
                k._is_initialized = 1;
                0
            }
            None => -1,
        }
    })
}

/// Deletes a created key (others are left alone); it can be created again.
///
/// # Safety
/// `key` is a valid key, not used by another thread meanwhile.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_tss_delete(key: *mut Py_tss_t) {
    guard(c"PyThread_tss_delete", || {
        // SAFETY: a valid key, ours for the call (the contract).
        if let Some(k) = unsafe { key.as_mut() } {
            if k._is_initialized != 0 {
                crate::sys::thread::key_delete(k._key);
                k._is_initialized = 0;
            }
        }
    })
}

/// Sets the calling thread's value of a created key. Returns 0, or -1 when
/// the C library refuses (or the key was not created).
///
/// # Safety
/// `key` is a valid key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_tss_set(key: *mut Py_tss_t, value: *mut c_void) -> c_int {
    guard(c"PyThread_tss_set", || {
        // SAFETY: a valid key (the contract).
        match unsafe { key.as_ref() } {
            Some(k) if k._is_initialized != 0 && crate::sys::thread::key_set(k._key, value) => 0,
            _ => -1,
        }
    })
}

/// The calling thread's value of a created key (NULL when unset; pyrt also
/// answers NULL for a key not created, where CPython reads whatever key 0 holds).
///
/// # Safety
/// `key` is a valid key.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThread_tss_get(key: *mut Py_tss_t) -> *mut c_void {
    guard(c"PyThread_tss_get", || {
        // SAFETY: a valid key (the contract).
        match unsafe { key.as_ref() } {
            Some(k) if k._is_initialized != 0 => crate::sys::thread::key_get(k._key),
            _ => std::ptr::null_mut(),
        }
    })
}
