//! `PyConfig` and `PyPreConfig` to and from the model ([`Config`],
//! [`PreConfig`]): every string and list handed to C is a raw-domain block,
//! and writing a model back reuses the blocks that already hold its values.

use std::ffi::{CStr, c_char, c_int, c_ulong};
use std::ptr;

use crate::abi::initconfig::{PyConfig, PyPreConfig, PyWideStringList};
use crate::config::{
    CONFIG_INIT_COMPAT, CONFIG_INIT_ISOLATED, CONFIG_INIT_PYTHON, Config, PreConfig,
};
use crate::marshal::wide::{self, BadList, Raw};
use crate::mem::NoMemory;
use crate::wstr::{Units, WChar, WideString};

/// `PyPreConfig` and [`PreConfig`] have the same members, all `int`.
macro_rules! preconfig_conversions {
    ($($f:ident),* $(,)?) => {
        impl From<PreConfig> for PyPreConfig {
            fn from(p: PreConfig) -> PyPreConfig {
                PyPreConfig { $($f: p.$f,)* }
            }
        }

        impl From<PyPreConfig> for PreConfig {
            fn from(p: PyPreConfig) -> PreConfig {
                PreConfig { $($f: p.$f,)* }
            }
        }
    };
}

preconfig_conversions!(
    _config_init,
    parse_argv,
    isolated,
    use_environment,
    configure_locale,
    coerce_c_locale,
    coerce_c_locale_warn,
    utf8_mode,
    dev_mode,
    allocator,
);

