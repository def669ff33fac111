/* Python.h for pyrt: lets unchanged embedder source that uses CPython 3.14's
 * lifecycle API compile against libpyrt. Hand-written; the declarations
 * themselves live in the generated pyrt.h. */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

/* The feature-test macros CPython's pyconfig.h defines on Linux, so that
 * system headers expose the same declarations to the embedder. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif
#ifndef _LARGEFILE_SOURCE
#define _LARGEFILE_SOURCE 1
#endif

/* Version (patchlevel.h). */
#define PY_RELEASE_LEVEL_ALPHA 0xA
#define PY_RELEASE_LEVEL_BETA 0xB
#define PY_RELEASE_LEVEL_GAMMA 0xC
#define PY_RELEASE_LEVEL_FINAL 0xF
#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 14
#define PY_MICRO_VERSION 10
#define PY_RELEASE_LEVEL PY_RELEASE_LEVEL_FINAL
#define PY_RELEASE_SERIAL 0
#define PY_VERSION "3.14.10"
#define PY_VERSION_HEX 0x030E0AF0

/* The standard headers CPython's Python.h includes for embedders. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <wchar.h>

/* Declaration helpers (exports.h / pyport.h). */
#ifdef __cplusplus
#  define PyAPI_FUNC(RTYPE) extern "C" RTYPE
#  define PyAPI_DATA(RTYPE) extern "C" RTYPE
#else
#  define PyAPI_FUNC(RTYPE) extern RTYPE
#  define PyAPI_DATA(RTYPE) extern RTYPE
#endif
#define PyMODINIT_FUNC PyAPI_FUNC(PyObject *)
#define Py_LOCAL(type) static type
#define Py_LOCAL_INLINE(type) static inline type
#define Py_UNUSED(name) _unused_ ## name __attribute__((unused))
#define Py_ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))
#define PY_SSIZE_T_MAX ((Py_ssize_t)(((size_t)-1) >> 1))
#define PY_SSIZE_T_MIN (-PY_SSIZE_T_MAX - 1)

#include <pthread.h>

#include "pyrt.h"

/* Threads and locks (pythread.h, cpython/pythread.h). */
#define PY_TIMEOUT_T long long
#define PYTHREAD_INVALID_THREAD_ID ((unsigned long)-1)
#define PY_HAVE_THREAD_NATIVE_ID
#define Py_tss_NEEDS_INIT {0}

/* Releasing the GIL around blocking C code (ceval.h): the thread state is
 * kept in `_save` between the two halves, which must be in one block. */
#define Py_BEGIN_ALLOW_THREADS { PyThreadState *_save; _save = PyEval_SaveThread();
#define Py_BLOCK_THREADS PyEval_RestoreThread(_save);
#define Py_UNBLOCK_THREADS _save = PyEval_SaveThread();
#define Py_END_ALLOW_THREADS PyEval_RestoreThread(_save); }

/* The current thread state (pystate.h). */
#define PyThreadState_GET() PyThreadState_Get()

/* Py_FatalError(msg) reports the calling function, as in CPython. */
#define Py_FatalError(message) _Py_FatalErrorFunc(__func__, (message))

#endif /* Py_PYTHON_H */
