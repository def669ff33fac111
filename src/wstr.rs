//! `WideString`: the owned form of a C `wchar_t *` string.
//!
//! Configuration strings can hold lone surrogates (`U+DC80..U+DCFF` stand for
//! undecodable bytes under `surrogateescape`), so they are not Rust `String`s:
//! a `WideString` is a sequence of `wchar_t` code units without the
//! terminating NUL, which round-trips every value C can store.
//!
//! The units never change once the string is made, so they are shared:
//! cloning never allocates, literals ([`wstr!`](crate::wstr!)) are not
//! allocated at all, and the strings of a list read from C, or the parts of
//! a string, can share one buffer.

use std::alloc::Layout;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU64, Ordering, fence};

use crate::sys::thread::fetch_add_unshared;

pub use crate::abi::pyport::WChar;

/// An immutable, reference-counted buffer of code units: what
/// `Arc<[WChar]>` would be, except that the count is changed with plain
/// loads and stores while the process has one thread (nobody else can hold a
/// reference then), and with atomic read-modify-writes otherwise.
pub struct Units {
    ptr: NonNull<Header>,
}

/// What precedes a [`Units`] buffer's code units in its allocation.
#[repr(C)]
struct Header {
    count: AtomicU64,
    len: usize,
}

/// The code units start right after the header.
const UNITS_OFFSET: usize = std::mem::size_of::<Header>();
const _: () = assert!(UNITS_OFFSET % std::mem::align_of::<WChar>() == 0);

// SAFETY: the units never change once built and the count is atomic, as
// for `Arc<[WChar]>`.
unsafe impl Send for Units {}
// SAFETY: the units never change once built and the count is atomic (plain stores
// only while the process has one thread), as for `Arc<[WChar]>`.
unsafe impl Sync for Units {}

impl Units {
    fn layout(len: usize) -> Layout {
        let units = Layout::array::<WChar>(len).expect("a wide string fits in memory");
        let (layout, offset) = Layout::new::<Header>()
            .extend(units)
            .expect("a wide string fits in memory");
        debug_assert_eq!(offset, UNITS_OFFSET);
        layout.pad_to_align()
    }

    /// A new buffer of `len` units, not yet written, and its units.
    fn alloc(len: usize) -> (Units, *mut WChar) {
        let layout = Units::layout(len);
        // SAFETY: the layout is never zero-sized (it holds the header).
        let raw = unsafe { std::alloc::alloc(layout) }.cast::<Header>();
        let Some(ptr) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(layout)
        };
        // SAFETY: the allocation is fresh and sized for the header followed
        // by `len` units.
        unsafe {
            ptr.as_ptr().write(Header {
                count: AtomicU64::new(1),
                len,
            });
            let data = ptr.as_ptr().cast::<u8>().add(UNITS_OFFSET).cast::<WChar>();
            (Units { ptr }, data)
        }
    }

    /// A buffer of `len` units, which `fill` writes (it gets them zeroed).
    pub fn build(len: usize, fill: impl FnOnce(&mut [WChar])) -> Units {
        let (buf, data) = Units::alloc(len);
        // SAFETY: `data` holds `len` units that nothing else refers to yet;
        // zeroed, they are initialized before `fill` sees them.
        unsafe {
            ptr::write_bytes(data, 0, len);
            fill(std::slice::from_raw_parts_mut(data, len));
        }
        buf
    }

    /// A copy of `units`.
    pub fn copy_of(units: &[WChar]) -> Units {
        let (buf, data) = Units::alloc(units.len());
        // SAFETY: `data` holds `units.len()` units, in a new allocation.
        unsafe { ptr::copy_nonoverlapping(units.as_ptr(), data, units.len()) };
        buf
    }

    /// The units of `parts` one after the other, in one buffer; `total` is
    /// their summed length.
    ///
    /// # Panics
    /// When the parts do not add up to `total`.
    pub fn concat<'p>(total: usize, parts: impl IntoIterator<Item = &'p [WChar]>) -> Units {
        let (buf, data) = Units::alloc(total);
        let mut at = 0;
        for part in parts {
            assert!(part.len() <= total - at, "the parts outgrew their total");
            // SAFETY: `data` holds `total` units and `at + part.len() <= total`;
            // a new allocation does not overlap `part`.
            unsafe { ptr::copy_nonoverlapping(part.as_ptr(), data.add(at), part.len()) };
            at += part.len();
        }
        // Before anything reads the units: all of them are written.
        assert_eq!(at, total, "the parts fell short of their total");
        buf
    }

    /// True when both are the same buffer (not merely equal units).
    pub fn same(&self, other: &Units) -> bool {
        self.ptr == other.ptr
    }

    fn header(&self) -> &Header {
        // SAFETY: the header lives as long as any reference to the buffer.
        unsafe { self.ptr.as_ref() }
    }
}

