//! `Include/import.h`, `Include/cpython/import.h`: the built-in module table.
//!
//! pyrt has no modules of its own, so the table starts empty; entries added
//! before initialization are kept (for the embedder's own bookkeeping and for
//! binaries that read `PyImport_Inittab`), and adding is refused while the
//! runtime is initialized, as in CPython.

use std::ffi::{c_char, c_int};
use std::ptr::null;

use crate::abi::import::PyImport_Inittab;
use crate::abi::pylifecycle::_inittab;
use crate::abi::pyport::PyObject;
use crate::ffi::guard;

/// The extended table `PyImport_Inittab` points to once entries were added.
struct Table(Vec<_inittab>);
// SAFETY: the entries are plain pointers C gave; they are only copied.
unsafe impl Send for Table {}

/// Every extended table made, newest last: older ones stay allocated because C
/// may still hold pointers into them.
static EXTENDED: parking_lot::Mutex<Vec<Table>> = parking_lot::Mutex::new(Vec::new());

fn refuse_after_init(func: &std::ffi::CStr) {
    if crate::runtime::lock().core_initialized {
        let msg = format!(
            "{}() may not be called after Py_Initialize()",
            func.to_string_lossy()
        );
        crate::runtime::fatal::fatal_error(Some(func), &msg);
    }
}

/// Appends `entries` (without terminator) to the table.
pub fn extend_inittab(entries: &[_inittab]) {
    if entries.is_empty() {
        return;
    }
    let mut ext = EXTENDED.lock();
    let mut table: Vec<_inittab> = Vec::new();
    // SAFETY: the current table is terminated by a NULL name.
    unsafe {
        let mut p = PyImport_Inittab.cast_const();
        while !(*p).name.is_null() {
            table.push(*p);
            p = p.add(1);
        }
    }
    table.extend_from_slice(entries);
    table.push(_inittab {
        name: null(),
        initfunc: None,
    });
    ext.push(Table(table));
    let newest = ext.last_mut().expect("just pushed");
    // SAFETY: the vector stays alive in EXTENDED for the life of the process.
    unsafe { PyImport_Inittab = newest.0.as_mut_ptr() };
}

/// Adds the entries of `newtab` (terminated by a NULL name) to the built-in
/// table. Returns 0 (also for an empty table), or -1 when memory is
/// exhausted. A fatal error once Python is initialized.
///
/// # Safety
/// `newtab` is NULL or a NULL-name-terminated table.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyImport_ExtendInittab(newtab: *mut _inittab) -> c_int {
    guard(c"PyImport_ExtendInittab", || {
        refuse_after_init(c"PyImport_ExtendInittab");
        let mut entries = Vec::new();
        if !newtab.is_null() {
            // SAFETY: caller contract: terminated by a NULL name.
            unsafe {
                let mut p = newtab.cast_const();
                while !(*p).name.is_null() {
                    entries.push(*p);
                    p = p.add(1);
                }
            }
        }
        extend_inittab(&entries);
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
        refuse_after_init(c"PyImport_AppendInittab");
        extend_inittab(&[_inittab { name, initfunc }]);
        0
    })
}
