/* Signal delivery: handlers run with the mask and flags sigaction asked for, blocked
 * signals wait (standard ones once, real-time ones each time, in order), sigsuspend, pause
 * and sigtimedwait wait for them, blocking calls end with EINTR or restart under
 * SA_RESTART (nanosleep with the time left), and sigaltstack moves handlers to their own
 * stack. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

static volatile sig_atomic_t count[65], last_signal, nested_depth, max_depth, raises_left;
static volatile int order_length;
static volatile int siginfo_ok;
static volatile sigset_t mask_in_handler;
static volatile uintptr_t handler_stack;

static void counting(int sig)
{
    count[sig]++;
    last_signal = sig;
    order_length++;
}

static void nesting(int sig)
{
    nested_depth++;
    if (nested_depth > max_depth)
        max_depth = nested_depth;
    if (raises_left > 0) {
        raises_left--;
        raise(sig);
    }
    nested_depth--;
}

static void with_info(int sig, siginfo_t *info, void *context)
{
    (void)context;
    siginfo_ok = sig == SIGUSR1 && info->si_signo == SIGUSR1 && info->si_code == SI_USER
                 && info->si_pid == getpid() && info->si_uid == getuid();
    sigprocmask(SIG_SETMASK, NULL, (sigset_t *)&mask_in_handler);
}

static void on_alternate(int sig)
{
    volatile char here;
    (void)sig;
    handler_stack = (uintptr_t)&here;
}

static void install(int sig, void (*handler)(int), int flags)
{
    struct sigaction action = { .sa_handler = handler, .sa_flags = flags };
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, NULL);
}

/* A child that sends `sig` to the parent after `milliseconds`; then, 50 ms later, `then`
 * (unless 0) and a byte down `fd` (unless -1); then exits. */
static pid_t signal_later_then(int sig, int milliseconds, int then, int fd)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        struct timespec delay = { milliseconds / 1000, (milliseconds % 1000) * 1000000L };
        nanosleep(&delay, NULL);
        kill(parent, sig);
        if (then == 0 && fd < 0)
            _exit(0);
        struct timespec pause = { 0, 50000000 };
        nanosleep(&pause, NULL);
        if (then != 0)
            kill(parent, then);
        if (fd >= 0 && write(fd, "x", 1) != 1)
            _exit(1);
        _exit(0);
    }
    return pid;
}

static pid_t signal_later(int sig, int milliseconds)
{
    return signal_later_then(sig, milliseconds, 0, -1);
}

static void reap(pid_t pid)
{
    int status;
    waitpid(pid, &status, 0);
}

static void handlers_and_siginfo(void)
{
    install(SIGUSR1, counting, 0);
    count[SIGUSR1] = 0;
    succeeds(kill(getpid(), SIGUSR1), "kill(self, SIGUSR1)");
    is(count[SIGUSR1], 1, "the handler ran before kill returned");
    raise(SIGUSR1);
    is(count[SIGUSR1], 2, "raise (tgkill) runs it again");

    struct sigaction action = { .sa_sigaction = with_info, .sa_flags = SA_SIGINFO };
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    sigaction(SIGUSR1, &action, NULL);
    kill(getpid(), SIGUSR1);
    ok(siginfo_ok, "SA_SIGINFO: si_signo, si_code SI_USER, si_pid and si_uid of the sender");
    ok(sigismember((sigset_t *)&mask_in_handler, SIGUSR1), "the signal is blocked in its own handler");
    ok(sigismember((sigset_t *)&mask_in_handler, SIGUSR2), "sa_mask is blocked in the handler");
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    ok(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "the mask is back after the handler");

    install(SIGUSR2, nesting, 0);
    max_depth = 0;
    raises_left = 2;
    raise(SIGUSR2);
    is(max_depth, 1, "without SA_NODEFER a raise in the handler waits for it to return");
    install(SIGUSR2, nesting, SA_NODEFER);
    max_depth = 0;
    raises_left = 2;
    raise(SIGUSR2);
    is(max_depth, 3, "SA_NODEFER: the handler nests");

    install(SIGUSR2, counting, SA_RESETHAND);
    count[SIGUSR2] = 0;
    raise(SIGUSR2);
    struct sigaction old;
    sigaction(SIGUSR2, NULL, &old);
    ok(count[SIGUSR2] == 1 && old.sa_handler == SIG_DFL, "SA_RESETHAND: the action is SIG_DFL after one delivery");

    install(SIGUSR2, SIG_IGN, 0);
    raise(SIGUSR2);
    ok(1, "an ignored signal is dropped");
}

