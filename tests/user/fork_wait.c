/* fork, exit and the wait family: status encoding, WNOHANG, ECHILD, waiting for one pid,
 * vfork, and orphans adopted by another process. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

static void exit_codes(void)
{
    static const int codes[] = { 0, 1, 42, 255 };
    for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(codes[i]);
        int status = -1;
        pid_t waited = waitpid(pid, &status, 0);
        ok(waited == pid && WIFEXITED(status) && !WIFSIGNALED(status) &&
           WEXITSTATUS(status) == codes[i],
           "_exit(%d): waitpid gives WIFEXITED and WEXITSTATUS %d", codes[i], codes[i]);
        if (waited != pid || !WIFEXITED(status) || WEXITSTATUS(status) != codes[i])
            diag("waitpid returned %d, child %s", (int)waited, wait_status_text(status));
        is(status, codes[i] << 8, "_exit(%d): the raw status is %#x", codes[i], codes[i] << 8);
    }
    pid_t pid = fork();
    if (pid == 0)
        exit(300);           /* only the low 8 bits survive */
    exits_with(pid, 300 & 0xff, "exit(300) is seen as 44");
}

static void child_sees_parent(void)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        _exit(getppid() == parent && getpid() != parent ? 0 : 1);
    ok(pid > 0 && pid != parent, "fork returns a new pid to the parent");
    exits_with(pid, 0, "the child's getppid() is the parent and its getpid() is new");
}

static void wnohang(void)
{
    int gate[2];
    if (!opened_pipe(gate, "wait4 WNOHANG"))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        char byte;
        close(gate[1]);
        _exit(read(gate[0], &byte, 1) == 0 ? 7 : 8);     /* blocks until the parent closes */
    }
    close(gate[0]);
    int status = 12345;
    struct rusage usage;
    pid_t r = wait4(pid, &status, WNOHANG, &usage);
    is(r, 0, "wait4(WNOHANG) returns 0 while the child runs");
    is(status, 12345, "wait4(WNOHANG) leaves the status alone when nothing exited");
    r = waitpid(-1, &status, WNOHANG);
    is(r, 0, "waitpid(-1, WNOHANG) returns 0 while the only child runs");
    close(gate[1]);
    exits_with(pid, 7, "the child sees EOF once the parent closes the pipe, then exits 7");
}

static void echild(void)
{
    int status;
    fails_with(wait(&status), ECHILD, "wait() without children is ECHILD");
    fails_with(waitpid(-1, &status, WNOHANG), ECHILD, "waitpid(-1, WNOHANG) without children is ECHILD");
    fails_with(waitpid(getpid(), &status, 0), ECHILD, "waitpid(own pid) is ECHILD");
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, &status, 0);
    fails_with(waitpid(pid, &status, 0), ECHILD, "waitpid for an already reaped child is ECHILD");
}

static void specific_pid(void)
{
    int gate[2];
    if (!opened_pipe(gate, "waitpid(pid)"))
        return;
    pid_t first = fork();
    if (first == 0)
        _exit(11);
    pid_t second = fork();
    if (second == 0) {
        char byte;
        close(gate[1]);
        read(gate[0], &byte, 1);
        _exit(22);
    }
    close(gate[0]);
    /* `first` may well be a zombie already; waiting for `second` must not collect it. */
    int status = 0;
    pid_t r = waitpid(second, &status, WNOHANG);
    is(r, 0, "waitpid(second, WNOHANG) is 0 while second runs, though first may have exited");
    close(gate[1]);
    exits_with(second, 22, "waitpid(second) returns second's status 22");
    exits_with(first, 11, "waitpid(first) afterwards returns first's status 11");
}

static void any_child(void)
{
    pid_t pids[3];
    for (int i = 0; i < 3; i++) {
        pids[i] = fork();
        if (pids[i] == 0)
            _exit(30 + i);
    }
    int seen = 0, good = 1;
    for (int n = 0; n < 3; n++) {
        int status;
        pid_t r = wait(&status);
        int found = 0;
        for (int i = 0; i < 3; i++) {
            if (r == pids[i] && !(seen & (1 << i)) && WIFEXITED(status) &&
                WEXITSTATUS(status) == 30 + i) {
                seen |= 1 << i;
                found = 1;
            }
        }
        if (!found) {
            diag("wait() returned %d, %s", (int)r, wait_status_text(status));
            good = 0;
        }
    }
    ok(good && seen == 7, "wait() collects three children, each once, with its own status");
}

static void vfork_child(void)
{
    pid_t pid = vfork();
    if (pid == 0)
        _exit(3);
    ok(pid > 0, "vfork returns a pid to the parent");
    exits_with(pid, 3, "a vfork child's _exit(3) is its status");
}

/* The grandchild outlives its parent and reports whom it was given to. */
static void orphans(void)
{
    int report[2];
    if (!opened_pipe(report, "orphan"))
        return;
    pid_t child = fork();
    if (child == 0) {
        pid_t parent = getpid();
        pid_t grandchild = fork();
        if (grandchild == 0) {
            for (int i = 0; i < 100000 && getppid() == parent; i++) {
                struct timespec pause = { 0, 1000000 };
                nanosleep(&pause, NULL);
            }
            pid_t ids[2] = { parent, getppid() };
            write(report[1], ids, sizeof ids);
            _exit(0);
        }
        _exit(grandchild > 0 ? 0 : 1);
    }
    close(report[1]);
    exits_with(child, 0, "a child that forked a grandchild exits");
    pid_t ids[2] = { 0, 0 };
    ssize_t n = read(report[0], ids, sizeof ids);
    close(report[0]);
    if (!ok(n == sizeof ids && ids[0] == child && ids[1] != child && ids[1] > 0,
            "the orphaned grandchild is adopted (its getppid() changes from its dead parent)"))
        diag("read %zd bytes: first parent %d (child was %d), then %d", n, (int)ids[0],
             (int)child, (int)ids[1]);
    else if (getpid() != 1 && ids[1] != 1)
        diag("adopted by %d, a subreaper (Linux adopts by pid 1 or the nearest subreaper)",
             (int)ids[1]);
}

int main(void)
{
    exit_codes();
    child_sees_parent();
    wnohang();
    echild();
    specific_pid();
    any_child();
    vfork_child();
    orphans();
    return tap_done();
}
