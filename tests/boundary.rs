//! The C boundary with input CPython does not define (NULL pointers, negative
//! counts, inconsistent lists): pyrt answers with the error statuses listed in
//! docs/differences.md instead of crashing. CPython crashes on these, so they
//! cannot be C tests compared with CPython; they call the exports directly.

use std::ffi::{CStr, c_char};
use std::ptr;

use pyrt::abi::initconfig::*;
use pyrt::ffi::fileutils::{Py_DecodeLocale, Py_EncodeLocale};
use pyrt::ffi::initconfig::*;
use pyrt::ffi::pylifecycle::Py_PreInitialize;
use pyrt::ffi::{PANIC_MSG, guard};
use pyrt::wstr::WChar;

fn w(s: &str) -> Vec<WChar> {
    s.chars().map(|c| c as WChar).chain([0]).collect()
}

fn msg(st: &PyStatus) -> String {
    assert_eq!(PyStatus_IsError(*st), 1, "expected an error status");
    // SAFETY: error statuses carry a static NUL-terminated message.
    unsafe { CStr::from_ptr(st.err_msg) }
        .to_string_lossy()
        .into_owned()
}

fn func(st: &PyStatus) -> String {
    // SAFETY: a non-NULL func is a static NUL-terminated string.
    unsafe { CStr::from_ptr(st.func) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn null_config_is_an_error_status() {
    // Only meaningful before pre-initialization; the tests of this file share a
    // process, so run the NULL checks that need it from a pristine child.
    if std::env::var_os("PYRT_BOUNDARY_CHILD").is_none() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "null_config_is_an_error_status",
                "--test-threads=1",
            ])
            .env("PYRT_BOUNDARY_CHILD", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        return;
    }
    let s = w("x");
    // SAFETY: NULL config is the case under test; other pointers are valid.
    unsafe {
        let mut slot: *mut WChar = ptr::null_mut();
        let st = PyConfig_SetString(ptr::null_mut(), &mut slot, s.as_ptr());
        assert_eq!(msg(&st), "config is NULL");
        assert_eq!(func(&st), "PyConfig_SetString");
        let st = PyConfig_SetBytesString(ptr::null_mut(), &mut slot, c"x".as_ptr());
        assert_eq!(msg(&st), "config is NULL");
        let st = PyConfig_SetArgv(ptr::null_mut(), 0, ptr::null());
        assert_eq!(msg(&st), "config is NULL");
        let st = PyConfig_SetBytesArgv(ptr::null_mut(), 0, ptr::null());
        assert_eq!(msg(&st), "config is NULL");
        let mut list = PyWideStringList::EMPTY;
        let st = PyConfig_SetWideStringList(ptr::null_mut(), &mut list, 0, ptr::null_mut());
        assert_eq!(msg(&st), "config is NULL");
        // Initializers and Clear ignore NULL.
        PyConfig_InitPythonConfig(ptr::null_mut());
        PyConfig_Clear(ptr::null_mut());
        PyPreConfig_InitIsolatedConfig(ptr::null_mut());
        let st = Py_PreInitialize(ptr::null());
        assert_eq!(msg(&st), "preinitialization config is NULL");
        assert_eq!(func(&st), "_Py_PreInitializeFromPyArgv");
        // Once pre-initialized, CPython no longer reads the config: NULL works.
        let mut pre = std::mem::MaybeUninit::<PyPreConfig>::uninit();
        PyPreConfig_InitIsolatedConfig(pre.as_mut_ptr());
        assert_eq!(PyStatus_Exception(Py_PreInitialize(pre.as_ptr())), 0);
        let st = PyConfig_SetString(ptr::null_mut(), &mut slot, s.as_ptr());
        assert_eq!(PyStatus_Exception(st), 0);
        assert!(!slot.is_null());
        pyrt::ffi::pymem::PyMem_RawFree(slot.cast());
    }
}

#[test]
fn bad_lists_and_counts() {
    let mut cfg = std::mem::MaybeUninit::<PyConfig>::uninit();
    // SAFETY: the initializer fills the whole struct; the calls below pass
    // deliberately inconsistent arrays, which pyrt must reject without reading.
    unsafe {
        PyConfig_InitIsolatedConfig(cfg.as_mut_ptr());
        let cfg = cfg.assume_init_mut();
        let st = PyConfig_SetArgv(cfg, -1, ptr::null());
        assert_eq!(msg(&st), "memory allocation failed");
        assert_eq!(func(&st), "_PyArgv_AsWstrList");
        let st = PyConfig_SetArgv(cfg, 2, ptr::null());
        assert!(msg(&st).contains("inconsistent"));
        let a = w("a");
        let items = [a.as_ptr() as *mut WChar, ptr::null_mut()];
        let st = PyConfig_SetArgv(cfg, 2, items.as_ptr());
        assert!(msg(&st).contains("inconsistent"));
        let bytes: [*mut c_char; 1] = [ptr::null_mut()];
        let st = PyConfig_SetBytesArgv(cfg, 1, bytes.as_ptr());
        assert!(msg(&st).contains("inconsistent"));
        let st = PyConfig_SetWideStringList(cfg, &mut cfg.xoptions, -3, ptr::null_mut());
        assert_eq!(msg(&st), "memory allocation failed");
        assert_eq!(func(&st), "PyConfig_SetWideStringList");
        let st = PyConfig_SetWideStringList(cfg, ptr::null_mut(), 0, ptr::null_mut());
        assert_eq!(msg(&st), "PyWideStringList is NULL");
        let mut slot_null: *mut *mut WChar = ptr::null_mut();
        let st = PyConfig_SetString(cfg, slot_null, a.as_ptr());
        assert_eq!(msg(&st), "config string pointer is NULL");
        slot_null = &mut cfg.home;
        assert_eq!(
            PyStatus_Exception(PyConfig_SetString(cfg, slot_null, a.as_ptr())),
            0
        );
        // Nothing was replaced by the failed calls.
        assert_eq!(cfg.argv.length, 0);
        assert_eq!(cfg.xoptions.length, 0);
        PyConfig_Clear(cfg);
        assert!(cfg.home.is_null());
    }
}

