//! The one fatal-error path: "Fatal Python error: FUNC: MESSAGE" in
//! CPython's format, the report the runtime adds (its state and the thread
//! list), then `abort` (or `exit(1)` for an error status).
//!
//! The layers below the runtime (the memory debug hooks) report through
//! here too; the runtime registers its part of the report with
//! [`set_reporter`] when the library is loaded, so the text is the same
//! whoever raises the error.

use std::ffi::{CStr, CString};
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// Appends the runtime's part of a fatal-error report.
pub type Reporter = fn(&mut String);

static REPORTER: AtomicPtr<()> = AtomicPtr::new(std::ptr::null_mut());
static IN_FATAL: AtomicBool = AtomicBool::new(false);

/// Registers the function that appends the runtime's part of each report.
pub fn set_reporter(f: Reporter) {
    REPORTER.store(f as *mut (), Ordering::Release);
}

/// The report CPython prints for a fatal error or an error status.
pub fn report(func: Option<&CStr>, msg: Option<&CStr>) -> String {
    let mut text = String::from("Fatal Python error: ");
    if let Some(f) = func {
        text.push_str(&f.to_string_lossy());
        text.push_str(": ");
    }
    match msg {
        Some(m) => text.push_str(&m.to_string_lossy()),
        None => text.push_str("<message not set>"),
    }
    text.push('\n');
    let r = REPORTER.load(Ordering::Acquire);
    if !r.is_null() {
        // SAFETY: only `set_reporter` stores here, always a `Reporter`.
        let r: Reporter = unsafe { std::mem::transmute::<*mut (), Reporter>(r) };
        r(&mut text);
    }
    text
}

fn write_stderr(text: &str) {
    // SAFETY: fflush(NULL) flushes every C stdio stream; it has no other
    // precondition. Doing it first keeps earlier C output before the report.
    unsafe { libc::fflush(std::ptr::null_mut()) };
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Prints a fatal error in CPython's format and aborts the process.
pub fn fatal_error(func: Option<&CStr>, msg: &str) -> ! {
    let msg = CString::new(msg).unwrap_or_default();
    fatal_error_c(func, Some(&msg))
}

/// [`fatal_error`] with a C message (None: "<message not set>").
pub fn fatal_error_c(func: Option<&CStr>, msg: Option<&CStr>) -> ! {
    if IN_FATAL.swap(true, Ordering::SeqCst) {
        // A fatal error while reporting one: leave at once.
        // SAFETY: _exit has no preconditions.
        unsafe { libc::_exit(1) }
    }
    write_stderr(&report(func, msg));
    // SAFETY: abort has no preconditions.
    unsafe { libc::abort() }
}

/// Prints an error status as CPython does and exits with status 1.
pub fn exit_with_error(func: Option<&CStr>, msg: Option<&CStr>) -> ! {
    write_stderr(&report(func, msg));
    // SAFETY: exit runs atexit handlers and flushes stdio, as CPython's exit(1).
    unsafe { libc::exit(1) }
}

/// The report of a panic that reached a boundary with nowhere to go (a
/// `void` export): one line, written at once, then `abort`. It takes no lock
/// and allocates nothing beyond the line, so it works whatever state the
/// panic left behind.
pub fn abort_with(func: &CStr, msg: &str) -> ! {
    let func = func.to_string_lossy();
    // One write so concurrent output does not interleave inside the line.
    let text = format!("Fatal Python error: {func}: {msg}\n");
    // SAFETY: writes a valid buffer to fd 2; the result is deliberately
    // ignored because nothing can be done about a failed write before abort.
    unsafe {
        libc::write(2, text.as_ptr().cast(), text.len());
        libc::abort()
    }
}