static void masks_and_queues(void)
{
    install(SIGUSR1, counting, 0);
    install(SIGRTMIN, counting, 0);
    install(SIGRTMIN + 1, counting, 0);
    sigset_t block, pending;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGRTMIN);
    sigaddset(&block, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    count[SIGUSR1] = count[SIGRTMIN] = count[SIGRTMIN + 1] = 0;
    for (int i = 0; i < 3; i++) {
        raise(SIGUSR1);
        raise(SIGRTMIN + 1);
        raise(SIGRTMIN);
    }
    is(count[SIGUSR1] + count[SIGRTMIN], 0, "blocked signals are not delivered");
    sigpending(&pending);
    ok(sigismember(&pending, SIGUSR1) && sigismember(&pending, SIGRTMIN), "sigpending shows them");
    order_length = 0;
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    is(count[SIGUSR1], 1, "a standard signal sent three times while blocked is delivered once");
    is(count[SIGRTMIN], 3, "a real-time signal sent three times is delivered three times");
    is(count[SIGRTMIN + 1], 3, "so is a second one");
    is(order_length, 7, "seven handler runs in all");

    sigset_t kill_and_stop;
    sigemptyset(&kill_and_stop);
    sigaddset(&kill_and_stop, SIGKILL);
    sigaddset(&kill_and_stop, SIGSTOP);
    sigprocmask(SIG_BLOCK, &kill_and_stop, NULL);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    ok(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP), "SIGKILL and SIGSTOP cannot be blocked");
    struct sigaction action = { .sa_handler = counting };
    fails_with(sigaction(SIGKILL, &action, NULL), EINVAL, "SIGKILL cannot be caught");
    fails_with(sigaction(SIGSTOP, &action, NULL), EINVAL, "SIGSTOP cannot be caught");

    /* Ignoring a pending signal discards it. */
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    install(SIGUSR1, SIG_IGN, 0);
    sigpending(&pending);
    ok(!sigismember(&pending, SIGUSR1), "setting SIG_IGN discards the pending signal");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
}

static void waiting_for_signals(void)
{
    install(SIGUSR1, counting, 0);
    sigset_t block, old, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    count[SIGUSR1] = 0;
    pid_t child = signal_later(SIGUSR1, 50);
    sigemptyset(&wait_mask);
    fails_with(sigsuspend(&wait_mask), EINTR, "sigsuspend returns EINTR after the handler");
    is(count[SIGUSR1], 1, "sigsuspend's temporary mask let SIGUSR1 in");
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    ok(sigismember(&now, SIGUSR1), "sigsuspend puts the old mask back");
    reap(child);

    /* sigtimedwait takes a blocked signal without running its handler. */
    raise(SIGUSR1);
    siginfo_t info;
    struct timespec zero = { 0, 0 };
    is(sigtimedwait(&block, &info, &zero), SIGUSR1, "sigtimedwait takes a pending signal");
    ok(info.si_signo == SIGUSR1 && info.si_code == SI_TKILL && info.si_pid == getpid(),
       "with its siginfo (raise is tgkill: SI_TKILL)");
    is(count[SIGUSR1], 1, "and the handler did not run");
    fails_with(sigtimedwait(&block, &info, &zero), EAGAIN, "nothing pending and no time: EAGAIN");
    struct timespec short_wait = { 0, 20000000 };
    fails_with(sigtimedwait(&block, &info, &short_wait), EAGAIN, "nothing comes in 20 ms: EAGAIN");
    child = signal_later(SIGUSR1, 30);
    is(sigwaitinfo(&block, &info), SIGUSR1, "sigwaitinfo sleeps until the signal comes");
    is(info.si_pid, child, "si_pid is the sender");
    reap(child);
    sigprocmask(SIG_SETMASK, &old, NULL);

    child = signal_later(SIGUSR1, 30);
    fails_with(pause(), EINTR, "pause returns EINTR after a handler");
    reap(child);
}

