//! pyrt's own additions to the C API (`PyRT_*`), declared in `include/pyrt.h`.

use std::ffi::{CStr, c_int};

use crate::abi::initconfig::{PyConfig, PyStatus};
use crate::ffi::guard;
use crate::ffi::initconfig::read_config_then;
use crate::getpath::{RealFs, syspath0};
use crate::locale;
use crate::marshal::wide::alloc_wstr;
use crate::status::Status;
use crate::wstr::{WChar, WideString};

/// Computes the path configuration of `config` without initializing
/// anything: reads it (as `PyConfig_Read`), then fills `program_name`,
/// `home`, `executable`, `base_executable`, `prefix`, `base_prefix`,
/// `exec_prefix`, `base_exec_prefix`, `platlibdir`, `stdlib_dir` and
/// `module_search_paths` exactly as `Py_InitializeFromConfig` would, with the
/// same warnings on stderr (when `pathconfig_warnings` is set). Imports and
/// executes nothing; the legacy path getters are not changed. On failure the
/// config is left as it was and the status is the one initialization would
/// return.
///
/// # Safety
/// `config` is NULL or an initialized config.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_ComputePathConfig(config: *mut PyConfig) -> PyStatus {
    const FUNC: &CStr = c"PyRT_ComputePathConfig";
    guard(FUNC, || {
        // SAFETY: the caller guarantees `config` is NULL or valid.
        let Some(cfg) = (unsafe { config.as_mut() }) else {
            return Status::error(FUNC, c"config is NULL").into();
        };
        read_config_then(FUNC, cfg, |model| {
            if model._install_importlib == 0 {
                return Ok(());
            }
            crate::runtime::pathconfig::compute(model, crate::runtime::utf8_mode())
        })
        .into()
    })
}

/// The entry the `python` program would insert at `sys.path[0]` before
/// running what `config` asks for (its `argv`, `safe_path` and
/// `run_filename`, after `PyConfig_Read`): a script's directory with
/// symbolic links resolved, `""` for `-c` and the interactive interpreter,
/// the working directory for `-m`, nothing when `safe_path` is set. Stores a
/// new string in `*path0` (free it with `PyMem_RawFree`) and returns 1, or
/// returns 0 with `*path0` set to NULL when nothing would be inserted; -1
/// when an argument is NULL or memory is exhausted.
///
/// # Safety
/// `config` is NULL or an initialized config; `path0` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_ComputeSysPath0(
    config: *const PyConfig,
    path0: *mut *mut WChar,
) -> c_int {
    guard(c"PyRT_ComputeSysPath0", || {
        // SAFETY: caller contract.
        let (Some(cfg), false) = (unsafe { config.as_ref() }, path0.is_null()) else {
            return -1;
        };
        // SAFETY: `path0` is writable (checked non-NULL above).
        unsafe { *path0 = std::ptr::null_mut() };
        // SAFETY: an initialized config holds NULL or valid strings and lists.
        let Ok(model) = (unsafe { cfg.to_model() }) else {
            return -1;
        };
        let Some(argv0) = model.argv.first() else {
            return 0;
        };
        let utf8 = crate::runtime::utf8_mode();
        let enc = |w: &WideString| locale::encode(w.units(), utf8).ok();
        let Some(argv0) = enc(argv0) else {
            return -1;
        };
        // The package path, if any, lives in an always-initialized buffer:
        // with `Option<Vec<u8>>`, the optimizer tests the (unset) pointer
        // of `None` first, which valgrind reports as a jump on uninitialised
        // memory.
        let (mut package, mut has_package) = (Vec::new(), false);
        if let Some(f) = &model.run_filename {
            match enc(f) {
                Some(f) if is_package(&f) => (package, has_package) = (f, true),
                Some(_) => {}
                None => return -1,
            }
        }
        let target = syspath0::Target {
            argv0: &argv0,
            safe_path: model.safe_path > 0,
            package: has_package.then_some(package.as_slice()),
        };
        let Some(p) = syspath0::compute(&target, &RealFs, &c_realpath) else {
            return 0;
        };
        let Ok(w) = locale::decode(&p, utf8) else {
            return -1;
        };
        match alloc_wstr(&w) {
            Ok(ptr) => {
                // SAFETY: `path0` is writable.
                unsafe { *path0 = ptr };
                1
            }
            Err(_) => -1,
        }
    })
}

/// A directory, or a zip archive (an end-of-central-directory record in its
/// last 64 KiB, as zip applications with a leading `#!` line have): what the
/// import system's path hooks accept as a program to run.
fn is_package(path: &[u8]) -> bool {
    use crate::getpath::Fs;
    use std::io::{Read, Seek, SeekFrom};
    use std::os::unix::ffi::OsStrExt;
    if RealFs.is_dir(path) {
        return true;
    }
    if !RealFs.is_file(path) {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(std::ffi::OsStr::from_bytes(path)) else {
        return false;
    };
    let Ok(len) = f.seek(SeekFrom::End(0)) else {
        return false;
    };
    let tail_len = len.min(22 + 65535);
    let mut tail = Vec::with_capacity(tail_len as usize);
    f.seek(SeekFrom::Start(len - tail_len)).is_ok()
        && f.read_to_end(&mut tail).is_ok()
        && tail.windows(4).any(|w| w == b"PK\x05\x06")
}

/// `realpath(3)`: the fully resolved path of an existing file.
fn c_realpath(p: &[u8]) -> Option<Vec<u8>> {
    let c = std::ffi::CString::new(p).ok()?;
    // SAFETY: `c` is NUL-terminated; realpath allocates the result with malloc.
    unsafe {
        let r = libc::realpath(c.as_ptr(), std::ptr::null_mut());
        if r.is_null() {
            return None;
        }
        let out = CStr::from_ptr(r).to_bytes().to_vec();
        libc::free(r.cast());
        Some(out)
    }
}
