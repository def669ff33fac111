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

#include "misuse_cases.h"

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
    for (size_t i = 0; i < sizeof misuse_cases / sizeof misuse_cases[0]; i++)
        run(misuse_cases[i].name, misuse_cases[i].fn, timeout_s);
    return 0;
}
