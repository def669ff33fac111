//! Checks (`PYRT_CHECKS=1`, `PyRT_SetChecks`): lifecycle misuse that
//! CPython's release build turns into hangs, crashes or silent corruption
//! ends instead with a fatal error that names the function, the rule broken
//! and the states and threads involved.
//!
//! While checks are on, thread states are never freed: a deleted one is kept
//! in quarantine with who deleted it, so a stale handle is recognized
//! without reading freed memory. A handle pyrt never made (or freed before
//! checks were on) is recognized by not being listed anywhere.

use std::cell::Cell;
use std::ffi::CStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::abi::pystate::PyThreadState;
use crate::runtime::state::{interp, tstate};
use crate::sys::mutex::Mutex;

static ON: AtomicBool = AtomicBool::new(false);

/// What is known of a deleted thread state.
struct Deleted {
    id: u64,
    interp_id: i64,
    by: &'static str,
    os_thread: u64,
    thread_name: crate::sys::thread::ThreadName,
}

/// The quarantined thread states with their addresses (a list: checks are
/// for finding bugs, and a list keeps every block plainly reachable).
static DELETED: Mutex<Vec<(usize, Deleted)>> = Mutex::new(Vec::new());

thread_local! {
    /// The public function deleting thread states on this thread.
    static DELETING: Cell<&'static str> = const { Cell::new("") };
}

/// True when checks are on.
#[inline(always)]
pub fn on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// `PyRT_SetChecks`: turns checks on or off; returns the previous setting.
pub fn set(enable: bool) -> bool {
    ON.swap(enable, Ordering::SeqCst)
}

/// Reads `PYRT_CHECKS` and `PYRT_CHECKS_WAIT` (pre-initialization calls
/// this once; pyrt's own variables, read whatever `-E` or isolation say).
pub fn read_env() {
    if crate::sys::getenv(c"PYRT_CHECKS").as_deref() == Some(b"1".as_slice()) {
        ON.store(true, Ordering::SeqCst);
    }
    if let Some(ms) = crate::sys::getenv(c"PYRT_CHECKS_WAIT").and_then(|v| parse_seconds_ms(&v)) {
        WAIT_LIMIT_MS.store(ms, Ordering::SeqCst);
    }
}

/// `PYRT_CHECKS_WAIT`'s value: seconds, a decimal number ("2", "0.5"),
/// in milliseconds; None for anything else or for zero.
fn parse_seconds_ms(v: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(v).ok()?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let secs: f64 = s.parse().ok()?;
    let ms = (secs * 1000.0).round();
    (1.0..1e12).contains(&ms).then_some(ms as u64)
}

/// Names the public function that deletes thread states on this thread
/// from now on (for the report of a later use of one of them).
pub fn deleting(by: &'static str) {
    DELETING.set(by);
}

/// Keeps `t` instead of freeing it when checks are on (true: kept).
///
/// # Safety
/// `t` is a live thread state, being deleted.
pub unsafe fn quarantine(t: *mut PyThreadState) -> bool {
    if !on() {
        return false;
    }
    // SAFETY: live until now (the contract); its interpreter too.
    let (id, interp_id) = unsafe { (tstate(t).id, interp(tstate(t).interp).id) };
    let by = match DELETING.get() {
        "" => "pyrt",
        f => f,
    };
    let entry = Deleted {
        id,
        interp_id,
        by,
        os_thread: crate::sys::thread::os_thread(),
        thread_name: crate::sys::thread::thread_name(),
    };
    DELETED.lock().push((t as usize, entry));
    true
}

/// How a thread state handle stands.
enum Standing {
    Live,
    Deleted(String),
    Unknown,
}

fn standing(t: *mut PyThreadState) -> Standing {
    // The runtime's lists first: they are short, and a quarantined state's
    // address is never reused (quarantined states are not freed), so a
    // listed state is live.
    {
        let rt = crate::runtime::lock();
        if rt
            .interps
            .iter()
            .any(|i| i.threads.iter().any(|x| x.0 == t))
        {
            return Standing::Live;
        }
    }
    if let Some((_, d)) = DELETED.lock().iter().rev().find(|(a, _)| *a == t as usize) {
        return Standing::Deleted(format!(
            "thread state {t:p} (id {} of interpreter {}) was deleted by {} on thread {:#x} [{}]",
            d.id,
            d.interp_id,
            d.by,
            d.os_thread,
            d.thread_name.to_string_lossy()
        ));
    }
    Standing::Unknown
}

