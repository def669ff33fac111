//! The real process behind [`PreHost`]: environment variables and the C locale.

use std::borrow::Cow;
use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;

use crate::config::preconfig::PreHost;
use crate::config::read::ConfigHost;
use crate::locale::DecodeError;
use crate::wstr::WideString;

/// The current process. A configuration read looks up dozens of `PYTHON*`
/// variables: [`Process::snapshot`] collects them in one pass over the
/// environment, and lookups of other names go to `getenv` directly.
#[derive(Default)]
pub struct Process {
    /// The `PYTHON*` entries, each as the length of its name and of its
    /// value (native-endian `u32`s), then the name and the value.
    python_env: Option<EnvBytes>,
    /// [`name_bit`] of each name in the snapshot: most lookups of absent
    /// names stop at this mask.
    python_names: u64,
}

use crate::config::preconfig::env_name_bit as name_bit;

/// Bytes kept in place up to [`ENV_INLINE`] (room for a typical
/// environment's few `PYTHON*` entries), all on the heap beyond.
struct EnvBytes {
    len: usize,
    inline: [u8; ENV_INLINE],
    heap: Vec<u8>,
}

const ENV_INLINE: usize = 256;

impl EnvBytes {
    const fn new() -> EnvBytes {
        EnvBytes {
            len: 0,
            inline: [0; ENV_INLINE],
            heap: Vec::new(),
        }
    }

    /// Appends the concatenation of `parts`.
    fn extend(&mut self, parts: &[&[u8]]) {
        let n: usize = parts.iter().map(|p| p.len()).sum();
        if self.heap.is_empty() && n <= ENV_INLINE - self.len {
            for p in parts {
                self.inline[self.len..self.len + p.len()].copy_from_slice(p);
                self.len += p.len();
            }
            return;
        }
        if self.heap.is_empty() {
            self.heap.reserve(2 * ENV_INLINE);
            self.heap.extend_from_slice(&self.inline[..self.len]);
        }
        for p in parts {
            self.heap.extend_from_slice(p);
        }
    }

    fn as_slice(&self) -> &[u8] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }
}

unsafe extern "C" {
    static environ: *const *const libc::c_char;
}

/// Every entry of the environment (`NAME=value`), in order.
pub fn environment() -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    // SAFETY: `environ` is NULL or a NULL-terminated array of NUL-terminated
    // strings; pyrt reads it as getenv does.
    unsafe {
        let mut p = environ;
        while !p.is_null() && !(*p).is_null() {
            all.push(CStr::from_ptr(*p).to_bytes().to_vec());
            p = p.add(1);
        }
    }
    all
}

/// The environment holds exactly `entries`, in order ([`environment`]'s
/// answer, compared in place).
pub fn environment_is(entries: &[Vec<u8>]) -> bool {
    let mut expected = entries.iter();
    // SAFETY: as in [`environment`].
    unsafe {
        let mut p = environ;
        while !p.is_null() && !(*p).is_null() {
            match expected.next() {
                Some(e) if CStr::from_ptr(*p).to_bytes() == e.as_slice() => {}
                _ => return false,
            }
            p = p.add(1);
        }
    }
    expected.next().is_none()
}

impl Process {
    /// The process without a snapshot: every lookup calls `getenv`.
    pub const fn new() -> Process {
        Process {
            python_env: None,
            python_names: 0,
        }
    }

