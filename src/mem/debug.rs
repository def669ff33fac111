//! The debug hooks (`PyMem_SetupDebugHooks`, `PYTHONMALLOC=debug`): a layer
//! over each domain's allocator that catches buffer overruns, API family
//! mismatches and calls without the GIL, with CPython's reports.
//!
//! Each block gets 24 extra bytes around the caller's `n` bytes:
//!
//! ```text
//! [ n: 8 bytes, big-endian ][ API id: 1 byte ][ 7 x 0xFD ][ n data bytes ][ 8 x 0xFD ]
//!                                                          ^ the pointer handed out
//! ```
//!
//! The API id is `r`, `m` or `o` (raw, mem, object domain). New data is
//! filled with 0xCD (not for calloc), released blocks with 0xDD. Freeing or
//! resizing checks the id, then the leading and trailing guard bytes; a
//! failure prints the block's dump and ends with CPython's fatal error. The
//! mem and object hooks also require the calling thread to hold the GIL.

use std::ffi::{CStr, CString, c_void};
use std::fmt::Write as _;
use std::ptr::{self, null_mut};

use crate::sys::mutex::Mutex;

use crate::abi::pymem::PyMemAllocatorEx;
use crate::mem::{
    MALLOC_TABLE, MAX_REQUEST, PYMALLOC_TABLE, RAW, Shared, count_debug, fn_addr, get_allocator,
    install_static, malloc_table, pymalloc_table, set_allocator, table_ptr,
};
use crate::sys::SendPtr as Ptr;

const SST: usize = 8;
const EXTRA: usize = 3 * SST;
/// Guard bytes around each block.
pub const FORBIDDEN_BYTE: u8 = 0xFD;
/// Fresh (uninitialized) data.
pub const CLEAN_BYTE: u8 = 0xCD;
/// Released data.
pub const DEAD_BYTE: u8 = 0xDD;

/// A debug hook's context: the domain it guards and the allocator under it.
#[repr(C)]
struct DebugCtx {
    api: u8,
    dom: usize,
    base: PyMemAllocatorEx,
}

/// Contexts of installed hooks (never freed: tables may still point to them).
static CTXS: Mutex<Vec<Ptr<DebugCtx>>> = Mutex::new(Vec::new());

// SAFETY: a context is written once, before it is published, and only
// read afterwards (from any thread, as the hooks are).
unsafe impl Send for Ptr<DebugCtx> {}

/// Takes the hooks' lock without a guard (before `fork()`).
pub(crate) fn hold_for_fork() {
    crate::sys::mutex::hold(&CTXS);
}

/// Releases the lock [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took it.
pub(crate) unsafe fn release_after_fork() {
    // SAFETY: the caller's contract.
    unsafe { crate::sys::mutex::release(&CTXS) };
}

type MallocFn = unsafe extern "C" fn(*mut c_void, usize) -> *mut c_void;

fn hook_malloc_addr(dom: usize) -> usize {
    let f: MallocFn = if dom == RAW { raw_malloc } else { malloc };
    fn_addr(Some(f))
}

const fn static_ctx(api: u8, dom: usize, base: PyMemAllocatorEx) -> Shared<DebugCtx> {
    Shared(DebugCtx { api, dom, base })
}

/// Hook contexts over pyrt's own allocators (no allocation to install them,
/// however often a named debug allocator is selected).
static OVER_MALLOC: [Shared<DebugCtx>; 3] = [
    static_ctx(b'r', 0, MALLOC_TABLE),
    static_ctx(b'm', 1, MALLOC_TABLE),
    static_ctx(b'o', 2, MALLOC_TABLE),
];
static OVER_PYMALLOC: [Shared<DebugCtx>; 3] = [
    static_ctx(b'r', 0, PYMALLOC_TABLE),
    static_ctx(b'm', 1, PYMALLOC_TABLE),
    static_ctx(b'o', 2, PYMALLOC_TABLE),
];

/// The hook functions over `ctx` (a `DebugCtx`): the raw domain's own
/// entry points (no GIL check) or the mem/object ones.
const fn hooks(ctx: *mut c_void, raw: bool) -> PyMemAllocatorEx {
    if raw {
        PyMemAllocatorEx {
            ctx,
            malloc: Some(raw_malloc),
            calloc: Some(raw_calloc),
            realloc: Some(raw_realloc),
            free: Some(raw_free),
        }
    } else {
        PyMemAllocatorEx {
            ctx,
            malloc: Some(malloc),
            calloc: Some(calloc),
            realloc: Some(realloc),
            free: Some(free),
        }
    }
}

