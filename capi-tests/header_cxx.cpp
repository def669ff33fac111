// header_cxx.cpp: include/Python.h must compile as C++ with warnings as
// errors and give C linkage to every declaration. Built and run by make check.
#include <Python.h>

#include <cstdio>

int main() {
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    PyStatus status = PyConfig_SetString(&config, &config.home, L"/opt/python");
    if (PyStatus_Exception(status)) {
        std::printf("error: %s\n", status.err_msg);
        return 1;
    }
    static_assert(sizeof(PyConfig) == 456, "PyConfig layout");
    static_assert(PY_VERSION_HEX >= 0x030E0000, "3.14");
    std::printf("C++: home set, isolated=%d\n", config.isolated);
    PyConfig_Clear(&config);
    return 0;
}
