//! Memory behind the `PyMem_Raw*`, `PyMem_*` and `PyObject_*` families.
//!
//! Each of the three domains (raw, mem, object) has a current allocator, a
//! `PyMemAllocatorEx` that `PyMem_SetAllocator` can replace at any time. The
//! defaults are CPython's: the raw domain uses the C library's `malloc`, the
//! two others pyrt's small-object allocator ([`obmalloc`]). Named allocators
//! (`PYTHONMALLOC`, `PyPreConfig.allocator`) and the debug hooks
//! ([`debug`]) install sets of them.
//!
//! The contracts are CPython's: a zero-size request returns a unique non-NULL
//! block, a request above `PY_SSIZE_T_MAX` fails with NULL, `calloc` overflow
//! fails with NULL, and freeing NULL does nothing.
//!
//! Every block pyrt hands to C comes from these domains (strings in configs
//! from the raw domain, `Py_EncodeLocale` results from the mem domain), so
//! the family that allocated a block is always the one that frees it.
//!
//! Statistics: each domain counts its live blocks and bytes while it uses one
//! of pyrt's allocators (see [`domain_stats`]).

use std::ffi::{c_int, c_void};
use std::ptr::{self, null_mut};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, Ordering};

use crate::sys::mutex::Mutex;

use crate::abi::pymem::{
    PYMEM_DOMAIN_MEM, PYMEM_DOMAIN_OBJ, PYMEM_DOMAIN_RAW, PyMemAllocatorEx, PyObjectArenaAllocator,
};
use crate::sys::SendPtr as Ptr;

// SAFETY: the tables kept here are never written after they are published,
// and the functions they name are the embedder's to make thread-safe (the
// allocator contract of CPython's API).
unsafe impl Send for Ptr<PyMemAllocatorEx> {}
// SAFETY: arena allocator tables kept here are never written after they are
// published; their functions are the embedder's to make thread-safe.
unsafe impl Send for Ptr<PyObjectArenaAllocator> {}

pub mod debug;
pub mod obmalloc;

/// The largest size any allocation may request (`PY_SSIZE_T_MAX`).
pub const MAX_REQUEST: usize = isize::MAX as usize;

/// The raw domain's index (`PYMEM_DOMAIN_RAW`).
pub const RAW: usize = PYMEM_DOMAIN_RAW as usize;
/// The mem domain's index (`PYMEM_DOMAIN_MEM`).
pub const MEM: usize = PYMEM_DOMAIN_MEM as usize;
/// The object domain's index (`PYMEM_DOMAIN_OBJ`).
pub const OBJ: usize = PYMEM_DOMAIN_OBJ as usize;

/// The index of a C domain value; None for an unknown one.
pub fn domain_index(domain: c_int) -> Option<usize> {
    match domain {
        PYMEM_DOMAIN_RAW | PYMEM_DOMAIN_MEM | PYMEM_DOMAIN_OBJ => Some(domain as usize),
        _ => None,
    }
}

/// Set once a sub-interpreter was created: from then on, like CPython, the
/// debug hooks no longer check that the GIL is held and `PyGILState_Check`
/// always answers 1. Cleared when the runtime starts over.
static GIL_CHECKS_OFF: AtomicBool = AtomicBool::new(false);

/// True once GIL checks are off (see [`set_gil_checks_disabled`]).
pub fn gil_checks_disabled() -> bool {
    GIL_CHECKS_OFF.load(Ordering::Relaxed)
}

/// Turns the GIL checks off (a sub-interpreter was created) or back on (the
/// runtime starts over).
pub fn set_gil_checks_disabled(off: bool) {
    GIL_CHECKS_OFF.store(off, Ordering::Relaxed);
}

/// A static allocator table, shared between threads (it is never written).
pub(crate) struct Shared<T>(pub(crate) T);

// SAFETY: the tables are immutable; their NULL contexts are never dereferenced.
unsafe impl<T> Sync for Shared<T> {}