const fn hook_table(ctx: &'static Shared<DebugCtx>, raw: bool) -> Shared<PyMemAllocatorEx> {
    Shared(hooks(
        ptr::from_ref(&ctx.0).cast_mut().cast::<c_void>(),
        raw,
    ))
}

static HOOKS_OVER_MALLOC: [Shared<PyMemAllocatorEx>; 3] = [
    hook_table(&OVER_MALLOC[0], true),
    hook_table(&OVER_MALLOC[1], false),
    hook_table(&OVER_MALLOC[2], false),
];
static HOOKS_OVER_PYMALLOC: [Shared<PyMemAllocatorEx>; 3] = [
    hook_table(&OVER_PYMALLOC[0], true),
    hook_table(&OVER_PYMALLOC[1], false),
    hook_table(&OVER_PYMALLOC[2], false),
];

/// Installs the hooks on each domain that does not have them yet.
pub fn setup_hooks() {
    for (dom, api) in [(0, b'r'), (1, b'm'), (2, b'o')] {
        let cur = get_allocator(dom);
        if fn_addr(cur.malloc) == hook_malloc_addr(dom) {
            continue;
        }
        let now = table_ptr(dom);
        if now == malloc_table() {
            install_static(dom, &HOOKS_OVER_MALLOC[dom].0);
            continue;
        }
        if now == pymalloc_table() {
            install_static(dom, &HOOKS_OVER_PYMALLOC[dom].0);
            continue;
        }
        let ctx = Box::into_raw(Box::new(DebugCtx {
            api,
            dom,
            base: cur,
        }));
        CTXS.lock().push(Ptr(ctx));
        let table = hooks(ctx.cast(), dom == RAW);
        set_allocator(dom, &table);
    }
}

/// The allocator under `t` when `t` is a debug hook.
pub fn base_of(t: &PyMemAllocatorEx) -> Option<PyMemAllocatorEx> {
    let m = fn_addr(t.malloc);
    if m != hook_malloc_addr(0) && m != hook_malloc_addr(1) {
        return None;
    }
    // SAFETY: a hook's context is a live DebugCtx (never freed).
    Some(unsafe { (*t.ctx.cast::<DebugCtx>()).base })
}

unsafe fn read_size(b: *const u8) -> usize {
    let mut v = [0u8; SST];
    // SAFETY: `b` points to the 8-byte size field of a debug block.
    unsafe { ptr::copy_nonoverlapping(b, v.as_mut_ptr(), SST) };
    u64::from_be_bytes(v) as usize
}

unsafe fn alloc(ctx: *mut c_void, zero: bool, n: usize) -> *mut c_void {
    // SAFETY: the hook's context is a live DebugCtx.
    let c = unsafe { &*ctx.cast::<DebugCtx>() };
    alloc_with(c.api, c.dom, zero, n, |total| {
        // SAFETY: calling the allocator under the hook with its own context.
        unsafe {
            if zero {
                c.base
                    .calloc
                    .map_or(null_mut(), |f| f(c.base.ctx, 1, total))
            } else {
                c.base.malloc.map_or(null_mut(), |f| f(c.base.ctx, total))
            }
        }
    })
}

/// A hook's allocation of `n` bytes for API `api` of domain `dom`, the
/// whole block (`n` + 24 bytes) coming from `base`. The data is filled with
/// the "clean" pattern unless `skip_fill` (zeroed by `base`, or written
/// entirely by the caller).
#[inline(always)]
fn alloc_with(
    api: u8,
    dom: usize,
    skip_fill: bool,
    n: usize,
    base: impl FnOnce(usize) -> *mut c_void,
) -> *mut c_void {
    if n > MAX_REQUEST - EXTRA {
        return null_mut();
    }
    let b = base(n + EXTRA).cast::<u8>();
    if b.is_null() {
        return null_mut();
    }
    // SAFETY: `b` has `n + EXTRA` bytes.
    unsafe {
        write_header(b, api, n);
        let p = b.add(2 * SST);
        if !skip_fill {
            ptr::write_bytes(p, CLEAN_BYTE, n);
        }
        ptr::write_unaligned(p.add(n).cast::<u64>(), PAD_WORD);
        count_debug(dom, 1, 0, n);
        p.cast()
    }
}

/// The raw domain's table when the debug hooks run over the C library's
/// allocator (`-X dev`, `PYTHONMALLOC=debug`).
pub(crate) fn raw_over_malloc_table() -> *mut PyMemAllocatorEx {
    ptr::from_ref(&HOOKS_OVER_MALLOC[RAW].0).cast_mut()
}

