//! The trace: one line per lifecycle step, for embedders and tools that
//! need to see what pyrt decided and why.
//!
//! `PYRT_TRACE=1` writes to stderr, `PYRT_TRACE=/path/file` appends to
//! that file; `PYRT_TRACE_FORMAT=json` makes each line a JSON object. The
//! variables are pyrt's own: read once, the first time anything is traced,
//! whatever `-E` or isolation say. With tracing off a trace point costs one
//! relaxed atomic load.
//!
//! A line: `pyrt-trace SECONDS CATEGORY EVENT key=value ...` (the monotonic
//! clock, microsecond resolution), or in JSON
//! `{"t":SECONDS,"cat":CATEGORY,"event":EVENT,"key":"value",...}`.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

/// Not read yet.
const UNREAD: u8 = 0;
/// Off.
const OFF: u8 = 1;
/// Text lines.
const TEXT: u8 = 2;
/// JSON lines.
const JSON: u8 = 3;

static STATE: AtomicU8 = AtomicU8::new(UNREAD);

/// Where the lines go: -1 before the settings are read, else a descriptor.
static FD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

/// True when tracing is on (reads the settings the first time).
#[inline]
pub fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        OFF => false,
        UNREAD => read_settings(),
        _ => true,
    }
}

#[cold]
fn read_settings() -> bool {
    let target = super::getenv(c"PYRT_TRACE").filter(|v| !v.is_empty() && v != b"0");
    let state = match &target {
        None => OFF,
        Some(_) if super::getenv(c"PYRT_TRACE_FORMAT").as_deref() == Some(b"json") => JSON,
        Some(_) => TEXT,
    };
    let fd = match target.as_deref() {
        None | Some(b"1") => 2,
        Some(path) => {
            let c = std::ffi::CString::new(path).unwrap_or_default();
            // SAFETY: a NUL-terminated path; the descriptor is kept for the
            // life of the process.
            let fd = unsafe {
                libc::open(
                    c.as_ptr(),
                    libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND | libc::O_CLOEXEC,
                    0o644,
                )
            };
            if fd < 0 { 2 } else { fd }
        }
    };
    FD.store(fd, Ordering::Relaxed);
    // Another thread may have read them meanwhile: the first answer stays.
    let _ = STATE.compare_exchange(UNREAD, state, Ordering::Relaxed, Ordering::Relaxed);
    STATE.load(Ordering::Relaxed) != OFF
}

fn json_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for ch in String::from_utf8_lossy(s).chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Writes one trace line (call only when [`enabled`]): `category` and
/// `event` name the step, `fields` its details.
#[cold]
pub fn emit(category: &str, event: &str, fields: &[(&str, &[u8])]) {
    let ns = super::thread::now_ns();
    let secs = format!("{}.{:06}", ns / 1_000_000_000, (ns % 1_000_000_000) / 1000);
    let mut line = Vec::with_capacity(128);
    if STATE.load(Ordering::Relaxed) == JSON {
        line.extend_from_slice(b"{\"t\":");
        line.extend_from_slice(secs.as_bytes());
        line.extend_from_slice(b",\"cat\":");
        json_string(&mut line, category.as_bytes());
        line.extend_from_slice(b",\"event\":");
        json_string(&mut line, event.as_bytes());
        for (k, v) in fields {
            line.push(b',');
            json_string(&mut line, k.as_bytes());
            line.push(b':');
            json_string(&mut line, v);
        }
        line.extend_from_slice(b"}\n");
    } else {
        let _ = write!(line, "pyrt-trace {secs} {category} {event}");
        for (k, v) in fields {
            let _ = write!(line, " {k}=");
            line.extend_from_slice(v);
        }
        line.push(b'\n');
    }
    let fd = FD.load(Ordering::Relaxed);
    // SAFETY: writes a valid buffer to the trace descriptor; one write per
    // line keeps lines whole between threads. A failed write is ignored.
    unsafe { libc::write(fd, line.as_ptr().cast(), line.len()) };
}

/// [`emit`] if tracing is on.
#[inline]
pub fn event(category: &str, event: &str, fields: &[(&str, &[u8])]) {
    if enabled() {
        emit(category, event, fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        let mut out = Vec::new();
        json_string(&mut out, b"a\"b\\c\nd\x01\xff");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\c\\nd\\u0001\u{fffd}\""
        );
    }
}
