//! The calling thread's current thread state, its GILState thread state, and
//! the GILs.
//!
//! The current thread state is per OS thread (a thread-local pointer). Each
//! interpreter has a GIL (legacy sub-interpreters share the main one); a
//! thread state takes its interpreter's GIL when attached and releases it
//! when detached.
//!
//! The GIL is pyrt's own futex lock ([`Gil`]): an uncontended take or release
//! is one compare-and-swap (none at all while glibc reports the process
//! single-threaded); under contention one waiter at a time stays awake and
//! the GIL passes to it, the others sleep in arrival order.

use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use crate::abi::pystate::PyThreadState;
use crate::runtime::state::tstate;
use crate::sys::thread::{now_ns, single_threaded};
pub use crate::sys::tls::{current, gilstate, slots};

// The GIL's state word.
/// Held.
const LOCKED: u32 = 1;
/// Free, but reserved for the awake waiter (or the sleeper being woken to
/// become it): the holder's turn is over.
const HANDOFF: u32 = 2;
/// One waiter is awake, polling the word (at most one at a time).
const SPINNING: u32 = 4;
/// A sleeper was woken to become the awake waiter and has not run yet.
const WAKING: u32 = 8;
/// One sleeping waiter (the count is the word's upper bits).
const SLEEPER: u32 = 16;

/// How long the awake waiter polls a held GIL before it goes to sleep too
/// (the holder then wakes a sleeper when it releases).
const SPIN_LIMIT_NS: u64 = 20_000;
/// How long a waiter polls while the GIL is reserved for another awake
/// waiter and nobody sleeps (two threads passing the GIL back and forth
/// never sleep).
const SHORT_SPIN_LIMIT_NS: u64 = 5_000;
/// While threads sleep in the queue, a holder's turn: this many releases...
const TURN_RELEASES: u32 = 512;
/// ...or this long, whichever comes first.
const TURN_NS: u64 = 5_000_000;
/// The awake waiter takes a GIL that stayed free this long, with no release
/// in between, even before the holder's turn is over (the holder is gone).
const GONE_NS: u64 = 2_000;

/// Pauses between two reads of a held GIL's word by the awake waiter.
const POLL_PAUSES: u32 = 16;

/// One global interpreter lock.
///
/// Policy: at most one waiter is awake, polling the word; the others sleep
/// on a futex and the kernel wakes them in arrival order. A free GIL goes to
/// whoever takes it first (the releasing thread may take it straight back)
/// unless a release reserved it (`HANDOFF`) for the awake waiter. A release
/// reserves it when the awake waiter is the only waiter (two threads pass
/// the GIL back and forth at once), or, with others asleep, when the
/// holder's turn is over: `TURN_RELEASES` releases or `TURN_NS` since the
/// previous hand-over. The holder then queues behind the sleepers, so under
/// contention the threads take turns of equal length in arrival order.
pub struct Gil {
    /// `LOCKED | HANDOFF | SPINNING | WAKING`, plus `SLEEPER` per sleeper;
    /// alone in its cache line, which the awake waiter polls.
    state: CacheLine<AtomicU32>,
    /// The futex the sleepers wait on; bumped on every wake.
    wake_seq: AtomicU32,
    /// Releases in the current turn (written by the holder only).
    turn_releases: AtomicU32,
    /// When the current turn started (`now_ns`).
    turn_start: AtomicU64,
    /// Its interpreter was ended: a thread that takes it afterwards was
    /// waiting for an interpreter that no longer exists.
    ended: AtomicBool,
    /// Bumped each time a retired GIL is given to a new interpreter, so a
    /// waiter can tell that the GIL it took now serves another one.
    generation: AtomicU32,
}

impl Gil {
    /// A new, unlocked GIL.
    pub fn new() -> Gil {
        Gil {
            state: CacheLine(AtomicU32::new(0)),
            wake_seq: AtomicU32::new(0),
            turn_releases: AtomicU32::new(0),
            turn_start: AtomicU64::new(0),
            ended: AtomicBool::new(false),
            generation: AtomicU32::new(0),
        }
    }

