//! The string operations of the path computation, on POSIX byte paths.
//!
//! They reproduce the exact semantics CPython's path computation relies on,
//! quirks included (see `docs/differences.md` for none: these match): a
//! directory name is everything before the last `/`, joining only inserts a
//! separator after a head longer than one byte, and making a relative path
//! absolute does not normalize after prepending the working directory.

/// Text before the last `/`; empty when there is none (`/usr` gives ``).
pub fn dirname(p: &[u8]) -> &[u8] {
    match p.iter().rposition(|&b| b == b'/') {
        Some(i) => &p[..i],
        None => b"",
    }
}

/// Text after the last `/`, or all of `p`.
pub fn basename(p: &[u8]) -> &[u8] {
    match p.iter().rposition(|&b| b == b'/') {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

/// True for a path starting with `/`.
pub fn is_abs(p: &[u8]) -> bool {
    p.first() == Some(&b'/')
}

/// Lexical normalization: collapses `//`, `.` and `..`, drops a trailing `/`,
/// keeps exactly two leading slashes, absorbs `..` at the root. An empty
/// string stays empty; a relative path that cancels out becomes `.`.
pub fn normpath(p: &[u8]) -> Vec<u8> {
    if p.is_empty() {
        return Vec::new();
    }
    if is_normal(p) {
        return p.to_vec();
    }
    let lead = if p.starts_with(b"//") && !p.starts_with(b"///") {
        2
    } else if p.starts_with(b"/") {
        1
    } else {
        0
    };
    let mut parts: Vec<&[u8]> = Vec::new();
    for comp in p.split(|&b| b == b'/') {
        if comp.is_empty() || comp == b"." {
            continue;
        }
        if comp != b".." || (lead == 0 && parts.is_empty()) || parts.last() == Some(&&b".."[..]) {
            parts.push(comp);
        } else if !parts.is_empty() {
            parts.pop();
        }
    }
    let mut out = vec![b'/'; lead];
    out.extend_from_slice(&parts.join(&b'/'));
    if out.is_empty() {
        out.push(b'.');
    }
    out
}

/// True when [`normpath`] would return `p` unchanged: no empty, `.` or `..`
/// component, no trailing `/` (except `/` itself), not starting with `//`.
fn is_normal(p: &[u8]) -> bool {
    if p == b"/" {
        return true;
    }
    if p.starts_with(b"//") || p.ends_with(b"/") {
        return false;
    }
    let body = p.strip_prefix(b"/").unwrap_or(p);
    body.split(|&b| b == b'/')
        .all(|c| !c.is_empty() && c != b"." && c != b"..")
}

/// The longest path, in characters, CPython's path joins produce (`MAXPATHLEN`).
pub const MAX_PATH_CHARS: usize = 4096;

/// How many characters (`wchar_t` units) a path's bytes decode to.
pub type WideLen = fn(&[u8]) -> usize;

/// False when CPython's `joinpath` refuses to join `parts` ("failed to join
/// paths"): its buffer counts every part plus one unit each, even parts
/// before a later absolute one, and must not exceed `MAX_PATH_CHARS + 1`
/// units once a part is appended to a non-empty head. `wide_len` counts a
/// part's characters (None: one per byte).
pub fn join_fits(parts: &[&[u8]], wide_len: Option<WideLen>) -> bool {
    // Decoding never gives more units than bytes: most joins need no count.
    let bytes: usize = parts.iter().map(|p| p.len() + 1).sum();
    if bytes <= MAX_PATH_CHARS + 1 {
        return true;
    }
    let first = parts.iter().rposition(|p| is_abs(p)).unwrap_or(0);
    let appends = match parts[first..].iter().position(|p| !p.is_empty()) {
        // A non-empty head followed by any part: the append that checks.
        Some(head) => first + head + 1 < parts.len(),
        None => false,
    };
    if !appends {
        return true;
    }
    let units: usize = match wide_len {
        Some(f) => parts.iter().map(|p| f(p) + 1).sum(),
        None => bytes,
    };
    units <= MAX_PATH_CHARS + 1
}

/// Joins parts: a later absolute part replaces everything before it; a `/` is
/// inserted only after a head longer than one byte that does not end in `/`;
/// the result is normalized.
pub fn join(parts: &[&[u8]]) -> Vec<u8> {
    let mut acc: Vec<u8> = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, part) in parts.iter().enumerate() {
        if i == 0 || is_abs(part) {
            acc.clear();
            acc.extend_from_slice(part);
            continue;
        }
        if acc.len() > 1 && acc.last() != Some(&b'/') {
            acc.push(b'/');
        }
        acc.extend_from_slice(part);
    }
    if is_normal(&acc) || acc.is_empty() {
        return acc;
    }
    normpath(&acc)
}

/// Makes `p` absolute against `cwd`: normalized first; empty or `.` gives
/// `cwd`; a relative result is appended to `cwd` without normalizing again.
pub fn abspath(p: &[u8], cwd: &[u8]) -> Vec<u8> {
    let n = normpath(p);
    if n.is_empty() || n == b"." {
        return cwd.to_vec();
    }
    if is_abs(&n) {
        return n;
    }
    let mut out = cwd.to_vec();
    out.push(b'/');
    out.extend_from_slice(&n);
    out
}

/// Splits at the first occurrence of `sep`: `(before, Some(after))`, or `(all, None)`.
pub fn partition(p: &[u8], sep: u8) -> (&[u8], Option<&[u8]>) {
    match p.iter().position(|&b| b == sep) {
        Some(i) => (&p[..i], Some(&p[i + 1..])),
        None => (p, None),
    }
}

/// Strips the whitespace Python's `str.strip()` removes from ASCII and
/// UTF-8-encoded text (ASCII whitespace, `\x1c`-`\x1f`, U+0085, U+00A0).
pub fn strip(mut s: &[u8]) -> &[u8] {
    fn ws_prefix(s: &[u8]) -> usize {
        match s {
            [b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f, ..] => 1,
            [0xc2, 0x85 | 0xa0, ..] => 2,
            _ => 0,
        }
    }
    fn ws_suffix(s: &[u8]) -> usize {
        match s {
            [.., b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f] => 1,
            [.., 0xc2, 0x85 | 0xa0] => 2,
            _ => 0,
        }
    }
    loop {
        let n = ws_prefix(s);
        if n == 0 {
            break;
        }
        s = &s[n..];
    }
    loop {
        let n = ws_suffix(s);
        if n == 0 {
            break;
        }
        s = &s[..s.len() - n];
    }
    s
}

/// Splits file content into lines the way the path computation reads small
/// files: on `\n`, each line without trailing `\r`/`\n`; a final unterminated
/// line is kept as it is when non-empty.
pub fn lines(content: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = content;
    while !rest.is_empty() {
        let Some(i) = rest.iter().position(|&b| b == b'\n') else {
            out.push(rest.to_vec());
            break;
        };
        let (line, tail) = (&rest[..i], &rest[i + 1..]);
        let mut end = line.len();
        while end > 0 && (line[end - 1] == b'\r' || line[end - 1] == b'\n') {
            end -= 1;
        }
        out.push(line[..end].to_vec());
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: Vec<u8>) -> String {
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn dirname_and_basename() {
        assert_eq!(dirname(b"/usr"), b"");
        assert_eq!(dirname(b"/a/b/"), b"/a/b");
        assert_eq!(dirname(b"python"), b"");
        assert_eq!(basename(b"/a/python3"), b"python3");
        assert_eq!(basename(b"python3"), b"python3");
    }

    #[test]
    fn normpath_matches_posixpath() {
        for (i, o) in [
            ("/a//b/./c/..", "/a/b"),
            ("//a", "//a"),
            ("///a", "/a"),
            ("/..", "/"),
            ("a/..", "."),
            ("../x/../y", "../y"),
            ("a/b/", "a/b"),
            ("", ""),
        ] {
            assert_eq!(s(normpath(i.as_bytes())), o, "{i}");
        }
    }

    #[test]
    fn join_and_abspath_quirks() {
        assert_eq!(
            s(join(&[b"/usr", b"lib", b"python3.14"])),
            "/usr/lib/python3.14"
        );
        assert_eq!(s(join(&[b"/usr", b"/opt", b"x"])), "/opt/x");
        assert_eq!(s(join(&[b"a", b"b"])), "ab");
        assert_eq!(s(join(&[b"/", b"b"])), "/b");
        assert_eq!(s(join(&[b"", b"python"])), "python");
        assert_eq!(s(abspath(b"../x/../y", b"/w")), "/w/../y");
        assert_eq!(s(abspath(b"", b"/w")), "/w");
        assert_eq!(s(abspath(b"/a/./b", b"/w")), "/a/b");
    }

    #[test]
    fn join_limits_count_every_part() {
        let long = vec![b'a'; 4000];
        let head = [b"/".as_slice(), &long].concat();
        // 4001 + 1 + 95 + 1 = 4098 units: one too many.
        assert!(join_fits(&[&head, &[b'b'; 94]], None));
        assert!(!join_fits(&[&head, &[b'b'; 95]], None));
        // A later absolute part still counts what came before it.
        assert!(!join_fits(&[&head, b"/x", &[b'b'; 93]], None));
        // Without a second part after the head, nothing is appended.
        assert!(join_fits(&[&head, &[b'/'; 200]], None));
        assert!(join_fits(&[b"", &head], None));
        // Characters, not bytes: two-byte characters count once.
        let wide: WideLen = |b| b.iter().filter(|&&c| c & 0xC0 != 0x80).count();
        let accents = "é".repeat(2000).into_bytes();
        assert!(join_fits(&[b"/", &accents, &accents], Some(wide)));
        assert!(!join_fits(&[b"/", &accents, &accents], None));
    }

    #[test]
    fn lines_and_strip() {
        assert_eq!(
            lines(b"a\r\nb\n\nc"),
            vec![b"a".to_vec(), b"b".to_vec(), vec![], b"c".to_vec()]
        );
        assert!(lines(b"").is_empty());
        assert_eq!(strip(b" \t home \xc2\xa0"), b"home");
    }
}
