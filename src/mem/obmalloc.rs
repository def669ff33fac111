//! pyrt's small-object allocator: the default allocator of the `PyMem_*` and
//! `PyObject_*` domains, in the spirit of CPython's pymalloc.
//!
//! Requests of up to [`SMALL_REQUEST_THRESHOLD`] bytes are served from
//! [`NB_CLASSES`] size classes (multiples of 16 bytes). Blocks of one class
//! live in 16 KiB *pools*; pools are carved out of 1 MiB *arenas* obtained
//! from the arena allocator (`PyObject_SetArenaAllocator`). Larger requests go
//! to the C library's `malloc`.
//!
//! * **Pools.** A pool starts with a [`Pool`] header and hands out blocks from
//!   a free list, extended lazily (never-used blocks are not threaded until
//!   needed). Pools with free blocks are linked per size class; a full pool
//!   leaves that list and comes back when one of its blocks is freed.
//! * **Arenas.** An empty pool goes back to its arena; an arena whose pools
//!   are all free is returned to the arena allocator, except the last usable
//!   one of its state (so alloc/free pairs do not map and unmap memory), and
//!   the one pool of a size class stays with its class while it is the only one.
//! * **Faulting in.** Once a state uses more than one arena, or more than
//!   the first 16 pools of its first arena, never-used pools of pyrt's own
//!   arenas are faulted in 256 KiB at a time with `MADV_POPULATE_WRITE` (one
//!   system call instead of 64 page faults); a small program's pools are
//!   faulted page by page as they are touched.
//! * **Which blocks are ours.** A process-wide radix tree over the address
//!   space, keyed by 1 MiB chunks, marks the address ranges of live arenas, so
//!   `free` answers "pool block or malloc block?" without reading memory
//!   outside a block (valgrind stays quiet) and for arenas at any alignment.
//! * **States.** One [`State`] holds a set of arenas and pools. The main
//!   interpreter (and every interpreter created with `use_main_obmalloc = 1`
//!   and a shared GIL) uses the static main state; an interpreter with
//!   `use_main_obmalloc = 0` or its own GIL gets its own. A state is only
//!   touched by the thread holding its interpreter's GIL, so the fast paths
//!   take no lock. A block freed from another state's thread is pushed on the
//!   owner's lock-free "remote" stack and released by the owner later. When
//!   an interpreter ends with blocks still allocated, its state becomes an
//!   *orphan*: from then on its pools are changed under its mutex by whoever
//!   frees into it, and its arenas go back when the last block is freed.
//!
//! While no interpreter has its own state (the common case), finding the
//! state is one relaxed load of a global counter: no thread-local access.
//! `malloc` and `free` then serve the common case inline without any call
//! (so without a stack frame) and leave the rest to out-of-line functions.

use std::cell::UnsafeCell;
use std::ffi::c_void;
use std::ptr::{self, null_mut};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use crate::sys::mutex::Mutex;

use crate::abi::pymem::PyObjectArenaAllocator;
use crate::sys::SendPtr;

/// Block alignment and size-class granularity.
pub const ALIGNMENT: usize = 16;
/// The largest request served from pools.
pub const SMALL_REQUEST_THRESHOLD: usize = 512;
/// Number of size classes (16, 32, ..., 512 bytes).
pub const NB_CLASSES: usize = SMALL_REQUEST_THRESHOLD / ALIGNMENT;
const _: () = assert!(NB_CLASSES.is_power_of_two());
/// Pool size (a power of two; pools are aligned to it).
pub const POOL_SIZE: usize = 1 << POOL_BITS;
const POOL_BITS: u32 = 14;
/// Arena size requested from the arena allocator.
pub const ARENA_SIZE: usize = 1 << ARENA_BITS;
const ARENA_BITS: u32 = 20;
/// Bytes at the start of each pool taken by its header.
const POOL_OVERHEAD: usize = 64;

/// Per-domain counters: index 0 raw, 1 mem, 2 obj, 3 uncounted callers.
pub const COUNTED_DOMAINS: usize = 4;
/// The counter slot of callers that do not count (allocator function pointers).
pub const UNCOUNTED: usize = 3;

/// The size of the blocks of class `cls`.
#[inline(always)]
pub const fn class_size(cls: usize) -> usize {
    (cls + 1) * ALIGNMENT
}

/// The size class serving a request of `n` bytes (`n <= 512`; 0 uses class 0).
#[inline(always)]
pub const fn size_class(n: usize) -> usize {
    n.saturating_sub(1) >> 4
}

// ---------------------------------------------------------------------------
// The radix tree: which address ranges belong to live arenas.

const ADDRESS_BITS: u32 = 48;
const LEAF_BITS: u32 = 14;
const TOP_BITS: u32 = ADDRESS_BITS - ARENA_BITS - LEAF_BITS;
const CHUNK_MASK: usize = ARENA_SIZE - 1;

/// One 1 MiB chunk of address space: an arena can end in it (offsets below
/// `lo_end` are inside that arena) and another can start in it (offsets from
/// `hi_start` on, when non-zero). An arena starting exactly at the chunk's
/// start covers all of it and is recorded as `lo_end = ARENA_SIZE`.
struct Chunk {
    lo_end: AtomicU32,
    hi_start: AtomicU32,
}

type Leaf = [Chunk; 1 << LEAF_BITS];

static TOP: [AtomicPtr<Leaf>; 1 << TOP_BITS] =
    [const { AtomicPtr::new(null_mut()) }; 1 << TOP_BITS];

/// The chunk record of `addr`, creating its leaf when `create`.
fn chunk(addr: usize, create: bool) -> Option<&'static Chunk> {
    let top = TOP.get(addr >> (ARENA_BITS + LEAF_BITS))?;
    let mut leaf = top.load(Ordering::Acquire);
    if leaf.is_null() {
        if !create {
            return None;
        }
        let layout = std::alloc::Layout::new::<Leaf>();
        // All-zero atomics are valid. From the C library only: a failure
        // here is this allocator's NULL, not the emergency reserve's.
        let fresh = crate::sys::alloc::try_alloc_zeroed(layout).cast::<Leaf>();
        if fresh.is_null() {
            return None;
        }
        match top.compare_exchange(null_mut(), fresh, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => leaf = fresh,
            Err(other) => {
                // SAFETY: `fresh` was allocated above with this layout and never shared.
                unsafe { std::alloc::dealloc(fresh.cast(), layout) };
                leaf = other;
            }
        }
    }
    // SAFETY: leaves are never freed (they stay reachable from TOP).
    let leaf = unsafe { &*leaf };
    Some(&leaf[(addr >> ARENA_BITS) & ((1 << LEAF_BITS) - 1)])
}

