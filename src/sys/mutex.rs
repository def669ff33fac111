//! The locks of pyrt's own state: a futex mutex ([`FutexLock`]) that takes
//! no atomic instruction while the process has one thread
//! ([`ElidingRawMutex`]), used through `lock_api` as [`Mutex`].
//!
//! Every lock is pyrt's own, with its whole state in one word, so that
//! `fork()` can be made safe: `PyOS_BeforeFork` (or pyrt's own `atfork`
//! handler) takes them all, and the child releases them with nothing left
//! behind in a shared wait queue.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::futex;
use super::thread::single_threaded;

/// A futex mutex: 0 free, 1 held, 2 held with (possible) sleepers.
pub struct FutexLock(AtomicU32);

/// Polls of a held lock before going to sleep.
const SPINS: u32 = 100;

impl FutexLock {
    /// A free lock.
    pub const fn new() -> FutexLock {
        FutexLock(AtomicU32::new(0))
    }

    /// Takes the lock if it is free.
    #[inline]
    pub fn try_lock(&self) -> bool {
        self.0
            .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Takes the lock, sleeping while another thread holds it.
    #[inline]
    pub fn lock(&self) {
        if !self.try_lock() {
            self.lock_slow(None);
        }
    }

    /// Takes the lock unless `deadline` passes first.
    pub fn try_lock_until(&self, deadline: Instant) -> bool {
        self.try_lock() || self.lock_slow(Some(deadline))
    }

    #[cold]
    fn lock_slow(&self, deadline: Option<Instant>) -> bool {
        for _ in 0..SPINS {
            if self.0.load(Ordering::Relaxed) == 0 && self.try_lock() {
                return true;
            }
            std::hint::spin_loop();
        }
        // From here on the word says 2 while this thread may sleep, so the
        // holder's unlock wakes a sleeper.
        while self.0.swap(2, Ordering::Acquire) != 0 {
            let timeout = match deadline {
                None => None,
                Some(d) => match d.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    // Giving up may leave a 2 with nobody asleep: the next
                    // unlock then makes one useless wake call.
                    _ => return false,
                },
            };
            futex::wait(&self.0, 2, timeout);
        }
        true
    }

    /// Releases the lock.
    ///
    /// # Safety
    /// The calling thread holds it (or, in a child after `fork()`, the
    /// forking thread held it).
    #[inline]
    pub unsafe fn unlock(&self) {
        if self.0.swap(0, Ordering::Release) == 2 {
            futex::wake(&self.0, 1);
        }
    }

    /// Whether some thread holds the lock.
    pub fn is_locked(&self) -> bool {
        self.0.load(Ordering::Relaxed) != 0
    }
}

impl Default for FutexLock {
    fn default() -> Self {
        FutexLock::new()
    }
}

/// A mutex for the runtime's own state that takes no atomic
/// read-modify-write while the process has one thread: then nobody else can
/// look at it, so the holder only marks it taken (`elided`). Otherwise it is
/// a [`FutexLock`], and a thread that gets that one also waits until
/// a holder from the one-thread time (if the process grew a thread since)
/// lets go. Use it through [`Mutex`].
pub struct ElidingRawMutex {
    inner: FutexLock,
    /// Held by the single thread the process had when it was taken.
    elided: AtomicBool,
}

impl ElidingRawMutex {
    /// Waits for a holder that took the mutex without `inner` (after a
    /// thread was created while it held it).
    fn wait_elided(&self, deadline: Option<Instant>) -> bool {
        while self.elided.load(Ordering::Acquire) {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return false;
            }
            std::thread::yield_now();
        }
        true
    }

    /// Takes the mutex without atomics when the process has one thread and
    /// nobody holds it; false otherwise.
    #[inline(always)]
    fn try_elide(&self) -> bool {
        if single_threaded() && !self.elided.load(Ordering::Relaxed) && !self.inner.is_locked() {
            self.elided.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }
}

// SAFETY: one holder at a time. An elided hold is only taken while no other
// thread exists; a thread holding `inner` counts as the holder only once no
// elided hold is left (both paths of `lock` and `try_lock` check that), and
// `unlock` releases whichever of the two the holder has.
unsafe impl parking_lot::lock_api::RawMutex for ElidingRawMutex {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: ElidingRawMutex = ElidingRawMutex {
        inner: FutexLock::new(),
        elided: AtomicBool::new(false),
    };
    type GuardMarker = parking_lot::lock_api::GuardNoSend;