macro_rules! impl_config_conversions {
    (int { $($i:ident: $it:ident $iv:ident $ix:literal,)* }
     ulong { $($u:ident: $ut:ident $uv:ident $ux:literal,)* }
     wstr { $($s:ident: $st:ident $sv:ident $sx:literal,)* }
     list { $($l:ident: $lt:ident $lv:ident $lx:literal,)* }) => {
        impl PyConfig {
            /// The struct an initializer writes for `model`, allocating its
            /// strings and lists. `Err(NoMemory)` when memory is exhausted (nothing leaks).
            pub fn from_model(model: &Config) -> Result<PyConfig, NoMemory> {
                let mut out = PyConfig {
                    $($i: model.$i,)*
                    $($u: model.$u as c_ulong,)*
                    $($s: ptr::null_mut(),)*
                    $($l: PyWideStringList::EMPTY,)*
                };
                let raw = Raw::now();
                let filled = (|| -> Result<(), NoMemory> {
                    $(out.$s = raw.opt_wstr(&model.$s)?;)*
                    $(out.$l = raw.list(&model.$l)?;)*
                    Ok(())
                })();
                match filled {
                    Ok(()) => Ok(out),
                    Err(NoMemory) => {
                        // SAFETY: `out` owns exactly what was allocated so far.
                        unsafe { out.clear() };
                        Err(NoMemory)
                    }
                }
            }

            /// Makes the struct hold `model`, keeping the blocks it already
            /// has where they are equal: a string member whose text did not
            /// change keeps its block, and a list equal to one of the
            /// struct's lists (its own, or another one it was copied from,
            /// as `orig_argv` from `argv`) takes over that list's array and
            /// items. Everything else is allocated anew and what is not kept
            /// is released. `Err(NoMemory)` leaves the struct as it was.
            ///
            /// # Safety
            /// Every string and list member is NULL or a raw block owned by
            /// the struct (as for [`PyConfig::clear`]), readable as for
            /// [`PyConfig::to_model`].
            pub unsafe fn assign_model(&mut self, model: &Config) -> Result<(), NoMemory> {
                // SAFETY: the members are NULL or owned, readable raw blocks (this function's
                // contract); empty `ListOrigins` vouch for no list, so nothing more is needed.
                unsafe { self.assign_model_traced(model, &ListOrigins::default()) }
            }

            /// [`PyConfig::assign_model`] for a model read from this struct by
            /// [`PyConfig::to_model_traced`]: a list still made of the
            /// strings read from one of the struct's lists is known equal to
            /// it without comparing units.
            ///
            /// # Safety
            /// As for [`PyConfig::assign_model`]; the struct's lists are the
            /// ones `origins` were read from, unchanged.
            pub unsafe fn assign_model_traced(
                &mut self,
                model: &Config,
                origins: &ListOrigins,
            ) -> Result<(), NoMemory> {
                let mut out = PyConfig {
                    $($i: model.$i,)*
                    $($u: model.$u as c_ulong,)*
                    $($s: ptr::null_mut(),)*
                    $($l: PyWideStringList::EMPTY,)*
                };
                let old: [PyWideStringList; LIST_MEMBERS] = [$(self.$l),*];
                let new: [&[WideString]; LIST_MEMBERS] = [$(&model.$l),*];
                // taken[j]: old list j was taken over; fresh[i]: new list i was allocated.
                let mut taken = [false; LIST_MEMBERS];
                let mut fresh = [false; LIST_MEMBERS];
                let mut lists = [PyWideStringList::EMPTY; LIST_MEMBERS];
                let raw = Raw::now();
                for i in 0..LIST_MEMBERS {
                    if origins.1[i] {
                        // Left as C had it (see `to_model_traced`).
                        taken[i] = true;
                        lists[i] = old[i];
                    }
                }
                let filled = (|| -> Result<(), NoMemory> {
                    // SAFETY: the old strings are NULL or NUL-terminated (contract).
                    $(out.$s = unsafe { keep_or_alloc_wstr(raw, self.$s, &model.$s) }?;)*
                    for i in (0..LIST_MEMBERS).filter(|&i| !origins.1[i]) {
                        // SAFETY: the old lists are readable (contract).
                        match unsafe { find_equal_list(&old, origins, &taken, i, new[i]) } {
                            Some(j) => {
                                taken[j] = true;
                                lists[i] = old[j];
                            }
                            None => {
                                lists[i] = raw.list(new[i])?;
                                fresh[i] = !new[i].is_empty();
                            }
                        }
                    }
                    Ok(())
                })();
                let [$($l),*] = lists;
                $(out.$l = $l;)*
                match filled {
                    Ok(()) => {
                        // SAFETY: the blocks not kept are owned by the struct
                        // and no longer referenced by `out`.
                        unsafe {
                            $(
                                if self.$s != out.$s {
                                    raw.free(self.$s);
                                }
                            )*
                            for (j, mut list) in old.into_iter().enumerate() {
                                if !taken[j] {
                                    raw.clear_list(&mut list);
                                }
                            }
                        }
                        *self = out;
                        Ok(())
                    }
                    Err(NoMemory) => {
                        // SAFETY: only the blocks allocated above are released.
                        unsafe {
                            $(
                                if self.$s != out.$s {
                                    raw.free(out.$s);
                                }
                            )*
                            for (i, mut list) in lists.into_iter().enumerate() {
                                if fresh[i] {
                                    raw.clear_list(&mut list);
                                }
                            }
                        }
                        Err(NoMemory)
                    }
                }
            }

            /// Reads the struct into the model.
            ///
            /// # Safety
            /// Every string member is NULL or NUL-terminated; every list is
            /// readable for its length, its items NULL or NUL-terminated.
            pub unsafe fn to_model(&self) -> Result<Config, BadList> {
                if [$(self.$l.length),*].iter().any(|&n| n < 0) {
                    return Err(BadList::NegativeLength);
                }
                // SAFETY: string members are NULL or NUL-terminated and lists readable (this
                // function's contract), the same as `to_model_traced`'s.
                unsafe { self.to_model_traced() }.map(|(model, _)| model)
            }

            /// [`PyConfig::to_model`], and where each list's strings were
            /// read into (for [`PyConfig::assign_model_traced`]).
            ///
            /// # Safety
            /// As for [`PyConfig::to_model`].
            pub unsafe fn to_model_traced(&self) -> Result<(Config, ListOrigins), BadList> {
                let mut origins = ListOrigins::default();
                let mut member = 0;
                let mut read = |list: &PyWideStringList| {
                    let i = member;
                    member += 1;
                    // A negative length, as CPython's read takes it: an error for
                    // `argv`; `warnoptions` is rebuilt from nothing; the others are
                    // not read and stay as they are (initialization then fails).
                    if list.length < 0 && i != LIST_ARGV {
                        origins.1[i] = i != LIST_WARNOPTIONS;
                        return Ok(Vec::new());
                    }
                    // SAFETY: `list` is one of `self`'s lists: its `length` item pointers
                    // are readable, each NULL or NUL-terminated (this function's contract).
                    let (strings, buf) = unsafe { wide::read_array_traced(list.length, list.items) }?;
                    origins.0[i] = buf;
                    Ok::<_, BadList>(strings)
                };
                let model = Config {
                    $($i: self.$i,)*
                    $($u: self.$u as u64,)*
                    // SAFETY: each string member is NULL or NUL-terminated (this
                    // function's contract).
                    $($s: unsafe { wide::read_opt_wstr(self.$s) },)*
                    $($l: read(&self.$l)?,)*
                };
                Ok((model, origins))
            }

            /// Frees every string and list member, leaving NULL and `{0, NULL}`,
            /// and resets `module_search_paths_set` (the list it vouches for is
            /// gone); other integer members are left as they are.
            ///
            /// # Safety
            /// Every string and list member is NULL or a raw block owned by the struct.
            pub unsafe fn clear(&mut self) {
                let raw = Raw::now();
                $(
                    // SAFETY: each string member is NULL or a raw block owned by the struct (this
                    // function's contract); it is set to NULL right after, so it is freed once.
                    unsafe { raw.free(self.$s) };
                    self.$s = ptr::null_mut();
                )*
                // SAFETY: each list's array and items are NULL or raw blocks owned by the struct
                // (this function's contract); `clear_list` leaves `{0, NULL}`.
                $(unsafe { raw.clear_list(&mut self.$l) };)*
                self.module_search_paths_set = 0;
            }
        }

        /// The list members' names, in member order.
        const LIST_NAMES: [&str; LIST_MEMBERS] = [$(stringify!($l)),*];
    };
}
crate::config_fields!(impl_config_conversions);

