//! Build script: gives the shared library the soname `libpyrt.so.0` (its ABI
//! version), so binaries linked with `-lpyrt` record that name; the Makefile
//! and `make install` provide the matching `libpyrt.so.0` link.
//!
//! It also fixes the path computation's build settings (CPython's
//! compile-time `PREFIX`, `EXEC_PREFIX`, `PLATLIBDIR`, `VPATH` and
//! `PYTHONPATH`) from the environment: `PYRT_PYTHON_PREFIX` (default `/usr`),
//! `PYRT_PYTHON_EXEC_PREFIX` (default: the prefix), `PYRT_PLATLIBDIR`
//! (default `lib`), `PYRT_VPATH` (default `..`) and `PYRT_PYTHONPATH` (default empty): the
//! values of the reference CPython 3.14 build (Debian's `python3.14`).
//! And it records the compiler's version for `Py_GetCompiler()`.

fn setting(name: &str, default: &str) -> String {
    println!("cargo:rerun-if-env-changed={name}");
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => default.to_string(),
    }
}

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpyrt.so.0");
    println!("cargo:rerun-if-changed=build.rs");
    let prefix = setting("PYRT_PYTHON_PREFIX", "/usr");
    let exec_prefix = setting("PYRT_PYTHON_EXEC_PREFIX", &prefix);
    println!("cargo:rustc-env=PYRT_PYTHON_PREFIX={prefix}");
    println!("cargo:rustc-env=PYRT_PYTHON_EXEC_PREFIX={exec_prefix}");
    println!(
        "cargo:rustc-env=PYRT_PLATLIBDIR={}",
        setting("PYRT_PLATLIBDIR", "lib")
    );
    println!("cargo:rustc-env=PYRT_VPATH={}", setting("PYRT_VPATH", ".."));
    // `Py_GetCompiler()`: the compiler's name and version ("rustc 1.95.0").
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|v| v.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "rustc".to_string());
    println!("cargo:rustc-env=PYRT_RUSTC_VERSION={version}");
    println!(
        "cargo:rustc-env=PYRT_PYTHONPATH={}",
        setting("PYRT_PYTHONPATH", "")
    );
}
