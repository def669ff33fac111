//! `Include/pymem.h`, `Include/cpython/pymem.h`, `Include/objimpl.h`,
//! `Include/cpython/objimpl.h`: the allocator types and the allocation functions.

use std::ffi::{c_int, c_void};

use crate::ffi::guard;
use crate::mem;

/// Memory domain selector (`PyMemAllocatorDomain`): `PYMEM_DOMAIN_*`.
pub type PyMemAllocatorDomain = c_int;
/// The raw domain: `PyMem_RawMalloc` and friends.
pub const PYMEM_DOMAIN_RAW: PyMemAllocatorDomain = 0;
/// The memory domain: `PyMem_Malloc` and friends.
pub const PYMEM_DOMAIN_MEM: PyMemAllocatorDomain = 1;
/// The object domain: `PyObject_Malloc` and friends.
pub const PYMEM_DOMAIN_OBJ: PyMemAllocatorDomain = 2;

/// Allocator names (`PyMemAllocatorName`), as stored in `PyPreConfig.allocator`.
pub type PyMemAllocatorName = c_int;
/// Keep the current allocators.
pub const PYMEM_ALLOCATOR_NOT_SET: PyMemAllocatorName = 0;
/// `PYTHONMALLOC=default`.
pub const PYMEM_ALLOCATOR_DEFAULT: PyMemAllocatorName = 1;
/// `PYTHONMALLOC=debug`.
pub const PYMEM_ALLOCATOR_DEBUG: PyMemAllocatorName = 2;
/// `PYTHONMALLOC=malloc`.
pub const PYMEM_ALLOCATOR_MALLOC: PyMemAllocatorName = 3;
/// `PYTHONMALLOC=malloc_debug`.
pub const PYMEM_ALLOCATOR_MALLOC_DEBUG: PyMemAllocatorName = 4;
/// `PYTHONMALLOC=pymalloc`.
pub const PYMEM_ALLOCATOR_PYMALLOC: PyMemAllocatorName = 5;
/// `PYTHONMALLOC=pymalloc_debug`.
pub const PYMEM_ALLOCATOR_PYMALLOC_DEBUG: PyMemAllocatorName = 6;
/// `PYTHONMALLOC=mimalloc`.
pub const PYMEM_ALLOCATOR_MIMALLOC: PyMemAllocatorName = 7;
/// `PYTHONMALLOC=mimalloc_debug`.
pub const PYMEM_ALLOCATOR_MIMALLOC_DEBUG: PyMemAllocatorName = 8;

/// A memory allocator: a context pointer passed to four functions.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyMemAllocatorEx {
    /// User context passed as the first argument of each function.
    pub ctx: *mut c_void,
    /// Allocates `size` bytes.
    pub malloc: Option<unsafe extern "C" fn(ctx: *mut c_void, size: usize) -> *mut c_void>,
    /// Allocates `nelem * elsize` zeroed bytes.
    pub calloc:
        Option<unsafe extern "C" fn(ctx: *mut c_void, nelem: usize, elsize: usize) -> *mut c_void>,
    /// Resizes a block to `new_size` bytes.
    pub realloc: Option<
        unsafe extern "C" fn(ctx: *mut c_void, ptr: *mut c_void, new_size: usize) -> *mut c_void,
    >,
    /// Releases a block.
    pub free: Option<unsafe extern "C" fn(ctx: *mut c_void, ptr: *mut c_void)>,
}

/// The allocator of the arenas that hold small objects.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct PyObjectArenaAllocator {
    /// User context passed as the first argument of each function.
    pub ctx: *mut c_void,
    /// Allocates an arena of `size` bytes.
    pub alloc: Option<unsafe extern "C" fn(ctx: *mut c_void, size: usize) -> *mut c_void>,
    /// Releases an arena of `size` bytes.
    pub free: Option<unsafe extern "C" fn(ctx: *mut c_void, ptr: *mut c_void, size: usize)>,
}

