/* header_std.c: include/Python.h compiles with -std=c99, c11 and c2x,
 * warnings as errors (make check builds and runs it under each). */
#include <Python.h>

int main(void) {
    PyPreConfig pre;
    PyConfig config;
    PyStatus status;
    PyPreConfig_InitIsolatedConfig(&pre);
    PyConfig_InitIsolatedConfig(&config);
    status = PyConfig_SetString(&config, &config.home, L"/opt/python");
    if (PyStatus_Exception(status)) return 1;
    printf("%s: isolated=%d allocator=%d\n", PY_VERSION, config.isolated, pre.allocator);
    PyConfig_Clear(&config);
    return 0;
}
