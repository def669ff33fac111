//! `Include/pystate.h` and `Include/cpython/pystate.h`: interpreter and thread
//! state handles, `PyGILState_STATE`, and the functions on them that the
//! lifecycle needs.

use std::ffi::{CStr, c_int};
use std::ptr;

use crate::ffi::guard;
use crate::runtime::{self, thread};

/// An interpreter. Opaque: only pointers cross the ABI.
/// Methods: `PyInterpreterState_Get`, `_Main`, `_GetID`.
pub struct PyInterpreterState {
    /// The interpreter's id (main: 0).
    pub(crate) id: i64,
    /// Its own small-object allocator state (NULL: it uses the main one).
    pub(crate) obmalloc: std::cell::Cell<*mut crate::mem::obmalloc::State>,
}

/// The state of one thread in one interpreter. Opaque in pyrt's headers.
/// Methods: `PyThreadState_Get`, `_GetUnchecked`, `_Swap`, `_GetInterpreter`, `_GetID`.
pub struct PyThreadState {
    /// The interpreter it belongs to.
    pub(crate) interp: *mut PyInterpreterState,
    /// Its id within the interpreter (1, 2, ...).
    pub(crate) id: u64,
    /// Its interpreter's GIL (kept alive by the interpreter, which outlives it).
    pub(crate) gil: *const crate::runtime::thread::Gil,
    /// `PyGILState_Ensure` nesting (1 for states not made by Ensure); only
    /// the thread the state belongs to touches it.
    pub(crate) gilstate_counter: std::cell::Cell<i32>,
    /// It is (or was last) its thread's GILState thread state (same rule).
    pub(crate) bound_gilstate: std::cell::Cell<bool>,
    /// The OS thread that created it (`pthread_self`), for fatal-error reports.
    pub(crate) os_thread: u64,
    /// That thread's name when the state was created.
    pub(crate) os_thread_name: crate::ffi::pyerrors::ThreadName,
}

#[allow(non_camel_case_types)]
/// What `PyGILState_Ensure` found and `PyGILState_Release` restores.
pub type PyGILState_STATE = c_int;
/// The calling thread already held the GIL.
pub const PyGILState_LOCKED: PyGILState_STATE = 0;
/// The calling thread did not hold the GIL.
pub const PyGILState_UNLOCKED: PyGILState_STATE = 1;

/// The fatal error of every function that needs a current thread state.
pub fn require_current(func: &CStr) -> *mut PyThreadState {
    let t = thread::current();
    if t.is_null() {
        crate::ffi::pyerrors::fatal_error(
            Some(func),
            "the function must be called with the GIL held, after Python initialization and \
             before Python finalization, but the GIL is released (the current Python thread \
             state is NULL)",
        );
    }
    t
}

/// Returns the current thread state; a fatal error when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn PyThreadState_Get() -> *mut PyThreadState {
    guard(c"PyThreadState_Get", || {
        require_current(c"PyThreadState_Get")
    })
}

/// Returns the current thread state, or NULL when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn PyThreadState_GetUnchecked() -> *mut PyThreadState {
    guard(c"PyThreadState_GetUnchecked", thread::current)
}

/// Makes `tstate` current (NULL: none) and returns the previous one. The
/// previous one is detached (releasing the GIL); `tstate` is attached (taking it).
///
/// # Safety
/// `tstate` is NULL or a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Swap(tstate: *mut PyThreadState) -> *mut PyThreadState {
    guard(c"PyThreadState_Swap", || {
        let old = thread::current();
        if old == tstate {
            return old;
        }
        thread::detach();
        if !tstate.is_null() {
            thread::attach(tstate);
        }
        old
    })
}

/// Returns the interpreter of `tstate`.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_GetInterpreter(
    tstate: *mut PyThreadState,
) -> *mut PyInterpreterState {
    // SAFETY: caller contract; NULL answers NULL.
    guard(c"PyThreadState_GetInterpreter", || unsafe {
        tstate.as_ref().map_or(ptr::null_mut(), |t| t.interp)
    })
}