/// True when `p` lies inside a live arena.
#[inline(always)]
fn in_arena(p: usize) -> bool {
    let Some(top) = TOP.get(p >> (ARENA_BITS + LEAF_BITS)) else {
        return false;
    };
    let leaf = top.load(Ordering::Acquire);
    if leaf.is_null() {
        return false;
    }
    // SAFETY: leaves are never freed.
    let c = unsafe { &(*leaf)[(p >> ARENA_BITS) & ((1 << LEAF_BITS) - 1)] };
    let off = (p & CHUNK_MASK) as u32;
    if off < c.lo_end.load(Ordering::Relaxed) {
        return true;
    }
    let hi = c.hi_start.load(Ordering::Relaxed);
    hi != 0 && off >= hi
}

/// Records (or, with `live = false`, forgets) the arena at `base`.
/// False when the tree cannot describe it (address too high, no memory).
fn mark_arena(base: usize, live: bool) -> bool {
    let off = (base & CHUNK_MASK) as u32;
    let Some(first) = chunk(base, live) else {
        return false;
    };
    if off == 0 {
        first
            .lo_end
            .store(if live { ARENA_SIZE as u32 } else { 0 }, Ordering::Release);
        return true;
    }
    let Some(second) = chunk(base + ARENA_SIZE, live) else {
        return false;
    };
    first
        .hi_start
        .store(if live { off } else { 0 }, Ordering::Release);
    second
        .lo_end
        .store(if live { off } else { 0 }, Ordering::Release);
    true
}

// ---------------------------------------------------------------------------
// Pools, arenas and states.

/// The header at the start of every pool.
#[repr(C)]
struct Pool {
    /// First free block (never NULL while the pool is in its class list).
    freeblock: *mut u8,
    /// Next pool in the class list, or in the arena's free-pool list.
    next: *mut Pool,
    /// Previous pool in the class list.
    prev: *mut Pool,
    /// The arena holding the pool.
    arena: *mut Arena,
    /// The state owning the pool.
    state: *mut State,
    /// Blocks handed out and not freed.
    count: u32,
    /// Size class.
    cls: u32,
    /// Offset of the next never-used block.
    nextoffset: u32,
    /// Last offset where a whole block still fits.
    maxnextoffset: u32,
}

const _: () = assert!(std::mem::size_of::<Pool>() <= POOL_OVERHEAD);

/// Bookkeeping of one arena (kept outside the arena, in Rust's heap).
struct Arena {
    /// What the arena allocator returned.
    base: usize,
    /// The allocator that made it (and frees it).
    allocator: PyObjectArenaAllocator,
    /// Pools that are not in use (released or never used).
    nfree: u32,
    /// Pools in the arena.
    npools: u32,
    /// Released pools, linked through `Pool::next`.
    freepools: *mut Pool,
    /// Next never-used pool.
    unused: usize,
    /// End of the last whole pool.
    end: usize,
    /// Neighbours in the state's list of arenas with free pools.
    prev: *mut Arena,
    next: *mut Arena,
    /// Next arena of the state (all of them).
    all_next: *mut Arena,
    /// The arena is pyrt's own anonymous mapping: its never-used pools may be
    /// faulted in ahead, [`POPULATE_SPAN`] bytes at a time.
    populate: bool,
}

/// How much of an arena is faulted in at once, once a state has shown it
/// needs more than a few pools (see [`populate`]).
const POPULATE_SPAN: usize = 16 * POOL_SIZE;

/// Whether the kernel accepted `MADV_POPULATE_WRITE` so far (Linux 5.14+).
static POPULATE_WORKS: AtomicBool = AtomicBool::new(true);

/// Faults in the next [`POPULATE_SPAN`] bytes of never-used pools of `ar`
/// with one system call, instead of one page fault per 4 KiB page when the
/// pools are first written. Only once the state holds more than one arena or
/// the arena's first span is used up, so a small program pays nothing (its
/// pools are faulted page by page as they are touched).
#[cold]
fn populate(ar: &Arena, many_arenas: bool) {
    let first = ar.end - ar.npools as usize * POOL_SIZE;
    if (ar.unused == first && !many_arenas) || !POPULATE_WORKS.load(Ordering::Relaxed) {
        return;
    }
    let len = POPULATE_SPAN.min(ar.end - ar.unused);
    // SAFETY: the range lies inside the arena's private anonymous mapping and
    // is not in use; populating only faults in its (zero) pages.
    let rc = unsafe { libc::madvise(ar.unused as *mut c_void, len, libc::MADV_POPULATE_WRITE) };
    if rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
        // An older kernel: do not ask again.
        POPULATE_WORKS.store(false, Ordering::Relaxed);
    }
}

/// Counters of one domain, written only by the state's owner.
pub struct DomainCounters {
    /// Live blocks.
    pub blocks: AtomicI64,
    /// Live bytes.
    pub bytes: AtomicI64,
}

impl DomainCounters {
    const fn new() -> Self {
        DomainCounters {
            blocks: AtomicI64::new(0),
            bytes: AtomicI64::new(0),
        }
    }

    /// Single-writer update: a load and a store, no locked instruction.
    #[inline(always)]
    fn add(&self, blocks: i64, bytes: i64) {
        self.blocks.store(
            self.blocks.load(Ordering::Relaxed) + blocks,
            Ordering::Relaxed,
        );
        self.bytes.store(
            self.bytes.load(Ordering::Relaxed) + bytes,
            Ordering::Relaxed,
        );
    }
}

/// Totals of one state, for statistics.
#[derive(Clone, Copy, Debug, Default)]
pub struct StateSummary {
    /// Arenas held now.
    pub arenas: usize,
    /// Arenas obtained since the state was created.
    pub arenas_allocated: usize,
    /// Arenas returned since the state was created.
    pub arenas_released: usize,
    /// Pools in use, per size class.
    pub pools: [usize; NB_CLASSES],
    /// Blocks in use, per size class.
    pub blocks: [usize; NB_CLASSES],
    /// Free blocks in pools in use, per size class.
    pub free_blocks: [usize; NB_CLASSES],
}

