//! Conversions between C wide strings / `PyWideStringList` and [`WideString`].
//!
//! Every string and array handed to C is allocated with the raw domain
//! ([`crate::mem`]), so `PyMem_RawFree` and `PyConfig_Clear` release it.

use std::ffi::CStr;
use std::ptr;

use crate::abi::initconfig::PyWideStringList;
use crate::mem::{self, NoMemory};
use crate::status::{PyResult, Status};
use crate::wstr::{Units, WChar, WideString};

/// Reads a NUL-terminated wide string.
///
/// # Safety
/// `p` is non-NULL and points to a NUL-terminated `wchar_t` array.
pub unsafe fn read_wstr(p: *const WChar) -> WideString {
    // SAFETY: the caller guarantees the array is readable up to its NUL.
    let len = unsafe { libc::wcslen(p) };
    // SAFETY: the `len` units before the NUL are readable (see above).
    let units = unsafe { std::slice::from_raw_parts(p, len) };
    WideString::from_slice(units)
}

/// Reads an optional wide string (NULL gives `None`).
///
/// # Safety
/// `p` is NULL or satisfies [`read_wstr`]'s contract.
#[inline(always)]
pub unsafe fn read_opt_wstr(p: *const WChar) -> Option<WideString> {
    // SAFETY: `p` is non-NULL here, so it points to a NUL-terminated array (this
    // function's contract), which is what `read_wstr` requires.
    (!p.is_null()).then(|| unsafe { read_wstr(p) })
}

/// The raw domain's route ([`mem::RawRoute`]), looked up once for the
/// strings and lists of one call (a config's members) and used for each of
/// their blocks. The free functions below look it up per block.
#[derive(Clone, Copy)]
pub struct Raw(mem::RawRoute);

impl Raw {
    /// The route as it is now.
    #[inline(always)]
    pub fn now() -> Raw {
        Raw(mem::RawRoute::now())
    }

    /// A new raw block of `len` units plus a NUL, the units written by
    /// `fill`; NULL when memory is exhausted.
    #[inline(always)]
    fn filled(self, len: usize, fill: impl FnOnce(*mut WChar)) -> *mut WChar {
        let Some(bytes) = (len + 1).checked_mul(size_of::<WChar>()) else {
            return ptr::null_mut();
        };
        // Every unit is written below.
        let p = self.0.malloc_written(bytes).cast::<WChar>();
        if !p.is_null() {
            fill(p);
            // SAFETY: `p` holds len + 1 units.
            unsafe { *p.add(len) = 0 };
        }
        p
    }

    /// Copies `units` plus a NUL into a new raw block; NULL when memory is exhausted.
    pub fn units(self, units: &[WChar]) -> *mut WChar {
        self.filled(units.len(), |p| {
            // SAFETY: `p` holds len + 1 units and does not overlap `units`.
            unsafe { ptr::copy_nonoverlapping(units.as_ptr(), p, units.len()) }
        })
    }

    /// Widens each byte of `bytes` into one unit of a new raw block (plus a
    /// NUL); NULL when memory is exhausted.
    pub fn widened(self, bytes: &[u8]) -> *mut WChar {
        self.filled(bytes.len(), |p| {
            // SAFETY: `p` holds len + 1 units, in a new block nothing else
            // refers to (a unique slice lets the loop be vectorized).
            let dst = unsafe { std::slice::from_raw_parts_mut(p, bytes.len()) };
            for (d, &b) in dst.iter_mut().zip(bytes) {
                *d = WChar::from(b);
            }
        })
    }

    /// Copies a string into a new raw block; `Err(NoMemory)` when memory is exhausted.
    pub fn wstr(self, s: &WideString) -> Result<*mut WChar, NoMemory> {
        let p = self.units(s.units());
        if p.is_null() { Err(NoMemory) } else { Ok(p) }
    }

    /// Copies an optional string (None gives NULL); `Err(NoMemory)` when
    /// memory is exhausted.
    pub fn opt_wstr(self, s: &Option<WideString>) -> Result<*mut WChar, NoMemory> {
        match s {
            None => Ok(ptr::null_mut()),
            Some(s) => self.wstr(s),
        }
    }

