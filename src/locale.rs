//! `Py_DecodeLocale` / `Py_EncodeLocale` on owned types.
//!
//! Three codecs, chosen as CPython chooses them on Linux:
//! * UTF-8 mode (`utf8_mode >= 1` in the runtime's pre-configuration): strict
//!   UTF-8 where every byte that does not start a valid sequence becomes the
//!   lone surrogate `U+DC00 + byte` (surrogateescape);
//! * "forced ASCII": the locale is `C`/`POSIX`, claims an ASCII codeset, yet
//!   `mbstowcs` decodes bytes 0x80..0xFF (the result of that check is cached
//!   until the locale is reconfigured): bytes >= 0x80 are escaped;
//! * otherwise the C library's current `LC_CTYPE` codec (`mbrtowc`/`wcrtomb`),
//!   escaping what it rejects.
//!
//! Encoding reverses each: `U+DC80..U+DCFF` become the original bytes, and any
//! other character the codec cannot represent is an error at its index.

use std::ffi::CStr;
use std::sync::atomic::{AtomicI8, Ordering};

use crate::sys::alloc::AllocWatch;
use crate::wstr::{WChar, WideString};

/// Why decoding failed.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum DecodeError {
    /// The bytes cannot be decoded (not reachable with surrogateescape, kept
    /// because the C API reports it as `(size_t)-2`).
    Invalid,
    /// Memory was exhausted.
    NoMemory,
}

/// Why encoding failed.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum EncodeError {
    /// The character at this index cannot be encoded.
    Unencodable(usize),
    /// Memory was exhausted.
    NoMemory,
}

const MAX_UNICODE: u32 = 0x10FFFF;

fn escape(byte: u8) -> WChar {
    0xDC00 + byte as WChar
}

fn is_valid_wide_char(c: WChar) -> bool {
    let c = c as u32;
    c <= MAX_UNICODE && !(0xD800..=0xDFFF).contains(&c)
}

/// True when every codec [`decode`] may pick maps each byte of `bytes` to
/// the unit of the same value: ASCII decodes to itself in UTF-8, forced
/// ASCII and the ASCII-compatible locales glibc provides.
pub fn decodes_to_itself(bytes: &[u8]) -> bool {
    bytes.is_ascii()
}

/// Decodes `bytes` (no NUL inside) the way `Py_DecodeLocale` does;
/// `NoMemory` when an allocation failed on the way (the emergency reserve of
/// [`crate::sys::alloc`] served it).
pub fn decode(bytes: &[u8], utf8_mode: bool) -> Result<WideString, DecodeError> {
    let watch = AllocWatch::start();
    let result = decode_unwatched(bytes, utf8_mode);
    if watch.failed() {
        return Err(DecodeError::NoMemory);
    }
    result
}

fn decode_unwatched(bytes: &[u8], utf8_mode: bool) -> Result<WideString, DecodeError> {
    // Skip the per-byte calls where the codec cannot change anything.
    if decodes_to_itself(bytes) {
        return Ok(WideString::from_bytes_widened(bytes));
    }
    let units = if utf8_mode {
        decode_utf8_escape(bytes)
    } else if force_ascii() {
        bytes
            .iter()
            .map(|&b| if b < 0x80 { b as WChar } else { escape(b) })
            .collect()
    } else {
        decode_current_locale(bytes)
    };
    Ok(WideString::from_units(units))
}

/// UTF-8 with surrogateescape: one escaped unit per byte that does not begin a
/// complete, shortest-form, non-surrogate sequence.
pub fn decode_utf8_escape(bytes: &[u8]) -> Vec<WChar> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match utf8_sequence(&bytes[i..]) {
            Some((c, n)) => {
                out.push(c as WChar);
                i += n;
            }
            None => {
                out.push(escape(bytes[i]));
                i += 1;
            }
        }
    }
    out
}

/// The scalar value and length of the valid UTF-8 sequence at the start of `s`.
fn utf8_sequence(s: &[u8]) -> Option<(u32, usize)> {
    let b0 = s[0];
    let (len, min, init) = match b0 {
        0x00..=0x7F => return Some((b0 as u32, 1)),
        0xC2..=0xDF => (2, 0x80, (b0 & 0x1F) as u32),
        0xE0..=0xEF => (3, 0x800, (b0 & 0x0F) as u32),
        0xF0..=0xF4 => (4, 0x10000, (b0 & 0x07) as u32),
        _ => return None,
    };
    if s.len() < len {
        return None;
    }
    let mut c = init;
    for &b in &s[1..len] {
        if b & 0xC0 != 0x80 {
            return None;
        }
        c = (c << 6) | (b & 0x3F) as u32;
    }
    (c >= min && c <= MAX_UNICODE && !(0xD800..=0xDFFF).contains(&c)).then_some((c, len))
}