/// One allocator state (see the module documentation).
pub struct State {
    /// Pools with free blocks, per size class.
    used: [*mut Pool; NB_CLASSES],
    /// Arenas with free pools (head: where the next pool comes from).
    usable: *mut Arena,
    usable_tail: *mut Arena,
    /// Every arena of the state.
    all: *mut Arena,
    narenas: AtomicUsize,
    arenas_allocated: usize,
    arenas_released: usize,
    /// Pools taken from arenas and not given back.
    pools_in_use: usize,
    /// Live pool blocks per domain and size class (single writer: one
    /// increment or decrement per call; bytes follow from the class sizes).
    class_counts: [[AtomicI64; NB_CLASSES]; COUNTED_DOMAINS],
    /// Per-domain counters of large (malloc) blocks.
    pub counters: [DomainCounters; COUNTED_DOMAINS],
    /// What other threads' frees took off them (atomic additions).
    remote_counters: [DomainCounters; COUNTED_DOMAINS],
    /// Blocks freed by other states' threads, linked through their first word.
    remote: AtomicPtr<u8>,
    /// Threads inside [`remote_free`] for this state.
    pushers: AtomicUsize,
    /// The owner ended: changes happen under `lock`.
    orphaned: AtomicBool,
    lock: Mutex<()>,
}

impl State {
    const fn new() -> State {
        State {
            used: [null_mut(); NB_CLASSES],
            usable: null_mut(),
            usable_tail: null_mut(),
            all: null_mut(),
            narenas: AtomicUsize::new(0),
            arenas_allocated: 0,
            arenas_released: 0,
            pools_in_use: 0,
            class_counts: [const { [const { AtomicI64::new(0) }; NB_CLASSES] }; COUNTED_DOMAINS],
            counters: [const { DomainCounters::new() }; COUNTED_DOMAINS],
            remote_counters: [const { DomainCounters::new() }; COUNTED_DOMAINS],
            remote: AtomicPtr::new(null_mut()),
            pushers: AtomicUsize::new(0),
            orphaned: AtomicBool::new(false),
            lock: Mutex::new(()),
        }
    }

    /// Takes a block of class `cls`; NULL when no arena can be had.
    #[inline(always)]
    unsafe fn alloc(&mut self, cls: usize) -> *mut u8 {
        let pool = self.used[cls];
        if pool.is_null() {
            // SAFETY: the caller owns `self` (holds its interpreter's GIL), the same
            // requirement `alloc_from_new_pool` has.
            return unsafe { self.alloc_from_new_pool(cls) };
        }
        // SAFETY: pools in the class list are live and have a free block.
        unsafe {
            let p = &mut *pool;
            let b = p.freeblock;
            p.count += 1;
            let next = *b.cast::<*mut u8>();
            p.freeblock = next;
            if next.is_null() {
                self.extend_or_unlink(pool);
            }
            b
        }
    }

    /// The pool's free list ran out: thread one more never-used block, or
    /// take the full pool off its class list.
    #[cold]
    unsafe fn extend_or_unlink(&mut self, pool: *mut Pool) {
        // SAFETY: `pool` is a live pool of this state.
        unsafe {
            let p = &mut *pool;
            if p.nextoffset <= p.maxnextoffset {
                let b = pool.cast::<u8>().add(p.nextoffset as usize);
                *b.cast::<*mut u8>() = null_mut();
                p.freeblock = b;
                p.nextoffset += class_size(p.cls as usize) as u32;
                return;
            }
            // Full: unlink (it is the head of its list).
            let next = p.next;
            self.used[p.cls as usize] = next;
            if !next.is_null() {
                (*next).prev = null_mut();
            }
            p.next = null_mut();
            p.prev = null_mut();
        }
    }

    #[cold]
    unsafe fn alloc_from_new_pool(&mut self, cls: usize) -> *mut u8 {
        self.drain_remote();
        if self.used[cls].is_null() {
            // SAFETY: the state is owned by the caller.
            let Some(pool) = (unsafe { self.take_pool() }) else {
                return null_mut();
            };
            // SAFETY: `pool` is a fresh, unused pool of this state.
            unsafe { self.init_pool(pool, cls) };
        }
        // SAFETY: the class list has a pool now.
        unsafe { self.alloc(cls) }
    }

    unsafe fn init_pool(&mut self, pool: *mut Pool, cls: usize) {
        let size = class_size(cls);
        // SAFETY: `pool` points to POOL_SIZE bytes of an arena of this state.
        unsafe {
            let first = pool.cast::<u8>().add(POOL_OVERHEAD);
            *first.cast::<*mut u8>() = null_mut();
            let head = self.used[cls];
            pool.write(Pool {
                freeblock: first,
                next: head,
                prev: null_mut(),
                arena: (*pool).arena,
                state: self,
                count: 0,
                cls: cls as u32,
                nextoffset: (POOL_OVERHEAD + size) as u32,
                maxnextoffset: (POOL_SIZE - size) as u32,
            });
            if !head.is_null() {
                (*head).prev = pool;
            }
            self.used[cls] = pool;
        }
    }

    /// A pool from a usable arena (a new arena when there is none).
    unsafe fn take_pool(&mut self) -> Option<*mut Pool> {
        if self.usable.is_null() {
            self.new_arena()?;
        }
        let a = self.usable;
        // SAFETY: arenas in the usable list are live and have a free pool.
        unsafe {
            let ar = &mut *a;
            let pool = if !ar.freepools.is_null() {
                let p = ar.freepools;
                ar.freepools = (*p).next;
                p
            } else {
                let p = ar.unused as *mut Pool;
                if ar.populate
                    && (ar.unused - (ar.end - ar.npools as usize * POOL_SIZE)) % POPULATE_SPAN == 0
                {
                    populate(ar, self.narenas.load(Ordering::Relaxed) > 1);
                }
                ar.unused += POOL_SIZE;
                p
            };
            (*pool).arena = a;
            self.pools_in_use += 1;
            ar.nfree -= 1;
            if ar.nfree == 0 {
                self.unlink_usable(a);
            }
            Some(pool)
        }
    }

