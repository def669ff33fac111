//! The path computation against the 80 described cases of
//! `tests/data/getpath-cases.json` (a copy of the team's spec file): 62
//! getpath layouts (17 from CPython's own test suite, 45 derived and checked
//! against CPython 3.14.10) and 18 `sys.path[0]` cases. Each case describes a
//! file tree; it runs over an in-memory [`Fs`] with no real files.

use std::collections::{BTreeMap, BTreeSet};

use pyrt::getpath::path::{dirname, normpath};
use pyrt::getpath::{self, Build, Env, Fs, Input, Process, ReadError, syspath0};

// ---- a small JSON reader (the crate has no JSON dependency) ----

#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&Json::Null, |(_, v)| v),
            _ => &Json::Null,
        }
    }
    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }
    /// A string that is unset when null or empty.
    fn bytes(&self) -> Vec<u8> {
        self.str().unwrap_or("").as_bytes().to_vec()
    }
    fn opt(&self) -> Option<Vec<u8>> {
        self.str().map(|s| s.as_bytes().to_vec())
    }
    fn int(&self) -> i64 {
        match self {
            Json::Num(n) => *n as i64,
            Json::Bool(b) => *b as i64,
            _ => 0,
        }
    }
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            _ => &[],
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) {
        self.ws();
        assert_eq!(
            self.s[self.i], c,
            "JSON: expected {} at {}",
            c as char, self.i
        );
        self.i += 1;
    }
    fn value(&mut self) -> Json {
        self.ws();
        match self.s[self.i] {
            b'n' => {
                self.i += 4;
                Json::Null
            }
            b't' => {
                self.i += 4;
                Json::Bool(true)
            }
            b'f' => {
                self.i += 5;
                Json::Bool(false)
            }
            b'"' => Json::Str(self.string()),
            b'[' => {
                self.i += 1;
                let mut v = Vec::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b']' {
                        self.i += 1;
                        return Json::Arr(v);
                    }
                    if !v.is_empty() {
                        self.eat(b',');
                    }
                    v.push(self.value());
                }
            }
            b'{' => {
                self.i += 1;
                let mut m = Vec::new();
                loop {
                    self.ws();
                    if self.s[self.i] == b'}' {
                        self.i += 1;
                        return Json::Obj(m);
                    }
                    if !m.is_empty() {
                        self.eat(b',');
                        self.ws();
                    }
                    let k = self.string();
                    self.eat(b':');
                    m.push((k, self.value()));
                }
            }
            _ => {
                let start = self.i;
                while self.i < self.s.len() && b"+-.eE0123456789".contains(&self.s[self.i]) {
                    self.i += 1;
                }
                let text = std::str::from_utf8(&self.s[start..self.i]).unwrap();
                Json::Num(text.parse().expect("JSON number"))
            }
        }
    }
    fn string(&mut self) -> String {
        self.eat(b'"');
        let mut out = Vec::new();
        loop {
            let c = self.s[self.i];
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).unwrap(),
                b'\\' => {
                    let e = self.s[self.i];
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.i..self.i + 4]).unwrap();
                            self.i += 4;
                            let ch = char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap();
                            out.extend_from_slice(ch.to_string().as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                c => out.push(c),
            }
        }
    }
}

fn load() -> Json {
    let text = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/getpath-cases.json"
    ))
    .expect("tests/data/getpath-cases.json");
    Parser { s: &text, i: 0 }.value()
}

// ---- an in-memory file system ----

#[derive(Default)]
struct FakeFs {
    files: BTreeMap<Vec<u8>, Vec<u8>>,
    executables: BTreeSet<Vec<u8>>,
    dirs: BTreeSet<Vec<u8>>,
    links: BTreeMap<Vec<u8>, Vec<u8>>,
    cwd: Vec<u8>,
}

impl FakeFs {
    fn add_parents(&mut self, p: &[u8]) {
        let mut d = dirname(p).to_vec();
        while !d.is_empty() {
            self.dirs.insert(d.clone());
            d = dirname(&d).to_vec();
        }
    }

