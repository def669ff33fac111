/* config_dump.h: prints every PyConfig / PyPreConfig member, one per line,
 * so a test's output can be compared between pyrt and CPython 3.14. */
#ifndef PYRT_TEST_CONFIG_DUMP_H
#define PYRT_TEST_CONFIG_DUMP_H

#include "harness.h"

enum member_kind { MK_INT, MK_ULONG, MK_WSTR, MK_LIST };
struct member { const char *name; size_t offset; enum member_kind kind; };

#define M_INT(f) {#f, offsetof(PyConfig, f), MK_INT}
#define M_ULONG(f) {#f, offsetof(PyConfig, f), MK_ULONG}
#define M_WSTR(f) {#f, offsetof(PyConfig, f), MK_WSTR}
#define M_LIST(f) {#f, offsetof(PyConfig, f), MK_LIST}
static const struct member config_members[] = {
    M_INT(_config_init), M_INT(isolated), M_INT(use_environment), M_INT(dev_mode),
    M_INT(install_signal_handlers), M_INT(use_hash_seed), M_ULONG(hash_seed),
    M_INT(faulthandler), M_INT(tracemalloc), M_INT(perf_profiling), M_INT(remote_debug),
    M_INT(import_time), M_INT(code_debug_ranges), M_INT(show_ref_count), M_INT(dump_refs),
    M_WSTR(dump_refs_file), M_INT(malloc_stats), M_WSTR(filesystem_encoding),
    M_WSTR(filesystem_errors), M_WSTR(pycache_prefix), M_INT(parse_argv), M_LIST(orig_argv),
    M_LIST(argv), M_LIST(xoptions), M_LIST(warnoptions), M_INT(site_import),
    M_INT(bytes_warning), M_INT(warn_default_encoding), M_INT(inspect), M_INT(interactive),
    M_INT(optimization_level), M_INT(parser_debug), M_INT(write_bytecode), M_INT(verbose),
    M_INT(quiet), M_INT(user_site_directory), M_INT(configure_c_stdio), M_INT(buffered_stdio),
    M_WSTR(stdio_encoding), M_WSTR(stdio_errors), M_WSTR(check_hash_pycs_mode),
    M_INT(use_frozen_modules), M_INT(safe_path), M_INT(int_max_str_digits),
    M_INT(thread_inherit_context), M_INT(context_aware_warnings), M_INT(cpu_count),
    M_INT(pathconfig_warnings), M_WSTR(program_name), M_WSTR(pythonpath_env), M_WSTR(home),
    M_WSTR(platlibdir), M_INT(module_search_paths_set), M_LIST(module_search_paths),
    M_WSTR(stdlib_dir), M_WSTR(executable), M_WSTR(base_executable), M_WSTR(prefix),
    M_WSTR(base_prefix), M_WSTR(exec_prefix), M_WSTR(base_exec_prefix),
    M_INT(skip_source_first_line), M_WSTR(run_command), M_WSTR(run_module),
    M_WSTR(run_filename), M_WSTR(sys_path_0), M_INT(_install_importlib), M_INT(_init_main),
    M_INT(_is_python_build),
};
#define N_CONFIG_MEMBERS (sizeof config_members / sizeof config_members[0])

static inline void dump_config(const PyConfig *config) {
    for (size_t i = 0; i < N_CONFIG_MEMBERS; i++) {
        const struct member *m = &config_members[i];
        const char *p = (const char *)config + m->offset;
        printf("%s: ", m->name);
        switch (m->kind) {
        case MK_INT: printf("%d", *(const int *)p); break;
        case MK_ULONG: printf("%lu", *(const unsigned long *)p); break;
        case MK_WSTR: print_wstr(*(wchar_t *const *)p); break;
        case MK_LIST: print_list((const PyWideStringList *)p); break;
        }
        putchar('\n');
    }
}

static inline void dump_preconfig(const PyPreConfig *c) {
    printf("_config_init: %d\nparse_argv: %d\nisolated: %d\nuse_environment: %d\n"
           "configure_locale: %d\ncoerce_c_locale: %d\ncoerce_c_locale_warn: %d\n"
           "utf8_mode: %d\ndev_mode: %d\nallocator: %d\n",
           c->_config_init, c->parse_argv, c->isolated, c->use_environment,
           c->configure_locale, c->coerce_c_locale, c->coerce_c_locale_warn,
           c->utf8_mode, c->dev_mode, c->allocator);
}

#endif /* PYRT_TEST_CONFIG_DUMP_H */
