//! `Include/import.h`, `Include/cpython/import.h`: adding to the built-in
//! module table ([`crate::runtime::inittab`]).

use std::ffi::{c_char, c_int};

use crate::abi::pylifecycle::_inittab;
use crate::abi::pyport::PyObject;
use crate::ffi::guard;
use crate::runtime::inittab;

/// Adds the entries of `newtab` (terminated by a NULL name) to the built-in
/// table. Returns 0 (also for an empty table), or -1 when memory is
/// exhausted. A fatal error once Python is initialized.
///
/// # Safety
/// `newtab` is NULL or a NULL-name-terminated table.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyImport_ExtendInittab(newtab: *mut _inittab) -> c_int {
    guard(c"PyImport_ExtendInittab", || {
        inittab::refuse_after_init(c"PyImport_ExtendInittab");
        // SAFETY: NULL or terminated by a NULL name (the caller's contract).
        inittab::extend(&unsafe { inittab::entries_of(newtab) });
        0
    })
}

/// Adds one module to the built-in table (`name` is kept by pointer). Returns
/// 0 or -1. A fatal error once Python is initialized.
///
/// # Safety
/// `name` stays valid while the table is used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyImport_AppendInittab(
    name: *const c_char,
    initfunc: Option<unsafe extern "C" fn() -> *mut PyObject>,
) -> c_int {
    guard(c"PyImport_AppendInittab", || {
        inittab::refuse_after_init(c"PyImport_AppendInittab");
        inittab::extend(&[_inittab { name, initfunc }]);
        0
    })
}
