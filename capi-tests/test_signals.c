/* test_signals: signal handlers installed at initialization, interrupts,
 * PyOS_getsig/PyOS_setsig and the fork hooks. */
#include "harness.h"

#include <signal.h>
#include <sys/wait.h>

static void init_flavour(int python) {
    PyConfig c;
    if (python) PyConfig_InitPythonConfig(&c);
    else PyConfig_InitIsolatedConfig(&c);
    const char *home = getenv("PYRT_TEST_HOME");
    CHECK_OK(PyConfig_SetBytesString(&c, &c.home, home ? home : "/nonexistent"));
    c.parse_argv = 0;
    CHECK_OK(Py_InitializeFromConfig(&c));
    PyConfig_Clear(&c);
}

static const char *kind(PyOS_sighandler_t h) {
    if (h == SIG_DFL) return "default";
    if (h == SIG_IGN) return "ignore";
    if (h == SIG_ERR) return "error";
    return "handler";
}

static void show(const char *when) {
    printf("%s: SIGINT %s, SIGPIPE %s, SIGXFSZ %s\n", when, kind(PyOS_getsig(SIGINT)),
           kind(PyOS_getsig(SIGPIPE)), kind(PyOS_getsig(SIGXFSZ)));
}

static int handlers_python_config(void) {
    show("before");
    init_flavour(1);
    show("initialized");
    Py_FinalizeEx();
    show("finalized");
    return 0;
}

static int handlers_isolated_config(void) {
    init_flavour(0);
    show("initialized");
    Py_FinalizeEx();
    show("finalized");
    return 0;
}

static int handlers_initialize_ex0(void) {
    setenv("PYTHONHOME", getenv("PYRT_TEST_HOME") ? getenv("PYRT_TEST_HOME") : "/x", 1);
    Py_InitializeEx(0);
    show("Py_InitializeEx(0)");
    Py_Finalize();
    return 0;
}

static void my_handler(int sig) { (void)sig; }

static int getsig_setsig(void) {
    PyOS_sighandler_t old = PyOS_setsig(SIGUSR1, my_handler);
    printf("old SIGUSR1 %s\n", kind(old));
    printf("now %s, is mine %d\n", kind(PyOS_getsig(SIGUSR1)), PyOS_getsig(SIGUSR1) == my_handler);
    printf("restore returns mine %d\n", PyOS_setsig(SIGUSR1, SIG_DFL) == my_handler);
    printf("invalid signal: %s\n", kind(PyOS_setsig(-5, my_handler)));
    return 0;
}

static int interrupt_flag(void) {
    init_flavour(1);
    printf("occurred: %d\n", PyOS_InterruptOccurred());
    raise(SIGINT);
    printf("after raise: %d, again %d\n", PyOS_InterruptOccurred(), PyOS_InterruptOccurred());
    PyErr_SetInterrupt();
    printf("after PyErr_SetInterrupt: %d\n", PyOS_InterruptOccurred());
    printf("SetInterruptEx(0) %d, (SIGINT) %d, (9999) %d\n", PyErr_SetInterruptEx(0),
           PyErr_SetInterruptEx(SIGINT), PyErr_SetInterruptEx(9999));
    printf("occurred: %d\n", PyOS_InterruptOccurred());
    printf("CheckSignals with nothing pending: %d\n", PyErr_CheckSignals());
    Py_FinalizeEx();
    return 0;
}

static int check_signals_interrupt(void) {
    init_flavour(1);
    PyErr_SetInterrupt();
    printf("CheckSignals after an interrupt: %d\n", PyErr_CheckSignals());
    printf("again: %d\n", PyErr_CheckSignals());
    printf("occurred: %d\n", PyOS_InterruptOccurred());
    return 0;
}

static int fork_child_usable(void) {
    init_flavour(0);
    fflush(stdout);
    PyOS_BeforeFork();
    pid_t pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        printf("child: initialized %d, tstate %s\n", Py_IsInitialized(),
               PyThreadState_GetUnchecked() ? "set" : "NULL");
        printf("child: finalize %d\n", Py_FinalizeEx());
        fflush(stdout);
        _exit(3);
    }
    PyOS_AfterFork_Parent();
    int status = 0;
    waitpid(pid, &status, 0);
    printf("parent: child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("parent: finalize %d\n", Py_FinalizeEx());
    return 0;
}

static const struct test_case cases[] = {
    {"handlers_python_config", handlers_python_config},
    {"handlers_isolated_config", handlers_isolated_config},
    {"handlers_initialize_ex0", handlers_initialize_ex0},
    {"getsig_setsig", getsig_setsig},
    {"interrupt_flag", interrupt_flag},
    {"check_signals_interrupt", check_signals_interrupt},
    {"fork_child_usable", fork_child_usable},
    {NULL, NULL},
};

HARNESS_MAIN(cases)
