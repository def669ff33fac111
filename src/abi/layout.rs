//! Compile-time proof that every `#[repr(C)]` mirror has CPython 3.14's layout
//! on Linux x86_64 (figures from `shared/spec/abi-facts.md` §1, measured with
//! gcc against the real headers). The C-side proof is `abi_layout.c`, built
//! against both header sets by `make check`.

use std::ffi::c_int;
use std::mem::{align_of, offset_of, size_of};

use static_assertions::const_assert_eq;

use super::initconfig::{PyConfig, PyPreConfig, PyStatus, PyWideStringList};
use super::pylifecycle::{_inittab, PyInterpreterConfig};
use super::pymem::{PyMemAllocatorEx, PyObjectArenaAllocator};
use super::pythread::Py_tss_t;

macro_rules! layout {
    ($t:ty, size $size:expr, align $align:expr, { $($field:ident @ $off:expr),* $(,)? }) => {
        const_assert_eq!(size_of::<$t>(), $size);
        const_assert_eq!(align_of::<$t>(), $align);
        $(const_assert_eq!(offset_of!($t, $field), $off);)*
    };
}

layout!(PyStatus, size 32, align 8, { _type @ 0, func @ 8, err_msg @ 16, exitcode @ 24 });

layout!(PyWideStringList, size 16, align 8, { length @ 0, items @ 8 });

layout!(PyPreConfig, size 40, align 4, {
    _config_init @ 0, parse_argv @ 4, isolated @ 8, use_environment @ 12,
    configure_locale @ 16, coerce_c_locale @ 20, coerce_c_locale_warn @ 24,
    utf8_mode @ 28, dev_mode @ 32, allocator @ 36,
});

layout!(PyConfig, size 456, align 8, {
    _config_init @ 0, isolated @ 4, use_environment @ 8, dev_mode @ 12,
    install_signal_handlers @ 16, use_hash_seed @ 20, hash_seed @ 24, faulthandler @ 32,
    tracemalloc @ 36, perf_profiling @ 40, remote_debug @ 44, import_time @ 48,
    code_debug_ranges @ 52, show_ref_count @ 56, dump_refs @ 60, dump_refs_file @ 64,
    malloc_stats @ 72, filesystem_encoding @ 80, filesystem_errors @ 88,
    pycache_prefix @ 96, parse_argv @ 104, orig_argv @ 112, argv @ 128, xoptions @ 144,
    warnoptions @ 160, site_import @ 176, bytes_warning @ 180, warn_default_encoding @ 184,
    inspect @ 188, interactive @ 192, optimization_level @ 196, parser_debug @ 200,
    write_bytecode @ 204, verbose @ 208, quiet @ 212, user_site_directory @ 216,
    configure_c_stdio @ 220, buffered_stdio @ 224, stdio_encoding @ 232, stdio_errors @ 240,
    check_hash_pycs_mode @ 248, use_frozen_modules @ 256, safe_path @ 260,
    int_max_str_digits @ 264, thread_inherit_context @ 268, context_aware_warnings @ 272,
    cpu_count @ 276, pathconfig_warnings @ 280, program_name @ 288, pythonpath_env @ 296,
    home @ 304, platlibdir @ 312, module_search_paths_set @ 320, module_search_paths @ 328,
    stdlib_dir @ 344, executable @ 352, base_executable @ 360, prefix @ 368,
    base_prefix @ 376, exec_prefix @ 384, base_exec_prefix @ 392,
    skip_source_first_line @ 400, run_command @ 408, run_module @ 416, run_filename @ 424,
    sys_path_0 @ 432, _install_importlib @ 440, _init_main @ 444, _is_python_build @ 448,
});

layout!(PyInterpreterConfig, size 28, align 4, {
    use_main_obmalloc @ 0, allow_fork @ 4, allow_exec @ 8, allow_threads @ 12,
    allow_daemon_threads @ 16, check_multi_interp_extensions @ 20, gil @ 24,
});

layout!(PyMemAllocatorEx, size 40, align 8, {
    ctx @ 0, malloc @ 8, calloc @ 16, realloc @ 24, free @ 32,
});

layout!(PyObjectArenaAllocator, size 24, align 8, { ctx @ 0, alloc @ 8, free @ 16 });

layout!(_inittab, size 16, align 8, { name @ 0, initfunc @ 8 });

layout!(Py_tss_t, size 8, align 4, { _is_initialized @ 0, _key @ 4 });
const_assert_eq!(size_of::<libc::pthread_key_t>(), 4);
const_assert_eq!(size_of::<super::pythread::PyLockStatus>(), 4);

// Enumerations CPython declares as plain C enums are int-sized.
const_assert_eq!(
    size_of::<super::pymem::PyMemAllocatorDomain>(),
    size_of::<c_int>()
);
const_assert_eq!(size_of::<super::pystate::PyGILState_STATE>(), 4);
const_assert_eq!(size_of::<super::pyport::WChar>(), 4);
const_assert_eq!(size_of::<super::pyport::Py_ssize_t>(), 8);
