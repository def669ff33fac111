//! `Include/intrcheck.h`, the signal parts of `Include/pyerrors.h` and
//! `Include/pylifecycle.h`: interrupts, C signal handlers and fork hooks.

use std::ffi::c_int;
use std::sync::atomic::Ordering;

use crate::abi::intrcheck::PyOS_sighandler_t;
use crate::ffi::guard;
use crate::runtime::fatal::require_current;
use crate::runtime::host::{self, INTERRUPTED};

fn to_raw(h: PyOS_sighandler_t) -> libc::sighandler_t {
    h.map_or(libc::SIG_DFL, |f| f as libc::sighandler_t)
}

impl crate::ffi::PanicDefault for PyOS_sighandler_t {
    fn panic_default(_: &'static std::ffi::CStr) -> Self {
        from_raw(libc::SIG_ERR)
    }
}

fn from_raw(h: libc::sighandler_t) -> PyOS_sighandler_t {
    if h == libc::SIG_DFL {
        None
    } else {
        // SAFETY: any other value is a handler address, SIG_IGN (1) or SIG_ERR
        // (-1), which C code compares against and never calls.
        Some(unsafe { std::mem::transmute::<libc::sighandler_t, unsafe extern "C" fn(c_int)>(h) })
    }
}

/// Returns the current handler of `sig` (`SIG_ERR` on failure).
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_getsig(sig: c_int) -> PyOS_sighandler_t {
    guard(c"PyOS_getsig", || from_raw(host::get_signal(sig)))
}

/// Installs `handler` for `sig` (with `SA_ONSTACK`) and returns the previous
/// handler (`SIG_ERR` on failure).
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_setsig(sig: c_int, handler: PyOS_sighandler_t) -> PyOS_sighandler_t {
    guard(c"PyOS_setsig", || {
        from_raw(host::set_signal(sig, to_raw(handler)))
    })
}

/// Returns 1 once after SIGINT was received (or simulated) while pyrt's
/// SIGINT handler is installed, clearing the flag; else 0. Needs a current
/// thread state (fatal error otherwise).
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_InterruptOccurred() -> c_int {
    guard(c"PyOS_InterruptOccurred", || {
        require_current(c"PyOS_InterruptOccurred");
        INTERRUPTED.swap(false, Ordering::SeqCst) as c_int
    })
}

/// Simulates the arrival of `signum`: for SIGINT with pyrt's handler
/// installed, sets the interrupt flag. Returns 0, or -1 for an invalid signal
/// number. Safe to call from any thread without a thread state.
#[unsafe(no_mangle)]
pub extern "C" fn PyErr_SetInterruptEx(signum: c_int) -> c_int {
    guard(c"PyErr_SetInterruptEx", || {
        // Valid numbers are 1 .. NSIG - 1 (NSIG is 65 on Linux).
        if !(1..65).contains(&signum) {
            return -1;
        }
        if signum == libc::SIGINT && host::sigint_handler_installed() {
            INTERRUPTED.store(true, Ordering::SeqCst);
        }
        0
    })
}

/// `PyErr_SetInterruptEx(SIGINT)`.
#[unsafe(no_mangle)]
pub extern "C" fn PyErr_SetInterrupt() {
    guard(c"PyErr_SetInterrupt", || {
        PyErr_SetInterruptEx(libc::SIGINT);
    })
}

/// Handles pending signals: returns -1 (where CPython raises
/// `KeyboardInterrupt`) and clears the flag when SIGINT arrived, else 0. Only
/// the main thread handles signals; needs a current thread state.
#[unsafe(no_mangle)]
pub extern "C" fn PyErr_CheckSignals() -> c_int {
    guard(c"PyErr_CheckSignals", || {
        require_current(c"PyErr_CheckSignals");
        if !crate::runtime::lifecycle::on_main_thread() {
            return 0;
        }
        if INTERRUPTED.swap(false, Ordering::SeqCst) {
            -1
        } else {
            0
        }
    })
}

/// The old name of `PyOS_AfterFork_Child` (deprecated since 3.7).
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_AfterFork() {
    PyOS_AfterFork_Child()
}

/// Prepares for `fork()`: takes the runtime's locks so the child gets them in
/// a consistent state. Call `PyOS_AfterFork_Parent` / `_Child` afterwards.
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_BeforeFork() {
    guard(c"PyOS_BeforeFork", crate::runtime::lifecycle::before_fork)
}

/// Releases what `PyOS_BeforeFork` took, in the parent.
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_AfterFork_Parent() {
    guard(
        c"PyOS_AfterFork_Parent",
        crate::runtime::lifecycle::after_fork_parent,
    )
}

/// Makes the runtime usable in the child: releases the locks, makes the
/// calling thread the main thread and drops the pending calls.
#[unsafe(no_mangle)]
pub extern "C" fn PyOS_AfterFork_Child() {
    guard(
        c"PyOS_AfterFork_Child",
        crate::runtime::lifecycle::after_fork_child,
    )
}
