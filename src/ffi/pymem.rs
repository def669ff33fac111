//! `Include/pymem.h`, `Include/cpython/pymem.h`, `Include/objimpl.h`,
//! `Include/cpython/objimpl.h`: the allocator types and the allocation functions.

use std::ffi::{c_int, c_void};

use crate::abi::pymem::*;
use crate::ffi::guard;
use crate::mem;

/// Allocates `size` bytes with the raw domain's allocator (thread-safe, no
/// GIL needed). A zero size returns a unique non-NULL pointer; NULL on failure
/// or when `size` exceeds `PY_SSIZE_T_MAX`. Release with `PyMem_RawFree`.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_RawMalloc(size: usize) -> *mut c_void {
    guard(c"PyMem_RawMalloc", || mem::domain_malloc(mem::RAW, size))
}

/// Allocates `nelem * elsize` zeroed bytes with the raw domain's allocator;
/// NULL on failure or overflow. Zero sizes return a unique non-NULL pointer.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_RawCalloc(nelem: usize, elsize: usize) -> *mut c_void {
    guard(c"PyMem_RawCalloc", || {
        mem::domain_calloc(mem::RAW, nelem, elsize)
    })
}

/// Resizes a raw block (NULL `ptr` allocates). On failure returns NULL and
/// leaves `ptr` valid.
///
/// # Safety
/// `ptr` is NULL or a live block from the raw domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_RawRealloc(ptr: *mut c_void, new_size: usize) -> *mut c_void {
    // SAFETY: `ptr` is NULL or a live block of the raw domain (this function's
    // contract), as `domain_realloc(RAW, ..)` requires.
    guard(c"PyMem_RawRealloc", || unsafe {
        mem::domain_realloc(mem::RAW, ptr, new_size)
    })
}

/// Releases a raw block; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or a live block from the raw domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_RawFree(ptr: *mut c_void) {
    // SAFETY: `ptr` is NULL or a live block of the raw domain (this function's
    // contract), as `domain_free(RAW, ..)` requires.
    guard(c"PyMem_RawFree", || unsafe {
        mem::domain_free(mem::RAW, ptr)
    })
}

/// Allocates `size` bytes in the mem domain (pyrt's small-object allocator by
/// default; the GIL must be held). Same contract as `PyMem_RawMalloc`.
/// Release with `PyMem_Free`.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_Malloc(size: usize) -> *mut c_void {
    guard(c"PyMem_Malloc", || mem::domain_malloc(mem::MEM, size))
}

/// Allocates zeroed memory in the mem domain; NULL on failure or overflow.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_Calloc(nelem: usize, elsize: usize) -> *mut c_void {
    guard(c"PyMem_Calloc", || {
        mem::domain_calloc(mem::MEM, nelem, elsize)
    })
}

/// Resizes a block of the mem domain (NULL `ptr` allocates). On failure
/// returns NULL and leaves `ptr` valid.
///
/// # Safety
/// `ptr` is NULL or a live block from `PyMem_Malloc`/`PyMem_Calloc`/`PyMem_Realloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_Realloc(ptr: *mut c_void, new_size: usize) -> *mut c_void {
    // SAFETY: `ptr` is NULL or a live block of the mem domain (this function's
    // contract), as `domain_realloc(MEM, ..)` requires.
    guard(c"PyMem_Realloc", || unsafe {
        mem::domain_realloc(mem::MEM, ptr, new_size)
    })
}

/// Releases a block of the mem domain; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or a live block from the mem domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_Free(ptr: *mut c_void) {
    // SAFETY: `ptr` is NULL or a live block of the mem domain (this function's
    // contract), as `domain_free(MEM, ..)` requires.
    guard(c"PyMem_Free", || unsafe { mem::domain_free(mem::MEM, ptr) })
}

/// Allocates `size` bytes in the object domain: pyrt's small-object allocator
/// by default (requests up to 512 bytes come from pools, larger ones from
/// `malloc`); the GIL must be held. Same contract as `PyMem_Malloc`.
#[unsafe(no_mangle)]
pub extern "C" fn PyObject_Malloc(size: usize) -> *mut c_void {
    guard(c"PyObject_Malloc", || mem::domain_malloc(mem::OBJ, size))
}

/// Allocates zeroed memory in the object domain; NULL on failure or overflow.
#[unsafe(no_mangle)]
pub extern "C" fn PyObject_Calloc(nelem: usize, elsize: usize) -> *mut c_void {
    guard(c"PyObject_Calloc", || {
        mem::domain_calloc(mem::OBJ, nelem, elsize)
    })
}

/// Resizes a block of the object domain (NULL `ptr` allocates). On failure
/// returns NULL and leaves `ptr` valid.
///
/// # Safety
/// `ptr` is NULL or a live block from the object domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyObject_Realloc(ptr: *mut c_void, new_size: usize) -> *mut c_void {
    // SAFETY: `ptr` is NULL or a live block of the object domain (this function's
    // contract), as `domain_realloc(OBJ, ..)` requires.
    guard(c"PyObject_Realloc", || unsafe {
        mem::domain_realloc(mem::OBJ, ptr, new_size)
    })
}

/// Releases a block of the object domain; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or a live block from the object domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyObject_Free(ptr: *mut c_void) {
    // SAFETY: `ptr` is NULL or a live block of the object domain (this function's
    // contract), as `domain_free(OBJ, ..)` requires.
    guard(c"PyObject_Free", || unsafe {
        mem::domain_free(mem::OBJ, ptr)
    })
}

