//! Whether `import NAME` of a top-level module would find it on a search
//! path, as the import system's path finders decide, without importing:
//! for each entry in order, a directory (a package with `__init__.py` or a
//! sourceless `__init__.pyc`, an extension module, `NAME.py`, `NAME.pyc`)
//! or a zip archive (the same names among its entries); a directory named
//! `NAME` without `__init__` is a namespace portion, used only when no
//! entry has the module itself. Startup fails where CPython's would fail
//! to import `encodings` (or `site` without frozen modules).

use super::Fs;
use super::site::join;

/// The extension-module suffixes of CPython 3.14 on Linux x86_64.
const EXTENSION_SUFFIXES: [&str; 3] = [".cpython-314-x86_64-linux-gnu.so", ".abi3.so", ".so"];

/// What a search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// A module or regular package (the file that would be loaded).
    Module(Vec<u8>),
    /// Only namespace portions (the first directory).
    Namespace(Vec<u8>),
    /// Nothing.
    Missing,
}

/// The names a module can have in one place, in the finders' order:
/// a package, then the loaders' suffixes (extensions, source, bytecode).
fn candidates(name: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for init in [
        "__init__.cpython-314-x86_64-linux-gnu.so",
        "__init__.abi3.so",
        "__init__.so",
        "__init__.py",
        "__init__.pyc",
    ] {
        out.push([name, b"/", init.as_bytes()].concat());
    }
    for suffix in EXTENSION_SUFFIXES.iter().chain([".py", ".pyc"].iter()) {
        out.push([name, suffix.as_bytes()].concat());
    }
    out
}

/// The entry names of a zip archive's central directory (None: not a zip
/// archive).
fn zip_names(data: &[u8]) -> Option<Vec<Vec<u8>>> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const CENTRAL: [u8; 4] = [0x50, 0x4b, 0x01, 0x02];
    if data.len() < 22 {
        return None;
    }
    // The end record is in the last 22 + 65535 bytes (its comment).
    let low = data.len().saturating_sub(22 + 0xffff);
    let end = (low..=data.len() - 22)
        .rev()
        .find(|&i| data[i..i + 4] == EOCD)?;
    let u16_at = |i: usize| Some(u16::from_le_bytes(data.get(i..i + 2)?.try_into().ok()?) as usize);
    let u32_at = |i: usize| Some(u32::from_le_bytes(data.get(i..i + 4)?.try_into().ok()?) as usize);
    let count = u16_at(end + 10)?;
    let mut at = u32_at(end + 16)?;
    let mut names = Vec::with_capacity(count);
    for _ in 0..count {
        if data.get(at..at + 4)? != CENTRAL {
            return None;
        }
        let (n, extra, comment) = (u16_at(at + 28)?, u16_at(at + 30)?, u16_at(at + 32)?);
        names.push(data.get(at + 46..at + 46 + n)?.to_vec());
        at += 46 + n + extra + comment;
    }
    Some(names)
}

/// Whether `import NAME` would find a module or regular package (as
/// [`find`] answers, without which file): first, for each entry, the
/// package's `__init__.py`, one look each, which is where the standard
/// library's packages are; only when none has it, the full search.
pub fn find_fast(name: &[u8], paths: &[Vec<u8>], fs: &dyn Fs) -> Found {
    let init = [name, b"/__init__.py"].concat();
    for entry in paths {
        let dir: &[u8] = if entry.is_empty() { b"." } else { entry };
        let p = join(dir, &init);
        if fs.is_file(&p) {
            return Found::Module(p);
        }
    }
    find(name, paths, fs)
}

/// Looks for the top-level module `name` along `paths` (the configuration's
/// `module_search_paths`; relative entries are taken from the working
/// directory, as the finders take them).
pub fn find(name: &[u8], paths: &[Vec<u8>], fs: &dyn Fs) -> Found {
    let mut namespace = None;
    for entry in paths {
        let dir: &[u8] = if entry.is_empty() { b"." } else { entry };
        if fs.is_dir(dir) {
            for c in candidates(name) {
                let p = join(dir, &c);
                if fs.is_file(&p) {
                    return Found::Module(p);
                }
            }
            let d = join(dir, name);
            if namespace.is_none() && fs.is_dir(&d) {
                namespace = Some(d);
            }
        } else if fs.is_file(dir) {
            let Some(names) = fs.read_all(dir).ok().and_then(|d| zip_names(&d)) else {
                continue;
            };
            for c in candidates(name) {
                // zipimport loads source and bytecode only.
                if (c.ends_with(b".py") || c.ends_with(b".pyc")) && names.contains(&c) {
                    return Found::Module(join(dir, &c));
                }
            }
        }
    }
    namespace.map_or(Found::Missing, Found::Namespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_central_directory() {
        // A zip archive holding "encodings/__init__.py" (empty, stored).
        let name = b"encodings/__init__.py";
        let mut z = Vec::new();
        z.extend_from_slice(&[0x50, 0x4b, 0x03, 0x04]);
        z.extend_from_slice(&[0; 22]);
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0, 0]);
        z.extend_from_slice(name);
        let central = z.len();
        z.extend_from_slice(&[0x50, 0x4b, 0x01, 0x02]);
        z.extend_from_slice(&[0; 24]);
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&[0; 16]);
        z.extend_from_slice(name);
        let size = z.len() - central;
        z.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]);
        z.extend_from_slice(&(size as u32).to_le_bytes());
        z.extend_from_slice(&(central as u32).to_le_bytes());
        z.extend_from_slice(&[0, 0]);
        assert_eq!(zip_names(&z), Some(vec![name.to_vec()]));
        assert_eq!(zip_names(b"not a zip archive at all, no"), None);
        assert!(candidates(b"encodings").contains(&name.to_vec()));
    }
}
