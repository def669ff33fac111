//! Primitive and opaque types shared by the other `ffi` modules (`pyport.h`, `object.h`).

/// `Py_ssize_t`: a signed integer the size of a pointer (`ssize_t` on Linux).
#[allow(non_camel_case_types)]
pub type Py_ssize_t = isize;

/// `PyObject`: opaque here. pyrt has no object model; the type exists so that
/// signatures that mention it (`struct _inittab`, `PyInitConfig_AddModule`)
/// keep CPython's spelling.
#[repr(C)]
pub struct PyObject {
    _private: [u8; 0],
}
