/* pyrt_paths: pyrt's path additions, PyRT_ComputeSysPath0, PyRT_ComputeSysPath,
 * the PyRT_SysPathCache functions and PyRT_ComputePathConfig (which getpath_trees.sh also compares with CPython's
 * initialization on 52 trees). The sys.path[0] expectations are CPython's
 * rules (the 18 sys.path[0] cases of tests/data/getpath-cases.json). */
#include "harness.h"

#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

/* Writes `text` to dir/rel, making its directories. */
static void put(const char *rel, const char *text) {
    char p[512], cmd[600];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    snprintf(cmd, sizeof cmd, "mkdir -p \"$(dirname '%s')\"", p);
    CHECK(system(cmd) == 0);
    FILE *f = fopen(p, "w");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
}

/* `sys.path` for `argv` with the program name dir/py/bin/python3 (the
 * installation of make_site_tree), with `cache` or without, into `path`. */
static void sys_path_list(PyRT_SysPathCache *cache, int layout, int main_entry, int argc,
                          char **argv, PyWideStringList *path) {
    PyConfig c;
    PyConfig_InitPythonConfig(&c);
    CHECK_OK(PyConfig_SetBytesArgv(&c, argc, argv));
    char prog[256];
    snprintf(prog, sizeof prog, "%s/py/bin/python3", dir);
    CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, prog));
    PyStatus st = cache ? PyRT_SysPathCache_Compute(cache, &c, layout, main_entry, path)
                        : PyRT_ComputeSysPath(&c, layout, main_entry, path);
    CHECK(!PyStatus_Exception(st));
    /* The configuration is filled, whether the answer was kept or not. */
    CHECK(c.prefix != NULL && c.stdlib_dir != NULL && c.module_search_paths.length >= 3);
    PyConfig_Clear(&c);
}

static void free_list(PyWideStringList *path) {
    for (Py_ssize_t i = 0; i < path->length; i++) PyMem_RawFree(path->items[i]);
    PyMem_RawFree(path->items);
}

/* Prints the entries with dir shown as <dir>. With a cache, the answer
 * must be the one PyRT_ComputeSysPath computes now. */
static void sys_path_in(PyRT_SysPathCache *cache, int layout, int main_entry, int argc,
                        char **argv) {
    PyWideStringList path = {0, NULL};
    sys_path_list(cache, layout, main_entry, argc, argv, &path);
    if (cache) {
        PyWideStringList fresh = {0, NULL};
        sys_path_list(NULL, layout, main_entry, argc, argv, &fresh);
        CHECK(fresh.length == path.length);
        for (Py_ssize_t i = 0; i < path.length; i++) CHECK(wcscmp(fresh.items[i], path.items[i]) == 0);
        free_list(&fresh);
    }
    size_t n = strlen(dir);
    for (Py_ssize_t i = 0; i < path.length; i++) {
        char buf[1024];
        CHECK(wcstombs(buf, path.items[i], sizeof buf) != (size_t)-1);
        printf("  %s%s\n", strncmp(buf, dir, n) == 0 ? "<dir>" : "", strncmp(buf, dir, n) == 0 ? buf + n : buf);
    }
    free_list(&path);
}

static void sys_path_for(int layout, int main_entry, int argc, char **argv) {
    sys_path_in(NULL, layout, main_entry, argc, argv);
}

static void make_site_tree(void) {
    make_tree();
    put("py/lib/python3.14/os.py", "");
    put("py/lib/python3.14/encodings/__init__.py", "");
    put("py/lib/python3.14/lib-dynload/x", "");
    put("py/lib/python3.14/site-packages/up.pth", "# upstream\n../../../extra-up\nimport sys\n");
    put("py/local/lib/python3.14/dist-packages/deb.pth", "../../../../extra-deb\nmissing\n");
    put("py/extra-up/x", "");
    put("py/extra-deb/x", "");
}

/* Both layouts over one tree; -S leaves site out; `main` adds sys.path[0]. */
static int sys_path_layouts(void) {
    make_site_tree();
    char *c[] = {"python3", "-s", "-c", "pass"};
    puts("upstream:");
    sys_path_for(PYRT_SITE_LAYOUT_UPSTREAM, 0, 4, c);
    puts("debian:");
    sys_path_for(PYRT_SITE_LAYOUT_DEBIAN, 0, 4, c);
    puts("build (debian), with sys.path[0]:");
    sys_path_for(PYRT_SITE_LAYOUT_BUILD, 1, 4, c);
    char *nosite[] = {"python3", "-S", "-c", "pass"};
    puts("-S:");
    sys_path_for(PYRT_SITE_LAYOUT_DEBIAN, 1, 4, nosite);
    remove_tree();
    return 0;
}

