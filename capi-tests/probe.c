/* probe: reads a configuration the way a scenario says and prints every
 * PyConfig member, so the same scenario can be compared between pyrt and
 * CPython 3.14 (capi-tests/scenarios/probe.txt drives it).
 *
 *   probe [--isolated | --compat] [--pre NAME=INT]... [--pre-isolated]
 *         [--global NAME=INT]... [--set NAME=VALUE]... [--list NAME=a,b]...
 *         [--wide-argv] [--read-twice] [--pre-compat]
 *         [--sys-warn OPT]... [--sys-xoption OPT]... [--init]
 *         [--set-home P] [--set-program-name P] [--set-path P] [-- ARGV...]
 *
 * --pre       pre-initialize explicitly (Python flavour unless --pre-isolated)
 * --global    set a legacy global flag (Py_VerboseFlag ...) before anything else
 * --set       set an int / unsigned long / string member (by its type)
 * --list      set a list member (comma-separated; empty: no items)
 * --wide-argv use PyConfig_SetArgv instead of PyConfig_SetBytesArgv
 * --read-twice call PyConfig_Read twice (the second must not re-parse)
 * --pre-compat pre-initialize with the compat pre-config
 * --sys-warn / --sys-xoption  PySys_AddWarnOption / PySys_AddXOption first
 * --init      after the read, Py_InitializeFromConfig and print the running
 *             interpreter's config (_Py_GetConfig) and the legacy path getters
 * --paths   with --init: print only the path members; the pyrt build computes
 *             them with PyRT_ComputePathConfig, without initializing
 * --set-home / --set-program-name / --set-path  Py_SetPythonHome /
 *             Py_SetProgramName / Py_SetPath before anything else
 * Output: "status: ..." then one line per member. */
#include "config_dump.h"

extern void _PyConfig_InitCompatConfig(PyConfig *config);
extern void _PyPreConfig_InitCompatConfig(PyPreConfig *config);
/* Exported by CPython 3.14 but no longer declared in its headers. */
extern void PySys_AddWarnOption(const wchar_t *s);
extern void PySys_AddXOption(const wchar_t *s);
extern void Py_SetPythonHome(const wchar_t *home);
extern void Py_SetProgramName(const wchar_t *name);
extern void Py_SetPath(const wchar_t *path);
extern const PyConfig *_Py_GetConfig(void);

/* Widens an ASCII scenario string with malloc (see set_member). */
static wchar_t *widen(const char *a) {
    size_t len = strlen(a);
    wchar_t *w = malloc((len + 1) * sizeof(wchar_t));
    for (size_t k = 0; k <= len; k++) w[k] = (wchar_t)(unsigned char)a[k];
    return w;
}

static const struct member *find_member(const char *name, size_t len) {
    for (size_t i = 0; i < N_CONFIG_MEMBERS; i++)
        if (strlen(config_members[i].name) == len && !strncmp(config_members[i].name, name, len))
            return &config_members[i];
    fprintf(stderr, "probe: unknown member %.*s\n", (int)len, name);
    exit(64);
}

/* The members the path configuration computes (and those a ._pth sets). */
static void dump_paths(const PyConfig *c) {
    static const char *names[] = {
        "isolated", "use_environment", "site_import", "safe_path", "program_name", "home",
        "platlibdir", "module_search_paths_set", "module_search_paths", "stdlib_dir",
        "executable", "base_executable", "prefix", "base_prefix", "exec_prefix",
        "base_exec_prefix", "_is_python_build", NULL};
    for (size_t i = 0; i < N_CONFIG_MEMBERS; i++)
        for (const char **n = names; *n; n++)
            if (!strcmp(*n, config_members[i].name)) {
                const struct member *m = &config_members[i];
                const char *p = (const char *)c + m->offset;
                printf("%s: ", m->name);
                if (m->kind == MK_INT) printf("%d", *(const int *)p);
                else if (m->kind == MK_WSTR) print_wstr(*(wchar_t *const *)p);
                else print_list((const PyWideStringList *)p);
                putchar('\n');
            }
}

static void probe_status(const char *what, PyStatus st) {
    fflush(stdout);
    if (PyStatus_IsExit(st)) printf("status: %s exit %d\n", what, st.exitcode);
    else if (PyStatus_IsError(st))
        printf("status: %s error %s: %s\n", what, st.func ? st.func : "-", st.err_msg ? st.err_msg : "-");
    else printf("status: %s ok\n", what);
}