    fn absolute(&self, p: &[u8]) -> Vec<u8> {
        if p.first() == Some(&b'/') {
            normpath(p)
        } else {
            normpath(&[self.cwd.as_slice(), b"/", p].concat())
        }
    }

    /// Resolves every symbolic link on the way, as `stat` does.
    fn resolve(&self, p: &[u8]) -> Option<Vec<u8>> {
        let mut path = self.absolute(p);
        let mut hops = 0;
        'restart: loop {
            let comps: Vec<&[u8]> = path
                .split(|&b| b == b'/')
                .filter(|c| !c.is_empty())
                .collect();
            let mut cur = Vec::new();
            for (i, comp) in comps.iter().enumerate() {
                cur.push(b'/');
                cur.extend_from_slice(comp);
                if let Some(t) = self.links.get(&cur) {
                    hops += 1;
                    if hops > 40 {
                        return None;
                    }
                    let target = if t.first() == Some(&b'/') {
                        t.clone()
                    } else {
                        [dirname(&cur), b"/", t].concat()
                    };
                    let rest: Vec<&[u8]> = comps[i + 1..].to_vec();
                    let mut next = target;
                    for r in rest {
                        next.push(b'/');
                        next.extend_from_slice(r);
                    }
                    path = normpath(&next);
                    continue 'restart;
                }
            }
            return Some(if cur.is_empty() { b"/".to_vec() } else { cur });
        }
    }
}

impl Fs for FakeFs {
    fn is_file(&self, p: &[u8]) -> bool {
        self.resolve(p)
            .is_some_and(|r| self.files.contains_key(&r) || self.executables.contains(&r))
    }
    fn is_dir(&self, p: &[u8]) -> bool {
        self.resolve(p)
            .is_some_and(|r| r == b"/" || self.dirs.contains(&r))
    }
    fn is_exec(&self, p: &[u8]) -> bool {
        self.resolve(p)
            .is_some_and(|r| self.executables.contains(&r))
    }
    fn readlink(&self, p: &[u8]) -> Option<Vec<u8>> {
        let abs = self.absolute(p);
        let parent = self.resolve(dirname(&abs))?;
        let name = pyrt::getpath::path::basename(&abs);
        self.links
            .get(&[parent.as_slice(), b"/", name].concat())
            .cloned()
    }
    fn read(&self, p: &[u8]) -> Result<Vec<u8>, ReadError> {
        let r = self.resolve(p).ok_or(ReadError::Other)?;
        if let Some(c) = self.files.get(&r) {
            return Ok(c.clone());
        }
        if self.executables.contains(&r) {
            return Ok(Vec::new());
        }
        if self.dirs.contains(&r) {
            return Ok(Vec::new());
        }
        Err(ReadError::NotFound)
    }
    fn cwd(&self) -> Vec<u8> {
        self.cwd.clone()
    }
}

fn fake_fs(fs: &Json, cwd: &str) -> FakeFs {
    let mut f = FakeFs {
        cwd: cwd.as_bytes().to_vec(),
        ..FakeFs::default()
    };
    f.dirs.insert(f.cwd.clone());
    let cwd_path = f.cwd.clone();
    f.add_parents(&cwd_path);
    for file in fs.get("files").arr() {
        let (path, content) = match file {
            Json::Str(p) => (p.as_bytes().to_vec(), Vec::new()),
            obj => {
                let mut content = Vec::new();
                for line in obj.get("lines").arr() {
                    content.extend_from_slice(line.str().unwrap().as_bytes());
                    content.push(b'\n');
                }
                (obj.get("path").bytes(), content)
            }
        };
        f.add_parents(&path);
        f.files.insert(path, content);
    }
    for e in fs.get("executables").arr() {
        f.add_parents(&e.bytes());
        f.executables.insert(e.bytes());
    }
    for d in fs.get("dirs").arr() {
        f.add_parents(&d.bytes());
        f.dirs.insert(d.bytes());
    }
    match fs.get("symlinks") {
        Json::Arr(list) => {
            for l in list {
                f.add_parents(&l.get("path").bytes());
                f.links
                    .insert(l.get("path").bytes(), l.get("target").bytes());
            }
        }
        Json::Obj(map) => {
            for (k, v) in map {
                f.add_parents(k.as_bytes());
                f.links.insert(k.as_bytes().to_vec(), v.bytes());
            }
        }
        _ => {}
    }
    f
}

