/* test_locale: Py_DecodeLocale and Py_EncodeLocale in the C locale, in a
 * UTF-8 locale and in UTF-8 mode, with undecodable and unencodable input.
 *
 * CPython 3.14 allocates Py_EncodeLocale's result with PyMem_Malloc, which
 * crashes before initialization unless the allocator is plain malloc, so every
 * case pre-initializes with allocator = PYMEM_ALLOCATOR_MALLOC. */
#include "harness.h"

#include <locale.h>

static void preinit(int utf8_mode) {
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC;
    pre.utf8_mode = utf8_mode;
    CHECK_OK(Py_PreInitialize(&pre));
}

static void decode(const char *label, const char *arg) {
    size_t size = 12345;
    wchar_t *w = Py_DecodeLocale(arg, &size);
    printf("decode %-10s ", label);
    if (!w) {
        printf("NULL size=%zd\n", (Py_ssize_t)size);
        return;
    }
    printf("size=%zu units:", size);
    for (size_t i = 0; w[i]; i++) printf(" %04lx", (unsigned long)w[i]);
    putchar('\n');
    CHECK_EQ_INT(wcslen(w), size);
    PyMem_RawFree(w);
}

static void encode(const char *label, const wchar_t *text) {
    size_t pos = 12345;
    char *s = Py_EncodeLocale(text, &pos);
    printf("encode %-10s ", label);
    if (!s) {
        printf("NULL error_pos=%zd\n", (Py_ssize_t)pos);
        return;
    }
    printf("error_pos=%zd bytes:", (Py_ssize_t)pos);
    for (size_t i = 0; s[i]; i++) printf(" %02x", (unsigned)(unsigned char)s[i]);
    putchar('\n');
    PyMem_Free(s);
    s = Py_EncodeLocale(text, NULL); /* error_pos is optional */
    CHECK(s != NULL);
    PyMem_Free(s);
}

static void decode_all(void) {
    decode("ascii", "abc");
    decode("empty", "");
    decode("utf8", "caf\xc3\xa9 \xe2\x82\xac");
    decode("invalid", "a\xff" "b");
    decode("high", "\x80");
    decode("truncated", "x\xe2\x82");
    decode("surrogate", "\xed\xa0\x80");
    decode("overlong", "\xc0\xaf");
    decode("beyond", "\xf4\x90\x80\x80");
    decode("astral", "\xf0\x9f\x98\x80");
}

static void encode_all(void) {
    static const wchar_t escaped[] = {L'a', 0xdc80, 0xdcff, 0};
    static const wchar_t lone_low[] = {0xdc7f, 0};
    static const wchar_t lone_high[] = {L'x', 0xd800, 0};
    static const wchar_t too_big[] = {L'x', L'y', 0x110000, 0};
    encode("ascii", L"abc");
    encode("empty", L"");
    encode("latin1", L"caf\u00e9");
    encode("euro", L"\u20ac!");
    encode("astral", L"\U0001F600");
    encode("escaped", escaped);
    encode("lone_low", lone_low);
    encode("lone_high", lone_high);
    encode("too_big", too_big);
}

static int c_locale(void) {
    preinit(0);
    decode_all();
    encode_all();
    return 0;
}

static int utf8_locale(void) {
    preinit(0);
    CHECK(setlocale(LC_CTYPE, "C.UTF-8") != NULL);
    decode_all();
    encode_all();
    return 0;
}

static int utf8_mode(void) {
    preinit(1);
    decode_all();
    encode_all();
    return 0;
}

static int decode_size_optional(void) {
    wchar_t *w = Py_DecodeLocale("plain", NULL);
    CHECK(w != NULL);
    CHECK(wcscmp(w, L"plain") == 0);
    PyMem_RawFree(w);
    return 0;
}

static int utf8_mode_from_env(void) {
    /* A Python pre-config reads PYTHONUTF8. */
    setenv("PYTHONUTF8", "1", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC;
    CHECK_OK(Py_PreInitialize(&pre));
    decode("utf8", "caf\xc3\xa9");
    return 0;
}

static int bad_utf8_env(void) {
    setenv("PYTHONUTF8", "yes", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    print_status("PYTHONUTF8=yes", Py_PreInitialize(&pre));
    return 0;
}

static int bad_utf8_xoption(void) {
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    char *argv[] = {"prog", "-X", "utf8=2", NULL};
    print_status("-X utf8=2", Py_PreInitializeFromBytesArgs(&pre, 3, argv));
    return 0;
}

static int bad_pythonmalloc(void) {
    setenv("PYTHONMALLOC", "nosuch", 1);
    PyPreConfig pre;
    PyPreConfig_InitPythonConfig(&pre);
    print_status("PYTHONMALLOC=nosuch", Py_PreInitialize(&pre));
    return 0;
}

static const struct test_case cases[] = {
    {"c_locale", c_locale},
    {"utf8_locale", utf8_locale},
    {"utf8_mode", utf8_mode},
    {"decode_size_optional", decode_size_optional},
    {"utf8_mode_from_env", utf8_mode_from_env},
    {"bad_utf8_env", bad_utf8_env},
    {"bad_utf8_xoption", bad_utf8_xoption},
    {"bad_pythonmalloc", bad_pythonmalloc},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