static void set_member(PyConfig *cfg, const char *spec, int list) {
    const char *eq = strchr(spec, '=');
    if (!eq) { fprintf(stderr, "probe: expected NAME=VALUE: %s\n", spec); exit(64); }
    const struct member *m = find_member(spec, (size_t)(eq - spec));
    const char *v = eq + 1;
    char *p = (char *)cfg + m->offset;
    PyStatus st = PyStatus_Ok();
    if (list) {
        /* Items are widened byte by byte with malloc (scenarios are ASCII):
         * Py_DecodeLocale would allocate before the implicit pre-initialization
         * that may switch the allocator (dev mode installs the debug hooks). */
        wchar_t *items[64];
        Py_ssize_t n = 0;
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", v);
        for (char *tok = buf, *next; tok && *tok && n < 64; tok = next) {
            next = strchr(tok, ',');
            if (next) *next++ = '\0';
            size_t len = strlen(tok);
            items[n] = malloc((len + 1) * sizeof(wchar_t));
            for (size_t k = 0; k <= len; k++) items[n][k] = (wchar_t)(unsigned char)tok[k];
            n++;
        }
        st = PyConfig_SetWideStringList(cfg, (PyWideStringList *)p, n, items);
        for (Py_ssize_t i = 0; i < n; i++) free(items[i]);
    } else if (m->kind == MK_INT) {
        *(int *)p = atoi(v);
    } else if (m->kind == MK_ULONG) {
        *(unsigned long *)p = strtoul(v, NULL, 10);
    } else if (m->kind == MK_WSTR) {
        st = PyConfig_SetBytesString(cfg, (wchar_t **)p, v);
    } else {
        fprintf(stderr, "probe: use --list for %s\n", m->name);
        exit(64);
    }
    if (PyStatus_Exception(st)) { probe_status("set", st); exit(0); }
}