/// What the table of [`raw_over_malloc_table`] does for `PyMem_RawMalloc(n)`,
/// calling the C library directly.
#[inline(always)]
pub(crate) fn raw_malloc_over_malloc(n: usize) -> *mut c_void {
    // SAFETY: malloc accepts any size (the block is never empty here).
    alloc_with(b'r', RAW, false, n, |total| unsafe { libc::malloc(total) })
}

/// [`raw_malloc_over_malloc`] without the "clean" fill, for a block the
/// caller overwrites entirely before anyone reads it.
#[inline(always)]
pub(crate) fn raw_malloc_over_malloc_unfilled(n: usize) -> *mut c_void {
    // SAFETY: as in `raw_malloc_over_malloc`.
    alloc_with(b'r', RAW, true, n, |total| unsafe { libc::malloc(total) })
}

/// [`raw_free_over_malloc`] as a call (for loops over many blocks).
///
/// # Safety
/// As for `PyMem_RawFree`.
#[inline(never)]
pub(crate) unsafe fn raw_free_over_malloc_outlined(p: *mut c_void) {
    // SAFETY: `p` is NULL or a live raw-domain block while the hooks over malloc are
    // installed (this function's contract, the same as `raw_free_over_malloc`'s).
    unsafe { raw_free_over_malloc(p) }
}

/// What the table of [`raw_over_malloc_table`] does for `PyMem_RawFree(p)`.
///
/// # Safety
/// As for `PyMem_RawFree`.
#[inline(always)]
pub(crate) unsafe fn raw_free_over_malloc(p: *mut c_void) {
    // SAFETY: `p` is NULL or a live raw-domain block of the hooks over malloc (this
    // function's contract), so `release_with` may check it and its whole block, 16 bytes
    // before `p`, came from `libc::malloc`.
    unsafe { release_with(b'r', RAW, p, |b| libc::free(b)) }
}

unsafe fn write_header(b: *mut u8, api: u8, n: usize) {
    // SAFETY: `b` has at least 2 * SST bytes.
    unsafe {
        ptr::write_unaligned(b.cast::<[u8; SST]>(), (n as u64).to_be_bytes());
        ptr::write_unaligned(b.add(SST).cast::<u64>(), lead_word(api));
    }
}

/// A hook's release of `p`.
///
/// # Safety
/// `ctx` is a hook's live `DebugCtx`; `p` is NULL or a block made through
/// that hook, not used afterwards.
unsafe fn release(ctx: *mut c_void, p: *mut c_void) {
    // SAFETY: the hook's context is a live DebugCtx.
    let c = unsafe { &*ctx.cast::<DebugCtx>() };
    // SAFETY: `p` is NULL or a block made through this hook (this function's
    // contract), so `release_with` may check it; its whole block goes back to the allocator
    // under the hook, which made it, with that allocator's own context.
    unsafe {
        release_with(c.api, c.dom, p, |b| {
            if let Some(f) = c.base.free {
                f(c.base.ctx, b);
            }
        })
    }
}