/// Ends with the checks' fatal error for `func` breaking `rule`.
pub fn fail(func: &CStr, rule: &str) -> ! {
    crate::runtime::fatal::fatal_error(Some(func), &format!("pyrt check: {rule}"))
}

/// Describes a live thread state: its id, its interpreter's, and where it
/// is attached.
///
/// # Safety
/// `t` is live.
unsafe fn describe(t: *mut PyThreadState) -> String {
    // SAFETY: live (the contract).
    let s = unsafe { tstate(t) };
    // SAFETY: a live thread state's interpreter is live.
    let i = unsafe { interp(s.interp) };
    format!("thread state {t:p} (id {} of interpreter {})", s.id, i.id)
}

/// The checks on a thread state handle passed to `func` (call when [`on`]):
/// it must be a live state pyrt made, and not attached on another thread.
// Any pointer may be passed: it is read only once the runtime's lists show
// it is a live thread state.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn thread_state(func: &CStr, t: *mut PyThreadState) {
    match standing(t) {
        Standing::Live => {}
        Standing::Deleted(what) => fail(func, &format!("{what}; it must not be used again")),
        Standing::Unknown => fail(
            func,
            &format!(
                "{t:p} is not a live thread state (never made by pyrt, or freed before checks were on)"
            ),
        ),
    }
    // SAFETY: live, checked just above.
    let s = unsafe { tstate(t) };
    let on = s.attached_on.load(Ordering::Relaxed);
    let me = crate::sys::thread::os_thread();
    if on != 0 && on != me {
        fail(
            func,
            &format!(
                "{} is attached on another thread ({}); a thread state is used by one \
                 thread at a time (the calling thread is {me:#x} [{}])",
                // SAFETY: live.
                unsafe { describe(t) },
                thread_label(s, on),
                crate::sys::thread::thread_name().to_string_lossy()
            ),
        );
    }
}

/// An OS thread as the reports show it: its id, and its name when it is the
/// thread that made `s` (pyrt does not ask the OS about other threads,
/// which may have ended).
fn thread_label(s: &crate::runtime::state::ThreadState, os_thread: u64) -> String {
    if s.os_thread == os_thread && !s.os_thread_name.is_empty() {
        format!("{os_thread:#x} [{}]", s.os_thread_name.to_string_lossy())
    } else {
        format!("{os_thread:#x}")
    }
}

/// `Py_FinalizeEx`'s check (call when [`on`]): the calling thread needs a
/// thread state unless no other thread has the main one attached.
///
/// # Safety
/// `main_tstate` is the main interpreter's live first thread state.
pub unsafe fn finalize(main_tstate: *mut PyThreadState) {
    finalize_interp();
    // A sub-interpreter's thread state attached on another thread (with its
    // own GIL) would be torn down under that thread's feet.
    let me = crate::sys::thread::os_thread();
    let busy = {
        let rt = crate::runtime::lock();
        rt.interps.iter().skip(1).find_map(|i| {
            i.threads.iter().find_map(|t| {
                // SAFETY: listed thread states are live.
                let on = unsafe { tstate(t.0) }.attached_on.load(Ordering::Relaxed);
                (on != 0 && on != me).then_some((t.0, on))
            })
        })
    };
    if let Some((t, on)) = busy {
        fail(
            c"Py_FinalizeEx",
            &format!(
                "{} is attached on thread {}: end the sub-interpreters other threads use \
                 before finalizing",
                // SAFETY: listed, so live.
                unsafe { describe(t) },
                // SAFETY: as above.
                thread_label(unsafe { tstate(t) }, on)
            ),
        );
    }
    if !crate::runtime::thread::current().is_null() {
        return;
    }
    // SAFETY: the main interpreter's first thread state, live while initialized.
    let s = unsafe { tstate(main_tstate) };
    let on = s.attached_on.load(Ordering::Relaxed);
    if on != 0 && on != crate::sys::thread::os_thread() {
        fail(
            c"Py_FinalizeEx",
            &format!(
                "the calling thread has no thread state while the main {} is attached on \
                 thread {}; finalize from the thread that holds it",
                // SAFETY: live (above).
                unsafe { describe(main_tstate) },
                thread_label(s, on)
            ),
        );
    }
}

