//! The calling thread's current thread state, its GILState thread state, and
//! the GILs.
//!
//! The current thread state is per OS thread (a thread-local pointer). Each
//! interpreter has a GIL (legacy sub-interpreters share the main one); a
//! thread state takes its interpreter's GIL when attached and releases it
//! when detached. The lock is `parking_lot`'s raw mutex: uncontended
//! hand-offs are one atomic operation, contended ones park the waiter.

use std::cell::Cell;
use std::ptr;
use std::sync::atomic::Ordering;

use parking_lot::RawMutex;
use parking_lot::lock_api::RawMutex as _;

use crate::ffi::pystate::PyThreadState;

/// One global interpreter lock.
pub struct Gil {
    raw: RawMutex,
}

impl Gil {
    /// A new, unlocked GIL.
    pub fn new() -> Gil {
        Gil {
            raw: RawMutex::INIT,
        }
    }
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

thread_local! {
    static CURRENT: Cell<*mut PyThreadState> = const { Cell::new(ptr::null_mut()) };
    static GILSTATE: Cell<*mut PyThreadState> = const { Cell::new(ptr::null_mut()) };
}

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

/// Makes `t` the calling thread's GILState thread state, unbinding the previous one.
pub(crate) fn bind_gilstate(t: *mut PyThreadState) {
    let old = gilstate();
    if !old.is_null() && old != t {
        // SAFETY: the bound thread state is live (deleting one unbinds it).
        unsafe { (*old).bound_gilstate.store(false, Ordering::Relaxed) };
    }
    set_gilstate(t);
    // SAFETY: callers pass a live thread state.
    unsafe { (*t).bound_gilstate.store(true, Ordering::Relaxed) };
}

/// Takes `t`'s GIL and makes `t` current; like CPython, attaching a thread
/// state that is not its thread's GILState thread state makes it that (the
/// previous one is unbound). The thread must have no current thread state.
pub(crate) fn attach(t: *mut PyThreadState) {
    // SAFETY: callers pass a live thread state; its GIL outlives it.
    unsafe { (*(*t).gil).raw.lock() };
    CURRENT.with(|c| c.set(t));
    // SAFETY: as above.
    if !unsafe { (*t).bound_gilstate.load(Ordering::Relaxed) } {
        bind_gilstate(t);
    }
}

/// Makes no thread state current and releases the GIL the current one holds.
pub fn detach() {
    let t = current();
    if !t.is_null() {
        CURRENT.with(|c| c.set(ptr::null_mut()));
        // SAFETY: a current thread state means this thread holds its GIL.
        unsafe { (*(*t).gil).raw.unlock() };
    }
}