/* A cache gives the answer again until something it depends on changes:
 * each step prints sys.path and the number of answers given again. */
static PyRT_SysPathCache *cache;
static void step(const char *what) {
    char *argv[] = {"python3", "-c", "pass"};
    unsigned long before = (unsigned long)PyRT_SysPathCache_Hits(cache);
    sys_path_in(cache, PYRT_SITE_LAYOUT_UPSTREAM, 1, 3, argv);
    printf("%s: %s\n", what,
           (unsigned long)PyRT_SysPathCache_Hits(cache) > before ? "kept" : "computed");
}

static void shell(const char *fmt) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, dir, dir, dir);
    CHECK(system(cmd) == 0);
}

static int sys_path_cache(void) {
    make_site_tree();
    CHECK(setenv("HOME", dir, 1) == 0);
    CHECK(unsetenv("PYTHONPATH") == 0);
    cache = PyRT_SysPathCache_New();
    CHECK(cache != NULL);
    step("first");
    step("again");
    step("and again");
    /* A new .pth file naming a new directory. */
    shell("mkdir %s/py/extra-new && echo ../../../extra-new > %s/py/lib/python3.14/site-packages/new.pth");
    step("new .pth file");
    step("again");
    /* A .pth file written in place. */
    shell("mkdir %s/py/extra-more && echo ../../../extra-more >> %s/py/lib/python3.14/site-packages/new.pth");
    step("line appended");
    /* A directory a .pth line names removed. */
    shell("rm -r %s/py/extra-up");
    step("extra-up removed");
    step("again");
    /* site-packages made a link to another directory, then the link
     * pointed elsewhere. */
    shell("mv %s/py/lib/python3.14/site-packages %s/py/sp1 && mkdir %s/py/sp2");
    shell("ln -s ../../sp1 %s/py/lib/python3.14/site-packages && printf '/tmp\\n%s/py/later\\n' > %s/py/sp2/b.pth");
    step("site-packages a link");
    step("again");
    shell("ln -sfn ../../sp2 %s/py/lib/python3.14/site-packages");
    step("link changed");
    step("again");
    /* The environment and the working directory. */
    char sub[128];
    snprintf(sub, sizeof sub, "%s/py", dir);
    CHECK(chdir(sub) == 0);
    step("working directory changed, not used");
    CHECK(setenv("PYTHONPATH", "rel", 1) == 0);
    step("PYTHONPATH=rel");
    step("again");
    CHECK(chdir(dir) == 0);
    step("working directory changed");
    step("again");
    CHECK(unsetenv("PYTHONPATH") == 0);
    step("PYTHONPATH unset");
    /* A file looked at but missing created: the program's directory's
     * parent becomes a virtual environment. */
    shell("echo include-system-site-packages = false > %s/py/pyvenv.cfg");
    step("pyvenv.cfg created");
    step("again");
    shell("mkdir %s/py/later");
    step("a directory a .pth line names created");
    step("again");
    PyRT_SysPathCache_Free(cache);
    remove_tree();
    return 0;
}

/* A child of fork does not read its parent's watches: each sees its own
 * changes. */
static int sys_path_cache_fork(void) {
    make_site_tree();
    CHECK(setenv("HOME", dir, 1) == 0);
    cache = PyRT_SysPathCache_New();
    CHECK(cache != NULL);
    step("parent");
    step("parent again");
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        step("child");
        step("child again");
        shell("mkdir %s/py/extra-child && echo ../../../extra-child > %s/py/lib/python3.14/site-packages/child.pth");
        step("child's .pth file");
        fflush(stdout);
        PyRT_SysPathCache_Free(cache);
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    step("parent after the child");
    step("parent again");
    PyRT_SysPathCache_Free(cache);
    remove_tree();
    return 0;
}

/* Two threads using one cache: each call gives the answer or says the
 * cache is in use; the answers are the same. */
