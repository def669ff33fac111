/* misuse: the thread-state misuses of issue #17, each run in a child
 * process with PYRT_CHECKS=1 (which CPython ignores), bounded by a
 * timeout. `make check-misuse` builds this one source against CPython 3.14
 * and against pyrt and prints what each does: "hang", "crash (signal N)",
 * "silence", or the first line of a fatal error. It requires pyrt's
 * answer to be its fatal error, and shows CPython's next to it. */
#define _GNU_SOURCE
#include "harness.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static PyThreadState *target;

static void init(void) {
    if (PyStatus_Exception(init_isolated_status())) exit(90);
}

static void *restore_target(void *arg) {
    (void)arg;
    PyEval_RestoreThread(target);
    return NULL;
}

static void *finalize_here(void *arg) {
    (void)arg;
    Py_FinalizeEx();
    return NULL;
}

static void *clear_target(void *arg) {
    (void)arg;
    PyThreadState_Clear(target);
    return NULL;
}

static void elsewhere(void *(*fn)(void *)) {
    pthread_t t;
    pthread_create(&t, NULL, fn, NULL);
    pthread_join(t, NULL);
}

static void restore_attached_elsewhere(void) {
    init();
    target = PyThreadState_Get();
    elsewhere(restore_target);
}

static void finalize_without_thread_state(void) {
    init();
    elsewhere(finalize_here);
}

static void delete_after_end_interpreter(void) {
    init();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    PyThreadState *extra = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    PyThreadState_Delete(extra);
}

static void clear_attached_elsewhere(void) {
    init();
    target = PyThreadState_Get();
    elsewhere(clear_target);
}

static void restore_from_before_finalize(void) {
    init();
    PyThreadState *old = PyThreadState_Get();
    Py_FinalizeEx();
    init();
    PyEval_SaveThread();
    PyEval_RestoreThread(old);
}

static void save_without_thread_state(void) {
    init();
    PyEval_SaveThread();
    PyEval_SaveThread();
}

static void release_not_current(void) {
    init();
    PyThreadState *other = PyThreadState_New(PyThreadState_GetInterpreter(PyThreadState_Get()));
    PyEval_ReleaseThread(other);
}


static void new_tstate_on_ended_interpreter(void) {
    init();
    PyThreadState *main_t = PyThreadState_Get();
    PyThreadState *sub = Py_NewInterpreter();
    PyInterpreterState *ended = PyThreadState_GetInterpreter(sub);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    PyThreadState_New(ended);
}

static volatile int sub_ready;

static void *run_subinterpreter(void *arg) {
    (void)arg;
    PyGILState_STATE g = PyGILState_Ensure();
    (void)g;
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    Py_NewInterpreterFromConfig(&sub, &cfg);
    sub_ready = 1;
    for (;;) pause();
    return NULL;
}

static void finalize_while_subinterpreter_runs(void) {
    init();
    PyThreadState *main_t = PyEval_SaveThread();
    pthread_t t;
    pthread_create(&t, NULL, run_subinterpreter, NULL);
    while (!sub_ready) usleep(1000);
    PyEval_RestoreThread(main_t);
    Py_FinalizeEx();
}

static PyThreadState *waiter_tstate;
static volatile int waiter_calling;

static void *restore_waiter(void *arg) {
    (void)arg;
    waiter_calling = 1;
    PyEval_RestoreThread(waiter_tstate);
    return NULL;
}

static void wait_on_ended_interpreter(void) {
    init();
    PyThreadState *main_t = PyThreadState_Get();
    PyInterpreterConfig cfg = own_gil_config();
    PyThreadState *sub = NULL;
    Py_NewInterpreterFromConfig(&sub, &cfg);
    waiter_tstate = PyThreadState_New(PyThreadState_GetInterpreter(sub));
    pthread_t th;
    pthread_create(&th, NULL, restore_waiter, NULL);
    while (!waiter_calling) usleep(1000);
    usleep(200 * 1000);
    Py_EndInterpreter(sub);
    PyThreadState_Swap(main_t);
    pthread_join(th, NULL);
}

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"wait_on_ended_interpreter", wait_on_ended_interpreter},
    {"new_tstate_on_ended_interpreter", new_tstate_on_ended_interpreter},
    {"finalize_while_subinterpreter_runs", finalize_while_subinterpreter_runs},
    {"save_without_thread_state", save_without_thread_state},
    {"release_not_current", release_not_current},
    {"restore_attached_elsewhere", restore_attached_elsewhere},
    {"finalize_without_thread_state", finalize_without_thread_state},
    {"delete_after_end_interpreter", delete_after_end_interpreter},
    {"clear_attached_elsewhere", clear_attached_elsewhere},
    {"restore_from_before_finalize", restore_from_before_finalize},
};

/* Runs one case in a child (stderr to a pipe) and describes what happened. */
static void run(const char *name, void (*fn)(void), int timeout_s) {
    int fds[2];
    if (pipe(fds) != 0) exit(91);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        setenv("PYRT_CHECKS", "1", 1);
        fn();
        _exit(0);
    }
    close(fds[1]);
    int status = 0, done = 0;
    for (int i = 0; i < timeout_s * 100 && !done; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid) done = 1;
        else {
            struct timespec t = {0, 10 * 1000 * 1000};
            nanosleep(&t, NULL);
        }
    }
    if (!done) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    char err[4096] = "";
    ssize_t n = read(fds[0], err, sizeof err - 1);
    err[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    char *nl = strchr(err, '\n');
    if (nl) *nl = '\0';
    if (!done) printf("%s: hang (killed after %d s)\n", name, timeout_s);
    else if (!strncmp(err, "Fatal Python error: ", 20)) printf("%s: %s\n", name, err);
    else if (WIFSIGNALED(status)) printf("%s: crash (signal %d)\n", name, WTERMSIG(status));
    else printf("%s: silence (exit %d)\n", name, WEXITSTATUS(status));
}

int main(int argc, char **argv) {
    int timeout_s = argc > 1 ? atoi(argv[1]) : 3;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run(cases[i].name, cases[i].fn, timeout_s);
    return 0;
}
