//! What CPython 3.14's `site` module adds to `sys.path` at startup (POSIX),
//! computed without running it: duplicates removed, the venv's
//! `pyvenv.cfg`, the user site, the global site-packages directories of
//! each prefix and the `.pth` files in each site directory, in `site`'s
//! order. Lines of `.pth` files that `site` would execute (`import ...`) are
//! reported, never run. Every file-system question goes through [`Fs`], so
//! the rules run over the real disk or over a described tree in tests.
//!
//! Paths are bytes, as the file system stores them; `.pth` lines are decoded
//! as `site` decodes them (UTF-8, with or without a byte-order mark) and
//! encoded back as UTF-8, which is the file-system encoding of every
//! configuration but the C locale without coercion.

use super::Fs;

/// Where the global site-packages directories are: Debian's python3.14
/// (the reference build) or upstream CPython's.
pub type Layout = i32;
/// Debian's layout: `local/lib/python3.14/dist-packages`,
/// `lib/python3/dist-packages`, `{platlibdir,lib}/python3.14/dist-packages`
/// (and `lib/python3.14/site-packages` first inside a venv).
pub const LAYOUT_DEBIAN: Layout = 1;
/// Upstream CPython's layout: `{platlibdir,lib}/python3.14/site-packages`.
pub const LAYOUT_UPSTREAM: Layout = 2;

/// The build's layout: `PYRT_SITE_LAYOUT` at build time (`debian`, the
/// default, as the reference build; or `upstream`).
pub fn build_layout() -> Layout {
    match option_env!("PYRT_SITE_LAYOUT") {
        Some("upstream") => LAYOUT_UPSTREAM,
        _ => LAYOUT_DEBIAN,
    }
}

/// What `site` reads: the interpreter's values once initialized.
#[derive(Clone, Debug, Default)]
pub struct Input {
    /// `sys.path` before `site` (the configuration's `module_search_paths`).
    pub sys_path: Vec<Vec<u8>>,
    /// `sys.executable`.
    pub executable: Vec<u8>,
    /// `sys.prefix`.
    pub prefix: Vec<u8>,
    /// `sys.exec_prefix`.
    pub exec_prefix: Vec<u8>,
    /// `sys.base_prefix`.
    pub base_prefix: Vec<u8>,
    /// `sys.base_exec_prefix`.
    pub base_exec_prefix: Vec<u8>,
    /// `sys.platlibdir`.
    pub platlibdir: Vec<u8>,
    /// `sys.flags.no_user_site`.
    pub no_user_site: bool,
    /// The real and effective user or group ids differ.
    pub ids_differ: bool,
    /// `PYTHONUSERBASE` (read whatever `-E` says; None when unset or empty).
    pub pythonuserbase: Option<Vec<u8>>,
    /// `HOME` as set (None when unset).
    pub home_env: Option<Vec<u8>>,
    /// The password database's home directory of the real user (used when
    /// `HOME` is unset; None when there is none).
    pub home_pwd: Option<Vec<u8>>,
    /// Python's version.
    pub major: u32,
    /// Python's version.
    pub minor: u32,
    /// `t` for free-threaded builds, else empty.
    pub abi_thread: Vec<u8>,
    /// Where the global site-packages are.
    pub layout: Layout,
    /// `sys.warnoptions`, which decide what becomes of `site`'s warnings.
    pub warnoptions: Vec<String>,
    /// Look for `sitecustomize` and `usercustomize` on the final path.
    pub find_customize: bool,
}

/// Why an entry is on `sys.path`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The path configuration (getpath, `PYTHONPATH`, the caller).
    Config,
    /// A site-packages directory (of the venv, the user site or a prefix).
    SiteDir,
    /// The user site-packages directory.
    UserSite,
    /// A line of a `.pth` file: the file and the line's number (from 1).
    Pth(Vec<u8>, usize),
    /// The main program's `sys.path[0]` (the script's directory, `""` for
    /// `-c`, the working directory for `-m`).
    Main,
}

/// A `.pth` line that `site` would execute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PthImport {
    /// The `.pth` file.
    pub file: Vec<u8>,
    /// The line's number (from 1).
    pub line: usize,
    /// The line as `site` reads it.
    pub text: String,
}

