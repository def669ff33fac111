//! `fork()` with threads: no pyrt lock may be held by another thread at the
//! moment of the fork, or the child (where that thread does not exist)
//! waits for it for good.
//!
//! `PyOS_BeforeFork` takes every pyrt lock on the forking thread, and
//! `PyOS_AfterFork_Parent`/`_Child` release them. A `fork()` without that
//! protocol is covered too: pyrt registers `pthread_atfork` handlers when
//! the library is loaded, which do the same unless the protocol already
//! did. The locks are pyrt's own one-word futex locks
//! ([`crate::sys::mutex`]), so releasing them in the child leaves nothing
//! behind.

use std::cell::Cell;

use crate::sys::mutex::{hold, release};

thread_local! {
    /// This thread called `PyOS_BeforeFork` and holds every lock.
    static PROTOCOL: Cell<bool> = const { Cell::new(false) };
    /// The `atfork` handler took every lock for a fork without the protocol.
    static ATFORK: Cell<bool> = const { Cell::new(false) };
}

/// A lock's guard-less take and its release (the release's caller holds it).
type LockPair = (fn(), unsafe fn());

/// Every pyrt lock, in the order pyrt nests them (the runtime, the legacy
/// paths, the smaller tables, then the GILs', the memory layer's and the
/// Rust heap's emergency reserve's, which any of the others may need): taken
/// in this order, released in reverse.
const LOCKS: [LockPair; 10] = [
    (hold_runtime, release_runtime),
    (
        super::checks::hold_for_fork,
        super::checks::release_after_fork,
    ),
    (
        super::inittab::hold_for_fork,
        super::inittab::release_after_fork,
    ),
    (
        super::pathconfig::hold_for_fork,
        super::pathconfig::release_after_fork,
    ),
    (super::main::hold_for_fork, super::main::release_after_fork),
    (
        super::perfmap::hold_for_fork,
        super::perfmap::release_after_fork,
    ),
    (
        super::legacy::hold_for_fork,
        super::legacy::release_after_fork,
    ),
    (
        super::thread::hold_for_fork,
        super::thread::release_after_fork,
    ),
    (crate::mem::hold_for_fork, crate::mem::release_after_fork),
    (
        crate::sys::alloc::hold_for_fork,
        crate::sys::alloc::release_after_fork,
    ),
];

/// The runtime lock and the legacy paths' (initialization nests the second
/// in the first).
fn hold_runtime() {
    hold(&super::RUNTIME);
    hold(&super::LEGACY_PATHS);
}

/// Releases what [`hold_runtime`] took.
///
/// # Safety
/// The calling thread took them with [`hold_runtime`].
unsafe fn release_runtime() {
    // SAFETY: this thread holds both (the contract).
    unsafe {
        release(&super::LEGACY_PATHS);
        release(&super::RUNTIME);
    }
}

/// Takes every pyrt lock ([`LOCKS`], in order).
fn hold_all() {
    for (take, _) in LOCKS {
        take();
    }
}

/// Releases what [`hold_all`] took, in reverse order.
///
/// # Safety
/// The calling thread took them with [`hold_all`] (in a child: the forking
/// thread did, and is now the only thread).
unsafe fn release_all() {
    for (_, give_back) in LOCKS.iter().rev() {
        // SAFETY: this thread holds the lock (the contract).
        unsafe { give_back() };
    }
}

/// `PyOS_BeforeFork`: takes every lock on this thread until the fork's other side.
pub fn before() {
    if !PROTOCOL.get() {
        hold_all();
        PROTOCOL.set(true);
    }
}

/// `PyOS_AfterFork_Parent` and `_Child`: releases what [`before`] took, if it did.
pub fn after() {
    if PROTOCOL.replace(false) {
        // SAFETY: `before` took every lock on this thread.
        unsafe { release_all() };
    }
}

extern "C" fn atfork_prepare() {
    if !PROTOCOL.get() && !ATFORK.get() {
        hold_all();
        ATFORK.set(true);
    }
}

extern "C" fn atfork_after() {
    if ATFORK.replace(false) {
        // SAFETY: `atfork_prepare` took every lock on this thread (in the
        // child: on the thread that forked, now the only one).
        unsafe { release_all() };
    }
}

extern "C" fn register_atfork() {
    // SAFETY: the handlers are plain functions that live as long as the
    // library; registering has no other precondition.
    unsafe {
        libc::pthread_atfork(Some(atfork_prepare), Some(atfork_after), Some(atfork_after));
    }
}

/// Registers the `atfork` handlers when the library is loaded (an ELF
/// constructor), before any thread of the embedder can fork.
#[used]
#[unsafe(link_section = ".init_array")]
static REGISTER_ATFORK: extern "C" fn() = register_atfork;
