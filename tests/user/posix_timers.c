/* timer_create and friends, through the raw system calls (the kernel's timer IDs and struct
 * sigevent): SIGEV_NONE timers read back with timer_gettime, one-shot and periodic; absolute
 * times on CLOCK_REALTIME; SIGEV_SIGNAL leaving a blocked signal pending and ending a child by
 * its default action; SIGEV_THREAD_ID reaching one thread; timers on CLOCK_PROCESS_CPUTIME_ID
 * and CLOCK_THREAD_CPUTIME_ID that count CPU time, not sleep; overruns seen by
 * timer_getoverrun after sigtimedwait; fork and exec dropping timers; the errors. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include "tap.h"
#include "cpu_time.h"

/* The kernel's struct sigevent. */
struct ksigevent {
    union sigval value;
    int signo;
    int notify;
    int tid;
    int pad[11];
};

#define K_SIGEV_THREAD_ID 4

static long create(clockid_t clock, int notify, int signo, int tid, int value, int *id)
{
    struct ksigevent event = { .value.sival_int = value, .signo = signo, .notify = notify, .tid = tid };
    return syscall(SYS_timer_create, clock, &event, id);
}

static long set(int id, int flags, long long value_ns, long long interval_ns, struct itimerspec *old)
{
    struct itimerspec setting = {
        { interval_ns / 1000000000, interval_ns % 1000000000 },
        { value_ns / 1000000000, value_ns % 1000000000 },
    };
    return syscall(SYS_timer_settime, id, flags, &setting, old);
}

static long long left_ns(int id)
{
    struct itimerspec now;
    if (syscall(SYS_timer_gettime, id, &now) != 0)
        return -1;
    return now.it_value.tv_sec * 1000000000LL + now.it_value.tv_nsec;
}

static void delete(int id)
{
    syscall(SYS_timer_delete, id);
}

static void no_notification(void)
{
    int id = -1;
    ok(syscall(SYS_timer_create, CLOCK_MONOTONIC, 0, &id) == 0 && id >= 0, "timer_create(CLOCK_MONOTONIC, NULL)");
    is(left_ns(id), 0, "a new timer is disarmed");
    delete(id);

    ok(create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &id) == 0, "timer_create with SIGEV_NONE");
    struct itimerspec old = { { 9, 9 }, { 9, 9 } };
    ok(set(id, 0, 200 * MS, 0, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0,
       "timer_settime 200 ms; the old setting was disarmed");
    long long left = left_ns(id);
    ok(left > 0 && left <= 200 * MS, "timer_gettime: up to 200 ms left (%lld ms)", left / MS);
    sleep_ns(300 * MS);
    is(left_ns(id), 0, "after 300 ms the one-shot timer has expired");

    set(id, 0, 50 * MS, 100 * MS, 0);
    sleep_ns(300 * MS);
    struct itimerspec now;
    syscall(SYS_timer_gettime, id, &now);
    left = now.it_value.tv_sec * 1000000000LL + now.it_value.tv_nsec;
    ok(left > 0 && left <= 100 * MS && now.it_interval.tv_sec == 0 && now.it_interval.tv_nsec == 100 * MS,
       "a periodic SIGEV_NONE timer runs on: %lld ms to the next of its 100 ms periods", left / MS);
    ok(set(id, 0, 0, 0, &old) == 0 && old.it_interval.tv_nsec == 100 * MS, "disarming returns the old setting");
    delete(id);

    ok(create(CLOCK_REALTIME, SIGEV_NONE, 0, 0, 0, &id) == 0, "a SIGEV_NONE timer on CLOCK_REALTIME");
    long long wall = clock_ns(CLOCK_REALTIME);
    set(id, TIMER_ABSTIME, wall + 500 * MS, 0, 0);
    left = left_ns(id);
    ok(left > 0 && left <= 500 * MS, "TIMER_ABSTIME: now + 500 ms is up to 500 ms away (%lld ms)", left / MS);
    set(id, TIMER_ABSTIME, wall - 1000 * MS, 0, 0);
    is(left_ns(id), 0, "an absolute time in the past has expired at once");
    delete(id);
}

static void signals(void)
{
    int id;
    block(SIGUSR1, SIG_BLOCK);
    ok(create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0, 42, &id) == 0, "timer_create with SIGEV_SIGNAL, SIGUSR1");
    set(id, 0, 50 * MS, 0, 0);
    sleep_ns(300 * MS);
    ok(pending(SIGUSR1), "after it expired, the blocked SIGUSR1 is pending");
    is(left_ns(id), 0, "and the one-shot timer is disarmed");

    struct timespec no_wait = { 0, 0 };
    siginfo_t info;
    errno = 0;
    int taken = sigtimedwait(&(sigset_t){ 0 }, &info, &no_wait);
    if (taken == -1 && errno == ENOSYS) {
        skip("no sigtimedwait yet", "the overrun count of a periodic timer");
    } else {
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigtimedwait(&usr1, &info, &no_wait);       /* the one-shot's */
        set(id, 0, 10 * MS, 10 * MS, 0);
        sleep_ns(300 * MS);
        taken = sigtimedwait(&usr1, &info, &no_wait);
        int overrun = (int)syscall(SYS_timer_getoverrun, id);
        set(id, 0, 0, 0, 0);
        ok(taken == SIGUSR1 && overrun >= 5,
           "a 10 ms periodic timer whose signal waited 300 ms: one signal, %d overruns", overrun);
    }
    delete(id);
    discard(SIGUSR1);

    pid_t pid = fork();
    if (pid == 0) {
        create(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR2, 0, 0, &id);
        set(id, 0, 100 * MS, 0, 0);
        sleep_ns(60000 * MS);
        _exit(0);
    }
    killed_by(pid, SIGUSR2, "a timer's SIGUSR2 ends a sleeping child (default action)");
}