/// What `site` decides.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// `sys.path` after `site`, with each entry's origin.
    pub sys_path: Vec<(Vec<u8>, Origin)>,
    /// `site.ENABLE_USER_SITE` (None: disabled for security reasons).
    pub enable_user_site: Option<bool>,
    /// `site.USER_BASE`.
    pub user_base: Vec<u8>,
    /// `site.USER_SITE`.
    pub user_site: Vec<u8>,
    /// `site.PREFIXES`.
    pub prefixes: Vec<Vec<u8>>,
    /// The `pyvenv.cfg` found, if any.
    pub pyvenv_cfg: Option<Vec<u8>>,
    /// Its `include-system-site-packages` decision (None without a venv).
    pub system_site: Option<bool>,
    /// The site directories processed (existing ones), in order.
    pub site_dirs: Vec<Vec<u8>>,
    /// The `.pth` lines `site` would execute, in order.
    pub pth_imports: Vec<PthImport>,
    /// The `sitecustomize` module `site` would import last (and run),
    /// if one is on the final `sys.path`.
    pub sitecustomize: Option<Vec<u8>>,
    /// The `usercustomize` module, likewise (looked for only with the user
    /// site on).
    pub usercustomize: Option<Vec<u8>>,
    /// What `site` writes to stderr (its warnings).
    pub stderr: String,
    /// `site` fails: a warning that the warning filters make an error ends
    /// the import (the exception as the fatal error's report prints it).
    pub error: Option<String>,
}

/* --- posixpath, on bytes ---------------------------------------------------- */

/// `os.path.join(a, b)`.
pub fn join(a: &[u8], b: &[u8]) -> Vec<u8> {
    if b.first() == Some(&b'/') {
        return b.to_vec();
    }
    let mut out = a.to_vec();
    if !(out.is_empty() || out.ends_with(b"/")) {
        out.push(b'/');
    }
    out.extend_from_slice(b);
    out
}

/// `os.path.normpath(p)`: getpath's normalization, but for the empty
/// path, which is `.` here.
pub fn normpath(p: &[u8]) -> Vec<u8> {
    if p.is_empty() {
        b".".to_vec()
    } else {
        super::path::normpath(p)
    }
}

/// `os.path.abspath(p)` with `cwd` as the working directory.
pub fn abspath(p: &[u8], cwd: &[u8]) -> Vec<u8> {
    if p.first() == Some(&b'/') {
        normpath(p)
    } else {
        normpath(&join(cwd, p))
    }
}

/// `os.path.dirname(p)`.
pub fn dirname(p: &[u8]) -> Vec<u8> {
    let i = p.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    let head = &p[..i];
    if !head.is_empty() && head.iter().any(|&b| b != b'/') {
        let end = head.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
        head[..end].to_vec()
    } else {
        head.to_vec()
    }
}

/// `os.path.expanduser("~" + rest)` for `rest` starting with `/`.
fn expanduser(rest: &[u8], input: &Input) -> Vec<u8> {
    let home = match (&input.home_env, &input.home_pwd) {
        (Some(h), _) => h.clone(),
        (None, Some(h)) => h.clone(),
        (None, None) => return [b"~".as_slice(), rest].concat(),
    };
    let end = home.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
    let out = [&home[..end], rest].concat();
    if out.is_empty() { b"/".to_vec() } else { out }
}

/* --- str methods `site` uses ------------------------------------------------ */

/// `str.isspace` for one character.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `str.splitlines()`: every Unicode line boundary ends a line.
fn splitlines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let boundary = matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if boundary {
            out.push(&s[start..i]);
            let mut next = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = chars.peek() {
                    chars.next();
                    next = j + 1;
                }
            }
            start = next;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// The lines of a text file opened in text mode (universal newlines: `\n`,
/// `\r\n` and `\r` end a line).
fn text_lines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            out.push(&s[start..i]);
            if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    if start < b.len() {
        out.push(&s[start..]);
    }
    out
}

/* --- site ------------------------------------------------------------------- */

struct Site<'a> {
    fs: &'a dyn Fs,
    /// The working directory, asked for when a relative path needs it.
    cwd: std::cell::OnceCell<Vec<u8>>,
    known: std::collections::HashSet<Vec<u8>>,
    out: Output,
}

fn trace(event: &str, fields: &[(&str, &[u8])]) {
    crate::sys::trace::event("site", event, fields);
}

