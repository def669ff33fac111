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

/* Platform facts and helpers (pyport.h), with CPython's values on Linux
 * x86_64. */
#define HAVE_LONG_LONG 1
#define PY_LONG_LONG long long
#define PY_LLONG_MIN LLONG_MIN
#define PY_LLONG_MAX LLONG_MAX
#define PY_ULLONG_MAX ULLONG_MAX
#define PY_INT32_T int32_t
#define PY_UINT32_T uint32_t
#define PY_INT64_T int64_t
#define PY_UINT64_T uint64_t
#define PY_SIZE_MAX SIZE_MAX
#define PY_DWORD_MAX 4294967295U
#define PY_FORMAT_SIZE_T "z"
#define PYLONG_BITS_IN_DIGIT 30
#define PY_LITTLE_ENDIAN 1
#define PY_BIG_ENDIAN 0
#define SIZEOF_PY_HASH_T 8
#define SIZEOF_PY_UHASH_T 8
#define WITH_THREAD
#define Py_CAN_START_THREADS 1
#ifdef __cplusplus
#  define PY_CXX_CONST const
#else
#  define PY_CXX_CONST
#endif
#define Py_LL(x) x##LL
#define Py_ULL(x) Py_LL(x##U)
#define Py_MEMCPY memcpy
#define Py_VA_COPY va_copy
#define Py_FORCE_EXPANSION(X) X
#define Py_SAFE_DOWNCAST(VALUE, WIDE, NARROW) ((NARROW)(VALUE))
#define Py_ARITHMETIC_RIGHT_SHIFT(TYPE, I, J) ((I) >> (J))
#define Py_GCC_ATTRIBUTE(x) __attribute__(x)
#define Py_ALIGNED(x) __attribute__((aligned(x)))
#define Py_ALWAYS_INLINE __attribute__((always_inline))
#define Py_NO_INLINE __attribute__((noinline))
#define Py_DEPRECATED(VERSION_UNUSED) __attribute__((__deprecated__))

/* Small helpers (pymacro.h). */
#define Py_MIN(x, y) (((x) > (y)) ? (y) : (x))
#define Py_MAX(x, y) (((x) > (y)) ? (x) : (y))
#define Py_ABS(x) ((x) < 0 ? -(x) : (x))
#define Py_PYRT_STRINGIFY_(x) #x
#define Py_STRINGIFY(x) Py_PYRT_STRINGIFY_(x)
#define Py_MEMBER_SIZE(type, member) sizeof(((type *)0)->member)
#define Py_CHARMASK(c) ((unsigned char)((c) & 0xff))
#define Py_BUILD_ASSERT_EXPR(cond) (sizeof(char[1 - 2 * !(cond)]) - 1)
#define Py_BUILD_ASSERT(cond) do { (void)Py_BUILD_ASSERT_EXPR(cond); } while (0)
#define Py_UNREACHABLE() __builtin_unreachable()
#define PyDoc_VAR(name) static const char name[]
#define PyDoc_STR(str) str
#define PyDoc_STRVAR(name, str) PyDoc_VAR(name) = PyDoc_STR(str)
#define Py_PACK_FULL_VERSION(X, Y, Z, LEVEL, SERIAL) \
    ((((X) & 0xff) << 24) | (((Y) & 0xff) << 16) | (((Z) & 0xff) << 8) | \
     (((LEVEL) & 0xf) << 4) | ((SERIAL) & 0xf))
#define Py_PACK_VERSION(X, Y) Py_PACK_FULL_VERSION(X, Y, 0, 0, 0)

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

/* Integer types of pyport.h. */
typedef intptr_t Py_intptr_t;
typedef uintptr_t Py_uintptr_t;
typedef Py_ssize_t Py_hash_t;
typedef size_t Py_uhash_t;
typedef Py_ssize_t Py_ssize_clean_t;

/* Arrays in the mem domain (pymem.h): NULL instead of an overflowing size. */
#define PyMem_New(type, n) \
    (((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type)) ? NULL : (type *)PyMem_Malloc((n) * sizeof(type)))
#define PyMem_Resize(p, type, n) \
    ((p) = ((size_t)(n) > PY_SSIZE_T_MAX / sizeof(type)) ? NULL \
                                                        : (type *)PyMem_Realloc((p), (n) * sizeof(type)))
#define PyMem_Del(p) PyMem_Free((p))
#define PyMem_MALLOC(n) PyMem_Malloc((n))
#define PyMem_REALLOC(p, n) PyMem_Realloc((p), (n))
#define PyMem_FREE(p) PyMem_Free((p))
#define PyMem_NEW(type, n) PyMem_New(type, (n))
#define PyMem_RESIZE(p, type, n) PyMem_Resize((p), type, (n))
#define PyMem_DEL(p) PyMem_Free((p))

/* Sub-interpreter configurations (cpython/pylifecycle.h): isolated with its
 * own GIL, and the legacy settings of Py_NewInterpreter. */
#define _PyInterpreterConfig_INIT \
    {.use_main_obmalloc = 0, .allow_fork = 0, .allow_exec = 0, .allow_threads = 1, \
     .allow_daemon_threads = 0, .check_multi_interp_extensions = 1, \
     .gil = PyInterpreterConfig_OWN_GIL}
#define _PyInterpreterConfig_LEGACY_INIT \
    {.use_main_obmalloc = 1, .allow_fork = 1, .allow_exec = 1, .allow_threads = 1, \
     .allow_daemon_threads = 1, .check_multi_interp_extensions = 0, \
     .gil = PyInterpreterConfig_SHARED_GIL}

/* Trace events (cpython/pystate.h), the co_extra user limit (pystate.h) and
 * the FORMAT_VALUE flags (ceval.h): constants of the API. */
#define PyTrace_CALL 0
#define PyTrace_EXCEPTION 1
#define PyTrace_LINE 2
#define PyTrace_RETURN 3
#define PyTrace_C_CALL 4
#define PyTrace_C_EXCEPTION 5
#define PyTrace_C_RETURN 6
#define PyTrace_OPCODE 7
#define MAX_CO_EXTRA_USERS 255
#define FVC_MASK 0x3
#define FVC_NONE 0x0
#define FVC_STR 0x1
#define FVC_REPR 0x2
#define FVC_ASCII 0x3
#define FVS_MASK 0x4
#define FVS_HAVE_SPEC 0x4

/* Py_FatalError(msg) reports the calling function, as in CPython. */
#define Py_FatalError(message) _Py_FatalErrorFunc(__func__, (message))

#endif /* Py_PYTHON_H */
