//! The built-in module table (`PyImport_Inittab`). pyrt has no modules of
//! its own, so the table starts empty; entries added before initialization
//! are kept (for the embedder's own bookkeeping and for binaries that read
//! `PyImport_Inittab`), and adding is refused once the runtime is
//! initialized, as in CPython.

use std::ffi::CStr;
use std::ptr::null;

use crate::abi::import::PyImport_Inittab;
use crate::abi::pylifecycle::_inittab;

/// The extended table `PyImport_Inittab` points to once entries were added.
struct Table(Vec<_inittab>);
// SAFETY: the entries are plain pointers C gave; they are only copied.
unsafe impl Send for Table {}

/// Every extended table made, newest last: older ones stay allocated because C
/// may still hold pointers into them.
static EXTENDED: crate::sys::mutex::Mutex<Vec<Table>> = crate::sys::mutex::Mutex::new(Vec::new());

/// The fatal error of adding entries once the core is initialized.
pub fn refuse_after_init(func: &CStr) {
    if crate::runtime::lock().core_initialized {
        let msg = format!(
            "{}() may not be called after Py_Initialize()",
            func.to_string_lossy()
        );
        crate::runtime::fatal::fatal_error(Some(func), &msg);
    }
}

/// The entries of a table, up to its NULL-name terminator (NULL: none).
///
/// # Safety
/// `table` is NULL or points to entries ending with one whose `name` is NULL.
pub unsafe fn entries_of(table: *const _inittab) -> Vec<_inittab> {
    let mut out = Vec::new();
    let mut p = table;
    // SAFETY: every entry up to the terminator is readable (the contract).
    unsafe {
        while !p.is_null() && !(*p).name.is_null() {
            out.push(*p);
            p = p.add(1);
        }
    }
    out
}

/// Appends `entries` (without terminator) to the table.
pub fn extend(entries: &[_inittab]) {
    if entries.is_empty() {
        return;
    }
    let mut ext = EXTENDED.lock();
    // SAFETY: the current table is the built-in one or an extended one,
    // both terminated by a NULL name; it only changes under EXTENDED's lock.
    let mut table = unsafe { entries_of(PyImport_Inittab) };
    table.extend_from_slice(entries);
    table.push(_inittab {
        name: null(),
        initfunc: None,
    });
    ext.push(Table(table));
    let newest = ext.last_mut().expect("just pushed");
    // SAFETY: the vector stays alive in EXTENDED for the life of the process;
    // the global is only written here, under EXTENDED's lock.
    unsafe { PyImport_Inittab = newest.0.as_mut_ptr() };
}

/// Takes this module's lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&EXTENDED);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&EXTENDED) };
}