impl std::ops::Deref for Units {
    type Target = [WChar];
    fn deref(&self) -> &[WChar] {
        // SAFETY: `len` initialized units follow the header and never change.
        unsafe {
            std::slice::from_raw_parts(
                self.ptr
                    .as_ptr()
                    .cast::<u8>()
                    .add(UNITS_OFFSET)
                    .cast::<WChar>(),
                self.header().len,
            )
        }
    }
}

impl Clone for Units {
    fn clone(&self) -> Units {
        fetch_add_unshared(&self.header().count, 1, Ordering::Relaxed);
        Units { ptr: self.ptr }
    }
}

impl Drop for Units {
    fn drop(&mut self) {
        let header = self.header();
        if fetch_add_unshared(&header.count, u64::MAX, Ordering::Release) != 1 {
            return;
        }
        // Every other owner's last use happens before the free.
        fence(Ordering::Acquire);
        let layout = Units::layout(header.len);
        // SAFETY: this was the last reference; allocated with this layout.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr().cast::<u8>(), layout) };
    }
}

/// An immutable wide string without NUL units.
#[derive(Clone)]
pub struct WideString(Repr);

#[derive(Clone)]
enum Repr {
    /// Units that live for the whole program (literals).
    Static(&'static [WChar]),
    /// `buf[start..end]`, `buf` shared with other strings.
    Shared {
        buf: Units,
        start: usize,
        end: usize,
    },
}

/// The units before the first NUL, as C would read them.
const fn until_nul(units: &[WChar]) -> &[WChar] {
    let mut i = 0;
    while i < units.len() {
        if units[i] == 0 {
            return units.split_at(i).0;
        }
        i += 1;
    }
    units
}

impl WideString {
    /// The empty string.
    pub const fn new() -> WideString {
        WideString(Repr::Static(&[]))
    }

    /// Wraps units that live for the whole program (no allocation); the
    /// string ends at the first NUL.
    pub const fn from_static(units: &'static [WChar]) -> WideString {
        WideString(Repr::Static(until_nul(units)))
    }

    fn shared(buf: Units) -> WideString {
        let end = buf.len();
        WideString(Repr::Shared { buf, start: 0, end })
    }

    /// Takes code units; the string ends at the first NUL, as C would read it.
    pub fn from_units(units: Vec<WChar>) -> WideString {
        if units.is_empty() {
            return WideString::new();
        }
        match units.iter().position(|&c| c == 0) {
            Some(nul) => WideString::from_slice(&units[..nul]),
            None => WideString::shared(Units::copy_of(&units)),
        }
    }

    /// Copies code units (one allocation); the string ends at the first NUL.
    pub fn from_slice(units: &[WChar]) -> WideString {
        let units = until_nul(units);
        if units.is_empty() {
            return WideString::new();
        }
        WideString::shared(Units::copy_of(units))
    }

    /// Widens each byte into the unit of the same value (one allocation);
    /// the string ends at the first NUL.
    pub fn from_bytes_widened(bytes: &[u8]) -> WideString {
        let bytes = match bytes.iter().position(|&b| b == 0) {
            Some(nul) => &bytes[..nul],
            None => bytes,
        };
        if bytes.is_empty() {
            return WideString::new();
        }
        WideString::shared(Units::build(bytes.len(), |dst| {
            for (d, &b) in dst.iter_mut().zip(bytes) {
                *d = WChar::from(b);
            }
        }))
    }

    /// The strings of a buffer holding NUL-terminated strings one after the
    /// other (as [`Units::concat`] makes it), of lengths `lens` (without
    /// their NULs), sharing the buffer.
    ///
    /// # Panics
    /// When `lens` and their NULs do not fit in the buffer.
    pub fn parts(buf: Units, lens: &[usize]) -> Vec<WideString> {
        let mut out = Vec::with_capacity(lens.len());
        let mut start = 0;
        for &len in lens {
            let end = start + len;
            assert!(end < buf.len(), "a part outgrows its buffer");
            out.push(if len == 0 {
                WideString::new()
            } else {
                WideString(Repr::Shared {
                    buf: buf.clone(),
                    start,
                    end,
                })
            });
            start = end + 1;
        }
        out
    }

    /// True when `strings` are exactly the strings [`WideString::parts`]
    /// makes of `buf`, in order (or strings equal to them). Decided from
    /// where the strings point, without comparing units: a buffer's parts
    /// hold no NUL and each is followed by one.
    pub fn are_parts(strings: &[WideString], buf: &Units) -> bool {
        let units: &[WChar] = buf;
        let mut at = 0;
        for s in strings {
            match &s.0 {
                // An empty string stands for an empty part: a NUL right here.
                Repr::Static([]) => {
                    if units.get(at) != Some(&0) {
                        return false;
                    }
                    at += 1;
                }
                // A whole part: it starts here and a NUL follows it.
                Repr::Shared { buf: b, start, end }
                    if b.same(buf) && *start == at && units.get(*end) == Some(&0) =>
                {
                    at = end + 1;
                }
                _ => return false,
            }
        }
        at == units.len()
    }