/// The C library's allocator, as the raw domain's default (and every domain's
/// with `PYTHONMALLOC=malloc`).
static MALLOC_ALLOC: Shared<PyMemAllocatorEx> = Shared(MALLOC_TABLE);

/// The C library's allocator table.
pub(crate) const MALLOC_TABLE: PyMemAllocatorEx = PyMemAllocatorEx {
    ctx: null_mut(),
    malloc: Some(malloc_fn),
    calloc: Some(calloc_fn),
    realloc: Some(realloc_fn),
    free: Some(free_fn),
};

/// The small-object allocator's table.
pub(crate) const PYMALLOC_TABLE: PyMemAllocatorEx = PyMemAllocatorEx {
    ctx: null_mut(),
    malloc: Some(pymalloc_malloc_fn),
    calloc: Some(pymalloc_calloc_fn),
    realloc: Some(pymalloc_realloc_fn),
    free: Some(pymalloc_free_fn),
};

/// pyrt's small-object allocator, the mem and object domains' default.
static PYMALLOC_ALLOC: Shared<PyMemAllocatorEx> = Shared(PYMALLOC_TABLE);

/// The default arena allocator: anonymous `mmap`.
static MMAP_ARENAS: Shared<PyObjectArenaAllocator> = Shared(PyObjectArenaAllocator {
    ctx: null_mut(),
    alloc: Some(arena_mmap),
    free: Some(arena_munmap),
});

/// Makes the static `table` the allocator of `dom`.
pub(crate) fn install_static(dom: usize, table: &'static PyMemAllocatorEx) {
    SLOTS[dom].store(ptr::from_ref(table).cast_mut(), Ordering::Release);
}

/// The table installed for `dom` (stable: tables are never freed).
pub(crate) fn table_ptr(dom: usize) -> *mut PyMemAllocatorEx {
    slot(dom)
}

pub(crate) fn malloc_table() -> *mut PyMemAllocatorEx {
    ptr::from_ref(&MALLOC_ALLOC.0).cast_mut()
}

pub(crate) fn pymalloc_table() -> *mut PyMemAllocatorEx {
    ptr::from_ref(&PYMALLOC_ALLOC.0).cast_mut()
}

/// Each domain's current allocator. Tables other than the two statics are
/// copies kept alive in [`KEPT`] (never freed: a thread may still read one).
static SLOTS: [AtomicPtr<PyMemAllocatorEx>; 3] = [
    AtomicPtr::new(ptr::from_ref(&MALLOC_ALLOC.0).cast_mut()),
    AtomicPtr::new(ptr::from_ref(&PYMALLOC_ALLOC.0).cast_mut()),
    AtomicPtr::new(ptr::from_ref(&PYMALLOC_ALLOC.0).cast_mut()),
];

static ARENA_SLOT: AtomicPtr<PyObjectArenaAllocator> =
    AtomicPtr::new(ptr::from_ref(&MMAP_ARENAS.0).cast_mut());

/// Allocator tables installed by `PyMem_SetAllocator` and the debug hooks.
static KEPT: Mutex<Vec<Ptr<PyMemAllocatorEx>>> = Mutex::new(Vec::new());
static KEPT_ARENAS: Mutex<Vec<Ptr<PyObjectArenaAllocator>>> = Mutex::new(Vec::new());

/// Live blocks and bytes of one domain, updated from any thread with one
/// atomic addition (a plain load and store while the process has one
/// thread): blocks in the high 27 bits, bytes in 8-byte units (each
/// block's size rounded up) in the low 37 bits, so up to 134 million live
/// blocks and 1 TiB.
struct SharedCounters(AtomicU64);

const UNIT_BITS: u32 = 37;

/// A size in the counters' 8-byte units.
#[inline(always)]
fn units(bytes: usize) -> i64 {
    bytes.div_ceil(8) as i64
}

impl SharedCounters {
    const fn new() -> Self {
        SharedCounters(AtomicU64::new(0))
    }

    #[inline(always)]
    fn add(&self, blocks: i64, units: i64) {
        let delta = ((blocks << UNIT_BITS).wrapping_add(units)) as u64;
        crate::sys::thread::fetch_add_unshared(&self.0, delta, Ordering::Relaxed);
    }