    /// The main interpreter's GIL (also shared by legacy sub-interpreters).
    pub fn is_main(&self) -> bool {
        std::ptr::eq(self, &**MAIN_GIL)
    }

    /// Marks the GIL's interpreter as ended (its holder does, before it
    /// releases the GIL for the last time).
    pub fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
    }

    /// Takes the GIL if it is free and nobody waits for it. No calls.
    #[inline(always)]
    fn try_lock(&self) -> bool {
        if single_threaded() {
            if self.state.load(Ordering::Relaxed) == 0 {
                self.state.store(LOCKED, Ordering::Relaxed);
                return true;
            }
            return false;
        }
        self.state
            .compare_exchange(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Takes the GIL, waiting as long as it takes.
    #[inline]
    fn lock(&self) {
        if !self.try_lock() {
            self.lock_slow();
        }
    }

    /// Releases the GIL (held by the calling thread).
    #[inline(always)]
    fn unlock(&self) {
        if single_threaded() {
            if self.state.load(Ordering::Relaxed) == LOCKED {
                self.state.store(0, Ordering::Relaxed);
                return;
            }
        } else if self
            .state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        self.unlock_slow();
    }

    #[cold]
    #[inline(never)]
    fn lock_slow(&self) {
        // With checks on and PYRT_CHECKS_WAIT set: when to report the wait.
        let report = if crate::runtime::checks::on() {
            crate::runtime::checks::wait_limit().map(|l| (std::time::Instant::now() + l, l))
        } else {
            None
        };
        self.lock_wait(report);
    }

    /// [`Gil::lock`] once the GIL was found taken; `report`: when the wait
    /// is reported (and the limit it passed), for PYRT_CHECKS_WAIT.
    fn lock_wait(&self, mut report: Option<(std::time::Instant, std::time::Duration)>) {
        // Whether this thread is the awake waiter, and since when it polls.
        let mut spinner = false;
        // When this thread started waiting in its current role (read from
        // the clock the first time it matters).
        let mut since: Option<u64> = None;
        let mut polls: u32 = 0;
        // While awake with others asleep behind it: the holder's release count
        // and the time when the GIL was last seen free with that count.
        let mut free_seen: Option<(u32, u64)> = None;
        loop {
            let s = self.state.load(Ordering::Relaxed);
            polls = polls.wrapping_add(1);
            let check_clock = polls % 32 == 0;
            if s & LOCKED == 0 && self.may_take(s, spinner, check_clock, &mut free_seen) {
                let taken = if spinner {
                    (s | LOCKED) & !(SPINNING | HANDOFF)
                } else {
                    s | LOCKED
                };
                if self
                    .state
                    .compare_exchange_weak(s, taken, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    if spinner {
                        // A new turn starts.
                        self.turn_releases.store(0, Ordering::Relaxed);
                        self.turn_start.store(now_ns(), Ordering::Relaxed);
                    }
                    return;
                }
                continue;
            }
            let mut waited = |limit: u64| {
                check_clock && now_ns().saturating_sub(*since.get_or_insert_with(now_ns)) >= limit
            };
            if spinner {
                if s & LOCKED != 0 && waited(SPIN_LIMIT_NS) {
                    // Held for long: sleep, and let the holder's release wake one.
                    let seq = self.wake_seq.load(Ordering::SeqCst);
                    let asleep = (s & !SPINNING) + SLEEPER;
                    if self.cas(s, asleep) {
                        spinner = self.sleep(seq, &mut report);
                        since = None;
                        free_seen = None;
                    }
                    continue;
                }
                // Poll the word sparingly: every read pulls it away from the
                // holder, which writes it on every take and release.
                for _ in 0..POLL_PAUSES {
                    std::hint::spin_loop();
                }
                continue;
            }
            let sleepers = s / SLEEPER;
            if s & (SPINNING | WAKING) == 0 && sleepers == 0 {
                if self.cas(s, s | SPINNING) {
                    spinner = true;
                    since = None;
                    free_seen = None;
                }
                continue;
            }
            if s & HANDOFF != 0 && sleepers == 0 && !waited(SHORT_SPIN_LIMIT_NS) {
                // The awake waiter is about to take the reserved GIL; then
                // this thread can be the next awake waiter.
                std::hint::spin_loop();
                continue;
            }
            // Someone is ahead: queue behind them.
            let seq = self.wake_seq.load(Ordering::SeqCst);
            if self.cas(s, s + SLEEPER) {
                spinner = self.sleep(seq, &mut report);
                since = None;
                free_seen = None;
            }
        }
    }

    /// Whether a waiter that found the GIL free (state `s`) may take it.
    /// Anyone may unless it is reserved for the awake waiter. The awake
    /// waiter takes it when it is reserved for it or nobody sleeps; while
    /// others sleep it waits for its turn, unless the holder has gone (the
    /// GIL stayed free, with no release in between, for `GONE_NS`).
    fn may_take(
        &self,
        s: u32,
        spinner: bool,
        check_clock: bool,
        free_seen: &mut Option<(u32, u64)>,
    ) -> bool {
        if !spinner {
            return s & HANDOFF == 0;
        }
        if s & HANDOFF != 0 || s < SLEEPER {
            return true;
        }
        let releases = self.turn_releases.load(Ordering::Relaxed);
        match *free_seen {
            Some((seen, at)) if seen == releases => {
                check_clock && now_ns().saturating_sub(at) >= GONE_NS
            }
            _ => {
                *free_seen = Some((releases, now_ns()));
                false
            }
        }
    }

    /// One compare-and-swap of the state word in the slow paths.
    fn cas(&self, old: u32, new: u32) -> bool {
        self.state
            .compare_exchange(old, new, Ordering::SeqCst, Ordering::Relaxed)
            .is_ok()
    }

    /// Sleeps (already counted as a sleeper, `seq` read before that) until
    /// woken; true when this thread took over the awake waiter's role. With
    /// a `report` due, the sleep ends then (as a spurious wake-up would), and
    /// the wait is reported once.
    fn sleep(
        &self,
        seq: u32,
        report: &mut Option<(std::time::Instant, std::time::Duration)>,
    ) -> bool {
        let timeout = report.map(|(at, _)| at.saturating_duration_since(std::time::Instant::now()));
        crate::sys::futex::wait(&self.wake_seq, seq, timeout);
        if let Some((at, limit)) = *report {
            if std::time::Instant::now() >= at {
                *report = None;
                crate::runtime::checks::report_long_wait(self as *const Gil as usize, limit);
            }
        }
        loop {
            let s = self.state.load(Ordering::Relaxed);
            let woken = s & WAKING != 0;
            let mut next = s - SLEEPER;
            if woken {
                next = (next & !WAKING) | SPINNING;
            }
            if self.cas(s, next) {
                return woken;
            }
        }
    }

    /// Whether the holder's turn is over: it released the GIL `TURN_RELEASES`
    /// times, or held it (on and off) for `TURN_NS`, since the turn started.
    fn turn_over(&self) -> bool {
        let n = self.turn_releases.load(Ordering::Relaxed).wrapping_add(1);
        self.turn_releases.store(n, Ordering::Relaxed);
        n >= TURN_RELEASES
            || (n % 32 == 0
                && now_ns().saturating_sub(self.turn_start.load(Ordering::Relaxed)) >= TURN_NS)
    }

    #[cold]
    #[inline(never)]
    fn unlock_slow(&self) {
        let mut over = None;
        loop {
            let s = self.state.load(Ordering::Relaxed);
            let free = s & !LOCKED;
            let (next, wake) = if s & (SPINNING | WAKING) == 0 && s < SLEEPER {
                (free, false)
            } else {
                // Someone waits. Alone (awake, nobody asleep), it gets the
                // GIL at once; with others asleep, when the holder's turn is
                // over. A sleeper is woken when nobody is awake.
                let over = s < SLEEPER || *over.get_or_insert_with(|| self.turn_over());
                let wake = s & (SPINNING | WAKING) == 0;
                let mut next = free;
                if wake {
                    next |= WAKING;
                }
                if over {
                    next |= HANDOFF;
                }
                (next, wake)
            };
            if self.cas(s, next) {
                if wake {
                    self.wake_seq.fetch_add(1, Ordering::SeqCst);
                    crate::sys::futex::wake(&self.wake_seq, 1);
                }
                return;
            }
        }
    }

    /// In a child after `fork()`: the waiters were threads of the parent and
    /// do not exist here; only whether the GIL is held survives.
    pub fn after_fork_child(&self) {
        let s = self.state.load(Ordering::Relaxed);
        self.state.store(s & LOCKED, Ordering::Relaxed);
    }
}

/// A value alone in its cache line.
#[repr(align(64))]
struct CacheLine<T>(T);

impl<T> std::ops::Deref for CacheLine<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The main interpreter's GIL (shared by legacy sub-interpreters). One for
/// the life of the process, so a thread can wait for it without the runtime
/// lock (see `PyGILState_Ensure`).
static MAIN_GIL: std::sync::LazyLock<std::sync::Arc<Gil>> =
    std::sync::LazyLock::new(|| std::sync::Arc::new(Gil::new()));

/// The main interpreter's GIL, for a new runtime's main interpreter.
pub fn main_gil() -> std::sync::Arc<Gil> {
    MAIN_GIL.clone()
}

/// The own GILs of ended interpreters. A GIL outlives every thread that may
/// wait on it, so it is never freed: a retired one is given to the next
/// interpreter that needs its own, once nobody waits on it.
static RETIRED_GILS: crate::sys::mutex::Mutex<Vec<std::sync::Arc<Gil>>> =
    crate::sys::mutex::Mutex::new(Vec::new());

/// A GIL for an interpreter of its own (PEP 684): a retired one nobody
/// waits on, or a new one.
pub fn own_gil() -> std::sync::Arc<Gil> {
    let mut retired = RETIRED_GILS.lock();
    if let Some(i) = retired
        .iter()
        .position(|g| g.state.load(Ordering::SeqCst) == 0)
    {
        let gil = retired.swap_remove(i);
        gil.generation.fetch_add(1, Ordering::SeqCst);
        gil.ended.store(false, Ordering::SeqCst);
        return gil;
    }
    drop(retired);
    std::sync::Arc::new(Gil::new())
}

/// Keeps the GIL of an interpreter being removed alive for the threads
/// that may still wait on it (the main GIL lives for good anyway).
pub fn retire_gil(gil: std::sync::Arc<Gil>) {
    if !gil.is_main() {
        RETIRED_GILS.lock().push(gil);
    }
}

/// Takes the retired GILs' lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&RETIRED_GILS);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&RETIRED_GILS) };
}

