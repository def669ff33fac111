//! C's number parsing, as CPython applies it to environment variables and
//! `-X` values: `strtol`/`strtoul`/`wcstol` in base 10 (leading white space
//! and a sign accepted), with nothing allowed after the digits.

use std::ffi::CString;

use crate::wstr::WChar;

/// `_Py_str_to_int`: `strtol` base 10, whole string consumed, result within `int`.
pub fn str_to_int(s: &[u8]) -> Option<i32> {
    // One to nine decimal digits: what strtol reads, without the C string.
    if (1..=9).contains(&s.len()) && s.iter().all(u8::is_ascii_digit) {
        return Some(s.iter().fold(0, |n, &d| n * 10 + i32::from(d - b'0')));
    }
    let c = CString::new(s).ok()?;
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: errno is thread-local; `c` is NUL-terminated; `end` receives a
    // pointer into `c`, read before `c` is dropped.
    let (value, rest_empty, erange) = unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtol(c.as_ptr(), &mut end, 10);
        (v, *end == 0, *libc::__errno_location() == libc::ERANGE)
    };
    if !rest_empty || erange {
        return None;
    }
    i32::try_from(value).ok()
}

/// `strtoul` base 10 with the end pointer: `(value, rest_is_empty, overflowed)`.
pub fn strtoul(s: &[u8]) -> Option<(u64, bool, bool)> {
    let c = CString::new(s).ok()?;
    let mut end: *mut libc::c_char = std::ptr::null_mut();
    // SAFETY: as for `str_to_int`.
    unsafe {
        *libc::__errno_location() = 0;
        let v = libc::strtoul(c.as_ptr(), &mut end, 10);
        Some((
            v as u64,
            *end == 0,
            *libc::__errno_location() == libc::ERANGE,
        ))
    }
}

unsafe extern "C" {
    fn wcstol(
        nptr: *const libc::wchar_t,
        endptr: *mut *mut libc::wchar_t,
        base: libc::c_int,
    ) -> libc::c_long;
}

/// `config_wstr_to_int`: `wcstol` base 10, nothing after the digits, result within `int`.
/// An empty string parses as 0, as in CPython.
pub fn wstr_to_int(s: &[WChar]) -> Option<i32> {
    let mut buf: Vec<WChar> = s.to_vec();
    buf.push(0);
    let mut end: *mut libc::wchar_t = std::ptr::null_mut();
    // SAFETY: `buf` is NUL-terminated; `end` points into it and is read while it lives.
    let (value, rest_empty, erange) = unsafe {
        *libc::__errno_location() = 0;
        let v = wcstol(buf.as_ptr(), &mut end, 10);
        (v, *end == 0, *libc::__errno_location() == libc::ERANGE)
    };
    if !rest_empty || erange {
        return None;
    }
    i32::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_c() {
        assert_eq!(str_to_int(b"3"), Some(3));
        assert_eq!(str_to_int(b" 2"), Some(2));
        assert_eq!(str_to_int(b"+7"), Some(7));
        assert_eq!(str_to_int(b"-2"), Some(-2));
        assert_eq!(str_to_int(b"2 "), None);
        assert_eq!(str_to_int(b"x"), None);
        assert_eq!(str_to_int(b"99999999999"), None);
        let w: Vec<WChar> = "12".chars().map(|c| c as WChar).collect();
        assert_eq!(wstr_to_int(&w), Some(12));
        assert_eq!(wstr_to_int(&[]), Some(0));
        assert_eq!(strtoul(b"-1").map(|t| t.0), Some(u64::MAX));
    }

    #[test]
    fn str_to_int_as_strtol() {
        for (s, v) in [
            (&b"0"[..], Some(0)),
            (b"1", Some(1)),
            (b"007", Some(7)),
            (b"999999999", Some(999_999_999)),
            (b"2147483647", Some(i32::MAX)),
            (b"2147483648", None),
            (b" 12", Some(12)),
            (b"-3", Some(-3)),
            (b"+4", Some(4)),
            (b"1x", None),
            (b"", Some(0)),
        ] {
            assert_eq!(str_to_int(s), v, "{:?}", String::from_utf8_lossy(s));
        }
    }
}
