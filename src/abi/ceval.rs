//! `Include/cpython/ceval.h`: the perf map's state type.

use super::pythread::PyThread_type_lock;

/// The perf map's state as `cpython/ceval.h` declares it (pyrt keeps its
/// own; the type exists for source compatibility).
#[repr(C)]
#[derive(Debug)]
pub struct PerfMapState {
    /// The open map file.
    pub perf_map: *mut libc::FILE,
    /// The lock of its writers.
    pub map_lock: PyThread_type_lock,
}
