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

/// The string `Py_GetVersion()` returns and `python -VV` prints after "Python ":
/// the version, then pyrt's own build identification in parentheses and brackets.
pub fn full_version() -> &'static str {
    concat!("3.14.10 (pyrt ", env!("CARGO_PKG_VERSION"), ") [Rust]")
}

#[cfg(test)]
mod tests {
    use super::*;

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
