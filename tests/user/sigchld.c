/* SIGCHLD: a parent learns of each child's end with a siginfo (CLD_EXITED, CLD_KILLED);
 * ignoring SIGCHLD or SA_NOCLDWAIT reaps children at once, so wait finds none (ECHILD);
 * a core-default signal kills with its number (and the core bit, when a core was dumped). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include "tap.h"

static volatile sig_atomic_t chld_count, chld_code, chld_status, chld_pid;

static void on_chld(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    chld_count++;
    chld_code = info->si_code;
    chld_status = info->si_status;
    chld_pid = info->si_pid;
}

static void install(int flags, void (*handler)(int, siginfo_t *, void *), void (*simple)(int))
{
    struct sigaction action = { .sa_flags = flags };
    if (handler) {
        action.sa_sigaction = handler;
        action.sa_flags |= SA_SIGINFO;
    } else {
        action.sa_handler = simple;
    }
    sigemptyset(&action.sa_mask);
    sigaction(SIGCHLD, &action, NULL);
}

/* Blocks SIGCHLD, runs `body` in a child, and waits for the signal with sigsuspend. */
static pid_t child_then_sigchld(void (*body)(void))
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    chld_count = 0;
    pid_t pid = fork();
    if (pid == 0) {
        body();
        _exit(7);
    }
    while (chld_count == 0)
        sigsuspend(&old);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return pid;
}

static void exit_seven(void) { _exit(7); }

static void kill_self(void) { kill(getpid(), SIGTERM); }

static void segfault(void)
{
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
    *(volatile int *)bad_pointer(8) = 1;
}

int main(void)
{
    install(0, on_chld, NULL);
    pid_t pid = child_then_sigchld(exit_seven);
    ok(chld_code == CLD_EXITED && chld_status == 7 && chld_pid == pid,
       "SIGCHLD for an exit: CLD_EXITED, si_status 7, si_pid of the child (code %d status %d)",
       (int)chld_code, (int)chld_status);
    exits_with(pid, 7, "the child is then a zombie for wait");

    pid = child_then_sigchld(kill_self);
    ok(chld_code == CLD_KILLED && chld_status == SIGTERM, "SIGCHLD for SIGTERM: CLD_KILLED, si_status SIGTERM");
    killed_by(pid, SIGTERM, "wait reports the signal");

    pid = child_then_sigchld(segfault);
    ok((chld_code == CLD_KILLED || chld_code == CLD_DUMPED) && chld_status == SIGSEGV,
       "SIGCHLD for a segfault: CLD_KILLED or CLD_DUMPED, si_status SIGSEGV");
    int status = 0;
    waitpid(pid, &status, 0);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "wait: killed by SIGSEGV");
    ok(!!WCOREDUMP(status) == (chld_code == CLD_DUMPED), "the core bit agrees with CLD_DUMPED");

    /* Auto-reaping. */
    install(0, NULL, SIG_IGN);
    pid = fork();
    if (pid == 0)
        _exit(0);
    errno = 0;
    pid_t waited = waitpid(pid, &status, 0);
    ok(waited == -1 && errno == ECHILD, "SIGCHLD ignored: the child leaves no zombie, waitpid fails with ECHILD");

    install(SA_NOCLDWAIT, on_chld, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    chld_count = 0;
    pid = fork();
    if (pid == 0)
        _exit(0);
    errno = 0;
    waited = waitpid(pid, &status, 0);
    ok(waited == -1 && errno == ECHILD, "SA_NOCLDWAIT: no zombie either, ECHILD");
    sigprocmask(SIG_SETMASK, &old, NULL);
    is(chld_count, 1, "SA_NOCLDWAIT with a handler still sends SIGCHLD");

    /* The default action for SIGCHLD is to ignore it, but still leave zombies. */
    install(0, NULL, SIG_DFL);
    pid = fork();
    if (pid == 0)
        _exit(3);
    exits_with(pid, 3, "SIG_DFL: the child is a zombie until waited for");
    return tap_done();
}