/// Returns the id of `tstate` within its interpreter (the main thread state is 1).
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_GetID(tstate: *mut PyThreadState) -> u64 {
    // SAFETY: caller contract; NULL answers 0.
    unsafe { tstate.as_ref() }.map_or(0, |t| t.id)
}

/// Returns the current interpreter; a fatal error when no thread state is current.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Get() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Get", || {
        let t = require_current(c"PyInterpreterState_Get");
        // SAFETY: a current thread state is live.
        unsafe { (*t).interp }
    })
}

/// Returns the main interpreter, or NULL when the runtime is not initialized.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Main() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Main", || {
        runtime::lock()
            .main()
            .map_or(ptr::null_mut(), |i| i.handle.0)
    })
}

/// Returns the id of `interp` (the main interpreter is 0), or -1 for NULL.
///
/// # Safety
/// `interp` is NULL or a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_GetID(interp: *mut PyInterpreterState) -> i64 {
    // SAFETY: caller contract.
    unsafe { interp.as_ref() }.map_or(-1, |i| i.id)
}

fn fatal(func: &CStr, msg: &str) -> ! {
    crate::ffi::pyerrors::fatal_error(Some(func), msg)
}

/// Creates a bare interpreter (with a copy of the current or main
/// interpreter's configuration and its own id). Returns NULL when Python is
/// not initialized.
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_New() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_New", || {
        let mut rt = runtime::lock();
        let Some(main) = rt.main() else {
            return ptr::null_mut();
        };
        let (config, gil) = (main.config.clone(), main.gil.clone());
        crate::runtime::interp::new_interp(&mut rt, config, gil).map_or(ptr::null_mut(), |h| h.0)
    })
}

/// Runs the interpreter's `PyUnstable_AtExit` callbacks (newest first).
///
/// # Safety
/// `interp` is a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_Clear(interp: *mut PyInterpreterState) {
    guard(c"PyInterpreterState_Clear", || {
        crate::runtime::lifecycle::run_interp_atexit(interp)
    })
}

/// Deletes an interpreter and its remaining thread states (detaching the
/// current thread state first if it belongs to it). NULL is a fatal error.
///
/// # Safety
/// `interp` is NULL or a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_Delete(interp: *mut PyInterpreterState) {
    guard(c"PyInterpreterState_Delete", || {
        if interp.is_null() {
            fatal(c"PyInterpreterState_Delete", "NULL interpreter");
        }
        let cur = thread::current();
        // SAFETY: a current thread state is live.
        if !cur.is_null() && unsafe { (*cur).interp } == interp {
            thread::detach();
        }
        crate::runtime::interp::remove_interp(&mut runtime::lock(), interp);
    })
}

/// Returns the most recently created interpreter (NULL when none).
#[unsafe(no_mangle)]
pub extern "C" fn PyInterpreterState_Head() -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Head", || {
        runtime::lock()
            .interps
            .last()
            .map_or(ptr::null_mut(), |i| i.handle.0)
    })
}

/// Returns the interpreter created before `interp` (the main one is last).
///
/// # Safety
/// `interp` is a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_Next(
    interp: *mut PyInterpreterState,
) -> *mut PyInterpreterState {
    guard(c"PyInterpreterState_Next", || {
        let rt = runtime::lock();
        match rt.interps.iter().position(|i| i.handle.0 == interp) {
            Some(p) if p > 0 => rt.interps[p - 1].handle.0,
            _ => ptr::null_mut(),
        }
    })
}

/// Returns the most recently created thread state of `interp`.
///
/// # Safety
/// `interp` is a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyInterpreterState_ThreadHead(
    interp: *mut PyInterpreterState,
) -> *mut PyThreadState {
    guard(c"PyInterpreterState_ThreadHead", || {
        let mut rt = runtime::lock();
        rt.interp_mut(interp)
            .and_then(|i| i.threads.last())
            .map_or(ptr::null_mut(), |t| t.0)
    })
}