    /// Builds a new raw list holding copies of `strings`; `Err(NoMemory)`
    /// when memory is exhausted (nothing is leaked then). An empty vector
    /// gives `{0, NULL}`.
    pub fn list(self, strings: &[WideString]) -> Result<PyWideStringList, NoMemory> {
        self.build_list(strings.len(), NoMemory, |i| self.wstr(&strings[i]))
    }

    /// Builds a new raw list of `n` items, item `i` being the raw block
    /// `item(i)` returns; `oom` when the array cannot be allocated. On any
    /// error, what was built is released (nothing leaks). `n` = 0 gives
    /// `{0, NULL}`.
    pub fn build_list<E>(
        self,
        n: usize,
        oom: E,
        mut item: impl FnMut(usize) -> Result<*mut WChar, E>,
    ) -> Result<PyWideStringList, E> {
        if n == 0 {
            return Ok(PyWideStringList::EMPTY);
        }
        let Some(bytes) = n.checked_mul(size_of::<*mut WChar>()) else {
            return Err(oom);
        };
        // Every pointer is written below (or the array freed).
        let items = self.0.malloc_written(bytes).cast::<*mut WChar>();
        if items.is_null() {
            return Err(oom);
        }
        for i in 0..n {
            match item(i) {
                // SAFETY: `items` has room for `n` pointers.
                Ok(p) => unsafe { *items.add(i) = p },
                Err(e) => {
                    let partial = PyWideStringList {
                        length: i as isize,
                        items,
                    };
                    // SAFETY: the first `i` items were just allocated here.
                    unsafe { self.clear_list(&mut { partial }) };
                    return Err(e);
                }
            }
        }
        Ok(PyWideStringList {
            length: n as isize,
            items,
        })
    }

    /// Releases a string (or any raw block); NULL is a no-op.
    ///
    /// # Safety
    /// `p` is NULL or a live raw block of this route's allocator, not used
    /// afterwards.
    #[inline(always)]
    pub unsafe fn free(self, p: *mut WChar) {
        // Most members of a config are NULL: skip the allocator's dispatch.
        if !p.is_null() {
            // SAFETY: `p` is non-NULL here, so a live block of this route's allocator that is
            // not used afterwards (this function's contract).
            unsafe { self.0.free(p.cast()) }
        }
    }

    /// Frees every item and the array, leaving `{0, NULL}`.
    ///
    /// # Safety
    /// The list's items and array are NULL or live raw blocks owned by the list.
    pub unsafe fn clear_list(self, list: &mut PyWideStringList) {
        if !list.items.is_null() {
            for i in 0..list.length.max(0) as usize {
                // SAFETY: the list owns `length` item pointers.
                unsafe { self.free(*list.items.add(i)) };
            }
            // SAFETY: the array is a raw block owned by the list.
            unsafe { self.free(list.items.cast()) };
        }
        *list = PyWideStringList::EMPTY;
    }
}

/// [`Raw::units`] on the current route.
pub fn alloc_units(units: &[WChar]) -> *mut WChar {
    Raw::now().units(units)
}

/// [`Raw::wstr`] on the current route.
pub fn alloc_wstr(s: &WideString) -> Result<*mut WChar, NoMemory> {
    Raw::now().wstr(s)
}

/// [`Raw::opt_wstr`] on the current route.
pub fn alloc_opt_wstr(s: &Option<WideString>) -> Result<*mut WChar, NoMemory> {
    Raw::now().opt_wstr(s)
}

/// True when the C string `p` holds exactly `units`.
///
/// # Safety
/// `p` is non-NULL and NUL-terminated; `units` holds no NUL.
pub unsafe fn wstr_eq(p: *const WChar, units: &[WChar]) -> bool {
    for (i, &u) in units.iter().enumerate() {
        // SAFETY: the string is readable up to its NUL, and no unit before
        // index `i` was a NUL (each matched a non-NUL unit of `units`).
        if unsafe { *p.add(i) } != u {
            return false;
        }
    }
    // SAFETY: the loop matched `units.len()` units, none of them NUL (`units` holds no
    // NUL, this function's contract), so the string's NUL is at this index or later.
    unsafe { *p.add(units.len()) == 0 }
}