    fn get(&self) -> (i64, i64) {
        let v = self.0.load(Ordering::Relaxed);
        (
            (v >> UNIT_BITS) as i64,
            (v & ((1 << UNIT_BITS) - 1)) as i64 * 8,
        )
    }
}

/// Counters of the blocks served by the C library's allocator and by the
/// debug hooks, per domain (pool blocks are counted per allocator state).
static COUNTERS: [SharedCounters; 3] = [const { SharedCounters::new() }; 3];

/// The domain's current allocator table.
fn slot(dom: usize) -> *mut PyMemAllocatorEx {
    SLOTS[dom].load(Ordering::Acquire)
}

/// Installs `table` for `dom`; the two default tables are used as they are,
/// any other is copied and kept alive for the rest of the process.
pub fn set_allocator(dom: usize, table: &PyMemAllocatorEx) {
    let same = |t: *mut PyMemAllocatorEx| {
        // SAFETY: the static tables are always valid.
        let t = unsafe { &*t };
        t.ctx == table.ctx
            && fn_addr(t.malloc) == fn_addr(table.malloc)
            && fn_addr(t.calloc) == fn_addr(table.calloc)
            && fn_addr(t.realloc) == fn_addr(table.realloc)
            && fn_addr(t.free) == fn_addr(table.free)
    };
    let p = if same(malloc_table()) {
        malloc_table()
    } else if same(pymalloc_table()) {
        pymalloc_table()
    } else {
        let p = Box::into_raw(Box::new(*table));
        KEPT.lock().push(Ptr(p));
        p
    };
    SLOTS[dom].store(p, Ordering::Release);
}

/// The address of an optional function pointer (0 for None), for comparisons.
pub fn fn_addr<F: Copy>(f: Option<F>) -> usize {
    match f {
        // SAFETY: F is a function pointer type (pointer-sized).
        Some(f) => unsafe { std::mem::transmute_copy::<F, usize>(&f) },
        None => 0,
    }
}

/// A copy of the domain's current allocator.
pub fn get_allocator(dom: usize) -> PyMemAllocatorEx {
    // SAFETY: installed tables are never freed.
    unsafe { *slot(dom) }
}

/// The current arena allocator.
pub fn arena_allocator() -> PyObjectArenaAllocator {
    // SAFETY: installed tables are never freed.
    unsafe { *ARENA_SLOT.load(Ordering::Acquire) }
}

/// True for pyrt's own arena allocator (anonymous private mappings).
pub(crate) fn is_default_arena_allocator(a: &PyObjectArenaAllocator) -> bool {
    fn_addr(a.alloc) == fn_addr(MMAP_ARENAS.0.alloc)
}

/// Installs the arena allocator used for arenas obtained from now on (each
/// arena is returned to the allocator that made it).
pub fn set_arena_allocator(table: &PyObjectArenaAllocator) {
    let p = Box::into_raw(Box::new(*table));
    KEPT_ARENAS.lock().push(Ptr(p));
    ARENA_SLOT.store(p, Ordering::Release);
}

/// Installs the allocators a `PyMemAllocatorName` selects; false for an
/// unknown name. The mimalloc names select pyrt's small-object allocator.
pub fn setup_named(name: c_int) -> bool {
    use crate::abi::pymem::*;
    let (pools, hooks) = match name {
        PYMEM_ALLOCATOR_DEFAULT | PYMEM_ALLOCATOR_PYMALLOC | PYMEM_ALLOCATOR_MIMALLOC => {
            (true, false)
        }
        PYMEM_ALLOCATOR_DEBUG | PYMEM_ALLOCATOR_PYMALLOC_DEBUG | PYMEM_ALLOCATOR_MIMALLOC_DEBUG => {
            (true, true)
        }
        PYMEM_ALLOCATOR_MALLOC => (false, false),
        PYMEM_ALLOCATOR_MALLOC_DEBUG => (false, true),
        _ => return false,
    };
    let objects = if pools {
        pymalloc_table()
    } else {
        malloc_table()
    };
    SLOTS[RAW].store(malloc_table(), Ordering::Release);
    SLOTS[MEM].store(objects, Ordering::Release);
    SLOTS[OBJ].store(objects, Ordering::Release);
    if hooks {
        debug::setup_hooks();
    }
    true
}

