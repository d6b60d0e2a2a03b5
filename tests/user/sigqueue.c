/* sigqueue (rt_sigqueueinfo, rt_tgsigqueueinfo): real-time signals queue with their
 * values, in the order sent, up to RLIMIT_SIGPENDING (then EAGAIN); a program may claim
 * kill's si_code only when signalling itself (else EPERM). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include "tap.h"

static void block(int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static int take(int sig, siginfo_t *info)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    struct timespec zero = { 0, 0 };
    return sigtimedwait(&set, info, &zero);
}

/* The count is per user across the system: the child runs as uid 65534, which has nothing
 * else queued. */
static void queue_limit(void)
{
    if (getuid() != 0) {
        skip("not root", "RLIMIT_SIGPENDING");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (setuid(65534) != 0)
            _exit(7);
        block(SIGRTMIN);
        struct rlimit limit = { 4, 4 };
        if (setrlimit(RLIMIT_SIGPENDING, &limit) != 0)
            _exit(1);
        for (int i = 0; i < 4; i++)
            if (sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i }) != 0)
                _exit(2);
        if (sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 4 }) != -1 || errno != EAGAIN)
            _exit(3);
        /* kill does not fail over the limit; its instance only sets the pending bit,
         * already set, so it adds nothing to the queue. */
        if (kill(getpid(), SIGRTMIN) != 0)
            _exit(4);
        siginfo_t info;
        int taken = 0;
        while (take(SIGRTMIN, &info) == SIGRTMIN)
            taken++;
        if (taken != 4)
            _exit(10 + taken);
        /* The records are given back: the queue takes four again. */
        for (int i = 0; i < 4; i++)
            if (sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i }) != 0)
                _exit(6);
        _exit(0);
    }
    exits_with(pid, 0, "RLIMIT_SIGPENDING 4: four queued, the fifth EAGAIN, kill succeeds");
}

int main(void)
{
    block(SIGRTMIN);
    block(SIGRTMIN + 2);
    for (int i = 0; i < 3; i++)
        succeeds(sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 100 + i }), "sigqueue %d", i);
    siginfo_t info;
    for (int i = 0; i < 3; i++) {
        is(take(SIGRTMIN, &info), SIGRTMIN, "instance %d is pending", i);
        ok(info.si_code == SI_QUEUE && info.si_value.sival_int == 100 + i && info.si_pid == getpid()
               && info.si_uid == getuid(),
           "in order, with SI_QUEUE, its value, pid and uid (value %d)", info.si_value.sival_int);
    }
    fails_with(take(SIGRTMIN, &info), EAGAIN, "then the queue is empty");

    siginfo_t custom;
    memset(&custom, 0, sizeof custom);
    custom.si_code = SI_QUEUE;
    custom.si_value.sival_int = 77;
    succeeds(syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), SIGRTMIN + 2, &custom),
             "rt_tgsigqueueinfo to the calling thread");
    is(take(SIGRTMIN + 2, &info), SIGRTMIN + 2, "the signal is pending for the thread");
    is(info.si_value.sival_int, 77, "with the caller's value");

    custom.si_code = SI_USER;
    pid_t parent = getppid();
    fails_with(syscall(SYS_rt_sigqueueinfo, parent, SIGRTMIN, &custom), EPERM,
               "claiming SI_USER towards another process: EPERM");
    succeeds(syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, &custom), "claiming it towards itself is allowed");
    take(SIGRTMIN, &info);
    fails_with(sigqueue(getpid(), 65, (union sigval){ 0 }), EINVAL, "signal 65: EINVAL");
    queue_limit();
    return tap_done();
}