fn decode_current_locale(bytes: &[u8]) -> Vec<WChar> {
    let mut out = Vec::with_capacity(bytes.len());
    // SAFETY: an all-zero mbstate_t is the initial shift state.
    let mut state: libc::mbstate_t = unsafe { std::mem::zeroed() };
    let mut i = 0;
    while i < bytes.len() {
        let mut wc: libc::wchar_t = 0;
        let rest = &bytes[i..];
        // SAFETY: `rest` is a valid readable slice of the given length; `wc` and
        // `state` are valid for writes.
        let n = unsafe { mbrtowc(&mut wc, rest.as_ptr().cast(), rest.len(), &mut state) };
        if n == usize::MAX || n == usize::MAX - 1 || n == 0 {
            // Invalid or incomplete: escape one byte and restart the shift state.
            out.push(escape(bytes[i]));
            i += 1;
            // SAFETY: an all-zero mbstate_t is the initial shift state.
            state = unsafe { std::mem::zeroed() };
        } else if !is_valid_wide_char(wc) {
            // A character Python cannot hold: escape the bytes that produced it.
            out.extend(rest[..n].iter().map(|&b| escape(b)));
            i += n;
        } else {
            out.push(wc);
            i += n;
        }
    }
    out
}

/// Strict UTF-8 decoding (PEP 741 strings): `None` on any invalid sequence.
pub fn decode_utf8_strict(bytes: &[u8]) -> Option<Vec<WChar>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let (c, n) = utf8_sequence(&bytes[i..])?;
        out.push(c as WChar);
        i += n;
    }
    Some(out)
}

/// Strict UTF-8 encoding (PEP 741 strings): `None` for any surrogate; values
/// above U+10FFFF get CPython's 4-byte pattern.
pub fn encode_utf8_strict(text: &[WChar]) -> Option<Vec<u8>> {
    if text
        .iter()
        .any(|&c| (0xD800..=0xDFFF).contains(&(c as u32)))
    {
        return None;
    }
    encode_utf8_escape(text).ok()
}

/// Encodes `text` (no NUL inside) the way `Py_EncodeLocale` does;
/// `NoMemory` as for [`decode`].
pub fn encode(text: &[WChar], utf8_mode: bool) -> Result<Vec<u8>, EncodeError> {
    let watch = AllocWatch::start();
    let result = encode_unwatched(text, utf8_mode);
    if watch.failed() {
        return Err(EncodeError::NoMemory);
    }
    result
}

fn encode_unwatched(text: &[WChar], utf8_mode: bool) -> Result<Vec<u8>, EncodeError> {
    // ASCII encodes to itself in every codec below (see `decode`).
    if text.iter().all(|&c| (0..0x80).contains(&c)) {
        return Ok(text.iter().map(|&c| c as u8).collect());
    }
    if utf8_mode {
        encode_utf8_escape(text)
    } else if force_ascii() {
        text.iter()
            .enumerate()
            .map(|(i, &c)| match c as u32 {
                0..=0x7F => Ok(c as u8),
                0xDC80..=0xDCFF => Ok((c as u32 - 0xDC00) as u8),
                _ => Err(EncodeError::Unencodable(i)),
            })
            .collect()
    } else {
        encode_current_locale(text)
    }
}

/// UTF-8 with surrogateescape for `U+DC80..U+DCFF`; other surrogates are
/// errors; values above U+10FFFF get the 4-byte pattern, as in CPython.
pub fn encode_utf8_escape(text: &[WChar]) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(text.len());
    for (i, &c) in text.iter().enumerate() {
        let u = c as u32;
        match u {
            0xDC80..=0xDCFF => out.push((u - 0xDC00) as u8),
            0xD800..=0xDFFF => return Err(EncodeError::Unencodable(i)),
            0..=0x10FFFF => match char::from_u32(u) {
                Some(ch) => out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes()),
                None => return Err(EncodeError::Unencodable(i)),
            },
            // Beyond Unicode: CPython still writes the 4-byte pattern, keeping
            // the low 8 bits of the lead byte.
            _ => out.extend_from_slice(&[
                (0xF0 | (u >> 18)) as u8,
                (0x80 | ((u >> 12) & 0x3F)) as u8,
                (0x80 | ((u >> 6) & 0x3F)) as u8,
                (0x80 | (u & 0x3F)) as u8,
            ]),
        }
    }
    Ok(out)
}

fn encode_current_locale(text: &[WChar]) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 32];
    for (i, &c) in text.iter().enumerate() {
        let u = c as u32;
        if (0xDC80..=0xDCFF).contains(&u) {
            out.push((u - 0xDC00) as u8);
            continue;
        }
        // SAFETY: an all-zero mbstate_t is the initial shift state.
        let mut state: libc::mbstate_t = unsafe { std::mem::zeroed() };
        // SAFETY: `buf` is larger than MB_LEN_MAX; `state` is valid.
        let n = unsafe { wcrtomb(buf.as_mut_ptr().cast(), c, &mut state) };
        if n == usize::MAX {
            return Err(EncodeError::Unencodable(i));
        }
        out.extend_from_slice(&buf[..n]);
    }
    Ok(out)
}