impl Site<'_> {
    /// `os.path.abspath(p)`.
    fn abs(&self, p: &[u8]) -> Vec<u8> {
        if p.first() == Some(&b'/') {
            normpath(p)
        } else {
            abspath(p, self.cwd.get_or_init(|| self.fs.cwd()))
        }
    }

    fn makepath(&self, a: &[u8], b: &[u8]) -> Vec<u8> {
        self.abs(&join(a, b))
    }

    /// `addsitedir`: the directory, then its `.pth` files.
    fn add_site_dir(&mut self, dir: &[u8], origin: Origin) {
        let dir = self.abs(dir);
        trace("sitedir", &[("path", &dir)]);
        self.out.site_dirs.push(dir.clone());
        if self.known.insert(dir.clone()) {
            self.out.sys_path.push((dir.clone(), origin));
        }
        let Some(mut names) = self.fs.listdir(&dir) else {
            return;
        };
        names.retain(|n| n.ends_with(b".pth") && !n.starts_with(b"."));
        // Code-point order of the decoded names is the byte order of UTF-8.
        names.sort();
        for name in names {
            self.add_pth(&dir, &name);
        }
    }

    /// `addpackage`: one `.pth` file.
    fn add_pth(&mut self, dir: &[u8], name: &[u8]) {
        let file = join(dir, name);
        if !self.fs.lstat_exists(&file) {
            return;
        }
        let Ok(bytes) = self.fs.read_all(&file) else {
            trace("pth", &[("file", &file), ("result", b"unreadable")]);
            return;
        };
        trace("pth", &[("file", &file), ("result", b"read")]);
        let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        // Not UTF-8: `site` falls back to the locale's encoding; pyrt keeps
        // the bytes as they are (the encodings agree on ASCII).
        let text = String::from_utf8_lossy(body).into_owned();
        for (n, line) in splitlines(&text).into_iter().enumerate() {
            let n = n + 1;
            if line.starts_with('#') || line.chars().all(py_space) {
                continue;
            }
            if line.starts_with("import ") || line.starts_with("import\t") {
                if crate::sys::trace::enabled() {
                    trace(
                        "pth import",
                        &[("file", &file), ("line", n.to_string().as_bytes())],
                    );
                }
                self.out.pth_imports.push(PthImport {
                    file: file.clone(),
                    line: n,
                    text: line.to_string(),
                });
                continue;
            }
            let line = line.trim_end_matches(py_space);
            let path = self.makepath(dir, line.as_bytes());
            let added = !self.known.contains(&path) && self.fs.exists(&path);
            if crate::sys::trace::enabled() {
                trace(
                    "pth line",
                    &[
                        ("file", &file),
                        ("line", n.to_string().as_bytes()),
                        ("path", &path),
                        ("added", if added { b"yes" } else { b"no" }),
                    ],
                );
            }
            if added {
                self.known.insert(path.clone());
                self.out.sys_path.push((path, Origin::Pth(file.clone(), n)));
            }
        }
    }

    /// `getsitepackages(prefixes)` (the candidates; `addsitepackages` keeps
    /// the existing directories).
    fn site_packages(&self, prefixes: &[Vec<u8>], input: &Input) -> Vec<Vec<u8>> {
        let ver = format!("python{}.{}", input.major, input.minor);
        let ver_t = format!("{ver}{}", String::from_utf8_lossy(&input.abi_thread));
        let mut libdirs: Vec<&[u8]> = vec![&input.platlibdir];
        if input.platlibdir != b"lib" {
            libdirs.push(b"lib");
        }
        let venv = input.base_prefix != input.prefix;
        let mut seen: Vec<&[u8]> = Vec::new();
        let mut out = Vec::new();
        for prefix in prefixes {
            if prefix.is_empty() || seen.contains(&prefix.as_slice()) {
                continue;
            }
            seen.push(prefix);
            let sub = |parts: &[&[u8]]| parts.iter().fold(prefix.clone(), |p, s| join(&p, s));
            if input.layout == LAYOUT_UPSTREAM {
                for l in &libdirs {
                    out.push(sub(&[l, ver_t.as_bytes(), b"site-packages"]));
                }
            } else {
                if venv {
                    out.push(sub(&[b"lib", ver.as_bytes(), b"site-packages"]));
                }
                out.push(sub(&[b"local/lib", ver.as_bytes(), b"dist-packages"]));
                out.push(sub(&[b"lib", b"python3", b"dist-packages"]));
                for l in &libdirs {
                    out.push(sub(&[l, ver_t.as_bytes(), b"dist-packages"]));
                }
            }
        }
        out
    }

    fn add_site_packages(&mut self, prefixes: &[Vec<u8>], input: &Input) {
        for dir in self.site_packages(prefixes, input) {
            if self.fs.is_dir(&dir) {
                self.add_site_dir(&dir, Origin::SiteDir);
            }
        }
    }

    /// `venv`: `pyvenv.cfg` beside the executable or one directory up.
    fn venv(&mut self, input: &Input) {
        let exe_dir = dirname(&self.abs(&input.executable));
        let site_prefix = dirname(&exe_dir);
        let Some(cfg) = [
            join(&exe_dir, b"pyvenv.cfg"),
            join(&site_prefix, b"pyvenv.cfg"),
        ]
        .into_iter()
        .find(|c| self.fs.is_file(c)) else {
            return;
        };
        let mut system_site = "true".to_string();
        if let Ok(bytes) = self.fs.read_all(&cfg) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            for line in text_lines(&text) {
                if let Some((key, value)) = line.split_once('=') {
                    if key.trim_matches(py_space).to_lowercase() == "include-system-site-packages" {
                        system_site = value.trim_matches(py_space).to_lowercase();
                    }
                }
            }
        }
        let on = system_site == "true";
        trace(
            "venv",
            &[
                ("pyvenv.cfg", &cfg),
                (
                    "include-system-site-packages",
                    if on { b"yes" } else { b"no" },
                ),
            ],
        );
        for (name, value) in [
            ("prefix", &input.prefix),
            ("exec_prefix", &input.exec_prefix),
        ] {
            if *value != site_prefix {
                let message = format!(
                    "Unexpected value in sys.{name}, expected {}, got {}",
                    String::from_utf8_lossy(&site_prefix),
                    String::from_utf8_lossy(value)
                );
                match warning_action(&input.warnoptions, &message) {
                    "ignore" => {}
                    "error" => {
                        // The line of `venv` that warns.
                        let line = if name == "prefix" { 654 } else { 656 };
                        self.out.error = Some(format!(
                            "Traceback (most recent call last):\n\
                             \x20 File \"<frozen importlib._bootstrap>\", line 1371, in _find_and_load\n\
                             \x20 File \"<frozen importlib._bootstrap>\", line 1342, in _find_and_load_unlocked\n\
                             \x20 File \"<frozen importlib._bootstrap>\", line 938, in _load_unlocked\n\
                             \x20 File \"<frozen importlib._bootstrap>\", line 1179, in exec_module\n\
                             \x20 File \"<frozen site>\", line 741, in <module>\n\
                             \x20 File \"<frozen site>\", line 724, in main\n\
                             \x20 File \"<frozen site>\", line {line}, in venv\n\
                             \x20 File \"<frozen site>\", line 107, in _warn\n\
                             RuntimeWarning: {message}"
                        ));
                        return;
                    }
                    _ => self
                        .out
                        .stderr
                        .push_str(&format!("<frozen site>:107: RuntimeWarning: {message}\n")),
                }
            }
        }
        self.out.pyvenv_cfg = Some(cfg);
        self.out.system_site = Some(on);
        self.add_site_packages(std::slice::from_ref(&input.prefix), input);
        if on {
            self.out.prefixes.push(input.base_prefix.clone());
            self.out.prefixes.push(input.base_exec_prefix.clone());
        } else {
            self.out.enable_user_site = Some(false);
        }
    }
}

