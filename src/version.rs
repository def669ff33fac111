//! The CPython version pyrt implements, in one place.
//!
//! `include/Python.h` repeats these numbers as preprocessor macros; the test
//! at the bottom of this file keeps the two in step.

/// `PY_MAJOR_VERSION`.
pub const PY_MAJOR_VERSION: u32 = 3;
/// `PY_MINOR_VERSION`.
pub const PY_MINOR_VERSION: u32 = 14;
/// `PY_MICRO_VERSION`: the 3.14 patch level whose behaviour pyrt reproduces.
pub const PY_MICRO_VERSION: u32 = 10;
/// `PY_RELEASE_LEVEL` (`PY_RELEASE_LEVEL_FINAL`).
pub const PY_RELEASE_LEVEL: u32 = 0xF;
/// `PY_RELEASE_SERIAL`.
pub const PY_RELEASE_SERIAL: u32 = 0;
/// `PY_VERSION`.
pub const PY_VERSION: &str = "3.14.10";
/// `PY_VERSION_HEX`: major, minor, micro, level and serial packed as CPython does.
pub const PY_VERSION_HEX: u32 = (PY_MAJOR_VERSION << 24)
    | (PY_MINOR_VERSION << 16)
    | (PY_MICRO_VERSION << 8)
    | (PY_RELEASE_LEVEL << 4)
    | PY_RELEASE_SERIAL;

/// `Py_GetBuildInfo()`: what built this library (CPython gives its source
/// revision and build date; pyrt its own name and version).
pub const BUILD_INFO: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!("pyrt ", env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(s) => s,
    Err(_) => panic!("no NUL inside"),
};

/// `Py_GetCompiler()`: the compiler in brackets, as CPython writes `[GCC 16.2.0]`.
pub const COMPILER: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!("[", env!("PYRT_RUSTC_VERSION"), "]\0").as_bytes(),
) {
    Ok(s) => s,
    Err(_) => panic!("no NUL inside"),
};

/// `Py_GetVersion()`, which `python -VV` prints after "Python ": the
/// version, the build information in parentheses, then the compiler.
pub const FULL_VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!(
        "3.14.10 (pyrt ",
        env!("CARGO_PKG_VERSION"),
        ") [",
        env!("PYRT_RUSTC_VERSION"),
        "]\0"
    )
    .as_bytes(),
) {
    Ok(s) => s,
    Err(_) => panic!("no NUL inside"),
};

/// `Py_GetPlatform()`: `sys.platform` on Linux.
pub const PLATFORM: &std::ffi::CStr = c"linux";

/// `Py_GetCopyright()`: pyrt's own notice.
pub const COPYRIGHT: &std::ffi::CStr = c"Copyright (c) the pyrt developers.\n\
pyrt implements the C API of Python 3.14; Python is copyright (c) the \
Python Software Foundation.";

/// [`FULL_VERSION`] as text.
pub fn full_version() -> &'static str {
    FULL_VERSION.to_str().unwrap_or("3.14.10")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_version_joins_the_parts() {
        let full = FULL_VERSION.to_str().unwrap();
        let expected = format!(
            "{PY_VERSION} ({}) {}",
            BUILD_INFO.to_str().unwrap(),
            COMPILER.to_str().unwrap()
        );
        assert_eq!(full, expected);
        assert!(COMPILER.to_str().unwrap().starts_with("[rustc"));
    }

    fn header_macro(name: &str) -> String {
        let text = include_str!("../include/Python.h");
        let prefix = format!("#define {name} ");
        let line = text
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{name} missing from include/Python.h"));
        line[prefix.len()..].trim().to_string()
    }

    #[test]
    fn python_h_matches_the_crate() {
        assert_eq!(
            header_macro("PY_MAJOR_VERSION"),
            PY_MAJOR_VERSION.to_string()
        );
        assert_eq!(
            header_macro("PY_MINOR_VERSION"),
            PY_MINOR_VERSION.to_string()
        );
        assert_eq!(
            header_macro("PY_MICRO_VERSION"),
            PY_MICRO_VERSION.to_string()
        );
        assert_eq!(header_macro("PY_VERSION"), format!("\"{PY_VERSION}\""));
        assert_eq!(
            header_macro("PY_VERSION_HEX"),
            format!("0x{PY_VERSION_HEX:08X}")
        );
        assert_eq!(PY_VERSION_HEX, 0x030E0AF0);
    }
}
