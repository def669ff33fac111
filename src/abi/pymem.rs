//! `Include/cpython/pymem.h` and `Include/cpython/objimpl.h`: the memory
//! domains, the allocator names and the allocator structs.

use std::ffi::{c_int, c_void};

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
