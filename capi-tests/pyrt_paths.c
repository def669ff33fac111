/* pyrt_paths: pyrt's path additions, PyRT_ComputeSysPath0 and
 * PyRT_ComputePathConfig (which getpath_trees.sh also compares with CPython's
 * initialization on 52 trees). The sys.path[0] expectations are CPython's
 * rules (the 18 sys.path[0] cases of tests/data/getpath-cases.json). */
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

/* Reads a Python config from a command line and computes sys.path[0]. */
static int path0_of(int argc, char **argv, wchar_t **out) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    CHECK_OK(PyConfig_SetBytesArgv(&c, argc, argv));
    CHECK_OK(PyConfig_Read(&c));
    int r = PyRT_ComputeSysPath0(&c, out);
    PyConfig_Clear(&c);
    return r;
}

static void show(const char *label, int r, wchar_t *p) {
    printf("%s: %d ", label, r);
    print_wstr(p);
    putchar('\n');
    PyMem_RawFree(p);
}

/* A fresh directory under /tmp holding pkg/__main__.py, pkg/main.py and a
 * link/ directory with a symbolic link to pkg/main.py. */
static char dir[64];
static void make_tree(void) {
    snprintf(dir, sizeof dir, "/tmp/pyrt-paths.XXXXXX");
    CHECK(mkdtemp(dir) != NULL);
    char p[256], q[256];
    snprintf(p, sizeof p, "%s/pkg", dir);
    CHECK(mkdir(p, 0700) == 0);
    snprintf(p, sizeof p, "%s/link", dir);
    CHECK(mkdir(p, 0700) == 0);
    snprintf(p, sizeof p, "%s/pkg/main.py", dir);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    fclose(f);
    snprintf(q, sizeof q, "%s/link/run.py", dir);
    CHECK(symlink(p, q) == 0);
}

static void remove_tree(void) {
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

static int command_module_interactive(void) {
    wchar_t *p = NULL;
    int r;
    char *c[] = {"python3", "-c", "pass"};
    r = path0_of(3, c, &p);
    show("-c", r, p);
    char *m[] = {"python3", "-m", "json.tool"};
    r = path0_of(3, m, &p);
    show("-m (run from /)", r, p);
    char *i[] = {"python3"};
    r = path0_of(1, i, &p);
    show("interactive", r, p);
    char *s[] = {"python3", "-P", "-c", "pass"};
    r = path0_of(4, s, &p);
    show("-P -c", r, p);
    char *iso[] = {"python3", "-I", "-m", "json.tool"};
    r = path0_of(4, iso, &p);
    show("-I -m", r, p);
    return 0;
}

static int scripts(void) {
    make_tree();
    char script[256], link[256], pkg[256], expect[256];
    snprintf(script, sizeof script, "%s/pkg/main.py", dir);
    snprintf(link, sizeof link, "%s/link/run.py", dir);
    snprintf(pkg, sizeof pkg, "%s/pkg", dir);
    wchar_t *p = NULL;
    char *a[] = {"python3", script, "arg"};
    int r = path0_of(3, a, &p);
    snprintf(expect, sizeof expect, "%s/pkg", dir);
    printf("script: %d, its directory: %d\n", r, p && wcsncmp(p, L"/tmp/pyrt-paths.", 16) == 0 &&
                                                     wcslen(p) == strlen(expect));
    PyMem_RawFree(p);
    char *l[] = {"python3", link};
    r = path0_of(2, l, &p);
    printf("symlinked script: %d, the target's directory: %d\n", r,
           p && wcslen(p) == strlen(expect) && wcscmp(p + wcslen(p) - 4, L"/pkg") == 0);
    PyMem_RawFree(p);
    char *sp[] = {"python3", "-P", script};
    r = path0_of(3, sp, &p);
    show("-P script", r, p);
    char *d[] = {"python3", "-P", pkg};
    r = path0_of(3, d, &p);
    printf("-P directory: %d, the directory: %d\n", r, p && wcslen(p) == strlen(pkg));
    PyMem_RawFree(p);
    remove_tree();
    return 0;
}

static int bad_arguments(void) {
    wchar_t *p = (wchar_t *)1;
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    printf("NULL config: %d\n", PyRT_ComputeSysPath0(NULL, &p));
    printf("NULL result: %d\n", PyRT_ComputeSysPath0(&c, NULL));
    printf("no argv: %d ", PyRT_ComputeSysPath0(&c, &p));
    print_wstr(p);
    putchar('\n');
    PyStatus st = PyRT_ComputePathConfig(NULL);
    print_status("compute NULL", st);
    PyConfig_Clear(&c);
    return 0;
}

/* Computing the paths changes no legacy getter and initializes nothing. */
static int compute_without_init(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    CHECK_OK(PyConfig_SetString(&c, &c.home, L"/some/home"));
    CHECK_OK(PyConfig_SetString(&c, &c.program_name, L"/some/home/bin/python3"));
    CHECK_OK(PyRT_ComputePathConfig(&c));
    printf("initialized: %d\n", Py_IsInitialized());
    printf("prefix: "); print_wstr(c.prefix); putchar('\n');
    printf("exec_prefix: "); print_wstr(c.exec_prefix); putchar('\n');
    printf("executable: "); print_wstr(c.executable); putchar('\n');
    printf("module_search_paths: "); print_list(&c.module_search_paths); putchar('\n');
    printf("Py_GetPrefix: "); print_wstr(Py_GetPrefix()); putchar('\n');
    PyConfig_Clear(&c);
    return 0;
}

static const struct test_case cases[] = {
    {"command_module_interactive", command_module_interactive},
    {"scripts", scripts},
    {"bad_arguments", bad_arguments},
    {"compute_without_init", compute_without_init},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
