//! `WideString`: the owned form of a C `wchar_t *` string.
//!
//! Configuration strings can hold lone surrogates (`U+DC80..U+DCFF` stand for
//! undecodable bytes under `surrogateescape`), so they are not Rust `String`s:
//! a `WideString` is a vector of `wchar_t` code units without the terminating
//! NUL, which round-trips every value C can store.

use std::fmt;

/// One `wchar_t` code unit (a signed 32-bit integer on Linux).
pub type WChar = libc::wchar_t;

/// An owned wide string without NUL units.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct WideString(Vec<WChar>);

impl WideString {
    /// The empty string.
    pub const fn new() -> WideString {
        WideString(Vec::new())
    }

    /// Takes code units; the string ends at the first NUL, as C would read it.
    pub fn from_units(mut units: Vec<WChar>) -> WideString {
        if let Some(nul) = units.iter().position(|&c| c == 0) {
            units.truncate(nul);
        }
        WideString(units)
    }

    /// The code units, without a terminating NUL.
    pub fn units(&self) -> &[WChar] {
        &self.0
    }

    /// Number of code units.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Renders the string, replacing units that are not Unicode scalar values by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        self.0
            .iter()
            .map(|&c| char::from_u32(c as u32).unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }

    /// True when the string equals `s` unit for unit.
    pub fn eq_str(&self, s: &str) -> bool {
        self.0.iter().copied().eq(s.chars().map(|c| c as WChar))
    }
}

impl From<&str> for WideString {
    fn from(s: &str) -> WideString {
        WideString::from_units(s.chars().map(|c| c as WChar).collect())
    }
}

impl fmt::Debug for WideString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_nul_and_compares() {
        let w = WideString::from_units(vec![b'a' as WChar, 0, b'b' as WChar]);
        assert_eq!(w.len(), 1);
        assert!(w.eq_str("a"));
        assert!(WideString::from("é€").eq_str("é€"));
        let lone = WideString::from_units(vec![0xDC80]);
        assert_eq!(lone.to_string_lossy(), "\u{FFFD}");
    }
}