/// Allocates `size` bytes with the raw allocator (thread-safe, no GIL needed).
/// A zero size returns a unique non-NULL pointer; NULL on failure or when
/// `size` exceeds `PY_SSIZE_T_MAX`. Release with `PyMem_RawFree`.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_RawMalloc(size: usize) -> *mut c_void {
    guard(c"PyMem_RawMalloc", || mem::raw_malloc(size))
}

/// Allocates `nelem * elsize` zeroed bytes with the raw allocator; NULL on
/// failure or overflow. Zero sizes return a unique non-NULL pointer.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_RawCalloc(nelem: usize, elsize: usize) -> *mut c_void {
    guard(c"PyMem_RawCalloc", || mem::raw_calloc(nelem, elsize))
}

/// Resizes a raw block (NULL `ptr` allocates). On failure returns NULL and
/// leaves `ptr` valid.
///
/// # Safety
/// `ptr` is NULL or a live block from the raw allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_RawRealloc(ptr: *mut c_void, new_size: usize) -> *mut c_void {
    // SAFETY: forwarded contract.
    guard(c"PyMem_RawRealloc", || unsafe {
        mem::raw_realloc(ptr, new_size)
    })
}

/// Releases a raw block; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or a live block from the raw allocator.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_RawFree(ptr: *mut c_void) {
    // SAFETY: forwarded contract.
    guard(c"PyMem_RawFree", || unsafe { mem::raw_free(ptr) })
}

/// Allocates `size` bytes in the memory domain (same contract as
/// `PyMem_RawMalloc`). Release with `PyMem_Free`.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_Malloc(size: usize) -> *mut c_void {
    guard(c"PyMem_Malloc", || mem::raw_malloc(size))
}

/// Allocates zeroed memory in the memory domain; NULL on failure or overflow.
#[unsafe(no_mangle)]
pub extern "C" fn PyMem_Calloc(nelem: usize, elsize: usize) -> *mut c_void {
    guard(c"PyMem_Calloc", || mem::raw_calloc(nelem, elsize))
}

/// Resizes a block of the memory domain (NULL `ptr` allocates).
///
/// # Safety
/// `ptr` is NULL or a live block from `PyMem_Malloc`/`PyMem_Calloc`/`PyMem_Realloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_Realloc(ptr: *mut c_void, new_size: usize) -> *mut c_void {
    // SAFETY: forwarded contract.
    guard(c"PyMem_Realloc", || unsafe {
        mem::raw_realloc(ptr, new_size)
    })
}

/// Releases a block of the memory domain; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or a live block from the memory domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyMem_Free(ptr: *mut c_void) {
    // SAFETY: forwarded contract.
    guard(c"PyMem_Free", || unsafe { mem::raw_free(ptr) })
}

/// Allocates `size` bytes in the object domain (same contract as
/// `PyMem_Malloc`; the pymalloc-class allocator lands with issue #7).
#[unsafe(no_mangle)]
pub extern "C" fn PyObject_Malloc(size: usize) -> *mut c_void {
    guard(c"PyObject_Malloc", || mem::raw_malloc(size))
}

/// Allocates zeroed memory in the object domain; NULL on failure or overflow.
#[unsafe(no_mangle)]
pub extern "C" fn PyObject_Calloc(nelem: usize, elsize: usize) -> *mut c_void {
    guard(c"PyObject_Calloc", || mem::raw_calloc(nelem, elsize))
}

/// Resizes a block of the object domain (NULL `ptr` allocates).
///
/// # Safety
/// `ptr` is NULL or a live block from the object domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyObject_Realloc(ptr: *mut c_void, new_size: usize) -> *mut c_void {
    // SAFETY: forwarded contract.
    guard(c"PyObject_Realloc", || unsafe {
        mem::raw_realloc(ptr, new_size)
    })
}

/// Releases a block of the object domain; NULL does nothing.
///
/// # Safety
/// `ptr` is NULL or a live block from the object domain.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PyObject_Free(ptr: *mut c_void) {
    // SAFETY: forwarded contract.
    guard(c"PyObject_Free", || unsafe { mem::raw_free(ptr) })
}