/// True when the object domain uses pyrt's small-object allocator (directly
/// or under the debug hooks).
pub fn object_domain_uses_pools() -> bool {
    let t = get_allocator(OBJ);
    if fn_addr(t.malloc) == fn_addr(PYMALLOC_ALLOC.0.malloc) {
        return true;
    }
    debug::base_of(&t).is_some_and(|b| fn_addr(b.malloc) == fn_addr(PYMALLOC_ALLOC.0.malloc))
}

// ---------------------------------------------------------------------------
// The domains' entry points.

/// Allocates `size` bytes in domain `dom`.
#[inline(always)]
pub fn domain_malloc(dom: usize, size: usize) -> *mut c_void {
    if size > MAX_REQUEST {
        return null_mut();
    }
    let t = slot(dom);
    if t == pymalloc_table() {
        return obmalloc::malloc(dom, size);
    }
    if t == malloc_table() {
        return counted_malloc(dom, size);
    }
    // The debug hooks over the C library (`-X dev`), without the indirect calls.
    if t == debug::raw_over_malloc_table() {
        return debug::raw_malloc_over_malloc(size);
    }
    // SAFETY: installed tables are never freed; the function gets its context.
    unsafe { (*t).malloc.map_or(null_mut(), |f| f((*t).ctx, size)) }
}

/// Allocates `nelem * elsize` zeroed bytes in domain `dom`.
#[inline(always)]
pub fn domain_calloc(dom: usize, nelem: usize, elsize: usize) -> *mut c_void {
    if elsize != 0 && nelem > MAX_REQUEST / elsize {
        return null_mut();
    }
    let t = slot(dom);
    if t == pymalloc_table() {
        return obmalloc::calloc(dom, nelem, elsize);
    }
    if t == malloc_table() {
        return counted_calloc(dom, nelem, elsize);
    }
    // SAFETY: as in `domain_malloc`.
    unsafe {
        (*t).calloc
            .map_or(null_mut(), |f| f((*t).ctx, nelem, elsize))
    }
}

/// Resizes a block of domain `dom` (NULL allocates).
///
/// # Safety
/// `block` is NULL or a live block of the domain's allocator.
#[inline(always)]
pub unsafe fn domain_realloc(dom: usize, block: *mut c_void, size: usize) -> *mut c_void {
    if size > MAX_REQUEST {
        return null_mut();
    }
    let t = slot(dom);
    // SAFETY: `block` is NULL or a live block of the domain's allocator, the table `t`
    // (this function's contract), so each branch hands it to the allocator that made it;
    // installed tables are never freed.
    unsafe {
        if t == pymalloc_table() {
            return obmalloc::realloc(dom, block, size);
        }
        if t == malloc_table() {
            return counted_realloc(dom, block, size);
        }
        (*t).realloc
            .map_or(null_mut(), |f| f((*t).ctx, block, size))
    }
}

/// Releases a block of domain `dom`; NULL is a no-op (for pyrt's allocators;
/// an embedder's allocator receives the call).
///
/// # Safety
/// `block` is NULL or a live block of the domain's allocator.
#[inline(always)]
pub unsafe fn domain_free(dom: usize, block: *mut c_void) {
    let t = slot(dom);
    // SAFETY: `block` is NULL or a live block of the domain's allocator, the table `t`
    // (this function's contract), so each branch hands it to the allocator that made it;
    // installed tables are never freed.
    unsafe {
        if t == pymalloc_table() {
            return obmalloc::free(dom, block);
        }
        if t == malloc_table() {
            return counted_free(dom, block);
        }
        if t == debug::raw_over_malloc_table() {
            return debug::raw_free_over_malloc(block);
        }
        if let Some(f) = (*t).free {
            f((*t).ctx, block);
        }
    }
}