fn show(v: &[u8]) -> Json {
    Json::Str(String::from_utf8_lossy(v).into_owned())
}

fn run_case(case: &Json) -> Result<(), String> {
    let inp = case.get("inputs");
    let ct = inp.get("compile_time");
    let build = Build {
        prefix: ct.get("PREFIX").bytes(),
        exec_prefix: ct.get("EXEC_PREFIX").bytes(),
        pythonpath: ct.get("PYTHONPATH").bytes(),
        vpath: ct.get("VPATH").bytes(),
        platlibdir: ct.get("PLATLIBDIR").bytes(),
        major: ct.get("VERSION_MAJOR").int() as u32,
        minor: ct.get("VERSION_MINOR").int() as u32,
        abi_thread: ct.get("ABI_THREAD").bytes(),
    };
    let e = inp.get("env");
    let env = Env {
        path: e.get("PATH").bytes(),
        pythonhome: e.get("PYTHONHOME").bytes(),
        pythonexecutable: e.get("PYTHONEXECUTABLE").bytes(),
        pyvenv_launcher: e.get("__PYVENV_LAUNCHER__").bytes(),
    };
    let rt = inp.get("runtime");
    let process = Process {
        real_executable: rt.get("real_executable").bytes(),
        library: rt.get("library").bytes(),
        executable_dir: rt.get("executable_dir").bytes(),
        py_setpath: rt.get("py_setpath").opt().filter(|p| !p.is_empty()),
        wide_len: None,
    };
    let c = inp.get("config");
    let input = Input {
        program_name: c.get("program_name").opt(),
        home: c.get("home").opt(),
        executable: c.get("executable").opt(),
        base_executable: c.get("base_executable").opt(),
        prefix: c.get("prefix").opt(),
        exec_prefix: c.get("exec_prefix").opt(),
        base_prefix: c.get("base_prefix").opt(),
        base_exec_prefix: c.get("base_exec_prefix").opt(),
        stdlib_dir: c.get("stdlib_dir").opt(),
        platlibdir: c.get("platlibdir").opt(),
        pythonpath_env: c.get("pythonpath_env").opt(),
        module_search_paths: c
            .get("module_search_paths")
            .arr()
            .iter()
            .map(Json::bytes)
            .collect(),
        module_search_paths_set: c.get("module_search_paths_set").int() != 0,
        argv0: c.get("orig_argv").arr().first().map(Json::bytes),
        use_environment: c.get("use_environment").int() != 0,
        is_python_build: c.get("_is_python_build").int() as i32,
    };
    let fs = fake_fs(inp.get("fs"), rt.get("cwd").str().unwrap_or("/"));
    let mut warnings = Vec::new();
    let out = getpath::compute(&input, &build, &env, &process, &fs, &mut |w| {
        warnings.push(w.to_string())
    })
    .map_err(|e| format!("error {e:?}"))?;

    let mut got: BTreeMap<&str, Json> = BTreeMap::new();
    let list = |v: &[Vec<u8>]| Json::Arr(v.iter().map(|p| show(p)).collect());
    got.insert("executable", show(&out.executable));
    got.insert("base_executable", show(&out.base_executable));
    got.insert("prefix", show(&out.prefix));
    got.insert("exec_prefix", show(&out.exec_prefix));
    got.insert("base_prefix", show(&out.base_prefix));
    got.insert("base_exec_prefix", show(&out.base_exec_prefix));
    got.insert("stdlib_dir", show(&out.stdlib_dir));
    got.insert("platstdlib_dir", show(&out.platstdlib_dir));
    got.insert("program_name", show(&out.program_name));
    got.insert("home", out.home.as_deref().map_or(Json::Null, show));
    got.insert("platlibdir", show(&out.platlibdir));
    let (paths, set) = match &out.module_search_paths {
        Some(p) => (list(p), 1.0),
        None => (
            list(&input.module_search_paths),
            if input.module_search_paths_set {
                1.0
            } else {
                0.0
            },
        ),
    };
    got.insert("module_search_paths", paths);
    got.insert("module_search_paths_set", Json::Num(set));
    let pth = out.pth.is_some();
    let num = |b: bool| Json::Num(b as i32 as f64);
    got.insert(
        "isolated",
        if pth {
            num(true)
        } else {
            Json::Num(c.get("isolated").int() as f64)
        },
    );
    got.insert(
        "use_environment",
        if pth {
            num(false)
        } else {
            Json::Num(c.get("use_environment").int() as f64)
        },
    );
    got.insert(
        "site_import",
        num(out.pth.as_ref().is_some_and(|p| p.site_import)),
    );
    got.insert("safe_path", num(pth));
    got.insert("_is_python_build", num(out.is_python_build));
    got.insert(
        "build_prefix",
        out.build_prefix.as_deref().map_or(Json::Null, show),
    );

    let mut diffs = Vec::new();
    if let Json::Obj(expected) = case.get("expected") {
        for (k, v) in expected {
            let g = got
                .get(k.as_str())
                .unwrap_or_else(|| panic!("unknown key {k}"));
            if g != v {
                diffs.push(format!("  {k}: expected {v:?}, got {g:?}"));
            }
        }
    }
    // The internal build and venv prefixes the reference computed.
    let internal = case.get("internal");
    for (key, got) in [
        ("build_prefix", &out.build_prefix),
        ("venv_prefix", &out.venv_prefix),
    ] {
        let g = got.as_deref().map_or(Json::Null, show);
        if *internal.get(key) != g {
            diffs.push(format!(
                "  internal {key}: expected {:?}, got {g:?}",
                internal.get(key)
            ));
        }
    }
    let want_warn: Vec<String> = case
        .get("expected_warnings")
        .arr()
        .iter()
        .map(|w| w.str().unwrap().to_string())
        .collect();
    if want_warn != warnings {
        diffs.push(format!(
            "  warnings: expected {want_warn:?}, got {warnings:?}"
        ));
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n"))
    }
}

