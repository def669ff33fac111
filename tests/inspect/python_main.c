/* The `python` program of the reference CPython 3.14: Py_BytesMain, as
 * Programs/python.c. tests/inspect/diff.py builds it against the reference
 * and copies or links it into each tree. */
#include <Python.h>

int main(int argc, char **argv) {
    return Py_BytesMain(argc, argv);
}
