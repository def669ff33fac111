//! The calling thread's current thread state and the GIL.
//!
//! The current thread state is per OS thread (a thread-local pointer). The GIL
//! is one lock, taken when a thread state is attached and released when it is
//! detached; `parking_lot`'s raw mutex gives the hand-off (issue #6 refines
//! fairness and per-interpreter GILs).

use std::cell::Cell;
use std::ptr;

use parking_lot::RawMutex;
use parking_lot::lock_api::RawMutex as _;

use crate::ffi::pystate::PyThreadState;

thread_local! {
    static CURRENT: Cell<*mut PyThreadState> = const { Cell::new(ptr::null_mut()) };
    static GILSTATE: Cell<*mut PyThreadState> = const { Cell::new(ptr::null_mut()) };
}

static GIL: RawMutex = RawMutex::INIT;

/// The calling thread's current (attached) thread state, or NULL.
pub fn current() -> *mut PyThreadState {
    CURRENT.with(Cell::get)
}

/// The calling thread's GILState thread state, or NULL.
pub fn gilstate() -> *mut PyThreadState {
    GILSTATE.with(Cell::get)
}

/// Records `t` as the calling thread's GILState thread state.
pub fn set_gilstate(t: *mut PyThreadState) {
    GILSTATE.with(|g| g.set(t));
}

/// Takes the GIL and makes `t` current; `t` becomes the thread's GILState
/// thread state if it has none.
pub fn attach(t: *mut PyThreadState) {
    GIL.lock();
    CURRENT.with(|c| c.set(t));
    if gilstate().is_null() {
        set_gilstate(t);
    }
}

/// Makes no thread state current and releases the GIL (which the current one holds).
pub fn detach() {
    if !current().is_null() {
        CURRENT.with(|c| c.set(ptr::null_mut()));
        // SAFETY: a current thread state means this thread holds the GIL.
        unsafe { GIL.unlock() };
    }
}