static int main_tid;
static volatile int thread_saw;

static void *thread_target(void *unused)
{
    (void)unused;
    int id;
    block(SIGUSR1, SIG_BLOCK);
    if (create(CLOCK_MONOTONIC, SIGEV_SIGNAL | K_SIGEV_THREAD_ID, SIGUSR1, gettid(), 0, &id) == 0) {
        set(id, 0, 50 * MS, 0, 0);
        sleep_ns(300 * MS);
        thread_saw = pending(SIGUSR1) ? 1 : 2;
        delete(id);
    }
    return 0;
}

static void thread_id(void)
{
    pthread_t thread;
    main_tid = gettid();
    block(SIGUSR1, SIG_BLOCK);
    pthread_create(&thread, 0, thread_target, 0);
    pthread_join(thread, 0);
    ok(thread_saw == 1, "SIGEV_THREAD_ID: the signal is pending for the thread named");
    ok(!pending(SIGUSR1), "and not for the main thread or the process");
    discard(SIGUSR1);

    int id;
    int parent = getppid();
    fails_with(create(CLOCK_MONOTONIC, SIGEV_SIGNAL | K_SIGEV_THREAD_ID, SIGUSR1, parent, 0, &id), EINVAL,
               "SIGEV_THREAD_ID naming another process's thread: EINVAL");
}

static void cpu_clocks(void)
{
    int id;
    block(SIGUSR1, SIG_BLOCK);
    ok(create(CLOCK_PROCESS_CPUTIME_ID, SIGEV_SIGNAL, SIGUSR1, 0, 0, &id) == 0,
       "a timer on CLOCK_PROCESS_CPUTIME_ID");
    set(id, 0, 100 * MS, 0, 0);
    sleep_ns(300 * MS);
    long long left = left_ns(id);
    ok(!pending(SIGUSR1) && left > 50 * MS, "a 300 ms sleep does not run it down (%lld ms left)", left / MS);
    spin_user(400 * MS);
    ok(pending(SIGUSR1), "100 ms of CPU time fires it");
    is(left_ns(id), 0, "and the one-shot timer is disarmed");
    delete(id);
    discard(SIGUSR1);

    pid_t pid = fork();
    if (pid == 0) {
        create(CLOCK_THREAD_CPUTIME_ID, SIGEV_SIGNAL, SIGUSR2, 0, 0, &id);
        set(id, 0, 100 * MS, 0, 0);
        spin_user(20000 * MS);
        _exit(0);
    }
    killed_by(pid, SIGUSR2, "a CLOCK_THREAD_CPUTIME_ID timer ends a spinning child");
}

static void fork_and_exec(const char *self)
{
    int id;
    create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &id);
    set(id, 0, 100000 * MS, 0, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(left_ns(id) == -1 && errno == EINVAL ? 0 : 1);
    exits_with(pid, 0, "a forked child has none of its parent's timers");
    pid = fork();
    if (pid == 0) {
        int own;
        create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &own);
        set(own, 0, 100000 * MS, 0, 0);
        char number[16];
        snprintf(number, sizeof number, "%d", own);
        char *argv[] = { (char *)self, "timer-gone", number, NULL };
        execve(self, argv, (char *[]){ NULL });
        _exit(127);
    }
    exits_with(pid, 0, "execve deletes the timers");
    delete(id);
}

static void errors(void)
{
    int id;
    fails_with(create(12345, SIGEV_NONE, 0, 0, 0, &id), EINVAL, "timer_create on no clock: EINVAL");
    fails_with(create(CLOCK_MONOTONIC_RAW, SIGEV_NONE, 0, 0, 0, &id), EOPNOTSUPP,
               "on CLOCK_MONOTONIC_RAW: EOPNOTSUPP");
    fails_with(create(CLOCK_MONOTONIC, 77, SIGUSR1, 0, 0, &id), EINVAL, "sigev_notify 77: EINVAL");
    fails_with(create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 0, 0, &id), EINVAL, "signal 0: EINVAL");
    fails_with(create(CLOCK_MONOTONIC, SIGEV_SIGNAL, 65, 0, 0, &id), EINVAL, "signal 65: EINVAL");
    fails_with(syscall(SYS_timer_create, CLOCK_MONOTONIC, 0, bad_pointer(16)), EFAULT,
               "timer_create to a bad address: EFAULT");
    create(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, 0, &id);
    struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
    fails_with(syscall(SYS_timer_settime, id, 0, &bad, 0), EINVAL, "timer_settime with 10^9 ns: EINVAL");
    fails_with(syscall(SYS_timer_settime, id, 0, 0, 0), EINVAL, "timer_settime with NULL: EINVAL");
    fails_with(syscall(SYS_timer_settime, id, 0, bad_pointer(16), 0), EFAULT, "timer_settime from a bad address");
    is(syscall(SYS_timer_getoverrun, id), 0, "timer_getoverrun of a timer that never fired: 0");
    ok(syscall(SYS_timer_delete, id) == 0, "timer_delete");
    fails_with(syscall(SYS_timer_delete, id), EINVAL, "timer_delete again: EINVAL");
    fails_with(syscall(SYS_timer_gettime, id, &bad), EINVAL, "timer_gettime of a deleted timer: EINVAL");
    fails_with(syscall(SYS_timer_getoverrun, id), EINVAL, "timer_getoverrun of a deleted timer: EINVAL");
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "timer-gone") == 0)
        return left_ns(atoi(argv[2])) == -1 && errno == EINVAL ? 0 : 1;
    no_notification();
    signals();
    thread_id();
    cpu_clocks();
    fork_and_exec(argv[0]);
    errors();
    return tap_done();
}