/// Returns the thread state created before `tstate` in its interpreter.
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Next(tstate: *mut PyThreadState) -> *mut PyThreadState {
    guard(c"PyThreadState_Next", || {
        // SAFETY: caller contract.
        let Some(t) = (unsafe { tstate.as_ref() }) else {
            return ptr::null_mut();
        };
        let mut rt = runtime::lock();
        let Some(i) = rt.interp_mut(t.interp) else {
            return ptr::null_mut();
        };
        match i.threads.iter().position(|x| x.0 == tstate) {
            Some(p) if p > 0 => i.threads[p - 1].0,
            _ => ptr::null_mut(),
        }
    })
}

/// Creates a thread state of `interp`, bound to the calling OS thread (it
/// becomes the thread's GILState thread state if it has none). It is not
/// made current. Returns NULL for a NULL or dead interpreter.
///
/// # Safety
/// `interp` is NULL or a live interpreter.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_New(interp: *mut PyInterpreterState) -> *mut PyThreadState {
    guard(c"PyThreadState_New", || {
        crate::runtime::interp::new_tstate(&mut runtime::lock(), interp, 1)
            .map_or(ptr::null_mut(), |t| t.0)
    })
}

/// Resets the thread state's Python-level data (pyrt keeps none).
///
/// # Safety
/// `tstate` is a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Clear(tstate: *mut PyThreadState) {
    let _ = tstate;
    guard(c"PyThreadState_Clear", || ())
}

/// Deletes a thread state that is not current. NULL and the current thread
/// state are fatal errors.
///
/// # Safety
/// `tstate` is NULL or a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyThreadState_Delete(tstate: *mut PyThreadState) {
    guard(c"PyThreadState_Delete", || {
        if tstate.is_null() {
            require_current(c"PyThreadState_Delete");
            fatal(c"PyThreadState_Delete", "NULL thread state");
        }
        if tstate == thread::current() {
            fatal(
                c"PyThreadState_Delete",
                &format!("tstate {tstate:p} is still current"),
            );
        }
        crate::runtime::interp::delete_tstate(&mut runtime::lock(), tstate);
    })
}

/// Deletes the current thread state and releases the GIL. Fatal when no
/// thread state is current.
#[unsafe(no_mangle)]
pub extern "C" fn PyThreadState_DeleteCurrent() {
    guard(c"PyThreadState_DeleteCurrent", || {
        let t = require_current(c"PyThreadState_DeleteCurrent");
        thread::detach();
        crate::runtime::interp::delete_tstate(&mut runtime::lock(), t);
    })
}

/// Makes sure the calling thread holds the GIL with a thread state of the
/// main interpreter, creating one the first time. Returns
/// `PyGILState_LOCKED` if it already held it, else `PyGILState_UNLOCKED`;
/// calls nest and must be paired with `PyGILState_Release`.
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_Ensure() -> PyGILState_STATE {
    guard(c"PyGILState_Ensure", || {
        // Nested call (this thread's GILState thread state is current), or a
        // kept thread state whose GIL is free: no call at all, so no stack
        // frame either.
        let (t0, cur) = thread::slots(|s| (s.gilstate.get(), s.current.get()));
        if !t0.is_null() && (cur == t0 || (cur.is_null() && thread::try_attach(t0))) {
            let state = if cur == t0 {
                PyGILState_LOCKED
            } else {
                PyGILState_UNLOCKED
            };
            // SAFETY: `t0` is this thread's live GILState thread state.
            let counter = unsafe { &(*t0).gilstate_counter };
            counter.set(counter.get() + 1);
            return state;
        }
        gilstate_ensure()
    })
}

