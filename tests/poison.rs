//! A panic while the runtime lock is held poisons the runtime: the call that
//! panicked gets its export's error value, and every later call that needs
//! the runtime state ends the process with a fatal error naming the cause,
//! instead of working on a state the panic may have left half-updated.
//! (One test in its own binary: poisoning is for the life of the process.)

use std::io::Read;
use std::os::fd::FromRawFd;

use pyrt::ffi::guard;
use pyrt::ffi::pylifecycle::Py_IsInitialized;
use pyrt::runtime;

#[test]
fn a_panic_under_the_runtime_lock_poisons_later_calls() {
    assert!(!runtime::poisoned());
    // As an export would: the guard turns the panic into -1.
    let r = guard(c"PyRT_Test", || -> std::ffi::c_int {
        let mut rt = runtime::lock();
        rt.next_interp_id = 7;
        panic!("interrupted while the runtime state is half-updated");
    });
    assert_eq!(r, -1);
    assert!(runtime::poisoned());

    // The next call, in a child process (it aborts), with stderr in a pipe.
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe() writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: the child only redirects stderr and calls into pyrt, whose
    // poisoned path takes no lock another thread could hold.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0);
    if pid == 0 {
        // SAFETY: valid descriptors from pipe().
        unsafe {
            libc::dup2(fds[1], 2);
            libc::close(fds[0]);
        }
        Py_IsInitialized();
        // SAFETY: _exit has no preconditions; reached only if nothing aborted.
        unsafe { libc::_exit(0) };
    }
    // SAFETY: the write end belongs to the child now.
    unsafe { libc::close(fds[1]) };
    let mut text = String::new();
    // SAFETY: `fds[0]` is the read end of the pipe, owned from here on.
    let mut pipe = unsafe { std::fs::File::from_raw_fd(fds[0]) };
    pipe.read_to_string(&mut text).unwrap();
    let mut status = 0;
    // SAFETY: waits for the child forked above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(
        libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGABRT,
        "the child should abort, status {status:#x}, stderr: {text}"
    );
    assert!(
        text.starts_with(&format!("Fatal Python error: {}\n", runtime::POISONED_MSG)),
        "stderr: {text}"
    );
}