/// True when `list` holds exactly `strings`.
///
/// # Safety
/// `list` is readable for its length, its items NULL or NUL-terminated.
#[inline]
pub unsafe fn list_eq(list: &PyWideStringList, strings: &[WideString]) -> bool {
    if list.length != strings.len() as isize || list.items.is_null() {
        return false;
    }
    strings.iter().enumerate().all(|(i, s)| {
        // SAFETY: `i < length` (contract).
        let item = unsafe { *list.items.add(i) };
        // SAFETY: non-NULL items are NUL-terminated (contract).
        !item.is_null() && unsafe { wstr_eq(item, s.units()) }
    })
}

/// [`Raw::free`] on the current route.
///
/// # Safety
/// As for [`Raw::free`].
pub unsafe fn free_wstr(p: *mut WChar) {
    // SAFETY: `p` is NULL or a live raw-domain block of the current route, not used
    // afterwards (this function's contract, as for `Raw::free`).
    unsafe { Raw::now().free(p) }
}

/// Why a `PyWideStringList` could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BadList {
    /// `length` is negative.
    NegativeLength,
    /// `length` > 0 with `items` NULL, or one of the items is NULL.
    NullItem,
}

/// Error message for an inconsistent list (pyrt's answer where CPython crashes).
pub const LIST_BAD: &CStr = c"PyWideStringList is inconsistent (negative length or NULL item)";

impl BadList {
    /// The status `func` reports: a negative count gets CPython's answer (its
    /// size computation fails with an out-of-memory status); NULL items, on
    /// which CPython crashes, get [`LIST_BAD`].
    pub fn status(self, func: &'static CStr) -> Status {
        match self {
            BadList::NegativeLength => Status::no_memory(func),
            BadList::NullItem => Status::error(func, LIST_BAD),
        }
    }
}

/// Reads `length` strings from a C array.
///
/// # Safety
/// When `length > 0` and `items` is non-NULL, `items` points to `length`
/// pointers, each NULL or a NUL-terminated wide string.
pub unsafe fn read_array(
    length: isize,
    items: *const *mut WChar,
) -> Result<Vec<WideString>, BadList> {
    // SAFETY: `length` and `items` meet this function's contract, which is also
    // `read_array_traced`'s (`length` readable pointers, each NULL or NUL-terminated).
    unsafe { read_array_traced(length, items) }.map(|(strings, _)| strings)
}

/// [`read_array`], and the buffer the strings share (None when there are
/// none), which tells them apart from equal strings of other origins
/// ([`WideString::are_parts`]).
///
/// # Safety
/// As for [`read_array`].
pub unsafe fn read_array_traced(
    length: isize,
    items: *const *mut WChar,
) -> Result<(Vec<WideString>, Option<Units>), BadList> {
    if length < 0 {
        return Err(BadList::NegativeLength);
    }
    if length == 0 {
        return Ok((Vec::new(), None));
    }
    if items.is_null() {
        return Err(BadList::NullItem);
    }
    // SAFETY: `length` pointers are readable (caller contract).
    let items = unsafe { std::slice::from_raw_parts(items, length as usize) };
    // Each length is measured once; short lists keep them on the stack.
    let mut short = [0usize; 32];
    let mut long = Vec::new();
    let lens = if items.len() <= short.len() {
        &mut short[..items.len()]
    } else {
        long.resize(items.len(), 0);
        &mut long[..]
    };
    let mut total = 0usize;
    for (len, &item) in lens.iter_mut().zip(items) {
        if item.is_null() {
            return Err(BadList::NullItem);
        }
        // SAFETY: non-NULL item, NUL-terminated by the caller's contract.
        *len = unsafe { libc::wcslen(item) };
        total += *len + 1;
    }
    // One buffer holds every item with its NUL; the strings share it.
    let parts = items.iter().zip(lens.iter()).map(|(&item, &len)| {
        // SAFETY: the item's `len` units and its NUL were just measured.
        unsafe { std::slice::from_raw_parts(item.cast_const(), len + 1) }
    });
    let buf = Units::concat(total, parts);
    Ok((WideString::parts(buf.clone(), lens), Some(buf)))
}