    fn new_arena(&mut self) -> Option<()> {
        let allocator = crate::mem::arena_allocator();
        let alloc = allocator.alloc?;
        // SAFETY: calling the installed arena allocator with its context.
        let base = unsafe { alloc(allocator.ctx, ARENA_SIZE) } as usize;
        if base == 0 {
            return None;
        }
        if !mark_arena(base, true) {
            if let Some(free) = allocator.free {
                // SAFETY: returning the arena just obtained from this allocator.
                unsafe { free(allocator.ctx, base as *mut c_void, ARENA_SIZE) };
            }
            return None;
        }
        let first = (base + POOL_SIZE - 1) & !(POOL_SIZE - 1);
        let npools = ((base + ARENA_SIZE - first) / POOL_SIZE) as u32;
        let arena = crate::sys::alloc::try_box(Arena {
            base,
            allocator,
            nfree: npools,
            npools,
            freepools: null_mut(),
            unused: first,
            end: first + npools as usize * POOL_SIZE,
            prev: null_mut(),
            next: null_mut(),
            all_next: self.all,
            populate: crate::mem::is_default_arena_allocator(&allocator),
        });
        let Ok(arena) = arena else {
            mark_arena(base, false);
            if let Some(free) = allocator.free {
                // SAFETY: returning the arena just obtained from this allocator.
                unsafe { free(allocator.ctx, base as *mut c_void, ARENA_SIZE) };
            }
            return None;
        };
        let a = Box::into_raw(arena);
        self.all = a;
        self.narenas
            .store(self.narenas.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        self.arenas_allocated += 1;
        self.push_usable(a);
        Some(())
    }

    fn push_usable(&mut self, a: *mut Arena) {
        // SAFETY: `a` is a live arena of this state, not in the usable list.
        unsafe {
            (*a).next = null_mut();
            (*a).prev = self.usable_tail;
            if self.usable_tail.is_null() {
                self.usable = a;
            } else {
                (*self.usable_tail).next = a;
            }
        }
        self.usable_tail = a;
    }

    fn unlink_usable(&mut self, a: *mut Arena) {
        // SAFETY: `a` is a live arena in this state's usable list.
        unsafe {
            let (prev, next) = ((*a).prev, (*a).next);
            if prev.is_null() {
                self.usable = next;
            } else {
                (*prev).next = next;
            }
            if next.is_null() {
                self.usable_tail = prev;
            } else {
                (*next).prev = prev;
            }
            (*a).prev = null_mut();
            (*a).next = null_mut();
        }
    }

    /// Returns block `b` of `pool` (owned by this state) to its pool.
    #[inline(always)]
    unsafe fn free_block(&mut self, pool: *mut Pool, b: *mut u8) {
        // SAFETY: `b` is a live block of `pool`, a pool of this state.
        unsafe {
            let p = &mut *pool;
            let old = p.freeblock;
            *b.cast::<*mut u8>() = old;
            p.freeblock = b;
            p.count -= 1;
            if old.is_null() {
                self.pool_was_full(pool);
            } else if p.count == 0 && !(p.prev.is_null() && p.next.is_null()) {
                // Empty and not the only pool of its class (that one stays).
                self.pool_empty(pool);
            }
        }
    }

    /// A block of a full pool was freed: the pool goes back to the head of
    /// its class list.
    #[cold]
    #[inline(never)]
    unsafe fn pool_was_full(&mut self, pool: *mut Pool) {
        // SAFETY: `pool` is a live pool of this state, in no class list.
        unsafe {
            let p = &mut *pool;
            let cls = p.cls as usize;
            let head = self.used[cls];
            p.next = head;
            p.prev = null_mut();
            if !head.is_null() {
                (*head).prev = pool;
            }
            self.used[cls] = pool;
            if p.count == 0 {
                // A pool of one block (never with the current classes).
                self.pool_empty(pool);
            }
        }
    }

    /// A pool's last block was freed: give the pool back to its arena unless
    /// it is the only pool of its class (kept so alloc/free pairs stay cheap).
    #[cold]
    #[inline(never)]
    unsafe fn pool_empty(&mut self, pool: *mut Pool) {
        // SAFETY: `pool` is a live, empty pool in its class list.
        unsafe {
            let p = &mut *pool;
            let cls = p.cls as usize;
            if p.prev.is_null() && p.next.is_null() && !self.orphaned.load(Ordering::Relaxed) {
                return;
            }
            if p.prev.is_null() {
                self.used[cls] = p.next;
            } else {
                (*p.prev).next = p.next;
            }
            if !p.next.is_null() {
                (*p.next).prev = p.prev;
            }
            self.release_pool(pool);
        }
    }

    unsafe fn release_pool(&mut self, pool: *mut Pool) {
        // SAFETY: `pool` is an unlinked pool of this state; its arena is live.
        unsafe {
            let a = (*pool).arena;
            let ar = &mut *a;
            self.pools_in_use -= 1;
            (*pool).next = ar.freepools;
            ar.freepools = pool;
            ar.nfree += 1;
            if ar.nfree == 1 {
                self.push_usable(a);
            }
            if ar.nfree == ar.npools
                && (self.usable != a || !ar.next.is_null() || self.orphaned.load(Ordering::Relaxed))
            {
                self.free_arena(a);
            }
        }
    }

    unsafe fn free_arena(&mut self, a: *mut Arena) {
        self.unlink_usable(a);
        let mut link: *mut *mut Arena = &mut self.all;
        // SAFETY: walking this state's own arena list; `a` is in it and was
        // made by Box in `new_arena`.
        unsafe {
            while *link != a {
                link = &mut (**link).all_next;
            }
            *link = (*a).all_next;
            let ar = Box::from_raw(a);
            mark_arena(ar.base, false);
            if let Some(free) = ar.allocator.free {
                free(ar.allocator.ctx, ar.base as *mut c_void, ARENA_SIZE);
            }
        }
        self.narenas
            .store(self.narenas.load(Ordering::Relaxed) - 1, Ordering::Relaxed);
        self.arenas_released += 1;
    }

    /// Releases the blocks other threads freed into this state.
    fn drain_remote(&mut self) {
        let mut b = self.remote.swap(null_mut(), Ordering::Acquire);
        while !b.is_null() {
            // SAFETY: blocks on the remote stack are pool blocks of this state
            // whose first word links the stack (their counts were taken off
            // by the threads that freed them).
            unsafe {
                let next = *b.cast::<*mut u8>();
                let pool = pool_of(b);
                self.free_block(pool, b);
                b = next;
            }
        }
        if self.orphaned.load(Ordering::Relaxed) {
            // The one pool a class keeps is not kept for an orphan.
            self.release_empty_pools();
        }
    }

    /// Counts and summarizes the state (its owner, or under its lock).
    fn summary(&self) -> StateSummary {
        let mut s = StateSummary {
            arenas: self.narenas.load(Ordering::Relaxed),
            arenas_allocated: self.arenas_allocated,
            arenas_released: self.arenas_released,
            ..Default::default()
        };
        let mut a = self.all;
        while !a.is_null() {
            // SAFETY: the state's arenas and their used pools are live.
            unsafe {
                let ar = &*a;
                let mut p = (ar.end - ar.npools as usize * POOL_SIZE) as *mut Pool;
                let mut released = std::collections::HashSet::new();
                let mut f = ar.freepools;
                while !f.is_null() {
                    released.insert(f as usize);
                    f = (*f).next;
                }
                while (p as usize) < ar.unused {
                    if !released.contains(&(p as usize)) {
                        let pool = &*p;
                        let cls = pool.cls as usize;
                        let size = class_size(cls);
                        let capacity = (POOL_SIZE - POOL_OVERHEAD) / size;
                        s.pools[cls] += 1;
                        s.blocks[cls] += pool.count as usize;
                        s.free_blocks[cls] += capacity - pool.count as usize;
                    }
                    p = p.cast::<u8>().add(POOL_SIZE).cast();
                }
                a = ar.all_next;
            }
        }
        s
    }

    /// Gives back the empty pools kept in the class lists (for an orphan:
    /// afterwards every pool in use holds a live block).
    fn release_empty_pools(&mut self) {
        for cls in 0..NB_CLASSES {
            let mut p = self.used[cls];
            while !p.is_null() {
                // SAFETY: pools in the class lists are live pools of this state.
                unsafe {
                    let next = (*p).next;
                    if (*p).count == 0 {
                        let prev = (*p).prev;
                        if prev.is_null() {
                            self.used[cls] = next;
                        } else {
                            (*prev).next = next;
                        }
                        if !next.is_null() {
                            (*next).prev = prev;
                        }
                        self.release_pool(p);
                    }
                    p = next;
                }
            }
        }
    }

    /// Gives every arena back (the state has no live block).
    fn release_all(&mut self) {
        self.used = [null_mut(); NB_CLASSES];
        self.pools_in_use = 0;
        while !self.all.is_null() {
            let a = self.all;
            // SAFETY: `a` is a live arena of this state.
            unsafe {
                if (*a).nfree == 0 {
                    self.push_usable(a);
                }
                self.free_arena(a);
            }
        }
        self.usable = null_mut();
        self.usable_tail = null_mut();
    }
}

struct StateCell(UnsafeCell<State>);

// SAFETY: the main state is only changed by the thread holding the main GIL
// (the documented contract of the PyMem/PyObject domains), or under its lock
// once orphaned (never: it lives as long as the process).
unsafe impl Sync for StateCell {}

static MAIN: StateCell = StateCell(UnsafeCell::new(State::new()));

/// Number of live interpreters with their own state.
static OWN_STATES: AtomicUsize = AtomicUsize::new(0);

/// States of ended interpreters (reused when clean); never freed, so a late
/// remote free can always reach its state.
static RETIRED: Mutex<Vec<SendPtr<State>>> = Mutex::new(Vec::new());

// SAFETY: a state is shared by design: its owner's fast paths run under
// that interpreter's GIL, and everything other threads touch (the remote
// free list, the counters) is atomic or taken under the state's lock.
unsafe impl Send for SendPtr<State> {}

/// The calling thread's state: its interpreter's, or the main one.
#[inline(always)]
pub fn current_state() -> *mut State {
    if OWN_STATES.load(Ordering::Relaxed) == 0 {
        return MAIN.0.get();
    }
    current_state_slow()
}

#[cold]
fn current_state_slow() -> *mut State {
    let resolve = RESOLVER.load(Ordering::Acquire);
    if resolve.is_null() {
        return MAIN.0.get();
    }
    // SAFETY: only `new_state` stores here, always a `Resolver`.
    let resolve = unsafe { std::mem::transmute::<*mut (), Resolver>(resolve) };
    let s = resolve();
    if s.is_null() { MAIN.0.get() } else { s }
}

/// Tells which state the calling thread uses (NULL: the main one). The
/// runtime provides it, since it knows which interpreter a thread runs.
pub type Resolver = fn() -> *mut State;

/// The runtime's [`Resolver`], set when it first gives an interpreter its
/// own state (it is only needed from then on).
static RESOLVER: AtomicPtr<()> = AtomicPtr::new(null_mut());

/// States of live interpreters that have their own.
static LIVE: Mutex<Vec<SendPtr<State>>> = Mutex::new(Vec::new());

/// A fresh state for a new interpreter (a clean retired one when
/// available). `resolve` tells, from then on, which state a thread uses.
pub fn new_state(resolve: Resolver) -> *mut State {
    RESOLVER.store(resolve as *mut (), Ordering::Release);
    let reused = {
        let mut retired = RETIRED.lock();
        let pos = retired.iter().position(|s| {
            // SAFETY: retired states are never freed.
            let st = unsafe { &*s.0 };
            let _g = st.lock.lock();
            st.all.is_null() && st.pushers.load(Ordering::SeqCst) == 0
        });
        pos.map(|i| retired.swap_remove(i))
    };
    let s = match reused {
        Some(s) => {
            // SAFETY: a clean retired state: nobody else can reach it now.
            unsafe {
                let st = &mut *s.0;
                *st = State::new();
            }
            s.0
        }
        None => Box::into_raw(Box::new(State::new())),
    };
    LIVE.lock().push(SendPtr(s));
    OWN_STATES.fetch_add(1, Ordering::SeqCst);
    s
}

/// The interpreter owning `s` ended: release what can be released; blocks
/// still allocated stay valid and are released when freed.
///
/// # Safety
/// `s` came from [`new_state`], is retired once, and no thread uses it as
/// its current state any more.
pub unsafe fn retire_state(s: *mut State) {
    // SAFETY: `s` came from `new_state` (states are never freed) and no thread uses it
    // as its current state any more (this function's contract), so no owner changes it;
    // from here on changes happen under its lock.
    let st = unsafe { &mut *s };
    st.orphaned.store(true, Ordering::SeqCst);
    {
        let _g = st.lock.lock();
        // SAFETY: exclusive under the lock (pushers drain under it too).
        let st = unsafe { &mut *s };
        st.drain_remote();
        if st.pools_in_use == 0 {
            st.release_all();
        }
    }
    LIVE.lock().retain(|p| p.0 != s);
    RETIRED.lock().push(SendPtr(s));
    OWN_STATES.fetch_sub(1, Ordering::SeqCst);
}

/// Takes the allocator's locks without a guard (before `fork()`): the
/// lists of states, then each state's own lock (the order `new_state`
/// nests them in).
pub(crate) fn hold_for_fork() {
    use crate::sys::mutex::hold;
    hold(&RETIRED);
    hold(&LIVE);
    for_each_state_lock(hold);
}

/// Releases what [`hold_for_fork`] took.
///
/// # Safety
/// The calling thread (or, in the child, the forking thread) took them.
pub(crate) unsafe fn release_after_fork() {
    use crate::sys::mutex::release;
    // SAFETY: held by this thread since `hold_for_fork` (the contract).
    for_each_state_lock(|l| unsafe { release(l) });
    // SAFETY: as above.
    unsafe {
        release(&LIVE);
        release(&RETIRED);
    }
}

/// Calls `f` on the lock of every state: the main one, then the retired and
/// live ones (read from the lists without taking their locks: the caller
/// holds them).
fn for_each_state_lock(mut f: impl FnMut(&Mutex<()>)) {
    // SAFETY: states are never freed, and the lists cannot change while the
    // caller holds their locks; `data_ptr` reads them without the guard.
    unsafe {
        f(&(*MAIN.0.get()).lock);
        for list in [&RETIRED, &LIVE] {
            for s in (*list.data_ptr()).iter() {
                f(&(*s.0).lock);
            }
        }
    }
}

/// Single-writer counter update: a load and a store, no locked instruction.
#[inline(always)]
fn bump(c: &AtomicI64, by: i64) {
    c.store(c.load(Ordering::Relaxed) + by, Ordering::Relaxed);
}

#[inline(always)]
fn pool_of(b: *mut u8) -> *mut Pool {
    (b as usize & !(POOL_SIZE - 1)) as *mut Pool
}

/// Frees pool block `b` of another state `owner`.
///
/// # Safety
/// `owner` is the state recorded in `b`'s pool; `b` is a live block of it,
/// not used afterwards.
#[cold]
unsafe fn remote_free(owner: *mut State, b: *mut u8, dom: usize) {
    // SAFETY: states are never freed; the remote stack and flags are atomics.
    let st = unsafe { &*owner };
    st.pushers.fetch_add(1, Ordering::SeqCst);
    // SAFETY: `b` is a live block of `owner`'s pools.
    let size = class_size(unsafe { (*pool_of(b)).cls } as usize) as i64;
    st.remote_counters[dom]
        .blocks
        .fetch_sub(1, Ordering::Relaxed);
    st.remote_counters[dom]
        .bytes
        .fetch_sub(size, Ordering::Relaxed);
    let mut head = st.remote.load(Ordering::Relaxed);
    loop {
        // SAFETY: `b` is a live block of `owner`'s pools that the caller gives up (this
        // function's contract); blocks are at least 16 bytes, so its first word is ours.
        unsafe { *b.cast::<*mut u8>() = head };
        match st
            .remote
            .compare_exchange_weak(head, b, Ordering::SeqCst, Ordering::Relaxed)
        {
            Ok(_) => break,
            Err(h) => head = h,
        }
    }
    if st.orphaned.load(Ordering::SeqCst) {
        let _g = st.lock.lock();
        // SAFETY: an orphan is only changed under its lock, which we hold.
        let st = unsafe { &mut *owner };
        st.drain_remote();
        if st.pools_in_use == 0 {
            st.release_all();
        }
    }
    st.pushers.fetch_sub(1, Ordering::SeqCst);
}

// ---------------------------------------------------------------------------
// The allocator's entry points. `dom` is the counter slot (0..=3).

/// The usable size of a block from the C library's allocator, in bytes.
///
/// # Safety
/// `p` is a live block from malloc/calloc/realloc.
#[inline(always)]
unsafe fn usable(p: *mut c_void) -> i64 {
    // SAFETY: `p` is a live C-library block (this function's contract).
    unsafe { libc::malloc_usable_size(p) as i64 }
}

/// Allocates `n` bytes (`n <= PY_SSIZE_T_MAX`, checked by the caller).
///
/// The inline part serves the common case (the main state, a pool with more
/// than one free block) without calls, so it needs no stack frame; everything
/// else goes to [`malloc_slow`].
#[inline(always)]
pub fn malloc(dom: usize, n: usize) -> *mut c_void {
    if n <= SMALL_REQUEST_THRESHOLD && OWN_STATES.load(Ordering::Relaxed) == 0 {
        let cls = size_class(n);
        // SAFETY: with no interpreter owning a state, every caller holds the
        // main GIL and the main state is theirs; a pool in the class list
        // has a free block.
        unsafe {
            let st = &mut *MAIN.0.get();
            let pool = st.used[cls];
            if !pool.is_null() {
                let p = &mut *pool;
                let b = p.freeblock;
                let next = *b.cast::<*mut u8>();
                if !next.is_null() {
                    p.freeblock = next;
                    p.count += 1;
                    bump(&st.class_counts[dom][cls], 1);
                    return b.cast();
                }
            }
        }
    }
    malloc_slow(dom, n)
}

/// [`malloc`] in full. `extern "C"` makes it a call that cannot unwind (a
/// panic inside is caught here and gives NULL), so callers can jump to it.
#[cold]
#[inline(never)]
extern "C" fn malloc_slow(dom: usize, n: usize) -> *mut c_void {
    crate::sys::panic::guard(c"PyObject_Malloc", || {
        if n <= SMALL_REQUEST_THRESHOLD {
            let cls = size_class(n);
            let s = current_state();
            // SAFETY: the caller holds the GIL of the state's interpreter.
            let st = unsafe { &mut *s };
            // SAFETY: this thread holds the GIL of the interpreter owning `st` (the calling
            // thread's state), so no other thread changes its pools; `cls < NB_CLASSES`.
            let b = unsafe { st.alloc(cls) };
            if !b.is_null() {
                bump(&st.class_counts[dom][cls], 1);
                return b.cast();
            }
        }
        large_malloc(dom, n)
    })
}

#[cold]
fn large_malloc(dom: usize, n: usize) -> *mut c_void {
    // SAFETY: malloc accepts any size.
    let p = unsafe { libc::malloc(n.max(1)) };
    if !p.is_null() {
        // SAFETY: the caller holds the GIL of the state's interpreter; `p`
        // was just returned by the C library.
        unsafe { (*current_state()).counters[dom].add(1, usable(p)) };
    }
    p
}

/// Allocates `nelem * elsize` zeroed bytes (overflow checked by the caller).
pub fn calloc(dom: usize, nelem: usize, elsize: usize) -> *mut c_void {
    let n = nelem * elsize;
    if n <= SMALL_REQUEST_THRESHOLD {
        let p = malloc(dom, n);
        if !p.is_null() {
            // SAFETY: `p` has room for `n` bytes.
            unsafe { ptr::write_bytes(p.cast::<u8>(), 0, n) };
        }
        return p;
    }
    // SAFETY: calloc accepts any sizes.
    let p = unsafe { libc::calloc(n, 1) };
    if !p.is_null() {
        // SAFETY: the caller holds the GIL of the state's interpreter; `p`
        // was just returned by the C library.
        unsafe { (*current_state()).counters[dom].add(1, usable(p)) };
    }
    p
}

/// Releases `p` (NULL: nothing).
///
/// As for [`malloc`], the inline part handles a main-state block whose pool
/// neither was full nor becomes empty (or is the only pool of its class)
/// without calls; everything else goes to [`free_slow`].
///
/// # Safety
/// `p` is NULL or a live block of this allocator.
#[inline(always)]
pub unsafe fn free(dom: usize, p: *mut c_void) {
    let b = p.cast::<u8>();
    if OWN_STATES.load(Ordering::Relaxed) == 0 && in_arena(b as usize) {
        let pool = pool_of(b);
        // SAFETY: a block inside a live arena is in one of its pools; with no
        // interpreter owning a state the caller holds the main GIL, so a pool
        // of the main state is theirs to change.
        unsafe {
            let pl = &mut *pool;
            let old = pl.freeblock;
            if pl.state == MAIN.0.get()
                && !old.is_null()
                && (pl.count > 1 || (pl.prev.is_null() && pl.next.is_null()))
            {
                *b.cast::<*mut u8>() = old;
                pl.freeblock = b;
                pl.count -= 1;
                let st = &*MAIN.0.get();
                // (The mask drops a bounds check: classes are below NB_CLASSES.)
                bump(
                    &st.class_counts[dom][pl.cls as usize & (NB_CLASSES - 1)],
                    -1,
                );
                return;
            }
        }
    }
    // SAFETY: `p` is NULL or a live block of this allocator (this function's
    // contract), the same as `free_slow`'s.
    unsafe { free_slow(dom, p) }
}

/// [`free`] in full (`extern "C"` for the reason given at [`malloc_slow`]; a
/// panic inside is a fatal error).
///
/// # Safety
/// As [`free`].
#[cold]
#[inline(never)]
unsafe extern "C" fn free_slow(dom: usize, p: *mut c_void) {
    crate::sys::panic::guard(c"PyObject_Free", || {
        let b = p.cast::<u8>();
        if in_arena(b as usize) {
            let pool = pool_of(b);
            // SAFETY: a block inside a live arena is in one of its pools.
            let owner = unsafe { (*pool).state };
            let cur = current_state();
            if owner == cur {
                // SAFETY: the caller holds the GIL of the owner's interpreter.
                unsafe {
                    let st = &mut *cur;
                    let cls = (*pool).cls as usize & (NB_CLASSES - 1);
                    bump(&st.class_counts[dom][cls], -1);
                    st.free_block(pool, b);
                }
            } else {
                // SAFETY: `owner` is the state recorded in `b`'s pool (states are never
                // freed), and `b` is a live block of it the caller gives up (`free`'s contract).
                unsafe { remote_free(owner, b, dom) };
            }
            return;
        }
        if !p.is_null() {
            // SAFETY: not a pool block, so a live malloc block (caller contract).
            unsafe { large_free(dom, p) };
        }
    })
}

#[cold]
unsafe fn large_free(dom: usize, p: *mut c_void) {
    // SAFETY: the caller holds the GIL of its state's interpreter; `p` is a
    // live malloc block.
    unsafe {
        (*current_state()).counters[dom].add(-1, -usable(p));
        libc::free(p);
    }
}

/// Resizes `p` to `n` bytes (`n <= PY_SSIZE_T_MAX`); NULL `p` allocates.
/// On failure returns NULL and `p` stays valid.
///
/// # Safety
/// `p` is NULL or a live block of this allocator.
pub unsafe fn realloc(dom: usize, p: *mut c_void, n: usize) -> *mut c_void {
    if p.is_null() {
        return malloc(dom, n);
    }
    let b = p.cast::<u8>();
    if in_arena(b as usize) {
        // SAFETY: a block inside a live arena is in one of its pools.
        let size = class_size(unsafe { (*pool_of(b)).cls } as usize);
        if n <= size && 4 * n > 3 * size {
            return p;
        }
        let q = malloc(dom, n);
        if !q.is_null() {
            // SAFETY: both blocks are live and distinct; copy what fits in both.
            unsafe {
                ptr::copy_nonoverlapping(b, q.cast::<u8>(), size.min(n));
                free(dom, p);
            }
        }
        return q;
    }
    // A malloc block stays one (as CPython's pymalloc does).
    // SAFETY: outside the arenas, `p` is a live malloc block (this function's contract).
    let before = unsafe { usable(p) };
    // SAFETY: `p` is a live malloc block.
    let q = unsafe { libc::realloc(p, n.max(1)) };
    if !q.is_null() {
        // SAFETY: the caller holds the GIL of its state's interpreter; `q`
        // was just returned by realloc.
        unsafe { (*current_state()).counters[dom].add(0, usable(q) - before) };
    }
    q
}

/// Calls `f` on every state (main, interpreters', retired).
fn each_state(mut f: impl FnMut(&State)) {
    // SAFETY: states are never freed; what `f` reads of them are atomics.
    f(unsafe { &*MAIN.0.get() });
    for s in RETIRED.lock().iter() {
        // SAFETY: retired states are never freed (`RETIRED` keeps them for late remote
        // frees); what `f` reads of them are atomics.
        f(unsafe { &*s.0 });
    }
    for s in LIVE.lock().iter() {
        // SAFETY: a live interpreter's state is never freed (retiring moves it to
        // `RETIRED`); what `f` reads of it are atomics.
        f(unsafe { &*s.0 });
    }
}

/// Arenas held by all states.
pub fn total_arenas() -> usize {
    let mut n = 0;
    each_state(|s| n += s.narenas.load(Ordering::Relaxed));
    n
}

/// Sums per-domain counters over every state: `(blocks, bytes)`.
pub fn domain_totals(dom: usize) -> (i64, i64) {
    let mut blocks = 0;
    let mut bytes = 0;
    each_state(|s| {
        for c in [&s.counters[dom], &s.remote_counters[dom]] {
            blocks += c.blocks.load(Ordering::Relaxed);
            bytes += c.bytes.load(Ordering::Relaxed);
        }
        for (cls, c) in s.class_counts[dom].iter().enumerate() {
            let n = c.load(Ordering::Relaxed);
            blocks += n;
            bytes += n * class_size(cls) as i64;
        }
    });
    (blocks, bytes)
}

/// Summary of the calling thread's state (its owner must call this).
pub fn current_summary() -> StateSummary {
    // SAFETY: the caller holds its interpreter's GIL (finalization does).
    unsafe { (*current_state()).summary() }
}

/// Frees into the calling thread's state the blocks other threads released.
pub fn collect_remote() {
    // SAFETY: as in `current_summary`.
    unsafe { (*current_state()).drain_remote() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocator's main state wants one thread at a time (the GIL's job
    /// in C); the tests take turns.
    static TURN: Mutex<()> = Mutex::new(());

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    fn fill(p: *mut c_void, n: usize, tag: u8) {
        // SAFETY: `p` has `n` writable bytes.
        unsafe { ptr::write_bytes(p.cast::<u8>(), tag, n) };
    }

    fn intact(p: *mut c_void, n: usize, tag: u8) -> bool {
        // SAFETY: `p` has `n` readable bytes.
        unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n) }
            .iter()
            .all(|&b| b == tag)
    }