    /// The process with its `PYTHON*` variables collected now, in
    /// environment order (the first of duplicate names wins, as with `getenv`).
    pub fn snapshot() -> Process {
        let mut vars = EnvBytes::new();
        let mut names = 0;
        // SAFETY: `environ` is NULL or a NULL-terminated array of
        // NUL-terminated `NAME=value` strings; pyrt reads it as getenv does.
        unsafe {
            let mut p = environ;
            while !p.is_null() && !(*p).is_null() {
                // Compared byte by byte (stopping at a mismatch, so never
                // past the NUL): most entries are rejected without strlen.
                let s = (*p).cast::<u8>();
                if (0..6).all(|i| *s.add(i) == b"PYTHON"[i]) {
                    let entry = CStr::from_ptr(*p).to_bytes();
                    if let Some(eq) = entry.iter().position(|&b| b == b'=') {
                        let (name, value) = (&entry[..eq], &entry[eq + 1..]);
                        if let (Ok(n), Ok(v)) =
                            (u32::try_from(name.len()), u32::try_from(value.len()))
                        {
                            names |= name_bit(name);
                            vars.extend(&[&n.to_ne_bytes(), &v.to_ne_bytes(), name, value]);
                        }
                    }
                }
                p = p.add(1);
            }
        }
        Process {
            python_env: Some(vars),
            python_names: names,
        }
    }

    /// The value of `name` in the snapshot (the first entry of that name).
    fn snapshot_value<'a>(mut vars: &'a [u8], name: &str) -> Option<&'a [u8]> {
        let name = name.as_bytes();
        while vars.len() >= 8 {
            let len = |at: usize| {
                u32::from_ne_bytes([vars[at], vars[at + 1], vars[at + 2], vars[at + 3]]) as usize
            };
            let (n, v) = (len(0), len(4));
            let (entry_name, rest) = vars[8..].split_at(n);
            let (value, rest) = rest.split_at(v);
            if entry_name == name {
                return Some(value);
            }
            vars = rest;
        }
        None
    }
}

/// `getenv(3)` without allocating for the name (names are short literals).
fn c_getenv(name: &str) -> Option<Vec<u8>> {
    let mut buf = [0u8; 64];
    let bytes = name.as_bytes();
    if bytes.len() >= buf.len() || bytes.contains(&0) {
        return std::env::var_os(name).map(|v| v.as_bytes().to_vec());
    }
    buf[..bytes.len()].copy_from_slice(bytes);
    // SAFETY: `buf` is NUL-terminated; the value is copied before any other
    // environment call.
    unsafe {
        let v = libc::getenv(buf.as_ptr().cast());
        (!v.is_null()).then(|| CStr::from_ptr(v).to_bytes().to_vec())
    }
}

/// Locales tried, in order, when coercing the C locale (PEP 538).
const COERCION_TARGETS: &[&CStr] = &[c"C.UTF-8", c"C.utf8", c"UTF-8"];

/// The name of the current `LC_CTYPE` locale.
pub fn lc_ctype() -> Option<Vec<u8>> {
    setlocale(libc::LC_CTYPE, None)
}

fn setlocale(category: libc::c_int, name: Option<&CStr>) -> Option<Vec<u8>> {
    let arg = name.map_or(std::ptr::null(), CStr::as_ptr);
    // SAFETY: `arg` is NULL or a NUL-terminated string; setlocale returns NULL
    // or a NUL-terminated string that is copied before any other locale call.
    let r = unsafe { libc::setlocale(category, arg) };
    // SAFETY: see above.
    (!r.is_null()).then(|| unsafe { CStr::from_ptr(r) }.to_bytes().to_vec())
}

fn write_stderr(text: &str) {
    // SAFETY: writing a valid buffer to fd 2; failures are ignored like fprintf's.
    unsafe { libc::write(2, text.as_ptr().cast(), text.len()) };
}

impl PreHost for Process {
    fn python_names(&self) -> u64 {
        match self.python_env {
            Some(_) => self.python_names,
            None => u64::MAX,
        }
    }