/// What the warning filters of `warnoptions` (`sys.warnoptions`, the last
/// one first, then the default filters) do with `site`'s RuntimeWarning
/// `message` (module `site`, line 107): "ignore", "error", or another action,
/// all of which print each of `site`'s warnings once. Options the warnings
/// module would refuse as invalid are passed over.
pub fn warning_action(warnoptions: &[String], message: &str) -> &'static str {
    for opt in warnoptions.iter().rev() {
        // An invalid option is passed over, as is a valid one naming a
        // category of a module (none of which is `site`'s RuntimeWarning
        // or one of its bases, `Warning` aside, which `builtins` has).
        let Ok(f) = parse_warnoption(opt, &|_| true) else {
            continue;
        };
        let category = f.category.strip_prefix("builtins.").unwrap_or(f.category);
        if matches!(category, "" | "Warning" | "RuntimeWarning")
            && (f.lineno == 0 || f.lineno == 107)
            && message
                .to_lowercase()
                .starts_with(&f.message.to_lowercase())
            && (f.module.is_empty() || f.module == "site")
        {
            return f.action;
        }
    }
    "default"
}

/// A string of code points (lone surrogates included) as Python's `repr`
/// shows it.
pub fn python_repr(units: impl Iterator<Item = u32> + Clone) -> String {
    let has = |c: char| units.clone().any(|u| u == c as u32);
    let quote = if has('\'') && !has('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for u in units {
        match char::from_u32(u) {
            Some('\\') => out.push_str("\\\\"),
            Some('\t') => out.push_str("\\t"),
            Some('\n') => out.push_str("\\n"),
            Some('\r') => out.push_str("\\r"),
            Some(c) if c == quote => {
                out.push('\\');
                out.push(c);
            }
            Some(c) if (' '..='~').contains(&c) => out.push(c),
            Some(c) if u >= 0xa0 && !c.is_control() && !c.is_whitespace() && u != 0xad => {
                out.push(c)
            }
            _ if u < 0x100 => out.push_str(&format!("\\x{u:02x}")),
            _ if u < 0x10000 => out.push_str(&format!("\\u{u:04x}")),
            _ => out.push_str(&format!("\\U{u:08x}")),
        }
    }
    out.push(quote);
    out
}

/// The builtin names that are warning categories.
const BUILTIN_WARNINGS: [&str; 12] = [
    "BytesWarning",
    "DeprecationWarning",
    "EncodingWarning",
    "FutureWarning",
    "ImportWarning",
    "PendingDeprecationWarning",
    "ResourceWarning",
    "RuntimeWarning",
    "SyntaxWarning",
    "UnicodeWarning",
    "UserWarning",
    "Warning",
];

