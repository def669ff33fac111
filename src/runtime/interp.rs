//! Creating, walking and destroying interpreters and thread states. The
//! states are boxes ([`crate::runtime::state`]) handed to C as raw
//! pointers; the runtime's lists own them.

use std::ptr;
use std::sync::Arc;

use crate::abi::initconfig::PyConfig;
use crate::abi::pystate::{PyInterpreterState, PyThreadState};
use crate::config::Config;
use crate::runtime::state::{InterpState, ThreadState, interp, tstate};
use crate::runtime::thread::{self, Gil};
use crate::runtime::{self, Interp, Ptr, Runtime};
use crate::status::{PyResult, Status};
use crate::sys::alloc::AllocWatch;

/// Creates an interpreter with `config` and appends it to the runtime's list.
pub fn new_interp(
    rt: &mut Runtime,
    config: Config,
    gil: Arc<Gil>,
) -> PyResult<*mut PyInterpreterState> {
    let watch = AllocWatch::start();
    let id = rt.next_interp_id;
    let raw = crate::mem::runtime_owned(|| PyConfig::from_model(&config))
        .map_err(|_| Status::no_memory(c"_PyInterpreterState_New"))?;
    rt.next_interp_id += 1;
    let handle = InterpState {
        id,
        obmalloc: std::cell::Cell::new(ptr::null_mut()),
        stacksize: std::sync::atomic::AtomicUsize::new(0),
        recursion_limit: std::sync::atomic::AtomicI32::new(
            crate::runtime::recursion::DEFAULT_RECURSION_LIMIT,
        ),
        co_extra_users: std::sync::atomic::AtomicIsize::new(0),
    }
    .into_handle();
    rt.interps.push(Interp {
        handle: Ptr(handle),
        id,
        config,
        raw_config: Ptr(Box::into_raw(Box::new(raw))),
        atexit: Vec::new(),
        threads: Vec::new(),
        next_thread_id: 1,
        gil,
    });
    if watch.failed() {
        // SAFETY: made and listed just above.
        unsafe { remove_interp(rt, handle) };
        return Err(Status::no_memory(c"_PyInterpreterState_New"));
    }
    crate::sys::trace::event("interp", "new", &[("id", id.to_string().as_bytes())]);
    Ok(handle)
}

/// `PyInterpreterState_New`: a bare interpreter with a copy of the main
/// interpreter's configuration, sharing its GIL; None before initialization.
pub fn new_bare_interp() -> Option<*mut PyInterpreterState> {
    let mut rt = runtime::lock();
    let main = rt.main()?;
    let (config, gil) = (main.config.clone(), main.gil.clone());
    new_interp(&mut rt, config, gil).ok()
}

/// Creates a thread state of `interp`, bound to the calling OS thread (it
/// becomes the thread's GILState thread state if it has none). Not current.
/// None for an unknown interpreter or when an allocation failed.
pub fn new_tstate(
    rt: &mut Runtime,
    interp: *mut PyInterpreterState,
    counter: i32,
) -> Option<*mut PyThreadState> {
    let watch = AllocWatch::start();
    let t = make_tstate(rt, interp, counter)?;
    if watch.failed() {
        // CPython's answer when its allocation of the state fails.
        delete_tstate(rt, t);
        return None;
    }
    Some(t)
}

/// [`new_tstate`] for finalization, which cannot fail: an allocation failure
/// the emergency reserve served is not reported.
pub fn new_tstate_unchecked(
    rt: &mut Runtime,
    interp: *mut PyInterpreterState,
    counter: i32,
) -> Option<*mut PyThreadState> {
    make_tstate(rt, interp, counter)
}

fn make_tstate(
    rt: &mut Runtime,
    interp: *mut PyInterpreterState,
    counter: i32,
) -> Option<*mut PyThreadState> {
    let i = rt.interp_mut(interp)?;
    let t = ThreadState {
        interp,
        id: i.next_thread_id,
        gil: Arc::as_ptr(&i.gil),
        gilstate_counter: std::cell::Cell::new(counter),
        bound_gilstate: std::cell::Cell::new(false),
        made_by_gilstate: counter == 0,
        os_thread: crate::sys::thread::os_thread(),
        os_thread_name: crate::sys::thread::thread_name(),
        tracing: std::cell::Cell::new(0),
        attached_on: std::sync::atomic::AtomicU64::new(0),
        stack: std::cell::Cell::new((0, 0, false)),
    }
    .into_handle();
    i.next_thread_id += 1;
    i.threads.push(Ptr(t));
    if thread::gilstate().is_null() {
        // SAFETY: `t` was just made, on the calling thread.
        unsafe { thread::bind_gilstate(t) };
    }
    if crate::sys::trace::enabled() {
        trace_tstate("new", t);
    }
    Some(t)
}

/// Unlinks a thread state from its interpreter and frees it; clears the
/// calling thread's GILState binding to it.
/// Traces a thread state's creation or deletion: its id, its interpreter's,
/// and the OS thread that made it.
fn trace_tstate(event: &str, t: *mut PyThreadState) {
    // SAFETY: callers pass a live thread state.
    let s = unsafe { tstate(t) };
    // SAFETY: a live thread state's interpreter is live.
    let i = unsafe { interp(s.interp) };
    crate::sys::trace::emit(
        "tstate",
        event,
        &[
            ("id", s.id.to_string().as_bytes()),
            ("interp", i.id.to_string().as_bytes()),
            ("os_thread", format!("{:#x}", s.os_thread).as_bytes()),
            ("thread_name", s.os_thread_name.to_string_lossy().as_bytes()),
        ],
    );
}