/// A live malloc block's usable size, in counter units.
///
/// # Safety
/// `p` is a live block of the C library's allocator.
#[inline(always)]
unsafe fn usable(p: *mut c_void) -> i64 {
    // SAFETY: `p` is a live C-library block (this function's contract).
    units(unsafe { libc::malloc_usable_size(p) })
}

#[inline(always)]
fn counted_malloc(dom: usize, size: usize) -> *mut c_void {
    // SAFETY: malloc accepts any size; zero becomes 1 for a unique pointer.
    let p = unsafe { libc::malloc(size.max(1)) };
    if !p.is_null() {
        // SAFETY: `p` was just returned by malloc.
        COUNTERS[dom].add(1, unsafe { usable(p) });
    }
    p
}

fn counted_calloc(dom: usize, nelem: usize, elsize: usize) -> *mut c_void {
    let (n, e) = if nelem == 0 || elsize == 0 {
        (1, 1)
    } else {
        (nelem, elsize)
    };
    // SAFETY: the product fits in isize (checked by the caller).
    let p = unsafe { libc::calloc(n, e) };
    if !p.is_null() {
        // SAFETY: `p` was just returned by calloc.
        COUNTERS[dom].add(1, unsafe { usable(p) });
    }
    p
}

unsafe fn counted_realloc(dom: usize, block: *mut c_void, size: usize) -> *mut c_void {
    let before = if block.is_null() {
        0
    } else {
        // SAFETY: a non-NULL `block` is a live malloc block (this function's contract).
        unsafe { usable(block) }
    };
    // SAFETY: `block` is NULL or a live malloc block (this function's contract).
    let p = unsafe { libc::realloc(block, size.max(1)) };
    if !p.is_null() {
        // SAFETY: `p` was just returned by realloc.
        COUNTERS[dom].add(block.is_null() as i64, unsafe { usable(p) } - before);
    }
    p
}

#[inline(always)]
unsafe fn counted_free(dom: usize, block: *mut c_void) {
    if !block.is_null() {
        // SAFETY: a live malloc block (this function's contract), freed just below.
        COUNTERS[dom].add(-1, -unsafe { usable(block) });
        // SAFETY: a live malloc block (caller contract).
        unsafe { libc::free(block) };
    }
}

/// Counts the debug hooks' blocks: `blocks` more, resized from `before` to
/// `after` requested bytes.
pub(crate) fn count_debug(dom: usize, blocks: i64, before: usize, after: usize) {
    COUNTERS[dom].add(blocks, units(after) - units(before));
}

/// Live `(blocks, bytes)` of a domain, over all of pyrt's allocators: blocks
/// of the C library's allocator count their usable size and blocks under the
/// debug hooks the size requested (both rounded up to a multiple of 8), pool
/// blocks their size class.
pub fn domain_stats(dom: usize) -> (i64, i64) {
    let (mut blocks, mut bytes) = COUNTERS[dom].get();
    if dom != RAW {
        let (b, n) = obmalloc::domain_totals(dom);
        blocks += b;
        bytes += n;
    }
    (blocks, bytes)
}