/// Reads a `PyWideStringList`.
///
/// # Safety
/// `list` satisfies [`read_array`]'s contract for its own length and items.
pub unsafe fn read_list(list: &PyWideStringList) -> Result<Vec<WideString>, BadList> {
    // SAFETY: `list.items` holds `list.length` readable pointers, each NULL or
    // NUL-terminated, when non-NULL with a positive length (this function's contract).
    unsafe { read_array(list.length, list.items) }
}

/// [`Raw::list`] on the current route.
pub fn alloc_list(strings: &[WideString]) -> Result<PyWideStringList, NoMemory> {
    Raw::now().list(strings)
}

/// [`Raw::clear_list`] on the current route.
///
/// # Safety
/// As for [`Raw::clear_list`].
pub unsafe fn clear_list(list: &mut PyWideStringList) {
    // SAFETY: the list's array and items are NULL or live raw blocks of the current
    // route owned by the list (this function's contract, as for `Raw::clear_list`).
    unsafe { Raw::now().clear_list(list) }
}

/// Inserts into a C list in place, growing its array with the raw allocator.
///
/// # Safety
/// `list` is a consistent list whose array and items are raw blocks.
pub unsafe fn list_insert(
    list: &mut PyWideStringList,
    index: isize,
    item: &WideString,
) -> PyResult<()> {
    const FUNC: &CStr = c"PyWideStringList_Insert";
    if list.length < 0 || (list.length > 0 && list.items.is_null()) {
        return Err(Status::error(FUNC, LIST_BAD));
    }
    let len = list.length as usize;
    let index = (index as usize).min(len);
    let copy = alloc_wstr(item).map_err(|NoMemory| Status::no_memory(FUNC))?;
    let bytes = (len + 1) * size_of::<*mut WChar>();
    // SAFETY: `items` is NULL or the list's raw array.
    let items = unsafe { mem::raw_realloc(list.items.cast(), bytes) }.cast::<*mut WChar>();
    if items.is_null() {
        // SAFETY: `copy` was allocated above and is not shared.
        unsafe { free_wstr(copy) };
        return Err(Status::no_memory(FUNC));
    }
    // SAFETY: the array now holds len + 1 slots; shift [index, len) up by one.
    unsafe {
        ptr::copy(items.add(index), items.add(index + 1), len - index);
        *items.add(index) = copy;
    }
    list.items = items;
    list.length += 1;
    Ok(())
}

/// Replaces a string slot with a copy of `value`, freeing the old string.
///
/// # Safety
/// `slot` is valid and holds NULL or a raw-allocated string.
pub unsafe fn replace_string(slot: *mut *mut WChar, value: &Option<WideString>) -> PyResult<()> {
    let new = alloc_opt_wstr(value).map_err(|NoMemory| Status::no_memory(c"PyConfig_SetString"))?;
    // SAFETY: `slot` is valid for reads and writes and holds NULL or a raw-domain
    // string it owns (this function's contract); the old string is freed once, then replaced.
    unsafe {
        free_wstr(*slot);
        *slot = new;
    }
    Ok(())
}

/// Replaces a list with copies of `length` strings, freeing the old list
/// only once the new one is built.
///
/// # Safety
/// `list` is valid and owns its raw-allocated contents.
pub unsafe fn replace_list(
    func: &'static CStr,
    list: *mut PyWideStringList,
    strings: &[WideString],
) -> PyResult<()> {
    let new = alloc_list(strings).map_err(|NoMemory| Status::no_memory(func))?;
    // SAFETY: `list` is valid for reads and writes and owns its raw-domain array and
    // items (this function's contract); they are released once, then replaced by `new`.
    unsafe {
        clear_list(&mut *list);
        *list = new;
    }
    Ok(())
}

/// A copy of `bytes` with a NUL, allocated with the C library's `malloc`
/// (what `PyInitConfig_GetStr` hands out, freed with `free`); NULL when
/// memory is exhausted.
pub fn malloc_cstring(bytes: &[u8]) -> *mut std::ffi::c_char {
    // SAFETY: malloc of len + 1 bytes; the copy stays inside the block.
    unsafe {
        let p = libc::malloc(bytes.len() + 1).cast::<u8>();
        if !p.is_null() {
            ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
        p.cast()
    }
}