/// Copies the current allocator of `domain` into `*allocator`. An unknown
/// domain yields a table of NULLs; a NULL `allocator` does nothing.
///
/// # Safety
/// `allocator` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_GetAllocator(
    domain: PyMemAllocatorDomain,
    allocator: *mut PyMemAllocatorEx,
) {
    guard(c"PyMem_GetAllocator", || {
        if allocator.is_null() {
            return;
        }
        let table = match mem::domain_index(domain) {
            Some(d) => mem::get_allocator(d),
            None => PyMemAllocatorEx {
                ctx: std::ptr::null_mut(),
                malloc: None,
                calloc: None,
                realloc: None,
                free: None,
            },
        };
        // SAFETY: `allocator` is writable (caller contract).
        unsafe { allocator.write(table) };
    })
}

/// Makes `*allocator` (copied) the allocator of `domain`, before or after
/// initialization. Blocks allocated earlier must still be released by the
/// allocator that made them. The raw domain's allocator must be thread-safe.
/// An unknown domain or a NULL `allocator` does nothing.
///
/// # Safety
/// `allocator` is NULL or points to a valid table whose functions follow
/// CPython's allocator contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_SetAllocator(
    domain: PyMemAllocatorDomain,
    allocator: *mut PyMemAllocatorEx,
) {
    guard(c"PyMem_SetAllocator", || {
        if let (Some(d), false) = (mem::domain_index(domain), allocator.is_null()) {
            // SAFETY: `allocator` points to a valid table (caller contract).
            mem::set_allocator(d, unsafe { &*allocator });
        }
    })
}

/// Installs the debug hooks on the three domains (those that have them
/// already keep theirs): guard bytes around every block, fresh (0xCD) and
/// released (0xDD) byte patterns, API family checks and, for the mem and
/// object domains, the GIL check. Violations end in CPython's fatal errors.
/// Blocks allocated before the call must not be released after it.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_SetupDebugHooks() {
    guard(c"PyMem_SetupDebugHooks", mem::debug::setup_hooks)
}

/// Copies the arena allocator (used by the small-object allocator for its
/// 1 MiB arenas) into `*allocator`; NULL does nothing.
///
/// # Safety
/// `allocator` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyObject_GetArenaAllocator(allocator: *mut PyObjectArenaAllocator) {
    guard(c"PyObject_GetArenaAllocator", || {
        if !allocator.is_null() {
            // SAFETY: writable (caller contract).
            unsafe { allocator.write(mem::arena_allocator()) };
        }
    })
}

/// Makes `*allocator` (copied) the arena allocator for arenas obtained from
/// now on; each arena goes back to the allocator that made it. NULL does nothing.
///
/// # Safety
/// `allocator` is NULL or points to a valid table.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyObject_SetArenaAllocator(allocator: *mut PyObjectArenaAllocator) {
    guard(c"PyObject_SetArenaAllocator", || {
        if !allocator.is_null() {
            // SAFETY: valid (caller contract).
            mem::set_arena_allocator(unsafe { &*allocator });
        }
    })
}

/// pyrt addition: live blocks and bytes of one memory domain.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PyRT_MemStats {
    /// Blocks allocated and not yet released.
    pub blocks: isize,
    /// Their bytes: the usable size of blocks from the C library's
    /// allocator, the size class (16..512) of pool blocks, the size requested
    /// under the debug hooks.
    pub bytes: isize,
    /// Arenas the small-object allocator holds (all interpreters; the same
    /// value for the mem and object domains, 0 for the raw domain).
    pub arenas: isize,
}

/// pyrt addition: fills `*stats` with the live blocks and bytes of `domain`
/// (`PYMEM_DOMAIN_RAW`, `_MEM` or `_OBJ`) over every interpreter, counting
/// what pyrt's own allocators (default, malloc, pymalloc, debug) served
/// through the domain's functions; blocks of an embedder's allocator are not
/// counted. Returns 0, or -1 for an unknown domain or NULL `stats`.
/// Callable at any time, from any thread.
///
/// # Safety
/// `stats` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyRT_Mem_GetStats(
    domain: PyMemAllocatorDomain,
    stats: *mut PyRT_MemStats,
) -> c_int {
    guard(c"PyRT_Mem_GetStats", || {
        let Some(d) = mem::domain_index(domain) else {
            return -1;
        };
        if stats.is_null() {
            return -1;
        }
        let (blocks, bytes) = mem::domain_stats(d);
        let arenas = if d == mem::RAW {
            0
        } else {
            mem::obmalloc::total_arenas()
        };
        // SAFETY: writable (caller contract).
        unsafe {
            stats.write(PyRT_MemStats {
                blocks: blocks as isize,
                bytes: bytes as isize,
                arenas: arenas as isize,
            })
        };
        0
    })
}

/// pyrt addition: how many allocations of pyrt's own heap (the memory its
/// Rust code uses for configurations, paths and states, apart from the
/// three domains) the C library has refused in this process. pyrt never
/// aborts on such a failure: the block comes from a fixed emergency
/// reserve, and the operation that needed it reports "memory allocation
/// failed" (a `PyStatus`, NULL or -1, as CPython's would) before it changes
/// any state. Teardown steps that cannot fail (finalization) go on with the
/// reserved block. Callable at any time, from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn PyRT_Mem_HeapFailures() -> u64 {
    guard(c"PyRT_Mem_HeapFailures", crate::sys::alloc::total_failures)
}