/// [`Gil::after_fork_child`] for the main GIL, which outlives runtimes.
pub fn main_gil_after_fork_child() {
    MAIN_GIL.after_fork_child();
}

impl Default for Gil {
    fn default() -> Self {
        Gil::new()
    }
}

impl std::fmt::Debug for Gil {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Gil")
    }
}

/// Records `t` as the calling thread's GILState thread state.
pub fn set_gilstate(t: *mut PyThreadState) {
    slots(|s| s.gilstate.set(t));
}

/// Makes `t` the calling thread's GILState thread state, unbinding the previous one.
///
/// # Safety
/// `t` is a live thread state of the calling thread.
pub(crate) unsafe fn bind_gilstate(t: *mut PyThreadState) {
    let old = gilstate();
    if !old.is_null() && old != t {
        // SAFETY: the bound thread state is live (deleting one unbinds it).
        unsafe { tstate(old) }.bound_gilstate.set(false);
    }
    set_gilstate(t);
    // SAFETY: `t` is live (this function's contract).
    unsafe { tstate(t) }.bound_gilstate.set(true);
}

/// Takes `t`'s GIL and makes `t` current; like CPython, attaching a thread
/// state that is not its thread's GILState thread state makes it that (the
/// previous one is unbound). The thread must have no current thread state.
/// While the runtime is finalizing, any thread but the finalizing one that
/// gets here releases the GIL again and blocks for good, as in CPython.
///
/// # Safety
/// `t` is a live thread state, or the runtime is finalizing (then `t` may
/// be freed: it is not read, and the thread blocks).
pub(crate) unsafe fn attach(t: *mut PyThreadState) {
    if must_exit(t) {
        // Checked before `t` is touched: finalization may have freed it.
        hang_unlocked();
    }
    // SAFETY: not finalizing, so `t` is live (this function's contract);
    // GILs are never freed.
    let gil = unsafe { &*tstate(t).gil };
    let generation = gil.generation.load(Ordering::SeqCst);
    gil.lock();
    if must_exit(t)
        || gil.ended.load(Ordering::SeqCst)
        || gil.generation.load(Ordering::SeqCst) != generation
    {
        // The interpreter of `t` was ended while this thread waited (and
        // `t` with it): it never runs with that interpreter's state.
        if crate::runtime::checks::on() && !must_exit(t) {
            gil.unlock();
            crate::runtime::checks::fail(
                c"_PyThreadState_Attach",
                "the calling thread waited for the GIL of an interpreter that was ended \
                 meanwhile, and the thread state it was attaching went with it; end an \
                 interpreter only once no other thread waits to use it",
            );
        }
        hang(gil);
    }
    // SAFETY: `t` is live and this thread holds its GIL.
    unsafe { attach_locked(t) };
}

