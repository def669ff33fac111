//! `Include/ceval.h`: pending calls and releasing/re-taking the GIL.

use std::ffi::{c_int, c_void};

use crate::abi::pystate::PyThreadState;
use crate::ffi::guard;
use crate::runtime::fatal::require_current;
use crate::runtime::{lifecycle, thread};

/// Queues `func(arg)` to run in the main thread of the main interpreter
/// (at `Py_MakePendingCalls` or finalization). Thread-safe, no GIL needed.
/// Returns 0, or -1 when the queue (32 calls) is full or `func` is NULL.
#[unsafe(no_mangle)]
pub extern "C" fn Py_AddPendingCall(
    func: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    arg: *mut c_void,
) -> c_int {
    guard(c"Py_AddPendingCall", || match func {
        Some(f) => lifecycle::add_pending_call(f, arg),
        None => -1,
    })
}

/// Runs the queued pending calls when called from the main thread of the main
/// interpreter (elsewhere, and when already running them, does nothing).
/// Returns 0, or -1 when a call returned non-zero (the rest stay queued).
/// Needs a current thread state (fatal error otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn Py_MakePendingCalls() -> c_int {
    guard(c"Py_MakePendingCalls", || {
        let t = require_current(c"Py_MakePendingCalls");
        // SAFETY: a current thread state is live.
        lifecycle::make_pending_calls(unsafe { crate::runtime::state::tstate(t) }.interp)
    })
}

/// Detaches the current thread state (releasing the GIL) and returns it.
#[unsafe(no_mangle)]
pub extern "C" fn PyEval_SaveThread() -> *mut PyThreadState {
    guard(c"PyEval_SaveThread", || {
        if crate::runtime::checks::on() {
            crate::runtime::checks::save_thread();
        }
        let t = thread::current();
        thread::detach();
        t
    })
}

/// Re-attaches `tstate` (taking the GIL). NULL is a fatal error; so is a
/// thread that already has a current thread state.
///
/// # Safety
/// `tstate` is NULL or a live thread state of this thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyEval_RestoreThread(tstate: *mut PyThreadState) {
    guard(c"PyEval_RestoreThread", || {
        // SAFETY: `tstate` is NULL or live (this function's contract).
        unsafe { thread::attach_checked(c"PyEval_RestoreThread", tstate) }
    })
}

/// Attaches `tstate` (taking its GIL). NULL and a thread that already has a
/// current thread state are fatal errors.
///
/// # Safety
/// `tstate` is NULL or a live thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyEval_AcquireThread(tstate: *mut PyThreadState) {
    guard(c"PyEval_AcquireThread", || {
        // SAFETY: `tstate` is NULL or live (this function's contract).
        unsafe { thread::attach_checked(c"PyEval_AcquireThread", tstate) }
    })
}

/// Detaches `tstate` (releasing its GIL). NULL is a fatal error.
///
/// # Safety
/// `tstate` is NULL or the current thread state.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyEval_ReleaseThread(tstate: *mut PyThreadState) {
    guard(c"PyEval_ReleaseThread", || {
        if tstate.is_null() {
            require_current(c"PyEval_ReleaseThread");
        }
        if crate::runtime::checks::on() {
            crate::runtime::checks::release_thread(tstate);
        }
        if thread::current() == tstate {
            thread::detach();
        }
    })
}

/// Does nothing: the GIL exists from initialization on (deprecated since 3.9).
#[unsafe(no_mangle)]
pub extern "C" fn PyEval_InitThreads() {
    guard(c"PyEval_InitThreads", || ())
}

/* --- Recursion --------------------------------------------------------------- */

/// The current interpreter's recursion limit (1000 for a new interpreter).
/// Needs a thread state (fatal error otherwise; CPython crashes).
#[unsafe(no_mangle)]
pub extern "C" fn Py_GetRecursionLimit() -> c_int {
    guard(c"Py_GetRecursionLimit", || {
        let t = require_current(c"Py_GetRecursionLimit");
        // SAFETY: a current thread state is live.
        unsafe { crate::runtime::recursion::recursion_limit(t) }
    })
}

/// Sets the current interpreter's recursion limit (any value is stored, as
/// in CPython). Needs a thread state (fatal error otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn Py_SetRecursionLimit(new_limit: c_int) {
    guard(c"Py_SetRecursionLimit", || {
        let t = require_current(c"Py_SetRecursionLimit");
        // SAFETY: a current thread state is live.
        unsafe { crate::runtime::recursion::set_recursion_limit(t, new_limit) }
    })
}

