//! What stands behind the handles C holds: an interpreter's and a thread
//! state's own data. C sees only the opaque tags of [`crate::abi::pystate`];
//! a handle is the address of one of these boxes, made and freed by
//! [`crate::runtime::interp`] and read only by the runtime.

use std::cell::Cell;

use crate::abi::pystate::{PyInterpreterState, PyThreadState};
use crate::runtime::thread::Gil;
use crate::sys::thread::ThreadName;

/// The data behind a `PyInterpreterState *`.
pub struct InterpState {
    /// The interpreter's id (main: 0).
    pub id: i64,
    /// Its own small-object allocator state (NULL: it uses the main one).
    pub obmalloc: Cell<*mut crate::mem::obmalloc::State>,
    /// The stack size of the threads `PyThread_start_new_thread` starts for
    /// it (0: the C library's default); any of its threads may set it.
    pub stacksize: std::sync::atomic::AtomicUsize,
    /// `Py_GetRecursionLimit` (any of its threads may set it).
    pub recursion_limit: std::sync::atomic::AtomicI32,
    /// Code-extra indices handed out (`PyUnstable_Eval_RequestCodeExtraIndex`).
    pub co_extra_users: std::sync::atomic::AtomicIsize,
}

/// The data behind a `PyThreadState *`.
pub struct ThreadState {
    /// The interpreter it belongs to.
    pub interp: *mut PyInterpreterState,
    /// Its id within the interpreter (1, 2, ...).
    pub id: u64,
    /// Its interpreter's GIL (kept alive by the interpreter, which outlives it).
    pub gil: *const Gil,
    /// `PyGILState_Ensure` nesting (1 for states not made by Ensure); only
    /// the thread the state belongs to touches it.
    pub gilstate_counter: Cell<i32>,
    /// It is (or was last) its thread's GILState thread state (same rule).
    pub bound_gilstate: Cell<bool>,
    /// `PyGILState_Ensure` made it (its last release deletes it).
    pub made_by_gilstate: bool,
    /// The OS thread that created it (`pthread_self`), for fatal-error reports.
    pub os_thread: u64,
    /// That thread's name when the state was created.
    pub os_thread_name: ThreadName,
    /// `PyThreadState_EnterTracing` nesting.
    pub tracing: Cell<i32>,
    /// The OS thread it is attached on (0: none), for the checks.
    pub attached_on: std::sync::atomic::AtomicU64,
    /// The C stack `Py_EnterRecursiveCall` checks: (lowest, highest
    /// address, set by `PyUnstable_ThreadState_SetStackProtection`);
    /// (0, 0, false) until first needed (then the C library's bounds for the
    /// thread that uses it).
    pub stack: Cell<(usize, usize, bool)>,
}

impl ThreadState {
    /// Boxes the state and returns its handle.
    pub fn into_handle(self) -> *mut PyThreadState {
        Box::into_raw(Box::new(self)).cast()
    }

    /// Frees the state behind `h`.
    ///
    /// # Safety
    /// `h` came from [`ThreadState::into_handle`], is freed once, and is no
    /// longer listed or current anywhere.
    pub unsafe fn free(h: *mut PyThreadState) {
        // SAFETY: `h` is live until now (this function's contract).
        if unsafe { crate::runtime::checks::quarantine(h) } {
            // Kept while checks are on: later uses of `h` are recognized.
            return;
        }
        // SAFETY: `h` came from `ThreadState::into_handle`, so it is a `Box<ThreadState>`,
        // and it is freed only once (this function's contract).
        drop(unsafe { Box::from_raw(h.cast::<ThreadState>()) });
    }
}

impl InterpState {
    /// Boxes the state and returns its handle.
    pub fn into_handle(self) -> *mut PyInterpreterState {
        Box::into_raw(Box::new(self)).cast()
    }

    /// Frees the state behind `h`.
    ///
    /// # Safety
    /// `h` came from [`InterpState::into_handle`], is freed once, and is no
    /// longer listed anywhere.
    pub unsafe fn free(h: *mut PyInterpreterState) {
        // SAFETY: `h` came from `InterpState::into_handle`, so it is a `Box<InterpState>`,
        // and it is freed only once (this function's contract).
        drop(unsafe { Box::from_raw(h.cast::<InterpState>()) });
    }
}

/// The state behind a live thread-state handle.
///
/// # Safety
/// `h` is a live handle made by [`ThreadState::into_handle`]; the reference
/// is not kept past the state's deletion.
#[inline(always)]
pub unsafe fn tstate<'a>(h: *mut PyThreadState) -> &'a ThreadState {
    // SAFETY: `h` is a live handle from `ThreadState::into_handle`, so it points to a
    // `ThreadState`, and the reference is dropped before the state is (this function's contract).
    unsafe { &*h.cast::<ThreadState>() }
}

/// The state behind a live interpreter handle.
///
/// # Safety
/// `h` is a live handle made by [`InterpState::into_handle`]; the reference
/// is not kept past the interpreter's deletion.
#[inline(always)]
pub unsafe fn interp<'a>(h: *mut PyInterpreterState) -> &'a InterpState {
    // SAFETY: `h` is a live handle from `InterpState::into_handle`, so it points to an
    // `InterpState`, and the reference is dropped before the interpreter is (this function's
    // contract).
    unsafe { &*h.cast::<InterpState>() }
}