/// Number of `PyWideStringList` members of `PyConfig`.
const LIST_MEMBERS: usize = 5;

/// The buffers the lists of a `PyConfig` were read into, in member order
/// (None for an empty list), and the lists left as C had them: see
/// [`PyConfig::to_model_traced`].
#[derive(Default)]
pub struct ListOrigins([Option<Units>; LIST_MEMBERS], [bool; LIST_MEMBERS]);

/// The position of the list member `name` in member order (a compile-time
/// error for a name that is not one).
const fn list_position(name: &str) -> usize {
    let mut i = 0;
    while i < LIST_MEMBERS {
        let (a, b) = (LIST_NAMES[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a list member of PyConfig")
}

/// Position of `argv` among the list members.
const LIST_ARGV: usize = list_position("argv");
/// Position of `warnoptions` among the list members.
const LIST_WARNOPTIONS: usize = list_position("warnoptions");

/// `old` itself when it holds exactly `new` (no allocation), else a new raw copy.
///
/// # Safety
/// `old` is NULL or a NUL-terminated string.
unsafe fn keep_or_alloc_wstr(
    raw: Raw,
    old: *mut WChar,
    new: &Option<WideString>,
) -> Result<*mut WChar, NoMemory> {
    match new {
        None => Ok(ptr::null_mut()),
        // SAFETY: `old` is non-NULL, so NUL-terminated (this function's contract), and
        // `n.units()` holds no NUL (a `WideString` never does).
        Some(n) if !old.is_null() && unsafe { wide::wstr_eq(old, n.units()) } => Ok(old),
        Some(n) => raw.wstr(n),
    }
}

/// The index of an old list, not yet taken, that holds exactly `new`: list
/// `i` itself first, then the others in member order. None for an empty `new`.
///
/// # Safety
/// Every list of `old` is readable for its length, its items NULL or
/// NUL-terminated.
unsafe fn find_equal_list(
    old: &[PyWideStringList; LIST_MEMBERS],
    origins: &ListOrigins,
    taken: &[bool; LIST_MEMBERS],
    i: usize,
    new: &[WideString],
) -> Option<usize> {
    if new.is_empty() {
        return None;
    }
    // The list itself first, then the others in member order. Strings still
    // pointing where list `j` was read into are its items; otherwise the
    // units are compared.
    for k in 0..LIST_MEMBERS {
        // i, then 0..i, then i+1..
        let j = match k {
            0 => i,
            k if k <= i => k - 1,
            k => k,
        };
        if taken[j] || old[j].length != new.len() as isize {
            continue;
        }
        let same = match &origins.0[j] {
            Some(buf) if WideString::are_parts(new, buf) => true,
            // SAFETY: `old[j]` has `length` readable item pointers, each NULL or NUL-terminated
            // (this function's contract), as `list_eq` requires.
            _ => unsafe { wide::list_eq(&old[j], new) },
        };
        if same {
            return Some(j);
        }
    }
    None
}

/// The struct an initializer writes, made once per flavour.
struct Template(PyConfig);

// SAFETY: a template's pointers are all NULL (the defaults hold no strings
// or lists) and it is never written after it is made.
unsafe impl Sync for Template {}
// SAFETY: a template's pointers are all NULL (it owns no memory) and it is never
// written after it is made.
unsafe impl Send for Template {}

/// The templates of the compat, Python and isolated flavours.
static TEMPLATES: std::sync::OnceLock<[Option<Template>; 3]> = std::sync::OnceLock::new();

/// A copy of the defaults of a flavour (`config_init`: one of
/// `CONFIG_INIT_*`), made once per flavour; the copy owns no memory (the
/// defaults hold no strings or lists). `Err(NoMemory)` only if building the
/// template failed.
pub fn template(config_init: c_int) -> Result<PyConfig, NoMemory> {
    const FLAVOURS: [c_int; 3] = [CONFIG_INIT_COMPAT, CONFIG_INIT_PYTHON, CONFIG_INIT_ISOLATED];
    let templates = TEMPLATES.get_or_init(|| {
        FLAVOURS.map(|f| {
            PyConfig::from_model(&Config::for_flavour(f))
                .ok()
                .map(Template)
        })
    });
    let index = FLAVOURS
        .iter()
        .position(|&f| f == config_init)
        .ok_or(NoMemory)?;
    let t = templates[index].as_ref().ok_or(NoMemory)?;
    // SAFETY: the template owns nothing (all its pointers are NULL), so a
    // bitwise copy is an independent struct.
    Ok(unsafe { ptr::read(&t.0) })
}

/// Borrows `argc` (at most `out.len()`) NUL-terminated byte strings into
/// `out`, returning their count; None for a negative or too large count, a
/// NULL array or a NULL item.
///
/// # Safety
/// When `argc > 0`, `argv` is NULL or points to `argc` pointers, each NULL
/// or a NUL-terminated string that stays unchanged while `out` uses it.
pub unsafe fn borrow_bytes_array(
    argc: isize,
    argv: *const *mut c_char,
    out: &mut [&[u8]],
) -> Option<usize> {
    let n = usize::try_from(argc).ok().filter(|&n| n <= out.len())?;
    if n > 0 && argv.is_null() {
        return None;
    }
    for (i, slot) in out[..n].iter_mut().enumerate() {
        // SAFETY: `i < argc` (caller contract).
        let p = unsafe { *argv.add(i) };
        if p.is_null() {
            return None;
        }
        // SAFETY: non-NULL items are NUL-terminated (caller contract).
        *slot = unsafe { CStr::from_ptr(p) }.to_bytes();
    }
    Some(n)
}

/// Borrows `argc` NUL-terminated byte strings; None for a negative count or a NULL item.
///
/// # Safety
/// As for [`borrow_bytes_array`].
pub unsafe fn read_bytes_array<'a>(argc: isize, argv: *const *mut c_char) -> Option<Vec<&'a [u8]>> {
    let mut out = vec![&[][..]; usize::try_from(argc).ok()?];
    // SAFETY: `argv` holds `argc` readable pointers, each NULL or NUL-terminated, when
    // `argc > 0` and non-NULL (this function's contract); `out` has `argc` slots.
    unsafe { borrow_bytes_array(argc, argv, &mut out) }?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<WideString> {
        items.iter().map(|&s| s.into()).collect()
    }

    #[test]
    fn traced_assign_takes_over_the_lists_read() {
        let mut model = Config::python();
        model.argv = list(&["py", "", "x"]);
        // A list of the same length: taking it over for orig_argv would be wrong.
        model.xoptions = list(&["a", "b", "c"]);
        let mut raw = PyConfig::from_model(&model).unwrap();
        let (argv_items, xoptions_items) = (raw.argv.items, raw.xoptions.items);
        // SAFETY: `raw` owns what from_model allocated.
        let (mut read, origins) = unsafe { raw.to_model_traced() }.unwrap();
        // Each origin is the buffer of the list in the same member position.
        let lists = [
            &read.orig_argv,
            &read.argv,
            &read.xoptions,
            &read.warnoptions,
            &read.module_search_paths,
        ];
        for (list, origin) in lists.into_iter().zip(&origins.0) {
            match origin {
                Some(buf) => assert!(WideString::are_parts(list, buf)),
                None => assert!(list.is_empty()),
            }
        }
        // As PyConfig_Read does: orig_argv from argv, argv cut down.
        read.orig_argv = read.argv.clone();
        read.argv = vec![read.argv[2].clone()];
        // SAFETY: `raw` owns what `from_model` allocated, and its lists are the ones
        // `origins` were just read from, unchanged.
        unsafe { raw.assign_model_traced(&read, &origins) }.unwrap();
        assert_eq!(raw.orig_argv.items, argv_items);
        assert_eq!(raw.xoptions.items, xoptions_items);
        assert_ne!(raw.argv.items, argv_items);
        // SAFETY: `raw` owns what `from_model` and `assign_model_traced` allocated: raw
        // blocks, strings NUL-terminated.
        assert_eq!(unsafe { raw.to_model() }.unwrap(), read);
        // SAFETY: `raw` owns its raw blocks, each freed once here.
        unsafe { raw.clear() };
    }

    #[test]
    fn assign_model_keeps_equal_blocks() {
        let mut model = Config::python();
        model.argv = list(&["py", "-b", "x"]);
        model.program_name = Some("prog".into());
        model.home = Some("/old".into());
        let mut raw = PyConfig::from_model(&model).unwrap();
        let (argv_items, prog, home) = (raw.argv.items, raw.program_name, raw.home);

        let mut next = model.clone();
        next.orig_argv = model.argv.clone();
        next.argv = list(&["x"]);
        next.home = Some("/new".into());
        next.stdio_errors = Some(crate::wstr!("strict"));
        // SAFETY: `raw` owns what from_model allocated.
        unsafe { raw.assign_model(&next) }.unwrap();
        // The unchanged string and the list copied from argv keep their blocks.
        assert_eq!(raw.program_name, prog);
        assert_eq!(raw.orig_argv.items, argv_items);
        assert_ne!(raw.home, home);
        assert_ne!(raw.argv.items, argv_items);
        // SAFETY: `raw` owns what `from_model` and `assign_model` allocated: raw blocks,
        // strings NUL-terminated.
        assert_eq!(unsafe { raw.to_model() }.unwrap(), next);

        // Reading the same values again allocates nothing new.
        let before = (
            raw.orig_argv.items,
            raw.argv.items,
            raw.home,
            raw.stdio_errors,
        );
        // SAFETY: `raw` still owns only blocks `from_model` and `assign_model` allocated.
        unsafe { raw.assign_model(&next) }.unwrap();
        let after = (
            raw.orig_argv.items,
            raw.argv.items,
            raw.home,
            raw.stdio_errors,
        );
        assert_eq!(before, after);

        // SAFETY: `raw` still owns only blocks `from_model` and `assign_model` allocated.
        unsafe { raw.assign_model(&Config::python()) }.unwrap();
        assert!(raw.argv.items.is_null() && raw.program_name.is_null());
        // SAFETY: `raw` owns its raw blocks, each freed once here.
        unsafe { raw.clear() };
    }
}