/// A hook's release of `p` (API `api`, domain `dom`), the whole block going
/// back to `base`.
///
/// # Safety
/// `p` is NULL or claimed to be a block of this hook.
#[inline(always)]
unsafe fn release_with(api: u8, dom: usize, p: *mut c_void, base: impl FnOnce(*mut c_void)) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` is claimed to be a block of this hook; `check` verifies it
    // as far as CPython does before anything is written.
    unsafe {
        check(api, p.cast(), c"_PyMem_DebugRawFree");
        let b = p.cast::<u8>().sub(2 * SST);
        let n = read_size(b);
        ptr::write_bytes(b, DEAD_BYTE, n + EXTRA);
        count_debug(dom, -1, n, 0);
        base(b.cast());
    }
}

/// A hook's resize of `p` to `n` bytes (NULL `p` allocates).
///
/// # Safety
/// `ctx` is a hook's live `DebugCtx`; `p` is NULL or a live block made
/// through that hook.
unsafe fn resize(ctx: *mut c_void, p: *mut c_void, n: usize) -> *mut c_void {
    if p.is_null() {
        // SAFETY: `ctx` is this hook's live `DebugCtx` (this function's contract); a
        // NULL `p` makes this an allocation.
        return unsafe { alloc(ctx, false, n) };
    }
    // SAFETY: the hook's context is a live DebugCtx.
    let c = unsafe { &*ctx.cast::<DebugCtx>() };
    // SAFETY: as in `release`.
    unsafe { check(c.api, p.cast(), c"_PyMem_DebugRawRealloc") };
    if n > MAX_REQUEST - EXTRA {
        return null_mut();
    }
    // SAFETY: `p` passed the checks: its header and size are ours.
    unsafe {
        let b = p.cast::<u8>().sub(2 * SST);
        let old = read_size(b);
        let nb = c
            .base
            .realloc
            .map_or(null_mut(), |f| f(c.base.ctx, b.cast(), n + EXTRA))
            .cast::<u8>();
        if nb.is_null() {
            return null_mut();
        }
        write_header(nb, c.api, n);
        let q = nb.add(2 * SST);
        if n > old {
            ptr::write_bytes(q.add(old), CLEAN_BYTE, n - old);
        }
        ptr::write_unaligned(q.add(n).cast::<u64>(), PAD_WORD);
        count_debug(c.dom, 0, old, n);
        q.cast()
    }
}

/// The 8 bytes before the data of an intact block of API `api`: the id and
/// the leading pad bytes.
const fn lead_word(api: u8) -> u64 {
    let mut b = [FORBIDDEN_BYTE; SST];
    b[0] = api;
    u64::from_ne_bytes(b)
}

/// 8 guard bytes.
const PAD_WORD: u64 = u64::from_ne_bytes([FORBIDDEN_BYTE; SST]);

/// Verifies a block's API id and guard bytes; reports and aborts on failure.
#[inline(always)]
unsafe fn check(api: u8, p: *const u8, func: &CStr) {
    // Intact blocks pass with two word compares; anything else goes through
    // the byte-by-byte checks, which report the first problem.
    // SAFETY: reading the bytes the debug layout puts around `p` (CPython
    // reads the same ones, whatever `p` really is).
    unsafe {
        let lead = ptr::read_unaligned(p.sub(SST).cast::<u64>());
        if lead == lead_word(api) {
            let n = read_size(p.sub(2 * SST));
            if ptr::read_unaligned(p.add(n).cast::<u64>()) == PAD_WORD {
                return;
            }
        }
        check_bytes(api, p, func);
    }
}

/// [`check`] one byte at a time.
#[cold]
#[inline(never)]
unsafe fn check_bytes(api: u8, p: *const u8, func: &CStr) {
    // SAFETY: as in `check`.
    unsafe {
        let id = *p.sub(SST);
        if id != api {
            let mut msg = b"bad ID: Allocated using API '".to_vec();
            msg.push(id);
            msg.extend_from_slice(b"', verified using API '");
            msg.push(api);
            msg.push(b'\'');
            if let Some(nul) = msg.iter().position(|&c| c == 0) {
                msg.truncate(nul);
            }
            fail(p, func, &CString::new(msg).unwrap_or_default());
        }
        if (1..SST).any(|i| *p.sub(i) != FORBIDDEN_BYTE) {
            fail(p, func, c"bad leading pad byte");
        }
        let n = read_size(p.sub(2 * SST));
        let tail = p.add(n);
        if (0..SST).any(|i| *tail.add(i) != FORBIDDEN_BYTE) {
            fail(p, func, c"bad trailing pad byte");
        }
    }
}

unsafe fn fail(p: *const u8, func: &CStr, msg: &CStr) -> ! {
    // SAFETY: forwarded from `check`.
    let text = unsafe { dump(p) };
    // SAFETY: flushing C's stdio first keeps earlier output before the report.
    unsafe { libc::fflush(null_mut()) };
    {
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
    crate::sys::fatal::fatal_error_c(Some(func), Some(msg))
}

/// The report on a debug block (what CPython prints before the fatal error).
unsafe fn dump(p: *const u8) -> String {
    let mut s = String::new();
    // SAFETY: as in `check`.
    unsafe {
        let id = *p.sub(SST);
        let n = read_size(p.sub(2 * SST));
        let _ = writeln!(
            s,
            "Debug memory block at address p={p:p}: API '{}'",
            id as char
        );
        let _ = writeln!(s, "    {n} bytes originally requested");
        let _ = write!(s, "    The {} pad bytes at p-{} are ", SST - 1, SST - 1);
        if (1..SST).all(|i| *p.sub(i) == FORBIDDEN_BYTE) {
            s.push_str("FORBIDDENBYTE, as expected.\n");
        } else {
            let _ = writeln!(s, "not all FORBIDDENBYTE (0x{FORBIDDEN_BYTE:02x}):");
            for i in (1..SST).rev() {
                let b = *p.sub(i);
                let ouch = if b == FORBIDDEN_BYTE { "" } else { " *** OUCH" };
                let _ = writeln!(s, "        at p-{i}: 0x{b:02x}{ouch}");
            }
            s.push_str(
                "    Because memory is corrupted at the start, the count of bytes requested\n       \
                 may be bogus, and checking the trailing pad bytes may segfault.\n",
            );
        }
        let tail = p.add(n);
        let _ = write!(s, "    The {SST} pad bytes at tail={tail:p} are ");
        if (0..SST).all(|i| *tail.add(i) == FORBIDDEN_BYTE) {
            s.push_str("FORBIDDENBYTE, as expected.\n");
        } else {
            let _ = writeln!(s, "not all FORBIDDENBYTE (0x{FORBIDDEN_BYTE:02x}):");
            for i in 0..SST {
                let b = *tail.add(i);
                let ouch = if b == FORBIDDEN_BYTE { "" } else { " *** OUCH" };
                let _ = writeln!(s, "        at tail+{i}: 0x{b:02x}{ouch}");
            }
        }
        if n > 0 {
            s.push_str("    Data at p:");
            if n <= 2 * SST {
                for i in 0..n {
                    let _ = write!(s, " {:02x}", *p.add(i));
                }
            } else {
                for i in 0..SST {
                    let _ = write!(s, " {:02x}", *p.add(i));
                }
                s.push_str(" ...");
                for i in n - SST..n {
                    let _ = write!(s, " {:02x}", *p.add(i));
                }
            }
            s.push('\n');
        }
    }
    s.push_str("\nEnable tracemalloc to get the memory block allocation traceback\n\n");
    s
}

/// The mem and object hooks' GIL check (CPython's `PyGILState_Check` rule:
/// not checked any more once a sub-interpreter was created).
fn check_gil(func: &CStr) {
    if !crate::sys::tls::current().is_null() || super::gil_checks_disabled() {
        return;
    }
    crate::sys::fatal::fatal_error(
        Some(func),
        "Python memory allocator called without holding the GIL",
    )
}

unsafe extern "C" fn raw_malloc(ctx: *mut c_void, n: usize) -> *mut c_void {
    // SAFETY: `ctx` is this hook's context.
    unsafe { alloc(ctx, false, n) }
}

unsafe extern "C" fn raw_calloc(ctx: *mut c_void, nelem: usize, elsize: usize) -> *mut c_void {
    if elsize != 0 && nelem > MAX_REQUEST / elsize {
        return null_mut();
    }
    // SAFETY: `ctx` is this hook's context.
    unsafe { alloc(ctx, true, nelem * elsize) }
}

unsafe extern "C" fn raw_realloc(ctx: *mut c_void, p: *mut c_void, n: usize) -> *mut c_void {
    // SAFETY: `ctx` is this hook's context; `p` is the caller's block.
    unsafe { resize(ctx, p, n) }
}

unsafe extern "C" fn raw_free(ctx: *mut c_void, p: *mut c_void) {
    // SAFETY: `ctx` is this hook's context; `p` is the caller's block.
    unsafe { release(ctx, p) }
}

unsafe extern "C" fn malloc(ctx: *mut c_void, n: usize) -> *mut c_void {
    check_gil(c"_PyMem_DebugMalloc");
    // SAFETY: `ctx` is this hook's table context, a live `DebugCtx`.
    unsafe { raw_malloc(ctx, n) }
}

unsafe extern "C" fn calloc(ctx: *mut c_void, nelem: usize, elsize: usize) -> *mut c_void {
    check_gil(c"_PyMem_DebugCalloc");
    // SAFETY: `ctx` is this hook's table context, a live `DebugCtx`.
    unsafe { raw_calloc(ctx, nelem, elsize) }
}

unsafe extern "C" fn realloc(ctx: *mut c_void, p: *mut c_void, n: usize) -> *mut c_void {
    check_gil(c"_PyMem_DebugRealloc");
    // SAFETY: `ctx` is this hook's table context, a live `DebugCtx`; `p` is NULL
    // or a block of this domain, so made through this hook (the `PyMem_Realloc` contract).
    unsafe { raw_realloc(ctx, p, n) }
}

unsafe extern "C" fn free(ctx: *mut c_void, p: *mut c_void) {
    check_gil(c"_PyMem_DebugFree");
    // SAFETY: `ctx` is this hook's table context, a live `DebugCtx`; `p` is NULL
    // or a block of this domain, so made through this hook (the `PyMem_Free` contract).
    unsafe { raw_free(ctx, p) }
}