#[test]
fn wide_string_list_guards() {
    let a = w("a");
    // SAFETY: NULL list/item are the cases under test; the list is valid.
    unsafe {
        let st = PyWideStringList_Append(ptr::null_mut(), a.as_ptr());
        assert_eq!(msg(&st), "PyWideStringList is NULL");
        let mut list = PyWideStringList::EMPTY;
        let st = PyWideStringList_Insert(&mut list, 0, ptr::null());
        assert_eq!(msg(&st), "PyWideStringList item is NULL");
        let st = PyWideStringList_Insert(&mut list, -1, a.as_ptr());
        assert_eq!(msg(&st), "PyWideStringList_Insert index must be >= 0");
        assert_eq!(func(&st), "PyWideStringList_Insert");
        let mut broken = PyWideStringList {
            length: 3,
            items: ptr::null_mut(),
        };
        let st = PyWideStringList_Append(&mut broken, a.as_ptr());
        assert!(msg(&st).contains("inconsistent"));
        assert_eq!(list.length, 0);
    }
}

#[test]
fn locale_null_arguments() {
    let mut size = 0usize;
    // SAFETY: NULL text is the case under test; the out-pointers are valid.
    unsafe {
        assert!(Py_DecodeLocale(ptr::null(), &mut size).is_null());
        assert_eq!(size, usize::MAX - 1);
        let mut pos = 0usize;
        assert!(Py_EncodeLocale(ptr::null(), &mut pos).is_null());
        assert_eq!(pos, usize::MAX);
    }
}

#[test]
fn panics_become_the_return_types_fallback() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let st: PyStatus = guard(c"PyConfig_Read", || panic!("boom"));
    assert_eq!(
        msg(&st),
        PANIC_MSG.to_str().unwrap(),
        "status fallback carries the panic message"
    );
    assert_eq!(func(&st), "PyConfig_Read");
    let i: std::ffi::c_int = guard(c"Py_AtExit", || panic!("boom"));
    assert_eq!(i, -1);
    let p: *mut WChar = guard(c"Py_DecodeLocale", || panic!("boom"));
    assert!(p.is_null());
    std::panic::set_hook(prev);
}

#[test]
fn init_config_null_arguments() {
    use pyrt::ffi::initconfig_pep741::*;
    // SAFETY: NULL arguments are the cases under test; the object is valid.
    unsafe {
        let c = PyInitConfig_Create();
        assert_eq!(PyInitConfig_SetStr(c, c"home".as_ptr(), c"/x".as_ptr()), 0);
        // An optional string is cleared by NULL (CPython 3.14 crashes).
        assert_eq!(PyInitConfig_SetStr(c, c"home".as_ptr(), ptr::null()), 0);
        let mut out: *mut c_char = ptr::null_mut();
        assert_eq!(PyInitConfig_GetStr(c, c"home".as_ptr(), &mut out), 0);
        assert!(out.is_null());
        // A required one refuses it.
        assert_eq!(
            PyInitConfig_SetStr(c, c"platlibdir".as_ptr(), ptr::null()),
            -1
        );
        let mut msg: *const c_char = ptr::null();
        assert_eq!(PyInitConfig_GetError(c, &mut msg), 1);
        assert_eq!(
            CStr::from_ptr(msg).to_str().unwrap(),
            "config option string cannot be NULL"
        );
        // A NULL name is an unknown option; a NULL object answers -1 / 0.
        let c2 = PyInitConfig_Create();
        let mut v = 0i64;
        assert_eq!(PyInitConfig_GetInt(c2, ptr::null(), &mut v), -1);
        assert_eq!(PyInitConfig_HasOption(c2, ptr::null()), 0);
        assert_eq!(
            PyInitConfig_GetInt(ptr::null_mut(), c"verbose".as_ptr(), &mut v),
            -1
        );
        assert_eq!(PyInitConfig_GetError(ptr::null_mut(), &mut msg), 0);
        assert!(msg.is_null());
        PyInitConfig_Free(c);
        PyInitConfig_Free(c2);
    }
}