/// [`PyGILState_Ensure`] in full (the export handles the nested call and a
/// kept thread state whose GIL is free itself). `extern "C"` makes the call
/// one that cannot unwind (the guard inside catches panics), so the export
/// can jump to it.
#[inline(never)]
extern "C" fn gilstate_ensure() -> PyGILState_STATE {
    guard(c"PyGILState_Ensure", || {
        let mut t = thread::gilstate();
        let state = if t.is_null() {
            // The GIL first, then the thread state, made under it: threads
            // that wait here wait in the GIL's queue, not on the runtime lock.
            let gil = thread::lock_main_gil();
            let made = {
                let mut rt = runtime::lock();
                let main = rt.main().map(|m| m.handle.0);
                main.and_then(|m| crate::runtime::interp::new_tstate(&mut rt, m, 0))
            };
            if made.is_none() {
                // SAFETY: taken just above; the main GIL is never freed.
                unsafe { thread::unlock_gil(gil) };
            }
            let Some(made) = made else {
                fatal(
                    c"PyGILState_Ensure",
                    "Couldn't create thread-state for new thread",
                );
            };
            t = made.0;
            thread::bind_gilstate(t);
            thread::attach_locked(t);
            PyGILState_UNLOCKED
        } else if thread::current() == t {
            PyGILState_LOCKED
        } else {
            if !thread::current().is_null() {
                fatal(c"_PyThreadState_Attach", "non-NULL old thread state");
            }
            thread::attach(t);
            PyGILState_UNLOCKED
        };
        // SAFETY: `t` is this thread's live GILState thread state.
        let counter = unsafe { &(*t).gilstate_counter };
        counter.set(counter.get() + 1);
        state
    })
}

/// Undoes one `PyGILState_Ensure`: the last release of a thread state that
/// Ensure created deletes it; releasing `PyGILState_UNLOCKED` releases the GIL.
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_Release(oldstate: PyGILState_STATE) {
    guard(c"PyGILState_Release", || {
        // Not the last release (the thread state stays): for the inner
        // release of a nested pair a decrement, for a kept thread state a
        // decrement and the GIL's release, without a frame.
        let (t, cur) = thread::slots(|s| (s.gilstate.get(), s.current.get()));
        if !t.is_null() && cur == t {
            // SAFETY: `t` is this thread's live GILState thread state.
            let counter = unsafe { &(*t).gilstate_counter };
            if counter.get() > 1 {
                if oldstate == PyGILState_LOCKED {
                    counter.set(counter.get() - 1);
                    return;
                }
                if oldstate == PyGILState_UNLOCKED {
                    counter.set(counter.get() - 1);
                    return thread::detach_nounwind();
                }
            }
        }
        gilstate_release(oldstate)
    })
}

/// [`PyGILState_Release`] past the nested case (`extern "C"` for the reason
/// given at [`gilstate_ensure`]).
#[inline(never)]
extern "C" fn gilstate_release(oldstate: PyGILState_STATE) {
    guard(c"PyGILState_Release", || {
        let (t, cur) = thread::slots(|s| (s.gilstate.get(), s.current.get()));
        if t.is_null() {
            fatal(
                c"PyGILState_Release",
                "auto-releasing thread-state, but no thread-state for this thread",
            );
        }
        if cur != t {
            fatal(
                c"PyGILState_Release",
                &format!("thread state {t:p} must be current when releasing"),
            );
        }
        // SAFETY: `t` is this thread's live GILState thread state.
        let counter = unsafe { &(*t).gilstate_counter };
        let left = counter.get() - 1;
        counter.set(left);
        if left == 0 {
            // Like CPython: unlinked while this thread still holds the GIL,
            // which it releases last.
            let gil = thread::detach_keeping_gil();
            crate::runtime::interp::delete_tstate(&mut runtime::lock(), t);
            // SAFETY: this thread still holds `gil`; its interpreter can
            // only end while attached, which needs this GIL.
            unsafe { thread::unlock_gil(gil) };
        } else if oldstate == PyGILState_UNLOCKED {
            thread::detach();
        }
    })
}

/// Returns the calling thread's GILState thread state (NULL when none).
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_GetThisThreadState() -> *mut PyThreadState {
    guard(c"PyGILState_GetThisThreadState", thread::gilstate)
}

/// Returns 1 when the calling thread's GILState thread state is current (and
/// always once a sub-interpreter was created, as CPython stops checking).
#[unsafe(no_mangle)]
pub extern "C" fn PyGILState_Check() -> c_int {
    guard(c"PyGILState_Check", || {
        {
            let rt = runtime::lock();
            if rt.gilstate_check_disabled || rt.main().is_none() {
                return 1;
            }
        }
        let cur = thread::current();
        (!cur.is_null() && cur == thread::gilstate()) as c_int
    })
}
