//! Reading and writing the legacy global configuration variables
//! ([`crate::abi::pydebug`]): the compat flavour reads them, and
//! pre-initialization and initialization write them, as CPython does.

use std::ffi::c_int;
use std::ptr::{addr_of, addr_of_mut};

use crate::abi::pydebug::*;

use crate::config::PreConfig;
use crate::config::preconfig::LegacyFlags;
use crate::config::read::LegacyGlobals;

fn get(flag: *const c_int) -> i32 {
    // SAFETY: `flag` is one of the statics above; a volatile read observes
    // what C code stored, and int-sized reads do not tear on x86_64.
    unsafe { flag.read_volatile() }
}

fn set(flag: *mut c_int, value: i32) {
    // SAFETY: as for `get`.
    unsafe { flag.write_volatile(value) }
}

/// The flags the compat pre-configuration reads.
pub fn legacy_flags() -> LegacyFlags {
    LegacyFlags {
        isolated: get(addr_of!(Py_IsolatedFlag)),
        ignore_environment: get(addr_of!(Py_IgnoreEnvironmentFlag)),
        utf8_mode: get(addr_of!(Py_UTF8Mode)),
    }
}

/// Writes the pre-configuration back to the legacy flags (values of -1 are skipped).
pub fn write_pre_globals(pre: &PreConfig) {
    if pre.isolated != -1 {
        set(addr_of_mut!(Py_IsolatedFlag), pre.isolated);
    }
    if pre.use_environment != -1 {
        set(
            addr_of_mut!(Py_IgnoreEnvironmentFlag),
            (pre.use_environment == 0) as i32,
        );
    }
    if pre.utf8_mode != -1 {
        set(addr_of_mut!(Py_UTF8Mode), pre.utf8_mode);
    }
}

/// All the flags the compat `PyConfig` flavour copies.
pub fn legacy_globals() -> LegacyGlobals {
    LegacyGlobals {
        isolated: get(addr_of!(Py_IsolatedFlag)),
        ignore_environment: get(addr_of!(Py_IgnoreEnvironmentFlag)),
        bytes_warning: get(addr_of!(Py_BytesWarningFlag)),
        inspect: get(addr_of!(Py_InspectFlag)),
        interactive: get(addr_of!(Py_InteractiveFlag)),
        optimize: get(addr_of!(Py_OptimizeFlag)),
        debug: get(addr_of!(Py_DebugFlag)),
        verbose: get(addr_of!(Py_VerboseFlag)),
        quiet: get(addr_of!(Py_QuietFlag)),
        frozen: get(addr_of!(Py_FrozenFlag)),
        unbuffered_stdio: get(addr_of!(Py_UnbufferedStdioFlag)),
        no_site: get(addr_of!(Py_NoSiteFlag)),
        dont_write_bytecode: get(addr_of!(Py_DontWriteBytecodeFlag)),
        no_user_site_directory: get(addr_of!(Py_NoUserSiteDirectory)),
    }
}

/// The current value of `Py_IgnoreEnvironmentFlag`.
pub fn ignore_environment_flag() -> bool {
    get(addr_of!(Py_IgnoreEnvironmentFlag)) != 0
}

/// Writes a configuration back to the legacy flags at initialization (members
/// still -1 are skipped; the negated flags get the logical not).
pub fn write_config_globals(c: &crate::config::Config) {
    fn copy(flag: *mut c_int, value: i32) {
        if value != -1 {
            set(flag, value);
        }
    }
    fn copy_not(flag: *mut c_int, value: i32) {
        if value != -1 {
            set(flag, (value == 0) as i32);
        }
    }
    copy(addr_of_mut!(Py_IsolatedFlag), c.isolated);
    copy_not(addr_of_mut!(Py_IgnoreEnvironmentFlag), c.use_environment);
    copy(addr_of_mut!(Py_BytesWarningFlag), c.bytes_warning);
    copy(addr_of_mut!(Py_InspectFlag), c.inspect);
    copy(addr_of_mut!(Py_InteractiveFlag), c.interactive);
    copy(addr_of_mut!(Py_OptimizeFlag), c.optimization_level);
    copy(addr_of_mut!(Py_DebugFlag), c.parser_debug);
    copy(addr_of_mut!(Py_VerboseFlag), c.verbose);
    copy(addr_of_mut!(Py_QuietFlag), c.quiet);
    copy_not(addr_of_mut!(Py_FrozenFlag), c.pathconfig_warnings);
    copy_not(addr_of_mut!(Py_UnbufferedStdioFlag), c.buffered_stdio);
    copy_not(addr_of_mut!(Py_NoSiteFlag), c.site_import);
    copy_not(addr_of_mut!(Py_DontWriteBytecodeFlag), c.write_bytecode);
    copy_not(addr_of_mut!(Py_NoUserSiteDirectory), c.user_site_directory);
    set(
        addr_of_mut!(Py_HashRandomizationFlag),
        (c.use_hash_seed == 0 || c.hash_seed != 0) as i32,
    );
}

static FS_ENCODING: crate::sys::mutex::Mutex<(
    Option<std::ffi::CString>,
    Option<std::ffi::CString>,
)> = crate::sys::mutex::Mutex::new((None, None));

/// Sets `Py_FileSystemDefaultEncoding` / `...EncodeErrors` (None: NULL).
pub fn set_filesystem_encoding(enc: Option<std::ffi::CString>, err: Option<std::ffi::CString>) {
    let mut slot = FS_ENCODING.lock();
    // SAFETY: the pointers stored point into CStrings kept in `slot` until replaced.
    unsafe {
        addr_of_mut!(Py_FileSystemDefaultEncoding)
            .write_volatile(enc.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()));
        addr_of_mut!(Py_FileSystemDefaultEncodeErrors)
            .write_volatile(err.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()));
    }
    *slot = (enc, err);
}

/// Takes this module's lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&FS_ENCODING);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&FS_ENCODING) };
}