/// Before a recursive call in C: returns 0 while the C stack has room, -1
/// once the calling thread's stack is nearly used up (CPython raises
/// `RecursionError` "Stack overflow (used N kB)<where>"). Past the last
/// margin it ends with CPython's fatal error "Unrecoverable stack overflow".
/// Needs a thread state (fatal error otherwise).
///
/// # Safety
/// `where_` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_EnterRecursiveCall(where_: *const std::ffi::c_char) -> c_int {
    guard(c"Py_EnterRecursiveCall", || {
        use crate::runtime::recursion::{Depth, check_stack};
        let t = require_current(c"Py_EnterRecursiveCall");
        // SAFETY: the calling thread's live thread state.
        match unsafe { check_stack(t) } {
            Depth::Fine => 0,
            Depth::Overflow(_) => -1,
            Depth::Unrecoverable(kb) => {
                let place = if where_.is_null() {
                    String::new()
                } else {
                    // SAFETY: NUL-terminated (the contract).
                    unsafe { std::ffi::CStr::from_ptr(where_) }
                        .to_string_lossy()
                        .into_owned()
                };
                crate::runtime::fatal::fatal_error(
                    Some(c"_Py_CheckRecursiveCall"),
                    &format!("Unrecoverable stack overflow (used {kb} kB){place}"),
                )
            }
        }
    })
}

/// Ends what `Py_EnterRecursiveCall` began (nothing to undo: the check is
/// on the stack pointer, not a counter).
#[unsafe(no_mangle)]
pub extern "C" fn Py_LeaveRecursiveCall() {}

/* --- The perf map and code-extra indices (cpython/ceval.h) ------------------- */

/// Reserves an index of the current interpreter's code-extra slots: 0, 1,
/// ..., or -1 once 254 are taken. pyrt has no code objects: `free` is
/// never called. Needs a thread state (fatal error otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn PyUnstable_Eval_RequestCodeExtraIndex(
    free: Option<unsafe extern "C" fn(*mut c_void)>,
) -> crate::abi::pyport::Py_ssize_t {
    guard(c"PyUnstable_Eval_RequestCodeExtraIndex", || {
        let _ = free;
        let t = require_current(c"PyUnstable_Eval_RequestCodeExtraIndex");
        // SAFETY: a current thread state is live.
        unsafe { crate::runtime::recursion::request_code_extra_index(t) }
    })
}

/// Opens this process's perf map, `/tmp/perf-PID.map` (once). Returns 0,
/// or -1 when it cannot be opened.
#[unsafe(no_mangle)]
pub extern "C" fn PyUnstable_PerfMapState_Init() -> c_int {
    guard(
        c"PyUnstable_PerfMapState_Init",
        crate::runtime::perfmap::init,
    )
}

/// Appends "ADDRESS SIZE NAME" (hexadecimal) to the perf map, opening it if
/// needed. Returns 0, or -1.
///
/// # Safety
/// `entry_name` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyUnstable_WritePerfMapEntry(
    code_addr: *const c_void,
    code_size: std::ffi::c_uint,
    entry_name: *const std::ffi::c_char,
) -> c_int {
    guard(c"PyUnstable_WritePerfMapEntry", || {
        let name = if entry_name.is_null() {
            &b"(null)"[..]
        } else {
            // SAFETY: NUL-terminated (the contract).
            unsafe { std::ffi::CStr::from_ptr(entry_name) }.to_bytes()
        };
        crate::runtime::perfmap::write_entry(code_addr as usize, code_size, name)
    })
}

/// Closes the perf map.
#[unsafe(no_mangle)]
pub extern "C" fn PyUnstable_PerfMapState_Fini() {
    guard(
        c"PyUnstable_PerfMapState_Fini",
        crate::runtime::perfmap::fini,
    )
}

/// Appends the content of another perf map (a parent process's) to this
/// process's. Returns 0, or -1 when it cannot be read (or NULL).
///
/// # Safety
/// `parent_filename` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyUnstable_CopyPerfMapFile(
    parent_filename: *const std::ffi::c_char,
) -> c_int {
    guard(c"PyUnstable_CopyPerfMapFile", || {
        if parent_filename.is_null() {
            return -1;
        }
        // SAFETY: NUL-terminated (the contract).
        crate::runtime::perfmap::copy_from(unsafe { std::ffi::CStr::from_ptr(parent_filename) })
    })
}

/// Whether a forked child keeps the perf trampoline; returns `enable` (pyrt
/// runs no Python code, so there is no trampoline to keep).
#[unsafe(no_mangle)]
pub extern "C" fn PyUnstable_PerfTrampoline_SetPersistAfterFork(enable: c_int) -> c_int {
    // Nothing to keep: the setting only matters to a trampoline.
    guard(c"PyUnstable_PerfTrampoline_SetPersistAfterFork", || enable)
}
