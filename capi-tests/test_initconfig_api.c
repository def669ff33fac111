/* test_initconfig_api: PEP 741's PyInitConfig getters and setters, option
 * names and types, range checks, sticky errors (no initialization). */
#include "harness.h"

static void show_error(PyInitConfig *c) {
    const char *msg = "unset";
    int has = PyInitConfig_GetError(c, &msg);
    printf("  error: %d %s\n", has, msg ? msg : "(null)");
}

static void get_int(PyInitConfig *c, const char *name) {
    int64_t v = -12345;
    int rc = PyInitConfig_GetInt(c, name, &v);
    printf("GetInt %s -> %d value %lld\n", name, rc, (long long)v);
}

static void set_int(PyInitConfig *c, const char *name, int64_t value) {
    int rc = PyInitConfig_SetInt(c, name, value);
    printf("SetInt %s=%lld -> %d\n", name, (long long)value, rc);
}

static void get_str(PyInitConfig *c, const char *name) {
    char *v = (char *)"untouched";
    int rc = PyInitConfig_GetStr(c, name, &v);
    printf("GetStr %s -> %d value %s\n", name, rc, rc == 0 ? (v ? v : "NULL") : "-");
    if (rc == 0) free(v);
}

static void get_list(PyInitConfig *c, const char *name) {
    size_t n = 999;
    char **items = NULL;
    int rc = PyInitConfig_GetStrList(c, name, &n, &items);
    printf("GetStrList %s -> %d", name, rc);
    if (rc == 0) {
        printf(" [");
        for (size_t i = 0; i < n; i++) printf("%s%s", i ? ", " : "", items[i]);
        printf("]");
        PyInitConfig_FreeStrList(n, items);
    }
    putchar('\n');
}

static const char *const names[] = {
    "_config_init", "isolated", "use_environment", "dev_mode", "install_signal_handlers",
    "use_hash_seed", "hash_seed", "faulthandler", "tracemalloc", "perf_profiling",
    "remote_debug", "import_time", "code_debug_ranges", "show_ref_count", "dump_refs",
    "dump_refs_file", "malloc_stats", "filesystem_encoding", "filesystem_errors",
    "pycache_prefix", "parse_argv", "orig_argv", "argv", "xoptions", "warnoptions",
    "site_import", "bytes_warning", "warn_default_encoding", "inspect", "interactive",
    "optimization_level", "parser_debug", "write_bytecode", "verbose", "quiet",
    "user_site_directory", "configure_c_stdio", "buffered_stdio", "stdio_encoding",
    "stdio_errors", "check_hash_pycs_mode", "use_frozen_modules", "safe_path",
    "int_max_str_digits", "thread_inherit_context", "context_aware_warnings", "cpu_count",
    "pathconfig_warnings", "program_name", "pythonpath_env", "home", "platlibdir",
    "module_search_paths_set", "module_search_paths", "stdlib_dir", "executable",
    "base_executable", "prefix", "base_prefix", "exec_prefix", "base_exec_prefix",
    "skip_source_first_line", "run_command", "run_module", "run_filename", "sys_path_0",
    "_install_importlib", "_init_main", "_is_python_build", "allocator", "configure_locale",
    "coerce_c_locale", "coerce_c_locale_warn", "utf8_mode", "parse_argv", "legacy_windows_fs_encoding",
    "run_presite", "enable_gil", "tlbc_enabled", "use_system_logger", "legacy_windows_stdio",
    "_pystats", "nonexistent", "", NULL,
};

static int every_option(void) {
    /* Each name once on a fresh object: HasOption, then every getter. */
    for (const char *const *n = names; *n; n++) {
        PyInitConfig *c = PyInitConfig_Create();
        CHECK(c != NULL);
        printf("%s: has %d\n", *n, PyInitConfig_HasOption(c, *n));
        get_int(c, *n);
        show_error(c);
        PyInitConfig_Free(c);
        c = PyInitConfig_Create();
        get_str(c, *n);
        show_error(c);
        PyInitConfig_Free(c);
        c = PyInitConfig_Create();
        get_list(c, *n);
        show_error(c);
        PyInitConfig_Free(c);
    }
    return 0;
}