/// What `PYTHONMALLOCSTATS` / `PyConfig.malloc_stats` prints at
/// finalization: the calling interpreter's small-object allocator, or None
/// when the object domain does not use it (CPython prints nothing then).
pub fn stats_report() -> Option<String> {
    use std::fmt::Write as _;
    if !object_domain_uses_pools() {
        return None;
    }
    obmalloc::collect_remote();
    let s = obmalloc::current_summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "pyrt small-object allocator: {} size classes of {}..{} bytes, {}-byte pools, {}-byte arenas\n",
        obmalloc::NB_CLASSES,
        obmalloc::ALIGNMENT,
        obmalloc::SMALL_REQUEST_THRESHOLD,
        obmalloc::POOL_SIZE,
        obmalloc::ARENA_SIZE
    );
    out.push_str("class   size   pools   blocks in use   free blocks\n");
    out.push_str("-----   ----   -----   -------------   -----------\n");
    let (mut used_bytes, mut free_bytes) = (0, 0);
    for cls in 0..obmalloc::NB_CLASSES {
        if s.pools[cls] == 0 {
            continue;
        }
        let size = obmalloc::class_size(cls);
        let _ = writeln!(
            out,
            "{cls:>5}   {size:>4}   {:>5}   {:>13}   {:>11}",
            s.pools[cls], s.blocks[cls], s.free_blocks[cls]
        );
        used_bytes += s.blocks[cls] * size;
        free_bytes += s.free_blocks[cls] * size;
    }
    let _ = writeln!(out);
    let rows = [
        ("arenas allocated total", s.arenas_allocated),
        ("arenas released total", s.arenas_released),
        ("arenas currently allocated", s.arenas),
        ("bytes in allocated blocks", used_bytes),
        ("bytes in free blocks of used pools", free_bytes),
    ];
    for (name, v) in rows {
        let _ = writeln!(out, "# {name:<35} = {v:>12}");
    }
    for (name, dom) in [("raw", RAW), ("mem", MEM), ("object", OBJ)] {
        let (blocks, _) = domain_stats(dom);
        let _ = writeln!(
            out,
            "# {:<35} = {blocks:>12}",
            format!("live blocks in the {name} domain")
        );
    }
    Some(out)
}

// ---------------------------------------------------------------------------
// The allocator tables' functions (what `PyMem_GetAllocator` hands out).
// Calls through them are not counted.

unsafe extern "C" fn malloc_fn(_ctx: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: malloc accepts any size.
    unsafe { libc::malloc(size.max(1)) }
}

unsafe extern "C" fn calloc_fn(_ctx: *mut c_void, nelem: usize, elsize: usize) -> *mut c_void {
    if nelem == 0 || elsize == 0 {
        // SAFETY: calloc accepts any sizes; one byte gives a zero-size request its unique
        // non-NULL block.
        return unsafe { libc::calloc(1, 1) };
    }
    // SAFETY: calloc checks the product itself.
    unsafe { libc::calloc(nelem, elsize) }
}

unsafe extern "C" fn realloc_fn(_ctx: *mut c_void, p: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: the caller passes NULL or a live malloc block.
    unsafe { libc::realloc(p, size.max(1)) }
}

unsafe extern "C" fn free_fn(_ctx: *mut c_void, p: *mut c_void) {
    // SAFETY: the caller passes NULL or a live malloc block.
    unsafe { libc::free(p) }
}

unsafe extern "C" fn pymalloc_malloc_fn(_ctx: *mut c_void, size: usize) -> *mut c_void {
    if size > MAX_REQUEST {
        return null_mut();
    }
    obmalloc::malloc(obmalloc::UNCOUNTED, size)
}

unsafe extern "C" fn pymalloc_calloc_fn(
    _ctx: *mut c_void,
    nelem: usize,
    elsize: usize,
) -> *mut c_void {
    if elsize != 0 && nelem > MAX_REQUEST / elsize {
        return null_mut();
    }
    obmalloc::calloc(obmalloc::UNCOUNTED, nelem, elsize)
}

unsafe extern "C" fn pymalloc_realloc_fn(
    _ctx: *mut c_void,
    p: *mut c_void,
    size: usize,
) -> *mut c_void {
    if size > MAX_REQUEST {
        return null_mut();
    }
    // SAFETY: the caller passes NULL or a live block of this allocator.
    unsafe { obmalloc::realloc(obmalloc::UNCOUNTED, p, size) }
}

unsafe extern "C" fn pymalloc_free_fn(_ctx: *mut c_void, p: *mut c_void) {
    // SAFETY: the caller passes NULL or a live block of this allocator.
    unsafe { obmalloc::free(obmalloc::UNCOUNTED, p) }
}

