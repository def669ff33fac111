//! Creating and destroying interpreters and thread states. Handles are boxed
//! and handed to C as raw pointers; the runtime's lists own them.

use std::sync::Arc;

use crate::config::Config;
use crate::ffi::initconfig::PyConfig;
use crate::ffi::pystate::{PyInterpreterState, PyThreadState};
use crate::runtime::thread::{self, Gil};
use crate::runtime::{Interp, Ptr, Runtime};
use crate::status::{PyResult, Status};

/// Creates an interpreter with `config` and appends it to the runtime's list.
pub fn new_interp(
    rt: &mut Runtime,
    config: Config,
    gil: Arc<Gil>,
) -> PyResult<Ptr<PyInterpreterState>> {
    let id = rt.next_interp_id;
    let raw = crate::mem::runtime_owned(|| PyConfig::from_model(&config))
        .map_err(|_| Status::no_memory(c"_PyInterpreterState_New"))?;
    rt.next_interp_id += 1;
    let handle = Ptr(Box::into_raw(Box::new(PyInterpreterState {
        id,
        obmalloc: std::cell::Cell::new(std::ptr::null_mut()),
    })));
    rt.interps.push(Interp {
        handle,
        id,
        config,
        raw_config: Ptr(Box::into_raw(Box::new(raw))),
        atexit: Vec::new(),
        threads: Vec::new(),
        next_thread_id: 1,
        gil,
    });
    Ok(handle)
}

/// Creates a thread state of `interp`, bound to the calling OS thread (it
/// becomes the thread's GILState thread state if it has none). Not current.
pub fn new_tstate(
    rt: &mut Runtime,
    interp: *mut PyInterpreterState,
    counter: i32,
) -> Option<Ptr<PyThreadState>> {
    let i = rt.interp_mut(interp)?;
    let t = Box::into_raw(Box::new(PyThreadState {
        interp,
        id: i.next_thread_id,
        gil: Arc::as_ptr(&i.gil),
        gilstate_counter: std::cell::Cell::new(counter),
        bound_gilstate: std::cell::Cell::new(false),
        // SAFETY: pthread_self has no preconditions.
        os_thread: unsafe { libc::pthread_self() } as u64,
        os_thread_name: crate::ffi::pyerrors::thread_name(),
    }));
    i.next_thread_id += 1;
    i.threads.push(Ptr(t));
    if thread::gilstate().is_null() {
        thread::bind_gilstate(t);
    }
    Some(Ptr(t))
}

/// Unlinks a thread state from its interpreter and frees it; clears the
/// calling thread's GILState binding to it.
pub(crate) fn delete_tstate(rt: &mut Runtime, t: *mut PyThreadState) {
    // SAFETY: callers pass a live thread state.
    let interp = unsafe { (*t).interp };
    if let Some(i) = rt.interp_mut(interp) {
        i.threads.retain(|x| x.0 != t);
    }
    if thread::gilstate() == t {
        thread::set_gilstate(std::ptr::null_mut());
    }
    // SAFETY: created by Box in `new_tstate`; no longer listed anywhere.
    drop(unsafe { Box::from_raw(t) });
}

/// Removes an interpreter from the runtime and frees it with its remaining
/// thread states and its config copy.
pub fn remove_interp(rt: &mut Runtime, handle: *mut PyInterpreterState) {
    let Some(pos) = rt.interps.iter().position(|i| i.handle.0 == handle) else {
        return;
    };
    let interp = rt.interps.remove(pos);
    for t in &interp.threads {
        if thread::gilstate() == t.0 {
            thread::set_gilstate(std::ptr::null_mut());
        }
    }
    // SAFETY: the handles and the config copy were created by Box here and in
    // `new_tstate`, and are no longer reachable from the runtime.
    unsafe {
        for t in interp.threads {
            drop(Box::from_raw(t.0));
        }
        let mut raw = Box::from_raw(interp.raw_config.0);
        crate::mem::runtime_owned(|| raw.clear());
        let own = (*interp.handle.0).obmalloc.get();
        drop(Box::from_raw(interp.handle.0));
        if !own.is_null() {
            // SAFETY: made by `give_own_obmalloc` for this interpreter, whose
            // thread states are all gone.
            crate::mem::obmalloc::retire_state(own);
        }
    }
}

/// Gives an interpreter its own small-object allocator state (before any of
/// its thread states is attached).
pub fn give_own_obmalloc(handle: Ptr<PyInterpreterState>) {
    // SAFETY: callers pass the handle of an interpreter they just created.
    unsafe { (*handle.0).obmalloc.set(crate::mem::obmalloc::new_state()) };
}

/// The allocator states of live interpreters that have their own.
pub fn own_obmalloc_states() -> Vec<*mut crate::mem::obmalloc::State> {
    let rt = crate::runtime::lock();
    rt.interps
        .iter()
        // SAFETY: listed interpreters are live.
        .map(|i| unsafe { (*i.handle.0).obmalloc.get() })
        .filter(|s| !s.is_null())
        .collect()
}
