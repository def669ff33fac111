//! `Include/cpython/pylifecycle.h` and `Include/cpython/import.h`: the
//! sub-interpreter configuration and the built-in module table entry.

use std::ffi::{c_char, c_int};

use super::pyport::PyObject;

/// `PyInterpreterConfig.gil`: use the default for the kind of interpreter.
pub const PyInterpreterConfig_DEFAULT_GIL: c_int = 0;
/// `PyInterpreterConfig.gil`: share the main interpreter's GIL.
pub const PyInterpreterConfig_SHARED_GIL: c_int = 1;
/// `PyInterpreterConfig.gil`: the interpreter gets its own GIL (PEP 684).
pub const PyInterpreterConfig_OWN_GIL: c_int = 2;

/// How `Py_NewInterpreterFromConfig` sets up a sub-interpreter.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyInterpreterConfig {
    /// Share the main interpreter's object allocator state.
    pub use_main_obmalloc: c_int,
    /// Allow `os.fork()`.
    pub allow_fork: c_int,
    /// Allow `os.exec*()`.
    pub allow_exec: c_int,
    /// Allow creating threads.
    pub allow_threads: c_int,
    /// Allow daemon threads.
    pub allow_daemon_threads: c_int,
    /// Refuse single-phase-init extension modules.
    pub check_multi_interp_extensions: c_int,
    /// One of `PyInterpreterConfig_*_GIL`.
    pub gil: c_int,
}

/// An entry of the built-in module table (`PyImport_Inittab`); a table ends
/// with an entry whose `name` is NULL.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct _inittab {
    /// Module name.
    pub name: *const c_char,
    /// Module initialization function.
    pub initfunc: Option<unsafe extern "C" fn() -> *mut PyObject>,
}
