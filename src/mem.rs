//! Memory behind the `PyMem_Raw*`, `PyMem_*` and `PyObject_*` families.
//!
//! Every block pyrt hands to C comes from here, and every block C hands back
//! is released here, so the family that allocated a string is always the one
//! that frees it (`PyConfig_Clear` and `PyMem_RawFree` agree).
//!
//! The contracts are CPython's: a zero-size request returns a unique non-NULL
//! block, a request above `PY_SSIZE_T_MAX` fails with NULL, `calloc` overflow
//! fails with NULL, and freeing NULL does nothing.

use std::ffi::c_void;
use std::ptr;

/// The largest size any allocation may request (`PY_SSIZE_T_MAX`).
pub const MAX_REQUEST: usize = isize::MAX as usize;

/// Allocates `size` bytes with the raw domain. NULL on failure.
pub fn raw_malloc(size: usize) -> *mut c_void {
    if size > MAX_REQUEST {
        return ptr::null_mut();
    }
    // SAFETY: malloc accepts any size; a zero request is made 1 byte so the
    // result is a unique pointer, as CPython's raw allocator does.
    unsafe { libc::malloc(size.max(1)) }
}

/// Allocates a zeroed array of `nelem * elsize` bytes. NULL on failure or overflow.
pub fn raw_calloc(nelem: usize, elsize: usize) -> *mut c_void {
    if elsize != 0 && nelem > MAX_REQUEST / elsize {
        return ptr::null_mut();
    }
    let (n, e) = if nelem == 0 || elsize == 0 {
        (1, 1)
    } else {
        (nelem, elsize)
    };
    // SAFETY: the product fits in isize (checked above); calloc zeroes it.
    unsafe { libc::calloc(n, e) }
}

/// Resizes a block from the raw domain (NULL `block` allocates).
///
/// # Safety
/// `block` is NULL or a live block from this module's raw functions.
pub unsafe fn raw_realloc(block: *mut c_void, size: usize) -> *mut c_void {
    if size > MAX_REQUEST {
        return ptr::null_mut();
    }
    // SAFETY: the caller guarantees `block` came from malloc/calloc/realloc.
    unsafe { libc::realloc(block, size.max(1)) }
}

/// Releases a block from the raw domain; NULL is a no-op.
///
/// # Safety
/// `block` is NULL or a live block from this module's raw functions.
pub unsafe fn raw_free(block: *mut c_void) {
    // SAFETY: the caller guarantees `block` came from malloc/calloc/realloc.
    unsafe { libc::free(block) }
}

/// Copies `bytes` plus a terminating NUL into a new raw block.
pub fn raw_strdup(bytes: &[u8]) -> *mut libc::c_char {
    let p = raw_malloc(bytes.len() + 1).cast::<u8>();
    if !p.is_null() {
        // SAFETY: `p` has room for len + 1 bytes and does not overlap `bytes`.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
    }
    p.cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contracts() {
        let a = raw_malloc(0);
        let b = raw_malloc(0);
        assert!(!a.is_null() && !b.is_null() && a != b);
        assert!(raw_malloc(MAX_REQUEST + 1).is_null());
        assert!(raw_calloc(usize::MAX, 2).is_null());
        assert!(raw_calloc(2, usize::MAX).is_null());
        let z = raw_calloc(0, 0);
        assert!(!z.is_null());
        // SAFETY: every block came from this module and is freed once.
        unsafe {
            let c = raw_realloc(ptr::null_mut(), 10);
            assert!(!c.is_null());
            let c = raw_realloc(c, 0);
            assert!(!c.is_null());
            assert!(raw_realloc(c, MAX_REQUEST + 1).is_null());
            raw_free(c);
            raw_free(a);
            raw_free(b);
            raw_free(z);
            raw_free(ptr::null_mut());
        }
    }
}

/// An allocation failed: memory is exhausted (or the request was too large).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoMemory;