static int int_ranges(void) {
    static const struct { const char *name; int64_t value; } cases[] = {
        {"verbose", 3}, {"verbose", -1}, {"verbose", 4294967295LL}, {"verbose", 4294967296LL},
        {"isolated", 5}, {"isolated", -1}, {"cpu_count", -1}, {"cpu_count", 2147483647LL},
        {"cpu_count", 2147483648LL}, {"cpu_count", -2147483649LL}, {"hash_seed", 0},
        {"hash_seed", -1}, {"hash_seed", 9223372036854775807LL}, {"allocator", 3},
        {"utf8_mode", 1}, {"_config_init", 7}, {"tracemalloc", -3}, {"program_name", 1},
        {"argv", 1}, {"thread_inherit_context", -7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        PyInitConfig *c = PyInitConfig_Create();
        set_int(c, cases[i].name, cases[i].value);
        show_error(c);
        get_int(c, cases[i].name);
        PyInitConfig_Free(c);
    }
    PyInitConfig *c = PyInitConfig_Create();
    get_int(c, "use_hash_seed");
    set_int(c, "hash_seed", 123);
    get_int(c, "use_hash_seed");
    PyInitConfig_Free(c);
    return 0;
}

static int strings(void) {
    PyInitConfig *c = PyInitConfig_Create();
    get_str(c, "program_name");
    printf("SetStr program_name -> %d\n", PyInitConfig_SetStr(c, "program_name", "caf\xc3\xa9"));
    get_str(c, "program_name");
    printf("SetStr home -> %d\n", PyInitConfig_SetStr(c, "home", "/opt/py"));
    get_str(c, "home");
    /* SetStr(NULL) crashes CPython 3.14 even for optional strings; pyrt's
     * answer (clear an optional string, error for a required one) is in
     * tests/boundary.rs. */
    printf("SetStr home bad utf8 -> %d\n", PyInitConfig_SetStr(c, "home", "\xff"));
    show_error(c);
    printf("SetStr verbose -> %d\n", PyInitConfig_SetStr(c, "verbose", "1"));
    show_error(c);
    PyInitConfig_Free(c);
    c = PyInitConfig_Create();
    printf("SetStr pycache_prefix -> %d\n", PyInitConfig_SetStr(c, "pycache_prefix", ""));
    get_str(c, "pycache_prefix");
    show_error(c);
    PyInitConfig_Free(c);
    return 0;
}

static int string_lists(void) {
    PyInitConfig *c = PyInitConfig_Create();
    char *items[] = {"faulthandler", "utf8=1", "caf\xc3\xa9"};
    get_list(c, "xoptions");
    printf("SetStrList xoptions -> %d\n", PyInitConfig_SetStrList(c, "xoptions", 3, items));
    get_list(c, "xoptions");
    get_int(c, "module_search_paths_set");
    char *paths[] = {"/a", "/b"};
    printf("SetStrList module_search_paths -> %d\n",
           PyInitConfig_SetStrList(c, "module_search_paths", 2, paths));
    get_int(c, "module_search_paths_set");
    get_list(c, "module_search_paths");
    printf("SetStrList empty -> %d\n", PyInitConfig_SetStrList(c, "argv", 0, NULL));
    get_list(c, "argv");
    show_error(c);
    char *bad[] = {"ok", "\xc3"};
    printf("SetStrList bad utf8 -> %d\n", PyInitConfig_SetStrList(c, "argv", 2, bad));
    show_error(c);
    get_list(c, "argv");
    PyInitConfig_Free(c);
    c = PyInitConfig_Create();
    printf("SetStrList home -> %d\n", PyInitConfig_SetStrList(c, "home", 1, items));
    show_error(c);
    PyInitConfig_Free(c);
    return 0;
}

static int sticky_error_and_exit_code(void) {
    PyInitConfig *c = PyInitConfig_Create();
    show_error(c);
    int code = 77;
    printf("exit code: %d %d\n", PyInitConfig_GetExitCode(c, &code), code);
    get_int(c, "not_an_option");
    show_error(c);
    set_int(c, "verbose", 2); /* succeeds, error stays */
    show_error(c);
    get_int(c, "verbose");
    get_str(c, "verbose");
    show_error(c);
    printf("exit code: %d %d\n", PyInitConfig_GetExitCode(c, &code), code);
    PyInitConfig_Free(c);
    PyInitConfig_Free(NULL);
    return 0;
}

static int defaults(void) {
    /* The isolated flavours of both structures. */
    PyInitConfig *c = PyInitConfig_Create();
    static const char *const ints[] = {"_config_init", "isolated", "use_environment", "dev_mode",
        "configure_locale", "utf8_mode", "allocator", "parse_argv", "install_signal_handlers",
        "int_max_str_digits", "safe_path", "site_import", "write_bytecode", "buffered_stdio",
        "faulthandler", "import_time", "remote_debug", "code_debug_ranges", "pathconfig_warnings",
        "coerce_c_locale", "coerce_c_locale_warn", "use_frozen_modules", "_init_main", NULL};
    for (const char *const *n = ints; *n; n++) get_int(c, *n);
    show_error(c);
    PyInitConfig_Free(c);
    return 0;
}

static const struct test_case cases[] = {
    {"every_option", every_option},
    {"int_ranges", int_ranges},
    {"strings", strings},
    {"string_lists", string_lists},
    {"sticky_error_and_exit_code", sticky_error_and_exit_code},
    {"defaults", defaults},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