/// The check on an interpreter handle passed to `func` (call when [`on`]):
/// it must be a live interpreter (not ended, and made by pyrt).
pub fn interpreter(func: &CStr, i: *mut crate::abi::pystate::PyInterpreterState) {
    let listed = crate::runtime::lock()
        .interps
        .iter()
        .any(|x| x.handle.0 == i);
    if !listed {
        fail(
            func,
            &format!(
                "{i:p} is not a live interpreter (it was ended or deleted, or pyrt never made it)"
            ),
        );
    }
}

/// `PyEval_SaveThread`'s check (call when [`on`]): there is a thread state
/// to save.
pub fn save_thread() {
    if crate::runtime::thread::current().is_null() {
        fail(
            c"PyEval_SaveThread",
            "the calling thread has no thread state to save: it holds no GIL",
        );
    }
}

/// `PyEval_ReleaseThread`'s check (call when [`on`]): `t` is the calling
/// thread's current thread state, whose GIL it holds.
pub fn release_thread(t: *mut PyThreadState) {
    let cur = crate::runtime::thread::current();
    if cur != t {
        let what = if cur.is_null() {
            "the calling thread has no thread state".to_string()
        } else {
            // SAFETY: a current thread state is live.
            format!("the calling thread's current state is {}", unsafe {
                describe(cur)
            })
        };
        fail(
            c"PyEval_ReleaseThread",
            &format!(
                "{t:p} is not the calling thread's current thread state ({what}); only the thread that holds a GIL can release it"
            ),
        );
    }
}

/// The interpreter of a live thread state: its handle and id.
///
/// # Safety
/// `t` is live.
unsafe fn interp_of(t: *mut PyThreadState) -> (*mut crate::abi::pystate::PyInterpreterState, i64) {
    // SAFETY: live (the contract), and so is its interpreter.
    let h = unsafe { tstate(t) }.interp;
    // SAFETY: as above.
    (h, unsafe { interp(h) }.id)
}

/// The main interpreter's handle, None when Python is not initialized.
fn main_interp() -> Option<*mut crate::abi::pystate::PyInterpreterState> {
    let rt = crate::runtime::lock();
    if !rt.initialized {
        return None;
    }
    rt.main().map(|m| m.handle.0)
}

/// `PyGILState_Ensure`'s checks (call when [`on`]): Python is initialized,
/// and the thread state the call would use is the main interpreter's.
pub fn gilstate_ensure() {
    let Some(main) = main_interp() else {
        fail(
            c"PyGILState_Ensure",
            "Python is not initialized (Py_FinalizeEx ran, or Py_Initialize did not): \
             there is no main interpreter to give the thread a thread state of",
        );
    };
    let cur = crate::runtime::thread::current();
    let (t, whose) = if cur.is_null() {
        (
            crate::runtime::thread::gilstate(),
            "the thread's GILState thread state",
        )
    } else {
        (cur, "the calling thread's current thread state")
    };
    if t.is_null() {
        return;
    }
    // SAFETY: a current or GILState-bound thread state is live.
    let (i, _) = unsafe { interp_of(t) };
    if i != main {
        fail(
            c"PyGILState_Ensure",
            &format!(
                "{whose} is {}, a sub-interpreter's: the PyGILState API serves the main \
                 interpreter only; switch sub-interpreters with PyThreadState_Swap or \
                 PyEval_RestoreThread",
                // SAFETY: live (above).
                unsafe { describe(t) }
            ),
        );
    }
}

/// `PyGILState_Release`'s check (call when [`on`]), before the counter of
/// `t`, the calling thread's current GILState thread state, drops to
/// `left`: the last release deletes only a state `PyGILState_Ensure` made.
///
/// # Safety
/// `t` is live.
pub unsafe fn gilstate_release(t: *mut PyThreadState, left: i32) {
    // SAFETY: live (the contract).
    if left == 0 && !unsafe { tstate(t) }.made_by_gilstate {
        fail(
            c"PyGILState_Release",
            &format!(
                "no PyGILState_Ensure of this thread is left to undo: the release would \
                 delete {}, which PyGILState_Ensure did not make; each release pairs with \
                 one PyGILState_Ensure on the same thread",
                // SAFETY: live.
                unsafe { describe(t) }
            ),
        );
    }
}