static void interrupted_calls(void)
{
    int fds[2];
    char byte;
    if (!opened_pipe(fds, "interrupted read"))
        return;
    install(SIGUSR1, counting, 0);
    pid_t child = signal_later(SIGUSR1, 50);
    fails_with(read(fds[0], &byte, 1), EINTR, "a pipe read interrupted by a handler: EINTR");
    reap(child);

    install(SIGUSR1, counting, SA_RESTART);
    count[SIGUSR1] = 0;
    child = signal_later_then(SIGUSR1, 50, 0, fds[1]);
    is(read(fds[0], &byte, 1), 1, "with SA_RESTART the read restarts and gets the byte");
    is(count[SIGUSR1], 1, "after the handler ran");
    reap(child);

    /* A signal with no handler (ignored by default) restarts the call unseen. */
    install(SIGCHLD, SIG_DFL, 0);
    child = signal_later_then(SIGWINCH, 50, 0, fds[1]);
    is(read(fds[0], &byte, 1), 1, "a signal ignored by default does not interrupt a read");
    reap(child);
    close(fds[0]);
    close(fds[1]);

    install(SIGUSR1, counting, 0);
    child = signal_later(SIGUSR1, 50);
    struct timespec request = { 2, 0 }, remaining = { 0, 0 };
    fails_with(nanosleep(&request, &remaining), EINTR, "nanosleep interrupted by a handler: EINTR");
    ok(remaining.tv_sec == 1 || (remaining.tv_sec == 2 && remaining.tv_nsec == 0) ? remaining.tv_sec == 1 : 0,
       "the time left is stored (%lld.%09ld s)", (long long)remaining.tv_sec, remaining.tv_nsec);
    reap(child);

    /* SIGSTOP and SIGCONT interrupt a sleep that then restarts with the time left. */
    child = signal_later_then(SIGSTOP, 30, SIGCONT, -1);
    struct timespec start, end, sleep_time = { 0, 200000000 };
    clock_gettime(CLOCK_MONOTONIC, &start);
    int slept = nanosleep(&sleep_time, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    long long elapsed = (end.tv_sec - start.tv_sec) * 1000000000LL + end.tv_nsec - start.tv_nsec;
    ok(slept == 0 && elapsed >= 200000000LL && elapsed < 1000000000LL,
       "stopped and continued, nanosleep restarts and sleeps its time (%lld ms)", elapsed / 1000000);
    reap(child);
}

static void alternate_stack(void)
{
    static char stack_area[65536];
    stack_t stack = { .ss_sp = stack_area, .ss_size = sizeof stack_area }, old;
    succeeds(sigaltstack(&stack, &old), "sigaltstack");
    install(SIGUSR2, on_alternate, SA_ONSTACK);
    raise(SIGUSR2);
    ok(handler_stack >= (uintptr_t)stack_area && handler_stack < (uintptr_t)stack_area + sizeof stack_area,
       "SA_ONSTACK runs the handler on the alternate stack");
    install(SIGUSR2, on_alternate, 0);
    raise(SIGUSR2);
    ok(!(handler_stack >= (uintptr_t)stack_area && handler_stack < (uintptr_t)stack_area + sizeof stack_area),
       "without SA_ONSTACK it runs on the usual stack");
    stack_t disable = { .ss_flags = SS_DISABLE };
    sigaltstack(&disable, NULL);
}

static void kill_targets(void)
{
    install(SIGUSR1, counting, 0);
    /* In a process group of its own, so the signals reach no one else. */
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        count[SIGUSR1] = 0;
        if (kill(0, SIGUSR1) != 0 || count[SIGUSR1] != 1)
            _exit(1);
        if (kill(-getpgrp(), SIGUSR1) != 0 || count[SIGUSR1] != 2)
            _exit(2);
        _exit(0);
    }
    exits_with(child, 0, "kill(0, sig) and kill(-pgrp, sig) reach the caller's own group");
    count[SIGUSR1] = 0;
    succeeds(kill(getpid(), 0), "signal 0 checks the target only");
    is(count[SIGUSR1], 0, "and sends nothing");
    fails_with(kill(getpid(), 65), EINVAL, "signal 65: EINVAL");
    succeeds(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), "tgkill(own tid)");
    is(count[SIGUSR1], 1, "delivers to that thread");
    fails_with(syscall(SYS_tgkill, getpid() + 100000, gettid(), SIGUSR1), ESRCH, "tgkill with the wrong tgid: ESRCH");
    if (getuid() != 0) {
        skip("not root", "kill of another user's process: EPERM");
        return;
    }
    child = fork();
    if (child == 0) {
        setuid(65534);
        int result = kill(1, SIGUSR1) == -1 && errno == EPERM;
        _exit(result ? 0 : 1);
    }
    exits_with(child, 0, "kill of another user's process as uid 65534: EPERM");
}

int main(void)
{
    handlers_and_siginfo();
    masks_and_queues();
    waiting_for_signals();
    interrupted_calls();
    alternate_stack();
    kill_targets();
    return tap_done();
}
