//! Linux futexes: sleeping on a 32-bit word until another thread changes
//! it and wakes the sleepers (process-private).

use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Sleeps while `word` holds `expected`, until a [`wake`], a signal, or the
/// timeout (None: none). Returns at once when `word` holds another value.
/// Callers re-check their condition on return: wake-ups can be spurious.
pub fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    wait_interruptible(word, expected, timeout);
}

/// [`wait`], telling whether a signal interrupted the sleep (`EINTR`: a
/// handler ran on this thread).
pub fn wait_interruptible(word: &AtomicU32, expected: u32, timeout: Option<Duration>) -> bool {
    let ts = timeout.map(|d| libc::timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live, aligned 32-bit atomic; the kernel only
    // compares it with `expected` and sleeps; `ts_ptr` is NULL or points to
    // a timespec that outlives the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            ts_ptr,
        )
    };
    r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
}

/// Wakes up to `n` threads sleeping on `word`.
pub fn wake(word: &AtomicU32, n: i32) {
    // SAFETY: `word` is a live, aligned 32-bit atomic; a wake only reads
    // its address.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            n,
        );
    }
}