pub(crate) fn delete_tstate(rt: &mut Runtime, t: *mut PyThreadState) {
    if crate::sys::trace::enabled() {
        trace_tstate("delete", t);
    }
    // SAFETY: callers pass a live thread state.
    let interp = unsafe { tstate(t) }.interp;
    if let Some(i) = rt.interp_mut(interp) {
        i.threads.retain(|x| x.0 != t);
    }
    if thread::gilstate() == t {
        thread::set_gilstate(ptr::null_mut());
    }
    // SAFETY: made by `new_tstate`; no longer listed anywhere.
    unsafe { ThreadState::free(t) };
}

/// `PyInterpreterState_Delete`: detaches the calling thread's thread state
/// if it belongs to `handle`, then removes the interpreter.
///
/// # Safety
/// `handle` is a live interpreter or not listed at all (then nothing is removed).
pub unsafe fn delete_interp(handle: *mut PyInterpreterState) {
    crate::runtime::checks::deleting("PyInterpreterState_Delete");
    end_gil(handle);
    let cur = thread::current();
    // SAFETY: a current thread state is live.
    if !cur.is_null() && unsafe { tstate(cur) }.interp == handle {
        thread::detach();
    }
    // SAFETY: `handle` is a live interpreter or not listed at all (this function's
    // contract), which is exactly `remove_interp`'s condition; the runtime lock is held.
    unsafe { remove_interp(&mut runtime::lock(), handle) };
}

/// Marks the own GIL of a listed interpreter as ended, so that threads
/// still waiting on it never run with the interpreter's state (called
/// before the GIL is released for the last time). The main GIL, shared by
/// legacy sub-interpreters, goes on.
pub fn end_gil(handle: *mut PyInterpreterState) {
    let rt = runtime::lock();
    if let Some(i) = rt.interps.iter().find(|i| i.handle.0 == handle) {
        if !i.gil.is_main() {
            i.gil.end();
        }
    }
}

/// Removes an interpreter from the runtime and frees it with its remaining
/// thread states and its config copy.
///
/// # Safety
/// A listed `handle` is live (made by [`new_interp`]); an unlisted one is
/// ignored without being read.
pub unsafe fn remove_interp(rt: &mut Runtime, handle: *mut PyInterpreterState) {
    let Some(pos) = rt.interps.iter().position(|i| i.handle.0 == handle) else {
        return;
    };
    let removed = rt.interps.remove(pos);
    crate::sys::trace::event(
        "interp",
        "delete",
        &[("id", removed.id.to_string().as_bytes())],
    );
    thread::retire_gil(removed.gil.clone());
    for t in &removed.threads {
        if thread::gilstate() == t.0 {
            thread::set_gilstate(ptr::null_mut());
        }
    }
    // SAFETY: the handles and the config copy were made here and in
    // `new_tstate`, and are no longer reachable from the runtime.
    unsafe {
        for t in removed.threads {
            if crate::sys::trace::enabled() {
                trace_tstate("delete", t.0);
            }
            ThreadState::free(t.0);
        }
        let mut raw = Box::from_raw(removed.raw_config.0);
        crate::mem::runtime_owned(|| raw.clear());
        let own = interp(handle).obmalloc.get();
        InterpState::free(handle);
        if !own.is_null() {
            // SAFETY: made by `give_own_obmalloc` for this interpreter, whose
            // thread states are all gone.
            crate::mem::obmalloc::retire_state(own);
        }
    }
}

/// The calling thread's small-object allocator state, for
/// [`crate::mem::obmalloc`] while some interpreter has its own: the current
/// thread state's interpreter's, NULL for the main one.
fn current_obmalloc() -> *mut crate::mem::obmalloc::State {
    let t = thread::current();
    if t.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: a current thread state and its interpreter are live.
    unsafe { interp(tstate(t).interp) }.obmalloc.get()
}

/// Gives an interpreter its own small-object allocator state (before any of
/// its thread states is attached).
///
/// # Safety
/// `handle` is a live interpreter.
pub unsafe fn give_own_obmalloc(handle: *mut PyInterpreterState) {
    let state = crate::mem::obmalloc::new_state(current_obmalloc);
    // SAFETY: `handle` is a live interpreter made by `new_interp` (this function's
    // contract).
    unsafe { interp(handle) }.obmalloc.set(state);
}

/// The most recently created interpreter (NULL when none).
pub fn head() -> *mut PyInterpreterState {
    runtime::lock()
        .interps
        .last()
        .map_or(ptr::null_mut(), |i| i.handle.0)
}

/// The interpreter created before `handle` (the main one is last).
pub fn next(handle: *mut PyInterpreterState) -> *mut PyInterpreterState {
    let rt = runtime::lock();
    match rt.interps.iter().position(|i| i.handle.0 == handle) {
        Some(p) if p > 0 => rt.interps[p - 1].handle.0,
        _ => ptr::null_mut(),
    }
}

/// The most recently created thread state of `handle` (NULL when none).
pub fn thread_head(handle: *mut PyInterpreterState) -> *mut PyThreadState {
    runtime::lock()
        .interp_mut(handle)
        .and_then(|i| i.threads.last())
        .map_or(ptr::null_mut(), |t| t.0)
}

/// The thread state created before `t` in its interpreter.
///
/// # Safety
/// `t` is a live thread state.
pub unsafe fn thread_next(t: *mut PyThreadState) -> *mut PyThreadState {
    // SAFETY: `t` is a live thread state made by `new_tstate` (this function's
    // contract).
    let interp = unsafe { tstate(t) }.interp;
    let mut rt = runtime::lock();
    let Some(i) = rt.interp_mut(interp) else {
        return ptr::null_mut();
    };
    match i.threads.iter().position(|x| x.0 == t) {
        Some(p) if p > 0 => i.threads[p - 1].0,
        _ => ptr::null_mut(),
    }
}