/// Attaches `tstate` for `PyEval_RestoreThread` / `PyEval_AcquireThread`:
/// NULL and an already attached thread are CPython's fatal errors.
///
/// # Safety
/// `tstate` is NULL, live, or freed by a finalization that started (as for [`attach`]).
pub unsafe fn attach_checked(func: &std::ffi::CStr, tstate: *mut PyThreadState) {
    if tstate.is_null() {
        crate::runtime::fatal::require_current(func);
    }
    if crate::runtime::checks::on() {
        crate::runtime::checks::thread_state(func, tstate);
        // SAFETY: just checked to be live.
        unsafe { crate::runtime::checks::attach_free(func, tstate) };
    }
    if !current().is_null() {
        crate::runtime::fatal::fatal_error(
            Some(c"_PyThreadState_Attach"),
            "non-NULL old thread state",
        );
    }
    // SAFETY: non-NULL here (`require_current` does not return for NULL, as no
    // thread state is current), and live or finalizing (this function's contract).
    unsafe { attach(tstate) };
}

/// The thread state finalizing the runtime, from the moment finalization
/// starts tearing the main interpreter down until the next initialization
/// (0: none); `Py_IsFinalizing` and fatal-error reports read it too.
static FINALIZING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The OS thread (`pthread_self`) of [`FINALIZING`].
static FINALIZING_OS_THREAD: AtomicU64 = AtomicU64::new(0);