/// `Py_FinalizeEx`'s check on the calling thread's interpreter (call when
/// [`on`]): finalization runs with the main interpreter's thread state.
pub fn finalize_interp() {
    let cur = crate::runtime::thread::current();
    if cur.is_null() {
        return;
    }
    // SAFETY: a current thread state is live.
    let (_, id) = unsafe { interp_of(cur) };
    if id != 0 {
        fail(
            c"Py_FinalizeEx",
            &format!(
                "the calling thread's current thread state is {}, a sub-interpreter's; \
                 finalize with a thread state of the main interpreter (end the \
                 sub-interpreter with Py_EndInterpreter, or swap back, first)",
                // SAFETY: live.
                unsafe { describe(cur) }
            ),
        );
    }
}

/// `Py_EndInterpreter`'s check (call when [`on`]): `t`, the current thread
/// state, belongs to a sub-interpreter.
///
/// # Safety
/// `t` is live.
pub unsafe fn end_interpreter(t: *mut PyThreadState) {
    // SAFETY: live (the contract).
    let (_, id) = unsafe { interp_of(t) };
    if id == 0 {
        fail(
            c"Py_EndInterpreter",
            &format!(
                "{} belongs to the main interpreter, which only Py_FinalizeEx ends",
                // SAFETY: live.
                unsafe { describe(t) }
            ),
        );
    }
}

/// The check before attaching `t` for `func` (call when [`on`]): the
/// calling thread has no thread state attached already.
///
/// # Safety
/// `t` is live (checked by [`thread_state`]).
pub unsafe fn attach_free(func: &CStr, t: *mut PyThreadState) {
    let cur = crate::runtime::thread::current();
    if cur.is_null() {
        return;
    }
    // SAFETY: a current thread state is live; `t` too (the contract).
    let shared = unsafe { tstate(cur).gil == tstate(t).gil };
    let why = if shared {
        "it holds the GIL that one needs, so it would wait for itself for good"
    } else {
        "a thread has one thread state attached at a time"
    };
    fail(
        func,
        &format!(
            "the calling thread already has {} attached while attaching {t:p}: {why}; \
             detach it first (PyEval_SaveThread)",
            // SAFETY: live.
            unsafe { describe(cur) }
        ),
    );
}

/* --- Long waits (PYRT_CHECKS_WAIT) ---------------------------------------- */

/// `PYRT_CHECKS_WAIT` in milliseconds (0: waits are not reported).
static WAIT_LIMIT_MS: AtomicU64 = AtomicU64::new(0);

/// How long a GIL wait may last before it is reported (None: no report;
/// call when [`on`]).
pub fn wait_limit() -> Option<std::time::Duration> {
    match WAIT_LIMIT_MS.load(Ordering::Relaxed) {
        0 => None,
        ms => Some(std::time::Duration::from_millis(ms)),
    }
}

/// Reports, on stderr, that the calling thread has waited longer than
/// `limit` for `gil`: which thread state, on which thread, holds it. The
/// waiter goes on waiting.
pub fn report_long_wait(gil: usize, limit: std::time::Duration) {
    // The waiter may hold the runtime lock itself (or its holder may be the
    // stuck one): the report then does without the holder.
    let holder = crate::runtime::try_lock_for(std::time::Duration::from_millis(100)).map(|rt| {
        rt.interps.iter().find_map(|i| {
            i.threads.iter().find_map(|t| {
                // SAFETY: listed thread states are live (under the lock).
                let s = unsafe { tstate(t.0) };
                let on = s.attached_on.load(Ordering::Relaxed);
                (on != 0 && s.gil as usize == gil).then(|| {
                    format!(
                        "held by {} attached on thread {}",
                        // SAFETY: listed, so live.
                        unsafe { describe(t.0) },
                        thread_label(s, on)
                    )
                })
            })
        })
    });
    let holder = match holder {
        Some(Some(h)) => h,
        Some(None) => "held by no attached thread state (between two steps of a call, or by \
                       a thread that finalizes)"
            .to_string(),
        None => "whose holder is unknown (the runtime's lock is busy)".to_string(),
    };
    let line = format!(
        "pyrt check: thread {:#x} [{}] has waited longer than {:.1} s (PYRT_CHECKS_WAIT) \
         for a GIL {holder}\n",
        crate::sys::thread::os_thread(),
        crate::sys::thread::thread_name().to_string_lossy(),
        limit.as_secs_f64()
    );
    // SAFETY: writes a buffer that outlives the call to fd 2.
    unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
}

/// Takes this module's lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&DELETED);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&DELETED) };
}
