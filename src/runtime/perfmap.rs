//! The perf map (CPython's trampoline API of `cpython/ceval.h`): lines
//! "ADDRESS SIZE NAME" appended to `/tmp/perf-PID.map`, which `perf` reads
//! to name code it cannot find in any ELF file.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;

use crate::sys::mutex::Mutex;

static MAP: Mutex<Option<File>> = Mutex::new(None);

fn open(slot: &mut Option<File>) -> i32 {
    if slot.is_some() {
        return 0;
    }
    let path = format!("/tmp/perf-{}.map", std::process::id());
    match std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
    {
        Ok(f) => {
            *slot = Some(f);
            0
        }
        Err(_) => -1,
    }
}

/// `PyUnstable_PerfMapState_Init`: opens the map (once); 0 or -1.
pub fn init() -> i32 {
    open(&mut MAP.lock())
}

/// `PyUnstable_WritePerfMapEntry`: opens the map if needed, then appends
/// one line; 0 or -1.
pub fn write_entry(addr: usize, size: u32, name: &[u8]) -> i32 {
    let mut slot = MAP.lock();
    if open(&mut slot) != 0 {
        return -1;
    }
    let mut line = format!("{addr:x} {size:x} ").into_bytes();
    line.extend_from_slice(name);
    line.push(b'\n');
    match slot.as_mut().map(|f| f.write_all(&line)) {
        Some(Ok(())) => 0,
        _ => -1,
    }
}

/// `PyUnstable_PerfMapState_Fini`: closes the map.
pub fn fini() {
    MAP.lock().take();
}

/// `PyUnstable_CopyPerfMapFile`: appends the whole of another map (a
/// parent process's) to this one; 0, or -1 when it cannot be read or written.
pub fn copy_from(parent: &std::ffi::CStr) -> i32 {
    use std::os::unix::ffi::OsStrExt;
    let Ok(content) = std::fs::read(std::ffi::OsStr::from_bytes(parent.to_bytes())) else {
        return -1;
    };
    let mut slot = MAP.lock();
    if open(&mut slot) != 0 {
        return -1;
    }
    match slot.as_mut().map(|f| f.write_all(&content)) {
        Some(Ok(())) => 0,
        _ => -1,
    }
}

/// Takes this module's lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&MAP);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&MAP) };
}
