//! Layer 2: the platform pieces, on [`crate::abi`] only: the Rust heap with
//! its emergency reserve ([`alloc`]), OS threads (what they look like to
//! the OS, starting them, their keys: [`thread`]), the calling thread's
//! slots in the static TLS block ([`tls`]), the lock of the runtime's own
//! state ([`mutex`]), the lock behind `PyThread_type_lock` ([`sem`]), the
//! panic guard of the exports ([`panic`]), a pointer wrapper for handles
//! kept in shared lists ([`SendPtr`]), reading the environment
//! ([`getenv`]), the trace's sink ([`trace`]), being
//! told of file-system changes ([`inotify`]), and the last-resort
//! fatal-error report ([`fatal`]).

pub mod alloc;
pub mod fatal;
pub mod futex;
pub mod inotify;
pub mod mutex;
pub mod panic;
pub mod sem;
pub mod thread;
pub mod tls;
pub mod trace;

/// A variable of the environment, copied (None when it is not set).
pub fn getenv(name: &std::ffi::CStr) -> Option<Vec<u8>> {
    // SAFETY: getenv with a NUL-terminated name; the value is copied at once.
    let v = unsafe { libc::getenv(name.as_ptr()) };
    // SAFETY: a non-NULL result is a NUL-terminated string of the environment.
    (!v.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(v) }.to_bytes().to_vec())
}

/// A raw pointer kept in a list shared between threads (an allocator state,
/// a callback's data). It is a plain address: whoever dereferences it says
/// why that is sound where it does.
pub struct SendPtr<T>(pub *mut T);

impl<T> std::fmt::Debug for SendPtr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:p}", self.0)
    }
}

impl<T> Clone for SendPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for SendPtr<T> {}
impl<T> PartialEq for SendPtr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
