/* embed.c: a small embedder, written against CPython 3.14's API, that
 * prints what it configures. Build it against pyrt with `make demo`, or
 * against CPython with `cc embed.c $(python3.14-config --cflags --embed --libs)`. */
#include <Python.h>

static void show_status(const char *what, PyStatus status) {
    if (PyStatus_IsExit(status)) {
        printf("%-28s exit %d\n", what, status.exitcode);
    } else if (PyStatus_IsError(status)) {
        printf("%-28s error: %s\n", what, status.err_msg);
    } else {
        printf("%-28s ok\n", what);
    }
}

static void at_exit(void) {
    printf("%-28s initialized=%d finalizing=%d\n", "Py_AtExit callback", Py_IsInitialized(),
           Py_IsFinalizing());
}

static void show_wstr(const char *what, const wchar_t *value) {
    printf("%-28s ", what);
    if (!value) {
        puts("(unset)");
        return;
    }
    for (; *value; value++) {
        if (*value < 0x80) putchar((int)*value);
        else printf("\\u%04x", (unsigned)*value);
    }
    putchar('\n');
}

int main(int argc, char **argv) {
    printf("Python.h says %s (0x%08X)\n", PY_VERSION, (unsigned)PY_VERSION_HEX);

    /* Pre-initialization: UTF-8 mode on, the rest as `python3` would. */
    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    preconfig.utf8_mode = 1;
    show_status("Py_PreInitialize", Py_PreInitialize(&preconfig));

    /* An isolated configuration with a few members set. */
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    show_status("PyConfig_SetBytesString", PyConfig_SetBytesString(&config, &config.program_name, argv[0]));
    show_status("PyConfig_SetBytesArgv", PyConfig_SetBytesArgv(&config, argc, argv));
    wchar_t *warnings[] = {L"default", L"error::BytesWarning"};
    show_status("PyConfig_SetWideStringList",
                PyConfig_SetWideStringList(&config, &config.warnoptions, 2, warnings));

    show_wstr("program_name", config.program_name);
    printf("%-28s %zd item(s)\n", "argv", config.argv.length);
    for (Py_ssize_t i = 0; i < config.warnoptions.length; i++) show_wstr("warnoption", config.warnoptions.items[i]);
    printf("%-28s isolated=%d use_environment=%d safe_path=%d int_max_str_digits=%d\n", "flags",
           config.isolated, config.use_environment, config.safe_path, config.int_max_str_digits);

    /* Decode bytes that are not valid UTF-8: they become lone surrogates. */
    size_t len;
    wchar_t *wide = Py_DecodeLocale("caf\xc3\xa9 \xff", &len);
    printf("%-28s %zu characters, last U+%04X\n", "Py_DecodeLocale", len, (unsigned)wide[len - 1]);
    PyMem_RawFree(wide);

    /* An isolated config ignores PYTHONHOME, so pass it on explicitly (CPython
     * needs its standard library to start; pyrt records the value). */
    if (getenv("PYTHONHOME")) {
        show_status("home from PYTHONHOME",
                    PyConfig_SetBytesString(&config, &config.home, getenv("PYTHONHOME")));
    }

    /* Start the runtime with this configuration, look at it, stop it. */
    show_status("Py_InitializeFromConfig", Py_InitializeFromConfig(&config));
    PyConfig_Clear(&config);
    Py_AtExit(at_exit);
    extern const PyConfig *_Py_GetConfig(void);
    const PyConfig *running = _Py_GetConfig();
    printf("%-28s initialized=%d interpreter=%lld thread state=%llu\n", "running",
           Py_IsInitialized(), (long long)PyInterpreterState_GetID(PyInterpreterState_Get()),
           (unsigned long long)PyThreadState_GetID(PyThreadState_Get()));
    show_wstr("filesystem encoding", running->filesystem_encoding);
    printf("%-28s %d\n", "Py_FinalizeEx", Py_FinalizeEx());
    return 0;
}
