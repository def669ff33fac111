//! The GILState protocol (`PyGILState_Ensure`/`Release`/`Check`): each OS
//! thread's own thread state of the main interpreter, made on first use and
//! deleted by the last release.

use crate::abi::pystate::{PyGILState_LOCKED, PyGILState_STATE, PyGILState_UNLOCKED};
use crate::runtime::fatal::fatal_error;
use crate::runtime::state::tstate;
use crate::runtime::{self, thread};
use crate::sys::panic::guard;

fn fatal(func: &std::ffi::CStr, msg: &str) -> ! {
    fatal_error(Some(func), msg)
}

/// `PyGILState_Ensure`: the nested call and a kept thread state whose GIL
/// is free are handled inline, without a call (so without a frame).
#[inline(always)]
pub fn ensure() -> PyGILState_STATE {
    if runtime::checks::on() {
        return gilstate_ensure();
    }
    {
        // Nested call (this thread's GILState thread state is current), or a
        // kept thread state whose GIL is free: no call at all, so no stack
        // frame either.
        let (t0, cur) = thread::slots(|s| (s.gilstate.get(), s.current.get()));
        let attached_now = || {
            // SAFETY: `t0` is this thread's GILState thread state, live until
            // deleted (which unbinds it).
            unsafe { thread::try_attach(t0) }
        };
        if !t0.is_null() && (cur == t0 || (cur.is_null() && attached_now())) {
            let state = if cur == t0 {
                PyGILState_LOCKED
            } else {
                PyGILState_UNLOCKED
            };
            // SAFETY: `t0` is this thread's live GILState thread state.
            let counter = unsafe { &tstate(t0).gilstate_counter };
            counter.set(counter.get() + 1);
            return state;
        }
        gilstate_ensure()
    }
}

/// [`ensure`] in full (the export handles the nested call and a
/// kept thread state whose GIL is free itself). `extern "C"` makes the call
/// one that cannot unwind (the guard inside catches panics), so the export
/// can jump to it.
#[inline(never)]
extern "C" fn gilstate_ensure() -> PyGILState_STATE {
    guard(c"PyGILState_Ensure", || {
        if runtime::checks::on() {
            runtime::checks::gilstate_ensure();
        }
        let mut t = thread::gilstate();
        let state = if t.is_null() {
            // The GIL first, then the thread state, made under it: threads
            // that wait here wait in the GIL's queue, not on the runtime lock.
            let gil = thread::lock_main_gil();
            let made = {
                let mut rt = runtime::lock();
                let main = rt.main().map(|m| m.handle.0);
                main.and_then(|m| runtime::interp::new_tstate(&mut rt, m, 0))
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
            t = made;
            // SAFETY: `t` was just made for this thread, under the main GIL
            // this thread holds.
            unsafe {
                thread::bind_gilstate(t);
                thread::attach_locked(t);
            }
            PyGILState_UNLOCKED
        } else if thread::current() == t {
            PyGILState_LOCKED
        } else {
            if !thread::current().is_null() {
                fatal(c"_PyThreadState_Attach", "non-NULL old thread state");
            }
            // SAFETY: `t` is this thread's GILState thread state, live until
            // deleted (which unbinds it).
            unsafe { thread::attach(t) };
            PyGILState_UNLOCKED
        };
        // SAFETY: `t` is this thread's live GILState thread state.
        let counter = unsafe { &tstate(t).gilstate_counter };
        counter.set(counter.get() + 1);
        state
    })
}

/// `PyGILState_Release`: the inner release of a nested pair and the release
/// of a kept thread state are handled inline.
#[inline(always)]
pub fn release(oldstate: PyGILState_STATE) {
    if runtime::checks::on() {
        return gilstate_release(oldstate);
    }
    {
        // Not the last release (the thread state stays): for the inner
        // release of a nested pair a decrement, for a kept thread state a
        // decrement and the GIL's release, without a frame.
        let (t, cur) = thread::slots(|s| (s.gilstate.get(), s.current.get()));
        if !t.is_null() && cur == t {
            // SAFETY: `t` is this thread's live GILState thread state.
            let counter = unsafe { &tstate(t).gilstate_counter };
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
    }
}

/// [`release`] past the nested case (`extern "C"` for the reason
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
        let counter = unsafe { &tstate(t).gilstate_counter };
        let left = counter.get() - 1;
        if runtime::checks::on() {
            // SAFETY: `t` is live (above).
            unsafe { runtime::checks::gilstate_release(t, left) };
        }
        counter.set(left);
        if left == 0 {
            // Like CPython: unlinked while this thread still holds the GIL,
            // which it releases last.
            let gil = thread::detach_keeping_gil();
            runtime::checks::deleting("PyGILState_Release");
            runtime::interp::delete_tstate(&mut runtime::lock(), t);
            // SAFETY: this thread still holds `gil`; its interpreter can
            // only end while attached, which needs this GIL.
            unsafe { thread::unlock_gil(gil) };
        } else if oldstate == PyGILState_UNLOCKED {
            thread::detach();
        }
    })
}

/// `PyGILState_Check`: 1 when the calling thread's GILState thread state is
/// current (and always once a sub-interpreter was created, as CPython stops
/// checking then, or before initialization).
pub fn check() -> bool {
    if crate::mem::gil_checks_disabled() || runtime::lock().main().is_none() {
        return true;
    }
    let cur = thread::current();
    !cur.is_null() && cur == thread::gilstate()
}