    fn getenv(&self, name: &str) -> Option<Cow<'_, [u8]>> {
        match &self.python_env {
            // (`get_env` already turned away the names outside `python_names`.)
            Some(vars) if name.starts_with("PYTHON") => {
                Process::snapshot_value(vars.as_slice(), name).map(Cow::Borrowed)
            }
            _ => c_getenv(name).map(Cow::Owned),
        }
    }

    fn lc_ctype(&self) -> Option<Vec<u8>> {
        lc_ctype()
    }

    fn lc_ctype_in(&self, names: &[&[u8]]) -> bool {
        // SAFETY: a NULL name only queries; the result is NULL or a
        // NUL-terminated string, compared before any other locale call.
        unsafe {
            let r = libc::setlocale(libc::LC_CTYPE, std::ptr::null());
            !r.is_null() && names.contains(&CStr::from_ptr(r).to_bytes())
        }
    }

    fn set_lc_ctype(&mut self, name: &[u8]) -> bool {
        let Ok(name) = CString::new(name) else {
            return false;
        };
        setlocale(libc::LC_CTYPE, Some(&name)).is_some()
    }

    fn coerce_legacy_locale(&mut self, warn: bool) -> bool {
        let Some(old) = self.lc_ctype() else {
            return false;
        };
        if self.getenv("LC_ALL").is_none_or(|v| v.is_empty()) {
            for target in COERCION_TARGETS {
                if setlocale(libc::LC_CTYPE, Some(target)).is_none() {
                    continue;
                }
                // SAFETY: nl_langinfo returns NULL or a NUL-terminated string.
                let codeset = unsafe { libc::nl_langinfo(libc::CODESET) };
                // SAFETY: checked non-NULL first.
                if codeset.is_null() || unsafe { *codeset } == 0 {
                    continue;
                }
                setlocale(libc::LC_ALL, Some(c""));
                // SAFETY: both strings are NUL-terminated.
                if unsafe { libc::setenv(c"LC_CTYPE".as_ptr(), target.as_ptr(), 1) } != 0 {
                    write_stderr("Error setting LC_CTYPE, skipping C locale coercion\n");
                    return false;
                }
                if warn {
                    write_stderr(&format!(
                        "Python detected LC_CTYPE=C: LC_CTYPE coerced to {} (set another \
                         locale or PYTHONCOERCECLOCALE=0 to disable this locale coercion \
                         behavior).\n",
                        target.to_string_lossy()
                    ));
                }
                setlocale(libc::LC_ALL, Some(c""));
                return true;
            }
        }
        self.set_lc_ctype(&old);
        false
    }

    fn decode_arg(&self, arg: &[u8], utf8_mode: bool) -> Result<WideString, DecodeError> {
        super::decode_with(arg, utf8_mode)
    }
}

unsafe extern "C" {
    static mut stdout: *mut libc::FILE;
    static mut stderr: *mut libc::FILE;
}

fn write_file(file: *mut libc::FILE, text: &[u8]) {
    // SAFETY: `file` is C's stdout or stderr stream; fwrite copies `text`.
    unsafe { libc::fwrite(text.as_ptr().cast(), 1, text.len(), file) };
}

impl ConfigHost for Process {
    fn cwd(&self) -> Option<WideString> {
        let dir = std::env::current_dir().ok()?;
        crate::locale::decode(dir.as_os_str().as_bytes(), super::utf8_mode()).ok()
    }

    fn with_locale_codeset(&self, f: &mut dyn FnMut(Option<&[u8]>)) {
        // SAFETY: nl_langinfo returns NULL or a NUL-terminated string, which
        // stays valid until the locale changes (not during `f`, which only
        // reads it).
        let p = unsafe { libc::nl_langinfo(libc::CODESET) };
        // SAFETY: checked non-NULL.
        f((!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes()))
    }

    fn force_ascii(&self) -> bool {
        crate::locale::force_ascii()
    }

    fn write_stdout(&mut self, text: &[u8]) {
        // SAFETY: reading the stream pointer C's library set up.
        write_file(unsafe { stdout }, text);
    }

    fn write_stderr(&mut self, text: &[u8]) {
        // SAFETY: reading the `stderr` stream pointer C's library set up; pyrt never
        // writes it.
        write_file(unsafe { stderr }, text);
    }

    fn encode(&self, text: &WideString) -> Vec<u8> {
        crate::locale::encode(text.units(), super::utf8_mode())
            .unwrap_or_else(|_| text.to_string_lossy().into_bytes())
    }

    fn ignore_environment_flag(&self) -> bool {
        crate::runtime::legacy::ignore_environment_flag()
    }
}

