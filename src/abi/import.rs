//! `Include/import.h`: the built-in module table global. pyrt has no
//! modules of its own, so the table starts empty.

use std::ptr::{addr_of_mut, null};

use super::pylifecycle::_inittab;

static mut BUILTIN_INITTAB: [_inittab; 1] = [_inittab {
    name: null(),
    initfunc: None,
}];

/// The built-in module table, terminated by an entry whose `name` is NULL.
#[unsafe(no_mangle)]
pub static mut PyImport_Inittab: *mut _inittab = addr_of_mut!(BUILTIN_INITTAB) as *mut _inittab;
