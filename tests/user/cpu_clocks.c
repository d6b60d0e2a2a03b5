/* The CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID advance while the
 * caller computes and stand still while it sleeps; clock_getcpuclockid and
 * pthread_getcpuclockid name another process's and another thread's clock; clock_getres;
 * the errors. No check depends on how fast the machine is: only on what runs and what sleeps. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include "tap.h"
#include "cpu_time.h"

static volatile int stop_spinning;
static volatile int thread_started;

static void *spinner(void *unused)
{
    (void)unused;
    thread_started = 1;
    spin_on(CLOCK_THREAD_CPUTIME_ID, 1000 * 1000 * MS, &stop_spinning);
    return 0;
}

/* Sleeps in read until the main thread writes: alive, and using no CPU, while it is measured. */
static int wake_sleeper[2];

static void *sleeper(void *unused)
{
    (void)unused;
    char byte;
    read(wake_sleeper[0], &byte, 1);
    return 0;
}

static void process_and_thread_clocks(void)
{
    long long thread = clock_ns(CLOCK_THREAD_CPUTIME_ID), process = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    if (!ok(process > 0 && thread > 0 && thread <= process,
            "both clocks have counted start-up, the thread's no more than the process's"))
        diag("thread %lld ns, then process %lld ns", thread, process);
    long long spun = spin_user(200 * MS);
    ok(spun >= 200 * MS, "a busy loop advances CLOCK_PROCESS_CPUTIME_ID (by %lld ms)", spun / MS);
    long long thread_after = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    ok(thread_after - thread >= 150 * MS, "and CLOCK_THREAD_CPUTIME_ID with it (by %lld ms)",
       (thread_after - thread) / MS);

    long long before = clock_ns(CLOCK_PROCESS_CPUTIME_ID), wall = clock_ns(CLOCK_MONOTONIC);
    sleep_ns(300 * MS);
    long long slept = clock_ns(CLOCK_MONOTONIC) - wall, used = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - before;
    ok(slept >= 300 * MS && used < 100 * MS,
       "a 300 ms sleep advances CLOCK_MONOTONIC by %lld ms but the CPU clock only by %lld ms",
       slept / MS, used / MS);
}

static void thread_clocks(void)
{
    pthread_t spin, sleep;
    clockid_t spin_clock, sleep_clock;
    if (!opened_pipe(wake_sleeper, "thread clocks"))
        return;
    if (!ok(pthread_create(&spin, 0, spinner, 0) == 0 && pthread_create(&sleep, 0, sleeper, 0) == 0,
            "start a spinning and a sleeping thread"))
        return;
    ok(pthread_getcpuclockid(spin, &spin_clock) == 0 && pthread_getcpuclockid(sleep, &sleep_clock) == 0,
       "pthread_getcpuclockid for both");
    while (!thread_started)
        sched_yield();
    long long mine = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    long long spin_start = clock_ns(spin_clock), sleep_start = clock_ns(sleep_clock);
    /* Wait, mostly asleep, until the spinner has computed 100 ms: however loaded the machine,
     * it gets there (the bound is on its CPU time, not on the wall clock). */
    long long spin_used = 0;
    for (int i = 0; i < 3000 && spin_used < 100 * MS; i++) {
        sleep_ns(10 * MS);
        spin_used = clock_ns(spin_clock) - spin_start;
    }
    ok(spin_used >= 100 * MS, "the spinning thread's clock advances while the main thread waits (%lld ms)",
       spin_used / MS);
    ok(clock_ns(CLOCK_THREAD_CPUTIME_ID) - mine < spin_used,
       "the waiting main thread's own clock advances less than the spinner's");
    long long sleep_used = clock_ns(sleep_clock) - sleep_start;
    ok(sleep_start >= 0 && sleep_used >= 0 && sleep_used < spin_used,
       "the sleeping thread's clock stands still meanwhile (%lld ms, then %lld ms more)", sleep_start / MS,
       sleep_used / MS);
    write(wake_sleeper[1], "", 1);
    pthread_join(sleep, 0);
    close(wake_sleeper[0]);
    close(wake_sleeper[1]);
    long long process = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    ok(process >= clock_ns(spin_clock), "the process clock includes the spinning thread's time");
    stop_spinning = 1;
    pthread_join(spin, 0);
    long long after = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    ok(after >= process, "the process clock keeps the time of a thread that has ended");
}

static void other_process_clock(void)
{
    int ready[2];
    if (!opened_pipe(ready, "another process's clock"))
        return;
    pid_t child = fork();
    if (child == 0) {
        spin_user(150 * MS);
        char byte = 1;
        write(ready[1], &byte, 1);
        int never[2];
        if (pipe(never) == 0)
            read(never[0], &byte, 1);   /* sleeps until killed: nobody writes */
        _exit(1);
    }
    clockid_t clock;
    ok(clock_getcpuclockid(child, &clock) == 0, "clock_getcpuclockid for a child");
    char byte;
    read(ready[0], &byte, 1);
    long long used = clock_ns(clock);
    ok(used >= 150 * MS, "its clock shows the CPU time it spent (%lld ms)", used / MS);
    sleep_ns(100 * MS);
    long long later = clock_ns(clock);
    ok(later >= used && later - used < 50 * MS, "and stands still while it sleeps in read()");
    clockid_t own;
    ok(clock_getcpuclockid(0, &own) == 0 && clock_ns(own) > 0, "clock_getcpuclockid(0) is the caller's");
    kill(child, SIGKILL);
    waitpid(child, 0, 0);
    close(ready[0]);
    close(ready[1]);
}

static void resolutions_and_errors(void)
{
    struct timespec resolution;
    ok(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &resolution) == 0 && resolution.tv_sec == 0
           && resolution.tv_nsec > 0 && resolution.tv_nsec <= 10 * MS,
       "clock_getres(CLOCK_PROCESS_CPUTIME_ID) is a positive fraction of a tick");
    ok(clock_getres(CLOCK_THREAD_CPUTIME_ID, &resolution) == 0 && resolution.tv_nsec > 0,
       "clock_getres(CLOCK_THREAD_CPUTIME_ID)");
    struct timespec value = { 1, 0 };
    fails_with(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &value), EINVAL,
               "CLOCK_PROCESS_CPUTIME_ID cannot be set (EINVAL)");
    clockid_t own;
    clock_getcpuclockid(0, &own);
    fails_with(clock_settime(own, &value), EPERM, "nor a process's clock by its ID (EPERM)");
    /* The clock ID of pid 0x0ffffff0, above any pid_max: ~pid << 3 | CPUCLOCK_SCHED. */
    clockid_t missing = (clockid_t)((~0x0ffffff0u << 3) | 2);
    fails_with(syscall(SYS_clock_gettime, missing, &value), EINVAL, "the clock of a missing process");
    fails_with(syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, bad_pointer(16)), EFAULT,
               "clock_gettime to a bad address");
}

int main(void)
{
    process_and_thread_clocks();
    thread_clocks();
    other_process_clock();
    resolutions_and_errors();
    return tap_done();
}
