/* Allocation without bound (issue 9): a process that mallocs, grows its break or creates
 * threads until something gives gets its error (NULL, ENOMEM, EAGAIN) or is killed by the OOM
 * killer with SIGKILL, never the kernel; a `timeout -s KILL` started beside it still fires, and
 * fork, exec and a shell work afterwards. Under Apus the machine is small and nothing limits
 * the hogs, so the OOM killer is what stops them (the harness checks its log line); on a host
 * with more than 2 GiB each hog runs under a 1 GiB RLIMIT_AS, so that the check stays quick and
 * harmless there. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include "tap.h"

#define CHUNK (1 << 20)

static void bound_on_big_hosts(void)
{
    struct sysinfo info;
    if (sysinfo(&info) == 0 && (uint64_t)info.totalram * info.mem_unit > (2ull << 30)) {
        struct rlimit limit = { 1ull << 30, 1ull << 30 };
        setrlimit(RLIMIT_AS, &limit);
    }
}

/* Each hog exits 0 when it saw the failure it should, else non-zero. */
static int hog_malloc(void)
{
    for (;;) {
        char *chunk = malloc(CHUNK);
        if (!chunk)
            return errno == ENOMEM ? 0 : 2;
        memset(chunk, 0x5a, CHUNK);
    }
}

static int hog_brk(void)
{
    uintptr_t end = (uintptr_t)syscall(SYS_brk, 0);
    for (;;) {
        uintptr_t grown = (uintptr_t)syscall(SYS_brk, end + CHUNK);
        if (grown != end + CHUNK)
            return grown == end ? 0 : 3; /* brk(2) refuses by returning the old break */
        memset((void *)end, 0x5a, CHUNK);
        end = grown;
    }
}

/* Each thread blocks reading a pipe nobody writes to. */
static int never_written[2];

static void *sleeper(void *unused)
{
    char byte;
    (void)unused;
    while (read(never_written[0], &byte, 1) != 0)
        ;
    return NULL;
}

static int hog_threads(void)
{
    if (pipe(never_written) != 0)
        return 5;
    for (long made = 0;; made++) {
        pthread_t thread;
        int error = pthread_create(&thread, NULL, sleeper, NULL);
        if (error)
            return made > 0 && (error == EAGAIN || error == ENOMEM) ? 0 : 4;
    }
}

/* Runs `hog` in a child; it must end with its error or SIGKILL. */
static void contained(int (*hog)(void), const char *what)
{
    pid_t pid = fork();
    if (pid == 0) {
        bound_on_big_hosts();
        _exit(hog());
    }
    int status = 0;
    int waited = pid > 0 && waitpid(pid, &status, 0) == pid;
    if (!ok(waited, "%s: the hog runs", what))
        return;
    ok((WIFEXITED(status) && WEXITSTATUS(status) == 0) || (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL),
       "%s: ends with its error or the OOM killer's SIGKILL (%s)", what, wait_status_text(status));
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(void)
{
    /* busybox timeout execs the command in its own process and kills it from a child. */
    double started = now();
    pid_t bystander = fork();
    if (bystander == 0) {
        execlp("timeout", "timeout", "-s", "KILL", "2", "sleep", "1000", (char *)NULL);
        _exit(127);
    }

    contained(hog_malloc, "malloc until NULL");
    contained(hog_brk, "brk until ENOMEM");
    contained(hog_threads, "pthread_create until it fails");

    int status = 0;
    int waited = bystander > 0 && waitpid(bystander, &status, 0) == bystander;
    ok(waited && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
       "timeout -s KILL 2 beside the hogs kills its command (%s)", wait_status_text(status));
    ok(now() - started >= 1.9, "... when its 2 s are up, not earlier (by the OOM killer)");

    pid_t shell = fork();
    if (shell == 0) {
        execlp("sh", "sh", "-c", "exit 42", (char *)NULL);
        _exit(127);
    }
    exits_with(shell, 42, "afterwards a shell still forks, execs and exits");
    return tap_done();
}
