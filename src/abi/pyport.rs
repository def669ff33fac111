//! `Include/pyport.h` and `Include/object.h`: the primitive types the other
//! mirrors use.

/// `Py_ssize_t`: a signed integer the size of a pointer (`ssize_t` on Linux).
#[allow(non_camel_case_types)]
pub type Py_ssize_t = isize;

/// One `wchar_t` code unit (a signed 32-bit integer on Linux).
pub type WChar = libc::wchar_t;

/// `PyObject`: opaque here. pyrt has no object model; the type exists so that
/// signatures that mention it (`struct _inittab`, `PyInitConfig_AddModule`)
/// keep CPython's spelling.
#[repr(C)]
pub struct PyObject {
    _private: [u8; 0],
}
