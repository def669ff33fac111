//! `Include/pythread.h` and `Include/cpython/pythread.h`: the lock handle,
//! the lock statuses and timeouts, and the thread-specific storage key.

use std::ffi::{c_int, c_longlong, c_uint, c_void};

/// A lock (`PyThread_allocate_lock`): an opaque pointer.
pub type PyThread_type_lock = *mut c_void;

/// What `PyThread_acquire_lock_timed` returns (a C enum: int-sized).
pub type PyLockStatus = c_int;
/// The lock was not acquired.
pub const PY_LOCK_FAILURE: PyLockStatus = 0;
/// The lock was acquired.
pub const PY_LOCK_ACQUIRED: PyLockStatus = 1;
/// A signal interrupted the wait and a pending call or handler failed.
pub const PY_LOCK_INTR: PyLockStatus = 2;

/// `PyThread_acquire_lock`'s `waitflag`: wait until acquired.
pub const WAIT_LOCK: c_int = 1;
/// `PyThread_acquire_lock`'s `waitflag`: do not wait.
pub const NOWAIT_LOCK: c_int = 0;

/// The largest timeout, in microseconds, `PyThread_acquire_lock_timed` uses
/// (larger ones are clamped to it): the largest count of nanoseconds in a
/// signed 64-bit integer, in microseconds.
#[unsafe(no_mangle)]
pub static PY_TIMEOUT_MAX: c_longlong = i64::MAX / 1000;

/// A thread-specific storage key (PEP 539), `struct _Py_tss_t` as in
/// CPython. Statically initialized with `Py_tss_NEEDS_INIT`; use it through
/// the `PyThread_tss_*` functions only.
#[repr(C)]
#[derive(Debug)]
pub struct _Py_tss_t {
    /// 1 once `PyThread_tss_create` made the key.
    pub _is_initialized: c_int,
    /// The `pthread_key_t`.
    pub _key: c_uint,
}

/// The name embedders use for [`_Py_tss_t`].
pub type Py_tss_t = _Py_tss_t;