    /// Property: under any sequence of malloc/calloc/realloc/free over sizes
    /// on both sides of the small-block threshold, every live block keeps
    /// its contents (no overlap, no reuse of a live block), small blocks are
    /// 16-byte aligned, and the counters return to where they started.
    #[test]
    fn random_sequences_keep_every_block_intact() {
        let _turn = TURN.lock();
        let before = domain_totals(crate::mem::OBJ);
        for seed in 1..=8u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            // The model: every live block with its size and fill byte.
            let mut live: Vec<(*mut c_void, usize, u8)> = Vec::new();
            for step in 0..40_000u32 {
                let tag = (step % 251) as u8 + 1;
                let size = match rng.below(10) {
                    0..=6 => rng.below(SMALL_REQUEST_THRESHOLD as u64 + 1),
                    7..=8 => rng.below(4096) + 1,
                    _ => rng.below(70_000),
                } as usize;
                match rng.below(8) {
                    0..=2 if live.len() < 5000 => {
                        let p = malloc(crate::mem::OBJ, size);
                        assert!(!p.is_null());
                        if size <= SMALL_REQUEST_THRESHOLD {
                            assert_eq!(p as usize % ALIGNMENT, 0);
                        }
                        fill(p, size, tag);
                        live.push((p, size, tag));
                    }
                    3 if live.len() < 5000 => {
                        let p = calloc(crate::mem::OBJ, 1, size);
                        assert!(!p.is_null() && intact(p, size, 0));
                        fill(p, size, tag);
                        live.push((p, size, tag));
                    }
                    4..=5 if !live.is_empty() => {
                        let i = rng.below(live.len() as u64) as usize;
                        let (p, n, t) = live[i];
                        assert!(intact(p, n, t), "block changed before realloc");
                        // SAFETY: `p` is live in the model.
                        let q = unsafe { realloc(crate::mem::OBJ, p, size) };
                        assert!(!q.is_null());
                        assert!(intact(q, n.min(size), t), "realloc lost contents");
                        fill(q, size, tag);
                        live[i] = (q, size, tag);
                    }
                    _ if !live.is_empty() => {
                        let i = rng.below(live.len() as u64) as usize;
                        let (p, n, t) = live.swap_remove(i);
                        assert!(intact(p, n, t), "block changed before free");
                        // SAFETY: `p` is live in the model and leaves it.
                        unsafe { free(crate::mem::OBJ, p) };
                    }
                    _ => {}
                }
            }
            for (p, n, t) in live.drain(..) {
                assert!(intact(p, n, t));
                // SAFETY: each block left in `live` came from this allocator above, is still
                // live, and is freed once as it is drained.
                unsafe { free(crate::mem::OBJ, p) };
            }
        }
        assert_eq!(domain_totals(crate::mem::OBJ), before);
        // SAFETY: NULL is accepted.
        unsafe { free(crate::mem::OBJ, null_mut()) };
    }

    /// Emptied arenas go back (all but one), and a new burst reuses memory.
    #[test]
    fn empty_arenas_are_released() {
        let _turn = TURN.lock();
        let start = total_arenas();
        let blocks: Vec<_> = (0..200_000).map(|_| malloc(crate::mem::OBJ, 64)).collect();
        assert!(total_arenas() >= start + 10);
        for &b in &blocks {
            // SAFETY: each block is live and freed once.
            unsafe { free(crate::mem::OBJ, b) };
        }
        assert!(total_arenas() <= start + 1);
    }

    #[test]
    fn classes() {
        assert_eq!(size_class(0), 0);
        assert_eq!(size_class(16), 0);
        assert_eq!(size_class(17), 1);
        assert_eq!(size_class(512), NB_CLASSES - 1);
        assert_eq!(class_size(NB_CLASSES - 1), 512);
    }

    #[test]
    fn radix_marks_unaligned_arenas() {
        // Fake addresses far from anything mapped: only the tree is touched.
        let base = 0x5000_0000_0000usize + 0x1234 * 16;
        assert!(mark_arena(base, true));
        assert!(in_arena(base));
        assert!(in_arena(base + ARENA_SIZE - 1));
        assert!(!in_arena(base - 1));
        assert!(!in_arena(base + ARENA_SIZE));
        let aligned = 0x5000_0100_0000usize;
        assert!(mark_arena(aligned, true));
        assert!(in_arena(aligned) && in_arena(aligned + ARENA_SIZE - 1));
        assert!(mark_arena(base, false) && mark_arena(aligned, false));
        assert!(!in_arena(base) && !in_arena(aligned));
        assert!(!in_arena(usize::MAX - 5));
    }
}