/// The builtin names that are not classes (a category naming one makes
/// the `warnings` module's import fail with a traceback, which pyrt does
/// not report).
const BUILTIN_NON_CLASSES: [&str; 61] = [
    "Ellipsis",
    "False",
    "None",
    "NotImplemented",
    "True",
    "__build_class__",
    "__debug__",
    "__doc__",
    "__import__",
    "__name__",
    "__package__",
    "__spec__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "breakpoint",
    "callable",
    "chr",
    "compile",
    "copyright",
    "credits",
    "delattr",
    "dir",
    "divmod",
    "eval",
    "exec",
    "exit",
    "format",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "locals",
    "max",
    "min",
    "next",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "quit",
    "repr",
    "round",
    "setattr",
    "sorted",
    "sum",
    "vars",
];

/// The builtin classes that are not warning categories (Python 3.14's
/// `builtins`).
const BUILTIN_CLASSES: [&str; 86] = [
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "EOFError",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "NotADirectoryError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "RuntimeError",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "ValueError",
    "ZeroDivisionError",
    "bool",
    "bytearray",
    "bytes",
    "classmethod",
    "complex",
    "dict",
    "enumerate",
    "filter",
    "float",
    "frozenset",
    "int",
    "list",
    "map",
    "memoryview",
    "object",
    "property",
    "range",
    "reversed",
    "set",
    "slice",
    "staticmethod",
    "str",
    "super",
    "tuple",
    "type",
    "zip",
    "_IncompleteInputError",
    "__loader__",
];

/// What the `warnings` module prints on stderr, when it is imported at
/// startup, for the options of `warnoptions` it ignores as invalid
/// ("Invalid -W option ignored: ..." lines, in order). `module_found`
/// tells whether a category's module (`json` of `json.Foo`) would be
/// imported. A category naming a class of a module that is found is taken
/// as valid (pyrt does not look inside modules), and one naming a builtin
/// that is not a class (which makes the import fail) is passed over.
pub fn invalid_warnoptions(warnoptions: &[String], module_found: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::new();
    for opt in warnoptions {
        if let Err(why) = parse_warnoption(opt, module_found) {
            out.push_str("Invalid -W option ignored: ");
            out.push_str(&why);
            out.push('\n');
        }
    }
    out
}

fn repr(s: &str) -> String {
    python_repr(s.chars().map(|c| c as u32))
}

/// One warning option (`action:message:category:module:lineno`) as the
/// `warnings` module reads it, fields stripped.
struct WarnOption<'a> {
    /// The full action name ("all" is "always").
    action: &'static str,
    message: &'a str,
    category: &'a str,
    module: &'a str,
    lineno: i64,
}

/// Reads the option `arg` as the `warnings` module does, or says why it
/// ignores it. `module_found`: as [`invalid_warnoptions`]'s.
fn parse_warnoption<'a>(
    arg: &'a str,
    module_found: &dyn Fn(&str) -> bool,
) -> Result<WarnOption<'a>, String> {
    const ACTIONS: [&str; 7] = [
        "default", "always", "all", "ignore", "module", "once", "error",
    ];
    let parts: Vec<&str> = arg.split(':').collect();
    if parts.len() > 5 {
        return Err(format!("too many fields (max 5): {}", repr(arg)));
    }
    let field = |i: usize| parts.get(i).map_or("", |p| p.trim());
    let action = match field(0) {
        "" => "default",
        a => match ACTIONS.iter().find(|x| x.starts_with(a)) {
            Some(&"all") => "always",
            Some(x) => x,
            None => return Err(format!("invalid action: {}", repr(a))),
        },
    };
    let category = field(2);
    if !category.is_empty() {
        let (module, class) = match category.rsplit_once('.') {
            None => ("builtins", category),
            Some(mc) => mc,
        };
        if module == "builtins" {
            if BUILTIN_CLASSES.contains(&class) {
                return Err(format!("invalid warning category: {}", repr(category)));
            }
            if !BUILTIN_WARNINGS.contains(&class) && !BUILTIN_NON_CLASSES.contains(&class) {
                return Err(format!("unknown warning category: {}", repr(category)));
            }
        } else if !module.is_empty() && !module_found(module) {
            return Err(format!("invalid module name: {}", repr(module)));
        }
    }
    let lineno = match field(4) {
        "" => 0,
        n => match n.parse::<i64>() {
            Ok(n) if n < 0 => return Err(format!("invalid lineno {n}")),
            Ok(n) => n,
            Err(_) => return Err(format!("invalid lineno {}", repr(n))),
        },
    };
    Ok(WarnOption {
        action,
        message: field(1),
        category,
        module: field(3),
        lineno,
    })
}

