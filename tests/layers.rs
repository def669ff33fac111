//! The layering rule of `src/` (see `docs/architecture.md`): a module uses
//! only modules of the layers below its own. Every `crate::NAME` path in the
//! code (not in comments) is checked against the table below; `make lint`
//! runs this test.

use std::path::{Path, PathBuf};

/// Each top-level module and its layer, bottom first. Modules of one layer
/// may not use each other, except where [`EXTRA`] allows it.
const LAYERS: &[(&str, u32)] = &[
    ("abi", 1),
    ("sys", 2),
    ("status", 3),
    ("version", 3),
    ("wstr", 3),
    ("locale", 4),
    ("config", 5),
    ("getpath", 5),
    ("mem", 6),
    ("marshal", 7),
    ("runtime", 8),
    ("ffi", 9),
    ("bin", 10),
];

/// Narrower rules than the layer order: the memory layer uses only the C
/// types and the platform pieces.
const ONLY: &[(&str, &[&str])] = &[("mem", &["abi", "sys"])];

/// Uses allowed across one layer (none so far).
const EXTRA: &[(&str, &str)] = &[];

/// `#[macro_export]` macros live at the crate root; the module that
/// defines each one.
const MACROS: &[(&str, &str)] = &[
    ("config_fields", "config"),
    ("status_err", "status"),
    ("wstr", "wstr"),
];

fn layer_of(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

/// The top-level module a source file belongs to (`src/mem/debug.rs` ->
/// `mem`, `src/wstr.rs` -> `wstr`); None for `lib.rs`.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

/// The code of a line without its comment (a `//` outside a string).
fn code_of(line: &str) -> &str {
    let mut in_str = false;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '/' if !in_str && prev == '/' => return &line[..i - 1],
            _ => {}
        }
        prev = c;
    }
    line
}

/// The modules a piece of code names with `crate::` (a macro counts as the
/// module that defines it; `crate::{a, b::c}` names `a` and `b`).
fn uses(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for n in names {
            let n = n.trim();
            let ident: String = n
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if ident.is_empty() || ident == "self" {
                continue;
            }
            // A macro (`crate::wstr!(..)`, or imported: `use crate::status_err;`).
            let is_macro = n[ident.len()..].starts_with('!') || layer_of(&ident).is_none();
            let module = if is_macro {
                MACROS
                    .iter()
                    .find(|(m, _)| *m == ident)
                    .map_or(ident.clone(), |(_, d)| d.to_string())
            } else {
                ident
            };
            out.push(module);
        }
    }
    out
}

/// Why `from` may not use `to`, or None when it may.
fn violation(from: &str, to: &str) -> Option<String> {
    if from == to {
        return None;
    }
    let (Some(lf), Some(lt)) = (layer_of(from), layer_of(to)) else {
        return Some(format!("`{from}` or `{to}` is not in the layer table"));
    };
    if let Some((_, allowed)) = ONLY.iter().find(|(m, _)| *m == from) {
        return (!allowed.contains(&to)).then(|| format!("`{from}` uses only {allowed:?}"));
    }
    if lt < lf || EXTRA.contains(&(from, to)) {
        return None;
    }
    Some(format!(
        "`{from}` (layer {lf}) may not use `{to}` (layer {lt}): imports go down only"
    ))
}

/// Every violation in one file, as "path:line: reason".
fn check_file(rel: &Path, text: &str) -> Vec<String> {
    let Some(from) = module_of(rel) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = code_of(line);
        if code.trim_start().starts_with("//") {
            continue;
        }
        for to in uses(code) {
            if let Some(why) = violation(&from, &to) {
                out.push(format!("src/{}:{}: {why}", rel.display(), n + 1));
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src/") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_only_go_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut modules = std::collections::BTreeSet::new();
    let mut errors = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let text = std::fs::read_to_string(f).unwrap();
        if let Some(m) = module_of(rel) {
            modules.insert(m);
        }
        errors.extend(check_file(rel, &text));
    }
    for m in &modules {
        assert!(
            layer_of(m).is_some(),
            "src/{m}: a new top-level module needs a layer in tests/layers.rs and docs/architecture.md"
        );
    }
    assert!(
        errors.is_empty(),
        "imports that run up a layer:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_check_catches_upward_imports() {
    let bad = |path: &str, code: &str| !check_file(Path::new(path), code).is_empty();
    assert!(bad("mem/obmalloc.rs", "use crate::runtime::thread;"));
    assert!(bad("config/read.rs", "let x = crate::ffi::guard(f);"));
    assert!(bad("mem/mod.rs", "use crate::{abi, config};"));
    assert!(bad(
        "wstr.rs",
        "use crate::runtime::thread::fetch_add_unshared;"
    ));
    assert!(bad("getpath/mod.rs", "crate::config_fields!(x);"));
    assert!(bad("status.rs", "use crate::wstr::WChar;"));
    assert!(bad("abi/layout.rs", "use crate::sys::tls;"));
    assert!(bad(
        "runtime/mod.rs",
        "crate::ffi::pystate::PyGILState_Ensure();"
    ));
    // Downward uses, the module's own paths and comments pass.
    assert!(!bad(
        "ffi/pystate.rs",
        "use crate::runtime::{self, gilstate};"
    ));
    assert!(!bad(
        "runtime/interp.rs",
        "use crate::mem::obmalloc; // crate::ffi"
    ));
    assert!(!bad("mem/debug.rs", "use crate::mem::{debug, sys};"));
    assert!(!bad(
        "config/spec.rs",
        "crate::config_fields!(impl_member_mut);"
    ));
    assert!(!bad("config/read.rs", "use crate::status_err;"));
    assert!(bad("wstr.rs", "use crate::status_err;"));
    assert!(!bad("marshal/wide.rs", "/// see [`crate::ffi`]"));
    assert!(!bad("lib.rs", "pub mod ffi;"));
}
