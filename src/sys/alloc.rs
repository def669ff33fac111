//! The Rust heap: the C library's allocator, with an emergency reserve so
//! that a failed allocation never aborts the embedder's process.
//!
//! Rust's collections treat a failed allocation as fatal (they call
//! `handle_alloc_error`, which aborts). pyrt's rule is that a failed
//! allocation becomes CPython's "memory allocation failed" status and leaves
//! the runtime usable. The two meet here:
//!
//! * every Rust allocation goes to the C library (`malloc` and friends, as
//!   `std::alloc::System` does);
//! * when the C library fails, the block comes from a fixed reserve in the
//!   library's zero-initialized data instead, and the calling thread's
//!   failure count goes up ([`failures`]);
//! * operations that can fail watch that count ([`AllocWatch`]) and, when it
//!   moved, report "memory allocation failed" before they change any state
//!   that outlives them (the watch points are listed in
//!   `docs/architecture.md`); their temporary values, including the blocks
//!   taken from the reserve, are dropped on the way out, and the reserve is
//!   whole again once its last block is freed.
//!
//! Only when the reserve itself is exhausted (more than [`RESERVE_SIZE`]
//! bytes needed while the C library keeps failing) does Rust's abort remain.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU64, Ordering};

use super::mutex::FutexLock;

/// Bytes in the emergency reserve. Untouched pages of it cost no memory.
pub const RESERVE_SIZE: usize = 4 << 20;

/// The largest alignment the reserve serves (larger requests fail there too).
const RESERVE_ALIGN: usize = 4096;

#[repr(C, align(4096))]
struct Reserve {
    bytes: UnsafeCell<[u8; RESERVE_SIZE]>,
    /// Offset of the first free byte (bump allocation).
    next: UnsafeCell<usize>,
    /// Blocks handed out and not yet freed; at 0 the reserve starts over.
    live: UnsafeCell<usize>,
}

// SAFETY: `next` and `live` are read and written only with `LOCK` held;
// the bytes of a block belong to whoever it was handed to.
unsafe impl Sync for Reserve {}

static RESERVE: Reserve = Reserve {
    bytes: UnsafeCell::new([0; RESERVE_SIZE]),
    next: UnsafeCell::new(0),
    live: UnsafeCell::new(0),
};

/// Guards the reserve's two counters. Taken only after the C library failed,
/// and around `fork()` ([`hold_for_fork`]).
static LOCK: FutexLock = FutexLock::new();

/// Allocations the C library refused, over the whole process.
static TOTAL_FAILURES: AtomicU64 = AtomicU64::new(0);

fn in_reserve(p: *mut u8) -> bool {
    let start = RESERVE.bytes.get() as usize;
    (start..start + RESERVE_SIZE).contains(&(p as usize))
}

/// Notes a refused allocation for the calling thread and the process.
#[cold]
fn note_failure() {
    TOTAL_FAILURES.fetch_add(1, Ordering::Relaxed);
    super::tls::slots(|s| s.alloc_failures.set(s.alloc_failures.get() + 1));
}

/// A block of the reserve, or NULL when it has no room left.
#[cold]
fn reserve_alloc(layout: Layout) -> *mut u8 {
    if layout.align() > RESERVE_ALIGN {
        return std::ptr::null_mut();
    }
    LOCK.lock();
    // SAFETY: the counters are touched only with LOCK held, which it is.
    let p = unsafe {
        let next = &mut *RESERVE.next.get();
        let start = next.next_multiple_of(layout.align());
        match start.checked_add(layout.size().max(1)) {
            Some(end) if end <= RESERVE_SIZE => {
                *next = end;
                *RESERVE.live.get() += 1;
                (RESERVE.bytes.get() as *mut u8).add(start)
            }
            _ => std::ptr::null_mut(),
        }
    };
    // SAFETY: taken above on this thread.
    unsafe { LOCK.unlock() };
    p
}

/// Gives a reserve block back; the reserve starts over when none is left.
#[cold]
fn reserve_free() {
    LOCK.lock();
    // SAFETY: the counters are touched only with LOCK held, which it is.
    unsafe {
        let live = &mut *RESERVE.live.get();
        *live -= 1;
        if *live == 0 {
            *RESERVE.next.get() = 0;
        }
        LOCK.unlock();
    }
}

/// pyrt's global allocator (see the module documentation).
pub struct PyrtAlloc;