#[test]
fn getpath_cases() {
    let data = load();
    let cases = data.get("cases").arr();
    assert_eq!(cases.len(), 62);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").str().unwrap();
        if let Err(d) = run_case(case) {
            failures.push(format!("{name}:\n{d}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn sys_path0_cases() {
    let data = load();
    let cases = data.get("sys_path0_cases").arr();
    assert_eq!(cases.len(), 18);
    let mut failures = Vec::new();
    for case in cases {
        let name = case.get("name").str().unwrap();
        let fs = fake_fs(case.get("fs"), case.get("cwd").str().unwrap());
        let argv0 = case.get("argv0").bytes();
        let package = case.get("run_filename_is_package").int() != 0;
        let target = syspath0::Target {
            argv0: &argv0,
            safe_path: case.get("safe_path").int() != 0,
            package: package.then_some(argv0.as_slice()),
        };
        // realpath(3): fails on an empty path or a missing file.
        let realpath = |p: &[u8]| -> Option<Vec<u8>> {
            if p.is_empty() {
                return None;
            }
            let r = fs.resolve(p)?;
            (fs.files.contains_key(&r) || fs.executables.contains(&r) || fs.dirs.contains(&r))
                .then_some(r)
        };
        let got = syspath0::compute(&target, &fs, &realpath).map(|v| show(&v));
        let want = match case.get("expected") {
            Json::Null => None,
            v => Some(v.clone()),
        };
        if got != want {
            failures.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