/// Records `t`, the calling thread's, as the thread state finalizing the
/// runtime (NULL: none).
pub fn set_finalizing(t: *mut PyThreadState) {
    let me = crate::sys::thread::os_thread();
    FINALIZING_OS_THREAD.store(me, Ordering::SeqCst);
    FINALIZING.store(t as usize, Ordering::SeqCst);
}

/// The thread state finalizing (or that finalized) the runtime, 0 for none.
pub fn finalizing() -> usize {
    FINALIZING.load(Ordering::SeqCst)
}

/// True when the runtime is finalizing and the caller is neither the
/// finalizing thread state nor on its OS thread (CPython's test): a thread
/// that takes a GIL then never returns.
#[inline(always)]
fn must_exit(t: *mut PyThreadState) -> bool {
    let f = FINALIZING.load(Ordering::Relaxed);
    f != 0 && f != t as usize && !on_finalizing_thread()
}

#[cold]
#[inline(never)]
fn on_finalizing_thread() -> bool {
    let me = crate::sys::thread::os_thread();
    FINALIZING_OS_THREAD.load(Ordering::Relaxed) == me
}

/// Releases `gil` and blocks the calling thread for good.
#[cold]
#[inline(never)]
fn hang(gil: &Gil) -> ! {
    gil.unlock();
    hang_unlocked()
}