// SAFETY: blocks come from `System` (which meets the contract) or from the
// reserve: distinct, in-bounds, aligned ranges (the bump offset is rounded
// up to the layout's alignment, and the reserve itself is 4096-aligned),
// never handed out twice while live.
unsafe impl GlobalAlloc for PyrtAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout has a non-zero size (the contract).
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            return p;
        }
        note_failure();
        reserve_alloc(layout)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            return p;
        }
        note_failure();
        let p = reserve_alloc(layout);
        if !p.is_null() {
            // SAFETY: a fresh reserve block of `layout.size()` bytes; it may
            // have been used before the reserve started over.
            unsafe { p.write_bytes(0, layout.size()) };
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if in_reserve(ptr) {
            reserve_free();
        } else {
            // SAFETY: not a reserve block, so `System` allocated it with
            // this layout (the caller's contract).
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees a valid layout for `new_size`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if !in_reserve(ptr) {
            // SAFETY: `System` allocated `ptr` with `layout` (the contract).
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            if !p.is_null() {
                return p;
            }
            note_failure();
            let p = reserve_alloc(new_layout);
            if !p.is_null() {
                // SAFETY: both blocks are live and distinct; the copy is
                // within both; the old block is then freed (realloc moved it).
                unsafe {
                    p.copy_from_nonoverlapping(ptr, layout.size().min(new_size));
                    System.dealloc(ptr, layout);
                }
            }
            return p;
        }
        // A reserve block moves out (to the C library if it has recovered).
        // SAFETY: `new_layout` has a non-zero size (the contract).
        let p = unsafe { self.alloc(new_layout) };
        if !p.is_null() {
            // SAFETY: as above; the old block is a reserve block.
            unsafe { p.copy_from_nonoverlapping(ptr, layout.size().min(new_size)) };
            reserve_free();
        }
        p
    }
}

#[global_allocator]
static GLOBAL: PyrtAlloc = PyrtAlloc;

/// Allocations the C library refused on the calling thread so far.
#[inline]
pub fn failures() -> u64 {
    super::tls::slots(|s| s.alloc_failures.get())
}

/// Allocations the C library refused in the whole process so far.
pub fn total_failures() -> u64 {
    TOTAL_FAILURES.load(Ordering::Relaxed)
}

/// Watches the calling thread's allocations from its creation on.
#[derive(Clone, Copy, Debug)]
#[must_use]
pub struct AllocWatch(u64);

impl AllocWatch {
    /// Starts watching.
    #[inline]
    pub fn start() -> AllocWatch {
        AllocWatch(failures())
    }

    /// True when an allocation failed on this thread since [`AllocWatch::start`]
    /// (and the reserve served it).
    #[inline]
    pub fn failed(&self) -> bool {
        failures() != self.0
    }
}

/// A box from the C library's allocator only, for code that handles a
/// failure itself (the allocator domains, which return NULL as CPython's
/// do): `Err(value)` when the C library refuses, without touching the
/// reserve. The box is freed as any other (by the global allocator, which
/// hands blocks that are not the reserve's back to the C library).
pub fn try_box<T>(value: T) -> Result<Box<T>, T> {
    let layout = Layout::new::<T>();
    if layout.size() == 0 {
        return Ok(Box::new(value));
    }
    // SAFETY: a non-zero size.
    let p = unsafe { System.alloc(layout) }.cast::<T>();
    if p.is_null() {
        return Err(value);
    }
    // SAFETY: `p` is a fresh, aligned block for one `T`; the global
    // allocator frees it with `System` (it is not a reserve block), which
    // is the allocator `Box` will release it with.
    unsafe {
        p.write(value);
        Ok(Box::from_raw(p))
    }
}

/// Zeroed memory for `layout` from the C library's allocator only (NULL when
/// it refuses); see [`try_box`]. Free it with `std::alloc::dealloc`.
pub fn try_alloc_zeroed(layout: Layout) -> *mut u8 {
    // SAFETY: callers pass a non-zero size (the layouts used are types').
    unsafe { System.alloc_zeroed(layout) }
}

/// Takes the reserve's lock before `fork()` (see `runtime::fork`).
pub fn hold_for_fork() {
    LOCK.lock();
}

/// Releases what [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread took it with [`hold_for_fork`] (in a child: the
/// forking thread did, and is the only thread).
pub unsafe fn release_after_fork() {
    // SAFETY: held by this thread (the contract).
    unsafe { LOCK.unlock() };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_blocks_are_aligned_distinct_and_start_over() {
        let a = reserve_alloc(Layout::from_size_align(10, 8).unwrap());
        let b = reserve_alloc(Layout::from_size_align(100, 64).unwrap());
        assert!(in_reserve(a) && in_reserve(b));
        assert_eq!(b as usize % 64, 0);
        assert!(b as usize >= a as usize + 10);
        reserve_free();
        reserve_free();
        let c = reserve_alloc(Layout::from_size_align(1, 1).unwrap());
        assert_eq!(c, RESERVE.bytes.get() as *mut u8);
        reserve_free();
        assert!(reserve_alloc(Layout::from_size_align(RESERVE_SIZE + 1, 1).unwrap()).is_null());
        assert!(reserve_alloc(Layout::from_size_align(8, 8192).unwrap()).is_null());
    }

    #[test]
    fn try_box_holds_the_value() {
        let b = try_box([7u64; 4]).unwrap();
        assert_eq!(*b, [7; 4]);
        let p = Box::into_raw(b);
        assert!(!in_reserve(p.cast()));
        // SAFETY: from `Box::into_raw` just above.
        drop(unsafe { Box::from_raw(p) });
    }
}