unsafe extern "C" fn arena_mmap(_ctx: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: an anonymous private mapping has no preconditions.
    let p = unsafe {
        libc::mmap(
            null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED { null_mut() } else { p }
}

unsafe extern "C" fn arena_munmap(_ctx: *mut c_void, p: *mut c_void, size: usize) {
    // SAFETY: `p` and `size` describe a mapping made by `arena_mmap`.
    unsafe { libc::munmap(p, size) };
}

// ---------------------------------------------------------------------------
// The raw domain, as pyrt itself uses it.

/// Runs `f` with pyrt's raw-domain helpers below going straight to the C
/// library. For the copies the runtime owns and releases itself (the
/// interpreters' configs behind `_Py_GetConfig`, `Py_GetArgcArgv`'s strings):
/// they then do not depend on the raw domain's allocator, which the embedder
/// may replace or hook between their allocation and their release. The flag
/// is a per-thread slot in static TLS (one %fs-relative load per test).
pub fn runtime_owned<R>(f: impl FnOnce() -> R) -> R {
    let was = crate::sys::tls::slots(|s| s.runtime_owned.replace(true));
    // Restores the flag even if `f` unwinds.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            crate::sys::tls::slots(|s| s.runtime_owned.set(self.0));
        }
    }
    let _restore = Restore(was);
    f()
}

#[inline(always)]
fn runtime_owned_now() -> bool {
    crate::sys::tls::slots(|s| s.runtime_owned.get())
}

/// Allocates `size` bytes with the raw domain. NULL on failure.
pub fn raw_malloc(size: usize) -> *mut c_void {
    RawRoute::now().malloc(size)
}

/// Where the raw domain's blocks go right now: [`raw_malloc`] and
/// [`raw_free`] look it up per call; a run of blocks (a config's strings and
/// lists) can look it up once, with the same results as long as the
/// allocator is not replaced in between (which CPython also forbids while
/// blocks are in use).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RawRoute {
    /// Inside [`runtime_owned`]: the C library directly.
    Owned,
    /// The debug hooks over the C library (`-X dev`, `PYTHONMALLOC=debug`),
    /// without the indirect calls.
    DebugOverMalloc,
    /// Whatever table is installed, through [`domain_malloc`]/[`domain_free`].
    Table,
}

impl RawRoute {
    /// The route for this thread and the raw domain's current allocator.
    #[inline(always)]
    pub fn now() -> RawRoute {
        if runtime_owned_now() {
            RawRoute::Owned
        } else if slot(RAW) == debug::raw_over_malloc_table() {
            RawRoute::DebugOverMalloc
        } else {
            RawRoute::Table
        }
    }

    /// [`raw_malloc`] on this route.
    #[inline(always)]
    pub fn malloc(self, size: usize) -> *mut c_void {
        match self {
            RawRoute::Owned if size > MAX_REQUEST => null_mut(),
            // SAFETY: no preconditions.
            RawRoute::Owned => unsafe { malloc_fn(null_mut(), size) },
            RawRoute::DebugOverMalloc => debug::raw_malloc_over_malloc(size),
            RawRoute::Table => domain_malloc(RAW, size),
        }
    }

    /// [`RawRoute::malloc`] for a block whose every byte the caller writes
    /// before handing it out: under the debug hooks the block is not first
    /// filled with the "clean" pattern (nobody could see it).
    #[inline(always)]
    pub fn malloc_written(self, size: usize) -> *mut c_void {
        match self {
            RawRoute::DebugOverMalloc => debug::raw_malloc_over_malloc_unfilled(size),
            route => route.malloc(size),
        }
    }

    /// [`raw_free`] on this route.
    ///
    /// # Safety
    /// `block` is NULL or a live block of the allocator this route stands for
    /// (as for [`raw_free`] while the route is current).
    #[inline(always)]
    pub unsafe fn free(self, block: *mut c_void) {
        // SAFETY: `block` is NULL or a live block of the allocator this route stands for
        // (this function's contract): the C library, the hooks over it, or the raw table.
        unsafe {
            match self {
                RawRoute::Owned => free_fn(null_mut(), block),
                RawRoute::DebugOverMalloc => debug::raw_free_over_malloc_outlined(block),
                RawRoute::Table => domain_free(RAW, block),
            }
        }
    }
}