/// Blocks the calling thread for good.
#[cold]
#[inline(never)]
fn hang_unlocked() -> ! {
    loop {
        // SAFETY: pause has no preconditions; it returns only after a
        // signal handler ran.
        unsafe { libc::pause() };
    }
}

/// [`attach`] when the calling thread already took `t`'s GIL.
///
/// # Safety
/// `t` is a live thread state whose GIL the calling thread holds.
pub(crate) unsafe fn attach_locked(t: *mut PyThreadState) {
    slots(|s| s.current.set(t));
    // SAFETY: `t` is live (this function's contract).
    unsafe { tstate(t) }
        .attached_on
        .store(crate::sys::thread::os_thread(), Ordering::Relaxed);
    // SAFETY: `t` is live (this function's contract); nothing frees it while
    // it is current.
    if !unsafe { tstate(t) }.bound_gilstate.get() {
        // SAFETY: as above; `t` is now this thread's current thread state.
        unsafe { bind_gilstate(t) };
    }
}

/// [`attach`] when `t`'s GIL is free and `t` is already the thread's bound
/// GILState thread state: true when attached. No calls, so callers can keep
/// it on a frame-less fast path.
///
/// # Safety
/// `t` is a live thread state.
#[inline(always)]
pub(crate) unsafe fn try_attach(t: *mut PyThreadState) -> bool {
    // SAFETY: `t` is live (this function's contract); its interpreter, which
    // owns the GIL, outlives it.
    unsafe {
        // Any finalization leaves the decision to `attach` (a call, which
        // this path avoids).
        if FINALIZING.load(Ordering::Relaxed) != 0
            || !tstate(t).bound_gilstate.get()
            || !(*tstate(t).gil).try_lock()
        {
            return false;
        }
    }
    slots(|s| s.current.set(t));
    // SAFETY: `t` is live (this function's contract).
    unsafe { tstate(t) }
        .attached_on
        .store(crate::sys::thread::os_thread(), Ordering::Relaxed);
    true
}

/// [`detach`] as a call that cannot unwind, so a caller can end with a jump
/// to it instead of keeping a frame for a landing pad.
#[inline(never)]
pub(crate) extern "C" fn detach_nounwind() {
    detach();
}

/// Takes the main interpreter's GIL for a thread state the caller is about
/// to create and attach with [`attach_locked`]; returns it. Never returns
/// while the runtime is finalizing (see [`attach`]).
pub(crate) fn lock_main_gil() -> &'static Gil {
    let gil: &'static Gil = &MAIN_GIL;
    gil.lock();
    // No thread state yet: only the finalizing OS thread goes on (to fail
    // for want of an interpreter).
    if must_exit(ptr::null_mut()) {
        hang(gil);
    }
    gil
}