    #[inline]
    fn lock(&self) {
        if self.try_elide() {
            return;
        }
        self.inner.lock();
        self.wait_elided(None);
    }

    #[inline]
    fn try_lock(&self) -> bool {
        if single_threaded() {
            return self.try_elide();
        }
        if !self.inner.try_lock() {
            return false;
        }
        if self.elided.load(Ordering::Acquire) {
            // SAFETY: just taken by this thread.
            unsafe { self.inner.unlock() };
            return false;
        }
        true
    }

    #[inline]
    unsafe fn unlock(&self) {
        // The holder knows which one it has: an elided hold, while it lasts,
        // keeps every `inner` holder waiting before it counts as holding.
        if self.elided.load(Ordering::Relaxed) {
            self.elided.store(false, Ordering::Release);
        } else {
            // SAFETY: the caller holds the mutex, through `inner`.
            unsafe { self.inner.unlock() };
        }
    }

    #[inline]
    fn is_locked(&self) -> bool {
        self.elided.load(Ordering::Relaxed) || self.inner.is_locked()
    }
}

// SAFETY: as for `RawMutex` above; the timed forms give up at the deadline,
// releasing `inner` when only the elided holder was left to wait for.
unsafe impl parking_lot::lock_api::RawMutexTimed for ElidingRawMutex {
    type Duration = Duration;
    type Instant = Instant;

    fn try_lock_for(&self, timeout: Duration) -> bool {
        self.try_lock_until(Instant::now() + timeout)
    }

    fn try_lock_until(&self, deadline: Instant) -> bool {
        if single_threaded() {
            // Nobody else could release it.
            return self.try_elide();
        }
        if !self.inner.try_lock_until(deadline) {
            return false;
        }
        if self.wait_elided(Some(deadline)) {
            return true;
        }
        // SAFETY: just taken by this thread.
        unsafe { self.inner.unlock() };
        false
    }
}

/// A mutex over [`ElidingRawMutex`] (the API of `parking_lot::Mutex`).
pub type Mutex<T> = parking_lot::lock_api::Mutex<ElidingRawMutex, T>;
/// The guard of a [`Mutex`].
pub type MutexGuard<'a, T> = parking_lot::lock_api::MutexGuard<'a, ElidingRawMutex, T>;

/// Takes `m` without a guard, for `fork()`: released by [`release`].
pub fn hold<T>(m: &Mutex<T>) {
    std::mem::forget(m.lock());
}

/// Releases a lock taken by [`hold`].
///
/// # Safety
/// The calling thread took `m` with [`hold`] (in a child after `fork()`:
/// the thread that forked did, and is now the only one).
pub unsafe fn release<T>(m: &Mutex<T>) {
    // SAFETY: the caller's contract: this thread holds `m` with no guard.
    unsafe { m.force_unlock() };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A hold taken while the process had one thread (set by hand: the test
    /// harness always has several) keeps later holders out until released.
    #[test]
    fn eliding_mutex_waits_for_an_elided_holder() {
        use parking_lot::lock_api::{RawMutex, RawMutexTimed};
        let m = Arc::new(Mutex::new(0u32));
        // SAFETY: test-only: stands for `lock` on the single-thread path.
        unsafe { m.raw() }.elided.store(true, Ordering::Relaxed);
        assert!(m.is_locked());
        assert!(m.try_lock().is_none());
        // The timed form gives up and leaves `inner` free.
        // SAFETY: `raw` only tries a timed lock (which fails) and releases the hand-made
        // hold below, never a lock a guard owns.
        let raw = unsafe { m.raw() };
        assert!(!raw.try_lock_for(Duration::from_millis(20)));
        assert!(!raw.inner.is_locked());
        let t = {
            let m = Arc::clone(&m);
            std::thread::spawn(move || *m.lock() += 1)
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!t.is_finished(), "a second holder got in");
        // SAFETY: releases the hand-made hold.
        unsafe { raw.unlock() };
        t.join().unwrap();
        assert_eq!(*m.lock(), 1);
        assert!(!m.is_locked());
    }
}
