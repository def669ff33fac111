//! `Include/fileutils.h`: `Py_DecodeLocale` and `Py_EncodeLocale`.

use std::ffi::{CStr, c_char};
use std::ptr;

use crate::ffi::guard;
use crate::locale::{self, DecodeError, EncodeError};
use crate::marshal::wide;
use crate::runtime;
use crate::wstr::WChar;

fn store(out: *mut usize, value: usize) {
    if !out.is_null() {
        // SAFETY: the caller passed NULL or a writable `size_t`.
        unsafe { *out = value };
    }
}

/// Decodes a byte string from the locale encoding (UTF-8 in UTF-8 mode) with
/// the surrogateescape error handler: undecodable bytes become U+DC80..U+DCFF.
/// Returns a new string to release with `PyMem_RawFree`; stores its length
/// in `*size` when `size` is non-NULL. On failure returns NULL and stores
/// `(size_t)-1` (out of memory) or `(size_t)-2` (decoding error). A NULL
/// `arg` (CPython crashes) is reported as a decoding error.
///
/// # Safety
/// `arg` is NULL or NUL-terminated; `size` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_DecodeLocale(arg: *const c_char, size: *mut usize) -> *mut WChar {
    guard(c"Py_DecodeLocale", || {
        if arg.is_null() {
            store(size, usize::MAX - 1);
            return ptr::null_mut();
        }
        // SAFETY: `arg` is NUL-terminated (caller contract).
        let bytes = unsafe { CStr::from_ptr(arg) }.to_bytes();
        match locale::decode(bytes, runtime::utf8_mode()) {
            Ok(w) => {
                let p = wide::alloc_units(w.units());
                store(size, if p.is_null() { usize::MAX } else { w.len() });
                p
            }
            Err(DecodeError::NoMemory) => {
                store(size, usize::MAX);
                ptr::null_mut()
            }
            Err(DecodeError::Invalid) => {
                store(size, usize::MAX - 1);
                ptr::null_mut()
            }
        }
    })
}

/// Encodes a wide string to the locale encoding (UTF-8 in UTF-8 mode) with
/// the surrogateescape error handler. Returns a new string to release with
/// `PyMem_Free`. When `error_pos` is non-NULL it receives `(size_t)-1` on
/// success or out of memory, and the index of the first unencodable character
/// on an encoding error (the result is then NULL). A NULL `text` returns NULL.
///
/// # Safety
/// `text` is NULL or NUL-terminated; `error_pos` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_EncodeLocale(text: *const WChar, error_pos: *mut usize) -> *mut c_char {
    guard(c"Py_EncodeLocale", || {
        if text.is_null() {
            store(error_pos, usize::MAX);
            return ptr::null_mut();
        }
        let watch = crate::sys::alloc::AllocWatch::start();
        // SAFETY: `text` is NUL-terminated (caller contract).
        let w = unsafe { wide::read_wstr(text) };
        let encoded = match locale::encode(w.units(), runtime::utf8_mode()) {
            Ok(_) if watch.failed() => Err(EncodeError::NoMemory),
            other => other,
        };
        match encoded {
            Ok(bytes) => {
                store(error_pos, usize::MAX);
                // Released with PyMem_Free: the mem domain's block.
                crate::mem::strdup_in(crate::mem::MEM, &bytes)
            }
            Err(EncodeError::Unencodable(i)) => {
                store(error_pos, i);
                ptr::null_mut()
            }
            Err(EncodeError::NoMemory) => {
                store(error_pos, usize::MAX);
                ptr::null_mut()
            }
        }
    })
}

/// Closes a stream opened by the caller (`fclose`): 0, or EOF with `errno`
/// set. Exported so that a stream opened with one C library is closed by
/// the same one.
///
/// # Safety
/// `file` is an open stream, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Py_fclose(file: *mut libc::FILE) -> std::ffi::c_int {
    guard(c"Py_fclose", || {
        // SAFETY: an open stream (the contract).
        unsafe { libc::fclose(file) }
    })
}