/// Releases a GIL taken with [`lock_main_gil`] (or held by a thread state the
/// caller deleted while it was current, see [`detach_keeping_gil`]).
///
/// # Safety
/// The calling thread holds `gil`, and `gil` is alive.
pub(crate) unsafe fn unlock_gil(gil: *const Gil) {
    // SAFETY: this thread holds `gil` and `gil` is alive (this function's contract),
    // so releasing it is this thread's to do.
    unsafe { (*gil).unlock() };
}

/// Makes no thread state current but keeps its GIL, which the caller
/// releases with [`unlock_gil`]; returns that GIL.
pub(crate) fn detach_keeping_gil() -> *const Gil {
    let t = slots(|s| s.current.replace(ptr::null_mut()));
    // SAFETY: callers have a current thread state, which is live.
    let s = unsafe { tstate(t) };
    s.attached_on.store(0, Ordering::Relaxed);
    s.gil
}

/// Makes no thread state current and releases the GIL the current one holds.
pub fn detach() {
    let t = slots(|s| s.current.replace(ptr::null_mut()));
    if !t.is_null() {
        // SAFETY: a current thread state is live and means this thread holds its GIL.
        unsafe {
            tstate(t).attached_on.store(0, Ordering::Relaxed);
            (*tstate(t).gil).unlock()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    /// A counter only ever changed with the GIL held.
    struct Guarded(std::cell::UnsafeCell<u64>);
    // SAFETY: every access happens with the test's GIL held.
    unsafe impl Sync for Guarded {}

    #[test]
    fn mutual_exclusion_under_contention() {
        let gil = Arc::new(Gil::new());
        let n = Arc::new(Guarded(std::cell::UnsafeCell::new(0)));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (gil, n) = (gil.clone(), n.clone());
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        gil.lock();
                        // SAFETY: the GIL is held.
                        unsafe { *n.0.get() += 1 };
                        gil.unlock();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        // SAFETY: every writer has been joined.
        assert_eq!(unsafe { *n.0.get() }, 160_000);
        assert_eq!(gil.state.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn every_waiter_gets_turns() {
        let gil = Arc::new(Gil::new());
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (gil, stop) = (gil.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut ops = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        gil.lock();
                        ops += 1;
                        gil.unlock();
                    }
                    ops
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
        let ops: Vec<u64> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let (min, max) = (*ops.iter().min().unwrap(), *ops.iter().max().unwrap());
        // Turns of 512 releases in arrival order: nobody is starved.
        assert!(min * 10 >= max, "ops per thread {ops:?}");
        assert_eq!(gil.state.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn waiters_sleep_through_a_long_hold_and_wake() {
        let gil = Arc::new(Gil::new());
        gil.lock();
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let gil = gil.clone();
                std::thread::spawn(move || {
                    gil.lock();
                    gil.unlock();
                })
            })
            .collect();
        // Long past the awake waiter's polling limit: all three sleep.
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(gil.state.load(Ordering::Relaxed) / SLEEPER, 3);
        gil.unlock();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(gil.state.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn two_threads_pass_the_gil_back_and_forth() {
        let gil = Arc::new(Gil::new());
        let turn = Arc::new(AtomicU32::new(0));
        let threads: Vec<_> = (0..2u32)
            .map(|me| {
                let (gil, turn) = (gil.clone(), turn.clone());
                std::thread::spawn(move || {
                    gil.lock();
                    for _ in 0..2_000 {
                        while turn.load(Ordering::Relaxed) != me {
                            gil.unlock();
                            gil.lock();
                        }
                        turn.store(1 - me, Ordering::Relaxed);
                    }
                    gil.unlock();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(gil.state.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn fork_child_keeps_only_the_lock_bit() {
        let gil = Gil::new();
        gil.state
            .store(LOCKED | SPINNING | (2 * SLEEPER), Ordering::Relaxed);
        gil.after_fork_child();
        assert_eq!(gil.state.load(Ordering::Relaxed), LOCKED);
        gil.unlock();
        assert_eq!(gil.state.load(Ordering::Relaxed), 0);
    }
}