/// Allocates a zeroed array of `nelem * elsize` bytes. NULL on failure or overflow.
pub fn raw_calloc(nelem: usize, elsize: usize) -> *mut c_void {
    if runtime_owned_now() {
        if elsize != 0 && nelem > MAX_REQUEST / elsize {
            return null_mut();
        }
        // SAFETY: no preconditions.
        return unsafe { calloc_fn(null_mut(), nelem, elsize) };
    }
    domain_calloc(RAW, nelem, elsize)
}

/// Resizes a block from the raw domain (NULL `block` allocates).
///
/// # Safety
/// `block` is NULL or a live block from the raw domain (from the C library
/// inside [`runtime_owned`]).
pub unsafe fn raw_realloc(block: *mut c_void, size: usize) -> *mut c_void {
    if size > MAX_REQUEST {
        return null_mut();
    }
    // SAFETY: `block` is NULL or a live raw-domain block, from the C library inside
    // `runtime_owned` (this function's contract); each branch is the allocator that made it.
    unsafe {
        if runtime_owned_now() {
            return realloc_fn(null_mut(), block, size);
        }
        domain_realloc(RAW, block, size)
    }
}

/// Releases a block from the raw domain; NULL is a no-op.
///
/// # Safety
/// `block` is NULL or a live block from the raw domain (from the C library
/// inside [`runtime_owned`]).
pub unsafe fn raw_free(block: *mut c_void) {
    // SAFETY: `block` is NULL or a live raw-domain block, from the C library inside
    // `runtime_owned` (this function's contract), which is the allocator `RawRoute::now` picks.
    unsafe { RawRoute::now().free(block) }
}

/// Copies `bytes` plus a terminating NUL into a new block of domain `dom`.
pub fn strdup_in(dom: usize, bytes: &[u8]) -> *mut libc::c_char {
    let p = domain_malloc(dom, bytes.len() + 1).cast::<u8>();
    if !p.is_null() {
        // SAFETY: `p` has room for len + 1 bytes and does not overlap `bytes`.
        unsafe {
            ptr::copy_nonoverlapping(bytes.as_ptr(), p, bytes.len());
            *p.add(bytes.len()) = 0;
        }
    }
    p.cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contracts() {
        let a = raw_malloc(0);
        let b = raw_malloc(0);
        assert!(!a.is_null() && !b.is_null() && a != b);
        assert!(raw_malloc(MAX_REQUEST + 1).is_null());
        assert!(raw_calloc(usize::MAX, 2).is_null());
        assert!(raw_calloc(2, usize::MAX).is_null());
        let z = raw_calloc(0, 0);
        assert!(!z.is_null());
        // SAFETY: every block came from this module and is freed once.
        unsafe {
            let c = raw_realloc(ptr::null_mut(), 10);
            assert!(!c.is_null());
            let c = raw_realloc(c, 0);
            assert!(!c.is_null());
            assert!(raw_realloc(c, MAX_REQUEST + 1).is_null());
            raw_free(c);
            raw_free(a);
            raw_free(b);
            raw_free(z);
            raw_free(ptr::null_mut());
        }
    }
}

/// An allocation failed: memory is exhausted (or the request was too large).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoMemory;

/// Takes every lock of the memory layer without a guard (before `fork()`),
/// in the order the allocator itself nests them.
pub fn hold_for_fork() {
    use crate::sys::mutex::hold;
    hold(&KEPT);
    hold(&KEPT_ARENAS);
    debug::hold_for_fork();
    obmalloc::hold_for_fork();
}

/// Releases what [`hold_for_fork`] took, in the parent or in the child.
///
/// # Safety
/// The calling thread took the locks with [`hold_for_fork`] (in a child:
/// the forking thread did, and is the only thread).
pub unsafe fn release_after_fork() {
    use crate::sys::mutex::release;
    // SAFETY: held by this thread since `hold_for_fork` (the contract).
    unsafe {
        obmalloc::release_after_fork();
        debug::release_after_fork();
        release(&KEPT_ARENAS);
        release(&KEPT);
    }
}