/// Sets C stdio buffering as CPython's init does when `configure_c_stdio` is set.
pub fn configure_c_stdio(unbuffered: bool, interactive: bool) {
    // SAFETY: setvbuf on C's standard streams before further use of them by pyrt.
    unsafe {
        if unbuffered {
            libc::setvbuf(stdin_file(), std::ptr::null_mut(), libc::_IONBF, 0);
            libc::setvbuf(stdout, std::ptr::null_mut(), libc::_IONBF, 0);
            libc::setvbuf(stderr, std::ptr::null_mut(), libc::_IONBF, 0);
        } else if interactive {
            libc::setvbuf(
                stdin_file(),
                std::ptr::null_mut(),
                libc::_IOLBF,
                libc::BUFSIZ as usize,
            );
            libc::setvbuf(
                stdout,
                std::ptr::null_mut(),
                libc::_IOLBF,
                libc::BUFSIZ as usize,
            );
        }
    }
}

unsafe extern "C" {
    static mut stdin: *mut libc::FILE;
}

fn stdin_file() -> *mut libc::FILE {
    // SAFETY: reading the stream pointer C's library set up.
    unsafe { stdin }
}

/// True when `LC_CTYPE` is the plain C locale.
pub fn lc_ctype_is_c() -> bool {
    setlocale(libc::LC_CTYPE, None).as_deref() == Some(b"C")
}

/// Writes one line to C's stderr.
pub fn write_stderr_line(text: &str) {
    let mut line = text.as_bytes().to_vec();
    line.push(b'\n');
    // SAFETY: as in `write_file`.
    write_file(unsafe { stderr }, &line);
}

/// Set by the SIGINT handler pyrt installs; read by `PyOS_InterruptOccurred`.
pub static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static SIGINT_INSTALLED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// The handler currently installed for `sig`.
pub fn get_signal(sig: libc::c_int) -> libc::sighandler_t {
    // SAFETY: sigaction with a NULL new action only reads the current one.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(sig, std::ptr::null(), &mut old) != 0 {
            return libc::SIG_ERR;
        }
        old.sa_sigaction
    }
}

/// Installs `handler` for `sig` (with `SA_ONSTACK`, as CPython) and returns the previous one.
pub fn set_signal(sig: libc::c_int, handler: libc::sighandler_t) -> libc::sighandler_t {
    // SAFETY: a zeroed sigaction with an empty mask and a valid handler value.
    unsafe {
        let mut new: libc::sigaction = std::mem::zeroed();
        let mut old: libc::sigaction = std::mem::zeroed();
        new.sa_sigaction = handler;
        new.sa_flags = libc::SA_ONSTACK;
        libc::sigemptyset(&mut new.sa_mask);
        if libc::sigaction(sig, &new, &mut old) != 0 {
            return libc::SIG_ERR;
        }
        old.sa_sigaction
    }
}

/// SIGPIPE and SIGXFSZ ignored; SIGINT sets the interrupt flag if it was at its default.
pub fn install_signal_handlers() {
    set_signal(libc::SIGPIPE, libc::SIG_IGN);
    set_signal(libc::SIGXFSZ, libc::SIG_IGN);
    if get_signal(libc::SIGINT) == libc::SIG_DFL {
        set_signal(libc::SIGINT, on_sigint as *const () as libc::sighandler_t);
        SIGINT_INSTALLED.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Puts back the default SIGINT disposition if pyrt installed its handler.
pub fn restore_signal_handlers() {
    if SIGINT_INSTALLED.swap(false, std::sync::atomic::Ordering::SeqCst)
        && get_signal(libc::SIGINT) == on_sigint as *const () as libc::sighandler_t
    {
        set_signal(libc::SIGINT, libc::SIG_DFL);
    }
}

/// True while pyrt's SIGINT handler is the installed one.
pub fn sigint_handler_installed() -> bool {
    SIGINT_INSTALLED.load(std::sync::atomic::Ordering::SeqCst)
        && get_signal(libc::SIGINT) == on_sigint as *const () as libc::sighandler_t
}
