//! `Include/pyerrors.h`, `Include/cpython/pyerrors.h`: fatal errors.

use std::ffi::{CStr, c_char};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::ffi::guard_noreturn;
use crate::runtime::{self, thread};

static IN_FATAL: AtomicBool = AtomicBool::new(false);

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

/// An OS thread name: Linux keeps at most 15 bytes (plus the NUL), so it
/// is stored inline and copying it into each thread state allocates nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadName {
    bytes: [u8; 16],
    len: u8,
}

impl ThreadName {
    /// True when the thread has no name.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The name, with invalid UTF-8 replaced.
    pub fn to_string_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes[..self.len as usize])
    }
}

/// The calling thread's name (empty when it has none), read from the OS once
/// per thread: thread states are created often, and the name is only shown
/// in fatal error reports.
pub fn thread_name() -> ThreadName {
    thread_local! {
        static NAME: std::cell::OnceCell<ThreadName> = const { std::cell::OnceCell::new() };
    }
    NAME.with(|n| *n.get_or_init(read_thread_name))
}

fn read_thread_name() -> ThreadName {
    let mut buf = [0 as c_char; 64];
    // SAFETY: the buffer is writable and its length is passed.
    let rc = unsafe { libc::pthread_getname_np(libc::pthread_self(), buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        return ThreadName::default();
    }
    // SAFETY: on success the name is NUL-terminated inside the buffer.
    let name = unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes();
    let mut out = ThreadName::default();
    let len = name.len().min(out.bytes.len());
    out.bytes[..len].copy_from_slice(&name[..len]);
    out.len = len as u8;
    out
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
        Some(unsafe { (*cur).interp })
    };
    let Some(i) = interp.and_then(|h| rt.interps.iter().find(|i| i.handle.0 == h)) else {
        return String::new();
    };
    let mut out = String::new();
    for (n, t) in i.threads.iter().rev().enumerate() {
        // SAFETY: thread states listed by a live interpreter are live.
        let t = unsafe { &*t.0 };
        if n > 0 {
            out.push('\n');
        }
        let label = if std::ptr::eq(t, mine) {
            "Current thread"
        } else {
            "Thread"
        };
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

/// The report CPython prints for a fatal error or an error status.
pub fn fatal_report(func: Option<&CStr>, msg: Option<&CStr>) -> String {
    let mut text = String::from("Fatal Python error: ");
    if let Some(f) = func {
        text.push_str(&f.to_string_lossy());
        text.push_str(": ");
    }
    match msg {
        Some(m) => text.push_str(&m.to_string_lossy()),
        None => text.push_str("<message not set>"),
    }
    text.push_str(&format!("\nPython runtime state: {}\n\n", runtime_state()));
    text.push_str(&thread_dump());
    text
}

fn write_stderr(text: &str) {
    // SAFETY: flushing C's stdio first keeps earlier output before the report.
    unsafe { libc::fflush(std::ptr::null_mut()) };
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Prints a fatal error in CPython's format and aborts the process.
pub fn fatal_error(func: Option<&CStr>, msg: &str) -> ! {
    let msg = std::ffi::CString::new(msg).unwrap_or_default();
    fatal_error_c(func, Some(&msg))
}

/// [`fatal_error`] with a C message (NULL: "<message not set>").
pub fn fatal_error_c(func: Option<&CStr>, msg: Option<&CStr>) -> ! {
    if IN_FATAL.swap(true, Ordering::SeqCst) {
        // A fatal error while reporting one: leave at once.
        // SAFETY: _exit has no preconditions.
        unsafe { libc::_exit(1) }
    }
    write_stderr(&fatal_report(func, msg));
    // SAFETY: abort has no preconditions.
    unsafe { libc::abort() }
}

/// Prints an error status as CPython does and exits with status 1.
pub fn exit_with_error(func: Option<&CStr>, msg: Option<&CStr>) -> ! {
    write_stderr(&fatal_report(func, msg));
    // SAFETY: exit runs atexit handlers and flushes stdio, as CPython's exit(1).
    unsafe { libc::exit(1) }
}

fn opt_cstr<'a>(p: *const c_char) -> Option<&'a CStr> {
    // SAFETY: callers pass NULL or a NUL-terminated string.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}

/// Prints "Fatal Python error: MESSAGE", the runtime state and the current
/// thread to stderr, then aborts. Python.h turns `Py_FatalError(msg)` into
/// `_Py_FatalErrorFunc(__func__, msg)`, which adds the caller's name.
///
/// # Safety
/// `message` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_FatalError(message: *const c_char) -> ! {
    guard_noreturn(c"Py_FatalError", || fatal_error_c(None, opt_cstr(message)))
}

/// Like `Py_FatalError`, printing "FUNC: MESSAGE".
///
/// # Safety
/// `func` and `message` are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _Py_FatalErrorFunc(func: *const c_char, message: *const c_char) -> ! {
    guard_noreturn(c"_Py_FatalErrorFunc", || {
        fatal_error_c(opt_cstr(func), opt_cstr(message))
    })
}