static int busy, answered;
static Py_ssize_t expected_length = -1;
static void *hammer(void *arg) {
    (void)arg;
    char prog[256];
    snprintf(prog, sizeof prog, "%s/py/bin/python3", dir);
    for (int i = 0; i < 100; i++) {
        PyConfig c;
        PyConfig_InitIsolatedConfig(&c);
        CHECK_OK(PyConfig_SetBytesString(&c, &c.program_name, prog));
        PyWideStringList path = {0, NULL};
        PyStatus st = PyRT_SysPathCache_Compute(cache, &c, PYRT_SITE_LAYOUT_UPSTREAM, 0, &path);
        if (PyStatus_Exception(st)) {
            CHECK(strcmp(st.err_msg, "cache in use by another thread") == 0);
            __atomic_add_fetch(&busy, 1, __ATOMIC_RELAXED);
        } else {
            CHECK(path.length == expected_length);
            __atomic_add_fetch(&answered, 1, __ATOMIC_RELAXED);
        }
        free_list(&path);
        PyConfig_Clear(&c);
    }
    return NULL;
}

static int sys_path_cache_threads(void) {
    make_site_tree();
    CHECK(setenv("HOME", dir, 1) == 0);
    cache = PyRT_SysPathCache_New();
    CHECK(cache != NULL);
    char *argv[] = {"python3", "-I", "-c", "pass"};
    PyWideStringList path = {0, NULL};
    sys_path_list(cache, PYRT_SITE_LAYOUT_UPSTREAM, 0, 4, argv, &path);
    expected_length = path.length;
    free_list(&path);
    pthread_t t[2];
    for (int i = 0; i < 2; i++) CHECK(pthread_create(&t[i], NULL, hammer, NULL) == 0);
    for (int i = 0; i < 2; i++) CHECK(pthread_join(t[i], NULL) == 0);
    printf("calls: %d, entries: %d\n", busy + answered, (int)expected_length);
    CHECK(answered > 0);
    PyRT_SysPathCache_Free(cache);
    remove_tree();
    return 0;
}

/* The cache's errors; a failing startup is kept too (same status, same
 * report on stderr). */
static int sys_path_cache_errors(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    PyWideStringList path = {0, NULL};
    print_status("NULL cache", PyRT_SysPathCache_Compute(NULL, &c, 0, 0, &path));
    PyRT_SysPathCache *k = PyRT_SysPathCache_New();
    CHECK(k != NULL);
    print_status("NULL config", PyRT_SysPathCache_Compute(k, NULL, 0, 0, &path));
    print_status("NULL list", PyRT_SysPathCache_Compute(k, &c, 0, 0, NULL));
    print_status("layout 3", PyRT_SysPathCache_Compute(k, &c, 3, 0, &path));
    printf("hits of NULL: %lu\n", (unsigned long)PyRT_SysPathCache_Hits(NULL));
    PyRT_SysPathCache_Free(NULL);
    PyConfig_Clear(&c);
    CHECK(setenv("HOME", "/", 1) == 0);
    for (int i = 0; i < 2; i++) {
        PyConfig_InitIsolatedConfig(&c);
        CHECK_OK(PyConfig_SetString(&c, &c.home, L"/nonexistent-pyrt"));
        CHECK_OK(PyConfig_SetString(&c, &c.program_name, L"/nonexistent-pyrt/bin/python3"));
        PyStatus st = PyRT_SysPathCache_Compute(k, &c, PYRT_SITE_LAYOUT_UPSTREAM, 0, &path);
        printf("no standard library: %s (%s), hits %lu\n", st.func ? st.func : "-",
               st.err_msg ? st.err_msg : "-", (unsigned long)PyRT_SysPathCache_Hits(k));
        CHECK(path.length == 0);
        PyConfig_Clear(&c);
    }
    PyRT_SysPathCache_Free(k);
    return 0;
}

/* Errors: NULL arguments and an unknown layout. */
static int sys_path_errors(void) {
    PyConfig c;
    PyConfig_InitIsolatedConfig(&c);
    PyWideStringList path = {0, NULL};
    print_status("NULL config", PyRT_ComputeSysPath(NULL, 0, 0, &path));
    print_status("NULL list", PyRT_ComputeSysPath(&c, 0, 0, NULL));
    print_status("layout 3", PyRT_ComputeSysPath(&c, 3, 0, &path));
    CHECK(path.length == 0);
    PyConfig_Clear(&c);
    return 0;
}

static const struct test_case cases[] = {
    {"sys_path_layouts", sys_path_layouts},
    {"sys_path_errors", sys_path_errors},
    {"sys_path_cache", sys_path_cache},
    {"sys_path_cache_fork", sys_path_cache_fork},
    {"sys_path_cache_errors", sys_path_cache_errors},
    {"sys_path_cache_threads", sys_path_cache_threads},
    {"command_module_interactive", command_module_interactive},
    {"scripts", scripts},
    {"bad_arguments", bad_arguments},
    {"compute_without_init", compute_without_init},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