    /// The units `range` of this string, sharing its storage.
    ///
    /// # Panics
    /// When `range` is out of bounds.
    pub fn slice(&self, range: std::ops::Range<usize>) -> WideString {
        assert!(range.start <= range.end && range.end <= self.len());
        if range.start == range.end {
            return WideString::new();
        }
        match &self.0 {
            Repr::Static(u) => WideString(Repr::Static(&u[range])),
            Repr::Shared { buf, start, .. } => WideString(Repr::Shared {
                buf: buf.clone(),
                start: start + range.start,
                end: start + range.end,
            }),
        }
    }

    /// The code units, without a terminating NUL.
    pub fn units(&self) -> &[WChar] {
        match &self.0 {
            Repr::Static(u) => u,
            Repr::Shared { buf, start, end } => &buf[*start..*end],
        }
    }

    /// Number of code units.
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Static(u) => u.len(),
            Repr::Shared { start, end, .. } => end - start,
        }
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Renders the string, replacing units that are not Unicode scalar values by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        self.units()
            .iter()
            .map(|&c| char::from_u32(c as u32).unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    }

    /// True when the string equals `s` unit for unit.
    pub fn eq_str(&self, s: &str) -> bool {
        units_eq(self.units(), s)
    }
}

/// True when `units` equal the characters of `s`, one unit each.
pub fn units_eq(units: &[WChar], s: &str) -> bool {
    if s.is_ascii() {
        return units.len() == s.len()
            && units
                .iter()
                .zip(s.bytes())
                .all(|(&c, b)| c == WChar::from(b));
    }
    units.iter().copied().eq(s.chars().map(|c| c as WChar))
}

impl Default for WideString {
    fn default() -> WideString {
        WideString::new()
    }
}

impl PartialEq for WideString {
    fn eq(&self, other: &WideString) -> bool {
        self.units() == other.units()
    }
}

impl Eq for WideString {}

impl Hash for WideString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.units().hash(state);
    }
}

impl From<&str> for WideString {
    fn from(s: &str) -> WideString {
        if s.is_ascii() {
            return WideString::from_bytes_widened(s.as_bytes());
        }
        WideString::from_units(s.chars().map(|c| c as WChar).collect())
    }
}

impl fmt::Debug for WideString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

/// The units of an ASCII literal (used by [`wstr!`](crate::wstr!); fails to
/// compile for non-ASCII text).
pub const fn ascii_units<const N: usize>(s: &str) -> [WChar; N] {
    let b = s.as_bytes();
    assert!(b.len() == N);
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        assert!(
            b[i].is_ascii() && b[i] != 0,
            "wstr! takes ASCII text without NUL"
        );
        out[i] = b[i] as WChar;
        i += 1;
    }
    out
}

/// A [`WideString`] for an ASCII literal, without allocation.
#[macro_export]
macro_rules! wstr {
    ($s:literal) => {{
        const UNITS: [$crate::wstr::WChar; $s.len()] =
            $crate::wstr::ascii_units::<{ $s.len() }>($s);
        $crate::wstr::WideString::from_static(&UNITS)
    }};
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
        assert_eq!(WideString::from_slice(&[0, 1]), WideString::new());
        assert_eq!(WideString::from_bytes_widened(b"ab\0c"), "ab".into());
    }

    #[test]
    fn literals_slices_and_buffers() {
        let lit = crate::wstr!("utf-8");
        assert_eq!(lit, WideString::from("utf-8"));
        assert!(lit.eq_str("utf-8") && !lit.eq_str("utf-"));
        assert_eq!(lit.slice(1..3), "tf".into());
        let heap = WideString::from("-Xdev");
        assert_eq!(heap.slice(2..5), "dev".into());
        assert!(heap.slice(2..2).is_empty());
        let units: Vec<WChar> = "ab\0\0c\0".chars().map(|c| c as WChar).collect();
        let buf = Units::concat(units.len(), [&units[..2], &units[2..]]);
        let parts = WideString::parts(buf.clone(), &[2, 0, 1]);
        assert_eq!(parts, vec!["ab".into(), WideString::new(), "c".into()]);
        // The parts themselves, or clones of them, are recognized...
        assert!(WideString::are_parts(&parts, &buf));
        assert!(WideString::are_parts(&parts.clone(), &buf));
        // ...but not equal strings elsewhere, a shorter or reordered list, or
        // a part cut short.
        let copies = vec!["ab".into(), WideString::new(), "c".into()];
        assert!(!WideString::are_parts(&copies, &buf));
        assert!(!WideString::are_parts(&parts[..2], &buf));
        let moved = vec![parts[0].clone(), parts[2].clone(), WideString::new()];
        assert!(!WideString::are_parts(&moved, &buf));
        let cut = vec![parts[0].slice(0..1), WideString::new(), parts[2].clone()];
        assert!(!WideString::are_parts(&cut, &buf));
        let mut h1 = std::collections::hash_map::DefaultHasher::new();
        let mut h2 = std::collections::hash_map::DefaultHasher::new();
        lit.hash(&mut h1);
        WideString::from("utf-8").hash(&mut h2);
        assert_eq!(h1.finish(), h2.finish());
    }
}