/// Runs `site`'s part of startup over `fs` (the working directory is
/// `fs.cwd()`, asked for only when a relative path needs it).
pub fn compute(input: &Input, fs: &dyn Fs) -> Output {
    let mut s = Site {
        fs,
        cwd: std::cell::OnceCell::new(),
        known: std::collections::HashSet::new(),
        out: Output::default(),
    };
    // `removeduppaths`.
    for p in &input.sys_path {
        let p = s.abs(p);
        if s.known.insert(p.clone()) {
            s.out.sys_path.push((p, Origin::Config));
        }
    }
    s.out.prefixes = vec![input.prefix.clone(), input.exec_prefix.clone()];
    // The user site stays undecided (None) until decided; `Some(None)`
    // would mean "disabled for security reasons".
    let mut decided = false;
    s.venv(input);
    if s.out.error.is_some() {
        return s.out;
    }
    if s.out.enable_user_site.is_some() {
        decided = true;
    }
    if !decided {
        s.out.enable_user_site = if input.no_user_site {
            Some(false)
        } else if input.ids_differ {
            None
        } else {
            Some(true)
        };
    }
    let user_base = match &input.pythonuserbase {
        Some(b) if !b.is_empty() => b.clone(),
        _ => expanduser(b"/.local", input),
    };
    let ver = format!(
        "python{}.{}{}",
        input.major,
        input.minor,
        String::from_utf8_lossy(&input.abi_thread)
    );
    let user_site = [
        user_base.as_slice(),
        b"/lib/",
        ver.as_bytes(),
        b"/site-packages",
    ]
    .concat();
    trace(
        "user site",
        &[
            ("USER_BASE", &user_base),
            ("USER_SITE", &user_site),
            (
                "ENABLE_USER_SITE",
                match s.out.enable_user_site {
                    Some(true) => b"True",
                    Some(false) => b"False",
                    None => b"None",
                },
            ),
        ],
    );
    if s.out.enable_user_site == Some(true) && fs.is_dir(&user_site) {
        s.add_site_dir(&user_site, Origin::UserSite);
    }
    s.out.user_base = user_base;
    s.out.user_site = user_site;
    let prefixes = s.out.prefixes.clone();
    s.add_site_packages(&prefixes, input);
    // `execsitecustomize`, then `execusercustomize` with the user site on:
    // whether each module would be found (not run).
    let paths: Vec<Vec<u8>> = s.out.sys_path.iter().map(|(p, _)| p.clone()).collect();
    let found = |name: &[u8]| match super::importcheck::find(name, &paths, fs) {
        super::importcheck::Found::Module(p) => Some(p),
        _ => None,
    };
    if !input.find_customize {
        return s.out;
    }
    s.out.sitecustomize = found(b"sitecustomize");
    if s.out.enable_user_site == Some(true) {
        s.out.usercustomize = found(b"usercustomize");
    }
    s.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::getpath::ReadError;
    use std::collections::BTreeMap;

    /// A described tree: directories and files by absolute path.
    struct Mem {
        files: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
        cwd: Vec<u8>,
    }

    impl Mem {
        fn new(cwd: &str) -> Mem {
            Mem {
                files: BTreeMap::new(),
                cwd: cwd.into(),
            }
        }
        fn dir(mut self, p: &str) -> Mem {
            let mut acc = Vec::new();
            for c in p.split('/').filter(|c| !c.is_empty()) {
                acc.push(b'/');
                acc.extend_from_slice(c.as_bytes());
                self.files.insert(acc.clone(), None);
            }
            self
        }
        fn file(self, p: &str, body: &[u8]) -> Mem {
            let mut m = self.dir(std::str::from_utf8(&dirname(p.as_bytes())).unwrap());
            m.files.insert(p.into(), Some(body.to_vec()));
            m
        }
    }

    impl Fs for Mem {
        fn is_file(&self, p: &[u8]) -> bool {
            matches!(self.files.get(&normpath(p)), Some(Some(_)))
        }
        fn is_dir(&self, p: &[u8]) -> bool {
            matches!(self.files.get(&normpath(p)), Some(None))
        }
        fn is_exec(&self, _: &[u8]) -> bool {
            false
        }
        fn readlink(&self, _: &[u8]) -> Option<Vec<u8>> {
            None
        }
        fn read(&self, p: &[u8]) -> Result<Vec<u8>, ReadError> {
            match self.files.get(&normpath(p)) {
                Some(Some(b)) => Ok(b.clone()),
                _ => Err(ReadError::NotFound),
            }
        }
        fn cwd(&self) -> Vec<u8> {
            self.cwd.clone()
        }
        fn listdir(&self, p: &[u8]) -> Option<Vec<Vec<u8>>> {
            if !self.is_dir(p) {
                return None;
            }
            let prefix = [normpath(p).as_slice(), b"/"].concat();
            Some(
                self.files
                    .keys()
                    .filter_map(|k| k.strip_prefix(prefix.as_slice()))
                    .filter(|rest| !rest.contains(&b'/'))
                    .map(|r| r.to_vec())
                    .collect(),
            )
        }
    }

    fn input(prefix: &str, layout: Layout) -> Input {
        Input {
            sys_path: vec![format!("{prefix}/lib/python3.14").into()],
            executable: format!("{prefix}/bin/python3").into(),
            prefix: prefix.into(),
            exec_prefix: prefix.into(),
            base_prefix: prefix.into(),
            base_exec_prefix: prefix.into(),
            platlibdir: b"lib".to_vec(),
            home_env: Some(b"/home/u".to_vec()),
            major: 3,
            minor: 14,
            layout,
            ..Input::default()
        }
    }

    fn paths(o: &Output) -> Vec<String> {
        o.sys_path
            .iter()
            .map(|(p, _)| String::from_utf8_lossy(p).into_owned())
            .collect()
    }

    #[test]
    fn posixpath() {
        assert_eq!(normpath(b"/a//b/./c/../d/"), b"/a/b/d");
        assert_eq!(normpath(b"//a/../.."), b"//");
        assert_eq!(normpath(b"///a"), b"/a");
        assert_eq!(normpath(b"../x/.."), b"..");
        assert_eq!(normpath(b""), b".");
        assert_eq!(abspath(b"", b"/w"), b"/w");
        assert_eq!(join(b"/a", b"/b"), b"/b");
        assert_eq!(dirname(b"/a/b//"), b"/a/b");
        assert_eq!(dirname(b"//x"), b"//");
        assert_eq!(dirname(b"x"), b"");
    }

    #[test]
    fn upstream_layout_with_lib64() {
        let fs = Mem::new("/")
            .dir("/p/lib64/python3.14/site-packages")
            .dir("/p/lib/python3.14/site-packages")
            .dir("/p/lib/python3.14/dist-packages");
        let mut i = input("/p", LAYOUT_UPSTREAM);
        i.platlibdir = b"lib64".to_vec();
        let o = compute(&i, &fs);
        assert_eq!(
            paths(&o),
            [
                "/p/lib/python3.14",
                "/p/lib64/python3.14/site-packages",
                "/p/lib/python3.14/site-packages"
            ]
        );
        assert_eq!(o.enable_user_site, Some(true));
        assert_eq!(o.user_site, b"/home/u/.local/lib/python3.14/site-packages");
    }

    #[test]
    fn debian_layout_order() {
        let fs = Mem::new("/")
            .dir("/p/lib/python3.14/site-packages")
            .dir("/p/lib/python3.14/dist-packages")
            .dir("/p/lib/python3/dist-packages")
            .dir("/p/local/lib/python3.14/dist-packages");
        let o = compute(&input("/p", LAYOUT_DEBIAN), &fs);
        // site-packages is a venv's only.
        assert_eq!(
            paths(&o),
            [
                "/p/lib/python3.14",
                "/p/local/lib/python3.14/dist-packages",
                "/p/lib/python3/dist-packages",
                "/p/lib/python3.14/dist-packages"
            ]
        );
    }

    #[test]
    fn pth_rules() {
        let body =
            "# c\n\n  \nrel \nimport os\nimportant\n/abs\nmissing\nrel\n\u{2028}x\u{0c}/abs2\n";
        let fs = Mem::new("/")
            .file("/p/lib/python3.14/site-packages/b.pth", b"/b\n")
            .file("/p/lib/python3.14/site-packages/a.pth", body.as_bytes())
            .file("/p/lib/python3.14/site-packages/.h.pth", b"/hidden\n")
            .dir("/p/lib/python3.14/site-packages/rel")
            .dir("/p/lib/python3.14/site-packages/important")
            .dir("/p/lib/python3.14/site-packages/x")
            .dir("/abs")
            .dir("/abs2")
            .dir("/b")
            .dir("/hidden");
        let o = compute(&input("/p", LAYOUT_UPSTREAM), &fs);
        let sp = "/p/lib/python3.14/site-packages";
        assert_eq!(
            paths(&o),
            [
                "/p/lib/python3.14".to_string(),
                sp.to_string(),
                format!("{sp}/rel"),
                format!("{sp}/important"),
                "/abs".to_string(),
                format!("{sp}/x"),
                "/abs2".to_string(),
                "/b".to_string(),
            ]
        );
        assert_eq!(o.pth_imports.len(), 1);
        assert_eq!(o.pth_imports[0].line, 5);
        assert_eq!(
            o.sys_path[2].1,
            Origin::Pth(format!("{sp}/a.pth").into(), 4)
        );
    }

    #[test]
    fn venv_without_system_site() {
        let fs = Mem::new("/")
            .file(
                "/v/pyvenv.cfg",
                b"home = /p/bin\r\nInclude-System-Site-Packages = False\n",
            )
            .dir("/v/lib/python3.14/site-packages")
            .dir("/p/lib/python3/dist-packages")
            .dir("/home/u/.local/lib/python3.14/site-packages");
        let mut i = input("/p", LAYOUT_DEBIAN);
        i.executable = b"/v/bin/python3".to_vec();
        i.prefix = b"/v".to_vec();
        i.exec_prefix = b"/v/../v".to_vec();
        let o = compute(&i, &fs);
        assert_eq!(
            paths(&o),
            ["/p/lib/python3.14", "/v/lib/python3.14/site-packages"]
        );
        assert_eq!(o.enable_user_site, Some(false));
        assert_eq!(o.system_site, Some(false));
        assert_eq!(o.prefixes, [b"/v".to_vec(), b"/v/../v".to_vec()]);
        assert_eq!(
            o.stderr,
            "<frozen site>:107: RuntimeWarning: Unexpected value in sys.exec_prefix, expected /v, got /v/../v\n"
        );
    }

    #[test]
    fn venv_with_system_site_and_user_site() {
        let fs = Mem::new("/")
            .file(
                "/v/pyvenv.cfg",
                b"home=/p/bin\ninclude-system-site-packages=true\n",
            )
            .dir("/v/lib/python3.14/site-packages")
            .dir("/p/lib/python3/dist-packages")
            .dir("/ub/lib/python3.14/site-packages");
        let mut i = input("/p", LAYOUT_DEBIAN);
        i.executable = b"/v/bin/python3".to_vec();
        i.prefix = b"/v".to_vec();
        i.exec_prefix = b"/v".to_vec();
        i.pythonuserbase = Some(b"/ub".to_vec());
        let o = compute(&i, &fs);
        assert_eq!(
            paths(&o),
            [
                "/p/lib/python3.14",
                "/v/lib/python3.14/site-packages",
                "/ub/lib/python3.14/site-packages",
                "/p/lib/python3/dist-packages"
            ]
        );
        assert_eq!(o.sys_path[2].1, Origin::UserSite);
        assert!(o.stderr.is_empty());
    }

    #[test]
    fn warning_filters() {
        let m = "Unexpected value in sys.prefix, expected /v, got /v/../v";
        let w = |opts: &[&str]| {
            let opts: Vec<String> = opts.iter().map(|s| s.to_string()).collect();
            warning_action(&opts, m)
        };
        assert_eq!(w(&[]), "default");
        assert_eq!(w(&["error"]), "error");
        assert_eq!(w(&["error", "i"]), "ignore");
        assert_eq!(w(&["ignore", "error::RuntimeWarning:site:107"]), "error");
        assert_eq!(w(&["error::DeprecationWarning"]), "default");
        assert_eq!(w(&["ignore:unexpected VALUE"]), "ignore");
        assert_eq!(w(&["ignore:other"]), "default");
        assert_eq!(w(&["ignore:::other"]), "default");
        assert_eq!(w(&["ignore::NoSuchWarning", "x"]), "default");
        assert_eq!(w(&["error", "ignore::NoSuchWarning"]), "error");
        assert_eq!(w(&["ignore::Warning::5"]), "default");
        assert_eq!(w(&["a"]), "always");
    }

    #[test]
    fn user_site_switch() {
        let fs = Mem::new("/").dir("/home/u/.local/lib/python3.14/site-packages");
        let mut i = input("/p", LAYOUT_DEBIAN);
        i.ids_differ = true;
        assert_eq!(compute(&i, &fs).enable_user_site, None);
        i.no_user_site = true;
        assert_eq!(compute(&i, &fs).enable_user_site, Some(false));
        i.no_user_site = false;
        i.ids_differ = false;
        i.home_env = None;
        i.home_pwd = None;
        assert_eq!(compute(&i, &fs).user_base, b"~/.local");
        i.home_env = Some(b"/".to_vec());
        assert_eq!(compute(&i, &fs).user_base, b"/.local");
    }

    #[test]
    fn relative_entries_made_absolute_and_deduplicated() {
        let fs = Mem::new("/w");
        let mut i = input("/p", LAYOUT_UPSTREAM);
        i.sys_path = vec![
            b"a".to_vec(),
            b"/w/a/".to_vec(),
            b"".to_vec(),
            b"/w".to_vec(),
        ];
        assert_eq!(paths(&compute(&i, &fs)), ["/w/a", "/w"]);
    }
    #[test]
    fn invalid_warning_options_are_reported_in_order() {
        let opts: Vec<String> = [
            "foo",
            "ignore",
            "error::Foo",
            "a:b:c:d:e:f",
            "::Warning::-1",
            "::Warning::x'y",
            "i::nosuch.X",
            "i::found.X",
            "::int",
            "::print",
            "d::builtins.Nope",
            " e : : UserWarning : : 3 ",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let found = |m: &str| m == "found";
        assert_eq!(
            invalid_warnoptions(&opts, &found),
            "Invalid -W option ignored: invalid action: 'foo'\n\
             Invalid -W option ignored: unknown warning category: 'Foo'\n\
             Invalid -W option ignored: too many fields (max 5): 'a:b:c:d:e:f'\n\
             Invalid -W option ignored: invalid lineno -1\n\
             Invalid -W option ignored: invalid lineno \"x'y\"\n\
             Invalid -W option ignored: invalid module name: 'nosuch'\n\
             Invalid -W option ignored: invalid warning category: 'int'\n\
             Invalid -W option ignored: unknown warning category: 'builtins.Nope'\n"
        );
    }
}