/* The legacy flags are deprecated in CPython's headers; setting them is the point here. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

static void set_global(const char *spec) {
    const char *eq = strchr(spec, '=');
    if (!eq) exit(64);
    int v = atoi(eq + 1);
    size_t n = (size_t)(eq - spec);
#define G(flag) if (n == strlen(#flag) && !strncmp(spec, #flag, n)) { flag = v; return; }
    G(Py_IsolatedFlag) G(Py_IgnoreEnvironmentFlag) G(Py_BytesWarningFlag) G(Py_InspectFlag)
    G(Py_InteractiveFlag) G(Py_OptimizeFlag) G(Py_DebugFlag) G(Py_VerboseFlag) G(Py_QuietFlag)
    G(Py_FrozenFlag) G(Py_UnbufferedStdioFlag) G(Py_NoSiteFlag) G(Py_DontWriteBytecodeFlag)
    G(Py_NoUserSiteDirectory) G(Py_UTF8Mode)
#undef G
    fprintf(stderr, "probe: unknown global %s\n", spec);
    exit(64);
}

int main(int argc, char **argv) {
    int flavour = 2, init = 0, paths_only = 0, pre = 0, pre_isolated = 0, pre_compat = 0, wide_argv = 0, read_twice = 0, i;
    PyPreConfig preconfig;
    for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--isolated")) flavour = 3;
        else if (!strcmp(argv[i], "--compat")) flavour = 1;
        else if (!strcmp(argv[i], "--pre-isolated")) pre = pre_isolated = 1;
        else if (!strcmp(argv[i], "--pre-compat")) pre = pre_compat = 1;
        else if (!strcmp(argv[i], "--sys-warn") && i + 1 < argc) {
            wchar_t *w = widen(argv[++i]);
            PySys_AddWarnOption(w);
            free(w);
        } else if (!strcmp(argv[i], "--sys-xoption") && i + 1 < argc) {
            wchar_t *w = widen(argv[++i]);
            PySys_AddXOption(w);
            free(w);
        }
        else if (!strcmp(argv[i], "--wide-argv")) wide_argv = 1;
        else if (!strcmp(argv[i], "--init")) init = 1;
        else if (!strcmp(argv[i], "--paths")) paths_only = 1;
        else if (!strcmp(argv[i], "--set-home") && i + 1 < argc) {
            wchar_t *w = widen(argv[++i]);
            Py_SetPythonHome(w);
            free(w);
        } else if (!strcmp(argv[i], "--set-program-name") && i + 1 < argc) {
            wchar_t *w = widen(argv[++i]);
            Py_SetProgramName(w);
            free(w);
        } else if (!strcmp(argv[i], "--set-path") && i + 1 < argc) {
            wchar_t *w = widen(argv[++i]);
            Py_SetPath(w);
            free(w);
        }
        else if (!strcmp(argv[i], "--read-twice")) read_twice = 1;
        else if (!strcmp(argv[i], "--global") && i + 1 < argc) set_global(argv[++i]);
        else if (!strcmp(argv[i], "--pre") && i + 1 < argc) { pre = 1; i++; }
        else if ((!strcmp(argv[i], "--set") || !strcmp(argv[i], "--list")) && i + 1 < argc) i++;
        else { fprintf(stderr, "probe: unknown option %s\n", argv[i]); return 64; }
    }
    if (pre) {
        if (pre_isolated) PyPreConfig_InitIsolatedConfig(&preconfig);
        else if (pre_compat) _PyPreConfig_InitCompatConfig(&preconfig);
        else PyPreConfig_InitPythonConfig(&preconfig);
        for (int j = 1; j < i; j++) {
            if (strcmp(argv[j], "--pre") || j + 1 >= i) continue;
            const char *spec = argv[++j], *eq = strchr(spec, '=');
            int v = eq ? atoi(eq + 1) : 0;
            size_t n = eq ? (size_t)(eq - spec) : strlen(spec);
#define P(f) if (n == strlen(#f) && !strncmp(spec, #f, n)) preconfig.f = v; else
            P(parse_argv) P(isolated) P(use_environment) P(configure_locale)
            P(coerce_c_locale) P(coerce_c_locale_warn) P(utf8_mode) P(dev_mode) P(allocator)
            { fprintf(stderr, "probe: unknown preconfig member %s\n", spec); return 64; }
#undef P
        }
        PyStatus st = Py_PreInitialize(&preconfig);
        if (PyStatus_Exception(st)) { probe_status("preinit", st); return 0; }
    }
    PyConfig cfg;
    if (flavour == 3) PyConfig_InitIsolatedConfig(&cfg);
    else if (flavour == 1) _PyConfig_InitCompatConfig(&cfg);
    else PyConfig_InitPythonConfig(&cfg);
    for (int j = 1; j < i; j++) {
        if (!strcmp(argv[j], "--set") && j + 1 < i) set_member(&cfg, argv[++j], 0);
        else if (!strcmp(argv[j], "--list") && j + 1 < i) set_member(&cfg, argv[++j], 1);
        else if (!strcmp(argv[j], "--pre") || !strcmp(argv[j], "--global")) j++;
    }
    if (i < argc) {
        PyStatus st;
        Py_ssize_t n = argc - i - 1;
        if (wide_argv) {
            wchar_t **w = calloc((size_t)n + 1, sizeof *w);
            for (Py_ssize_t k = 0; k < n; k++) {
                const char *a = argv[i + 1 + k];
                size_t len = strlen(a);
                w[k] = malloc((len + 1) * sizeof(wchar_t));
                for (size_t b = 0; b <= len; b++) w[k][b] = (wchar_t)(unsigned char)a[b];
            }
            st = PyConfig_SetArgv(&cfg, n, w);
            for (Py_ssize_t k = 0; k < n; k++) free(w[k]);
            free(w);
        } else {
            st = PyConfig_SetBytesArgv(&cfg, n, argv + i + 1);
        }
        if (PyStatus_Exception(st)) { probe_status("argv", st); PyConfig_Clear(&cfg); return 0; }
    }
    PyStatus st = PyConfig_Read(&cfg);
    if (read_twice && !PyStatus_Exception(st)) st = PyConfig_Read(&cfg);
    probe_status("read", st);
    if (PyStatus_Exception(st) || !init) {
        if (!PyStatus_Exception(st)) dump_config(&cfg);
        PyConfig_Clear(&cfg);
        return 0;
    }
    if (paths_only) {
#ifdef PYRT_H
        st = PyRT_ComputePathConfig(&cfg);
        probe_status("init", st);
        if (!PyStatus_Exception(st)) dump_paths(&cfg);
        PyConfig_Clear(&cfg);
#else
        st = Py_InitializeFromConfig(&cfg);
        PyConfig_Clear(&cfg);
        probe_status("init", st);
        if (!PyStatus_Exception(st)) dump_paths(_Py_GetConfig());
#endif
        return 0;
    }
    st = Py_InitializeFromConfig(&cfg);
    PyConfig_Clear(&cfg);
    probe_status("init", st);
    if (PyStatus_Exception(st)) return 0;
    dump_config(_Py_GetConfig());
    printf("Py_GetProgramName: "); print_wstr(Py_GetProgramName()); putchar('\n');
    printf("Py_GetPythonHome: "); print_wstr(Py_GetPythonHome()); putchar('\n');
    printf("Py_GetProgramFullPath: "); print_wstr(Py_GetProgramFullPath()); putchar('\n');
    printf("Py_GetPrefix: "); print_wstr(Py_GetPrefix()); putchar('\n');
    printf("Py_GetExecPrefix: "); print_wstr(Py_GetExecPrefix()); putchar('\n');
    printf("Py_GetPath: "); print_wstr(Py_GetPath()); putchar('\n');
    fflush(stdout);
    printf("finalize: %d\n", Py_FinalizeEx());
    return 0;
}