unsafe extern "C" {
    fn mbrtowc(
        pwc: *mut libc::wchar_t,
        s: *const libc::c_char,
        n: usize,
        ps: *mut libc::mbstate_t,
    ) -> usize;
    fn wcrtomb(s: *mut libc::c_char, wc: libc::wchar_t, ps: *mut libc::mbstate_t) -> usize;
    fn mbstowcs(dest: *mut libc::wchar_t, src: *const libc::c_char, n: usize) -> usize;
}

/// Cached result of the forced-ASCII check: -1 unknown, 0 no, 1 yes.
static FORCE_ASCII: AtomicI8 = AtomicI8::new(-1);

/// Forgets the cached forced-ASCII decision (call after changing `LC_CTYPE`).
pub fn reset_force_ascii() {
    FORCE_ASCII.store(-1, Ordering::Relaxed);
}

/// True when the C library's locale claims ASCII but decodes high bytes
/// (the decision is cached until [`reset_force_ascii`]).
pub fn force_ascii() -> bool {
    match FORCE_ASCII.load(Ordering::Relaxed) {
        -1 => {
            let v = check_force_ascii();
            FORCE_ASCII.store(v as i8, Ordering::Relaxed);
            v
        }
        v => v == 1,
    }
}

/// Codeset names (normalized: lower case, `-` and ` ` as `_`) that mean ASCII.
const ASCII_ALIASES: &[&str] = &[
    "ascii",
    "646",
    "ansi_x3.4_1968",
    "ansi_x3.4_1986",
    "ansi_x3_4_1968",
    "cp367",
    "csascii",
    "ibm367",
    "iso646_us",
    "iso_646.irv_1991",
    "iso_ir_6",
    "us",
    "us_ascii",
];

fn check_force_ascii() -> bool {
    // SAFETY: querying the locale with a NULL name does not change it.
    let loc = unsafe { libc::setlocale(libc::LC_CTYPE, std::ptr::null()) };
    if loc.is_null() {
        return true;
    }
    // SAFETY: setlocale returned a NUL-terminated string.
    let loc = unsafe { CStr::from_ptr(loc) }.to_bytes();
    if loc != b"C" && loc != b"POSIX" {
        return false;
    }
    // SAFETY: nl_langinfo returns a NUL-terminated string (or NULL).
    let codeset = unsafe { libc::nl_langinfo(libc::CODESET) };
    if codeset.is_null() {
        return true;
    }
    // SAFETY: non-NULL, NUL-terminated.
    let codeset = unsafe { CStr::from_ptr(codeset) }.to_string_lossy();
    if codeset.is_empty() {
        return true;
    }
    let normalized: String = codeset
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    if !ASCII_ALIASES.contains(&normalized.as_str()) {
        return false;
    }
    // The locale claims ASCII: force ASCII if it nevertheless decodes a high byte.
    (0x80u8..=0xFF).any(|b| {
        let src = [b as libc::c_char, 0];
        let mut wc: [libc::wchar_t; 2] = [0; 2];
        // SAFETY: `src` is NUL-terminated and `wc` has room for one unit.
        let n = unsafe { mbstowcs(wc.as_mut_ptr(), src.as_ptr(), 1) };
        n != usize::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &[u32]) -> Vec<WChar> {
        s.iter().map(|&c| c as WChar).collect()
    }

    #[test]
    fn utf8_decode_escapes_each_bad_byte() {
        assert_eq!(decode_utf8_escape(b"a\xc3\xa9"), w(&[0x61, 0xE9]));
        assert_eq!(decode_utf8_escape(b"\xe2\x82"), w(&[0xDCE2, 0xDC82]));
        assert_eq!(
            decode_utf8_escape(b"\xed\xa0\x80"),
            w(&[0xDCED, 0xDCA0, 0xDC80])
        );
        assert_eq!(decode_utf8_escape(b"\xc0\x80"), w(&[0xDCC0, 0xDC80]));
        assert_eq!(decode_utf8_escape(b"\xf4\x90\x80\x80").len(), 4);
    }

    #[test]
    fn utf8_round_trip() {
        let bytes = b"x\xff\xe2\x82\xac\x80";
        let units = decode_utf8_escape(bytes);
        assert_eq!(encode_utf8_escape(&units).unwrap(), bytes.to_vec());
        assert_eq!(
            encode_utf8_escape(&w(&[0x61, 0xD800])),
            Err(EncodeError::Unencodable(1))
        );
        assert_eq!(
            encode_utf8_escape(&w(&[0x110000])),
            Ok(vec![0xF4, 0x90, 0x80, 0x80])
        );
    }
}
