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
use std::sync::atomic::{AtomicBool, Ordering};

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

/// Reads `PYRT_CHECKS` (pre-initialization calls this once; pyrt's own
/// variable, read whatever `-E` or isolation say).
pub fn read_env() {
    // SAFETY: getenv with a NUL-terminated name; the value is read at once.
    let v = unsafe { libc::getenv(c"PYRT_CHECKS".as_ptr()) };
    // SAFETY: a non-NULL result is a NUL-terminated string of the environment.
    if !v.is_null() && unsafe { CStr::from_ptr(v) }.to_bytes() == b"1" {
        ON.store(true, Ordering::SeqCst);
    }
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
