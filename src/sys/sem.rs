//! The lock behind `PyThread_type_lock`: a binary semaphore in one futex
//! word (0 free, 1 taken, 2 taken with possible sleepers). Unlike a mutex it
//! may be released by a thread that did not take it, as CPython's may.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::futex;

/// Polls of a taken lock before the waiter sleeps.
const SPINS: u32 = 2000;

/// How an acquisition ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acquire {
    /// The lock is the caller's.
    Acquired,
    /// The timeout passed first (or the lock was taken and no wait was asked).
    TimedOut,
    /// A signal interrupted the wait and the caller's handler said to give up.
    Interrupted,
}

/// A binary semaphore (see the module documentation).
#[derive(Debug, Default)]
pub struct BinaryLock(AtomicU32);

impl BinaryLock {
    /// A free lock.
    pub const fn new() -> BinaryLock {
        BinaryLock(AtomicU32::new(0))
    }

    /// Takes the lock if it is free.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        self.0
            .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Takes the lock, waiting at most `timeout` (None: for good; zero: not
    /// at all). When a signal interrupts the wait, `on_signal` (if any) runs
    /// on this thread and returns true to give up.
    pub fn acquire(
        &self,
        timeout: Option<Duration>,
        on_signal: Option<&dyn Fn() -> bool>,
    ) -> Acquire {
        if self.try_acquire() {
            return Acquire::Acquired;
        }
        if timeout == Some(Duration::ZERO) {
            return Acquire::TimedOut;
        }
        // The holder often releases within microseconds (a hand-off between
        // two threads): poll a little before going to sleep.
        for _ in 0..SPINS {
            std::hint::spin_loop();
            if self.0.load(Ordering::Relaxed) == 0 && self.try_acquire() {
                return Acquire::Acquired;
            }
        }
        // A deadline past what the clock can hold is no deadline.
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        loop {
            // From here on the word says 2 while this thread may sleep, so
            // the release wakes a sleeper.
            if self.0.swap(2, Ordering::Acquire) == 0 {
                return Acquire::Acquired;
            }
            let left = match deadline {
                None => None,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return Acquire::TimedOut,
                },
            };
            if futex::wait_interruptible(&self.0, 2, left) {
                if let Some(give_up) = on_signal {
                    if give_up() {
                        return Acquire::Interrupted;
                    }
                }
            }
        }
    }

    /// Releases the lock, whoever took it; false when it was not taken.
    #[inline]
    pub fn release(&self) -> bool {
        match self.0.swap(0, Ordering::Release) {
            0 => false,
            1 => true,
            _ => {
                futex::wake(&self.0, 1);
                true
            }
        }
    }

    /// Whether some thread holds the lock.
    pub fn is_taken(&self) -> bool {
        self.0.load(Ordering::Relaxed) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn timeouts_and_release_from_another_thread() {
        let l = Arc::new(BinaryLock::new());
        assert_eq!(l.acquire(Some(Duration::ZERO), None), Acquire::Acquired);
        assert_eq!(l.acquire(Some(Duration::ZERO), None), Acquire::TimedOut);
        let t0 = Instant::now();
        assert_eq!(
            l.acquire(Some(Duration::from_millis(20)), None),
            Acquire::TimedOut
        );
        assert!(t0.elapsed() >= Duration::from_millis(20));
        let other = Arc::clone(&l);
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            assert!(other.release());
        });
        assert_eq!(l.acquire(None, None), Acquire::Acquired);
        h.join().unwrap();
        assert!(l.release());
        assert!(!l.release());
        assert!(!l.is_taken());
    }
}
