//! The runtime's part of a fatal-error report (CPython's "Python runtime
//! state" line and the faulthandler-style thread list), registered with
//! [`crate::sys::fatal`] when the library is loaded.

use std::ffi::CStr;

use crate::runtime::{self, thread};
use crate::sys::tls;

pub use crate::sys::fatal::{exit_with_error, fatal_error, fatal_error_c};

/// The "Python runtime state" line's value.
fn runtime_state() -> String {
    // A fatal error may be raised while the runtime lock is held: do not wait for it.
    let Some(rt) = runtime::try_lock() else {
        return "unknown".into();
    };
    let finalizing = crate::runtime::thread::finalizing();
    if finalizing != 0 {
        format!("finalizing (tstate=0x{finalizing:016x})")
    } else if rt.initialized {
        "initialized".into()
    } else if rt.core_initialized {
        "core initialized".into()
    } else if rt.is_preinitialized() {
        "preinitialized".into()
    } else if rt.preinitializing {
        "preinitializing".into()
    } else {
        "unknown".into()
    }
}

/// The faulthandler-style list of the interpreter's thread states (the current
/// interpreter, else the main one), newest first; the calling thread's
/// GILState thread state is "Current thread".
fn thread_dump() -> String {
    let cur = thread::current();
    let mine = thread::gilstate();
    let Some(rt) = runtime::try_lock() else {
        return String::new();
    };
    let interp = if cur.is_null() {
        rt.main().map(|m| m.handle.0)
    } else {
        // SAFETY: a current thread state is live.
        Some(unsafe { crate::runtime::state::tstate(cur) }.interp)
    };
    let Some(i) = interp.and_then(|h| rt.interps.iter().find(|i| i.handle.0 == h)) else {
        return String::new();
    };
    let mut out = String::new();
    for (n, t) in i.threads.iter().rev().enumerate() {
        let label = if t.0 == mine {
            "Current thread"
        } else {
            "Thread"
        };
        // SAFETY: thread states listed by a live interpreter are live.
        let t = unsafe { crate::runtime::state::tstate(t.0) };
        if n > 0 {
            out.push('\n');
        }
        let name = if t.os_thread_name.is_empty() {
            String::new()
        } else {
            format!(" [{}]", t.os_thread_name.to_string_lossy())
        };
        out.push_str(&format!(
            "{label} 0x{:016x}{name} (most recent call first):\n  <no Python frame>\n",
            t.os_thread
        ));
    }
    out
}

/// The exception an initialization that failed left pending (0: none;
/// else an index into [`EXCEPTIONS`] plus one), which CPython's fatal-error
/// report prints after the runtime's state.
static PENDING_EXCEPTION: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The exceptions initialization can leave pending, as the report prints them.
pub const EXCEPTIONS: [&str; 3] = [
    "ModuleNotFoundError: No module named 'encodings'",
    "LookupError: no codec search functions registered: can't find encoding",
    "ModuleNotFoundError: No module named 'site'",
];

/// Records the exception a failed initialization leaves pending (an index
/// into [`EXCEPTIONS`]; None clears it).
pub fn set_pending_exception(exception: Option<usize>) {
    let code = exception.map_or(0, |i| i + 1);
    PENDING_EXCEPTION.store(code, std::sync::atomic::Ordering::SeqCst);
}

/// Appends the runtime state line, a pending exception and the thread list
/// to a report.
fn runtime_report(text: &mut String) {
    text.push_str(&format!("Python runtime state: {}\n", runtime_state()));
    let pending = PENDING_EXCEPTION.load(std::sync::atomic::Ordering::SeqCst);
    if let Some(e) = pending.checked_sub(1).and_then(|i| EXCEPTIONS.get(i)) {
        text.push_str(e);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&thread_dump());
}

extern "C" fn register_reporter() {
    crate::sys::fatal::set_reporter(runtime_report);
}

/// Registers [`runtime_report`] before any code of the embedder runs (an
/// ELF constructor), so every fatal error, whichever layer raises it,
/// carries the runtime's part.
#[used]
#[unsafe(link_section = ".init_array")]
static REGISTER_REPORTER: extern "C" fn() = register_reporter;

/// The fatal error of every function that needs a current thread state.
pub fn require_current(func: &CStr) -> *mut crate::abi::pystate::PyThreadState {
    let t = tls::current();
    if t.is_null() {
        null_tstate(func);
    }
    t
}

/// CPython's fatal error for a NULL thread state: the current one, or one
/// passed as an argument (`PyThreadState_Delete(NULL)` says the same).
pub fn null_tstate(func: &CStr) -> ! {
    fatal_error(
        Some(func),
        "the function must be called with the GIL held, after Python initialization and \
         before Python finalization, but the GIL is released (the current Python thread \
         state is NULL)",
    )
}
