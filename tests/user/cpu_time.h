/* Helpers for the CPU-time and timer tests (cpu_clocks, rusage, itimers, posix_timers): read a
 * clock in nanoseconds, burn CPU in user mode or in the kernel, and look at a timer's signal
 * without a handler (blocked and pending, then discarded). Every loop is bounded by wall-clock
 * time too, so a kernel whose CPU clocks stand still fails the check instead of hanging. */
#ifndef APUS_CPU_TIME_H
#define APUS_CPU_TIME_H

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL
/* The most wall-clock time a spin may take, for a slow emulator with other work on its CPU. */
#define SPIN_WALL_LIMIT (30 * 1000 * MS)

static inline long long clock_ns(clockid_t clock)
{
    struct timespec now;
    if (clock_gettime(clock, &now) != 0)
        return -1;
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static inline long long timeval_ns(struct timeval value)
{
    return value.tv_sec * 1000000000LL + value.tv_usec * 1000LL;
}

/* Spins in user mode until `clock` has advanced by `ns` (or the wall-clock limit passed, or
 * `stop` became non-zero); returns how far `clock` advanced. */
static inline long long spin_on(clockid_t clock, long long ns, volatile int *stop)
{
    long long start = clock_ns(clock), wall = clock_ns(CLOCK_MONOTONIC);
    volatile unsigned long sink = 0;
    while (clock_ns(clock) - start < ns && !(stop && *stop)) {
        for (int i = 0; i < 100000; i++)
            sink += (unsigned long)i * 7;
        if (clock_ns(CLOCK_MONOTONIC) - wall > SPIN_WALL_LIMIT)
            break;
    }
    return clock_ns(clock) - start;
}

static inline long long spin_user(long long ns)
{
    return spin_on(CLOCK_PROCESS_CPUTIME_ID, ns, 0);
}

/* Spends about `ns` of CPU time in the kernel: reads of /dev/zero, which clear the buffer in
 * the kernel. */
static inline void spin_kernel(long long ns)
{
    static char buffer[256 * 1024];
    int zero = open("/dev/zero", O_RDONLY);
    long long start = clock_ns(CLOCK_PROCESS_CPUTIME_ID), wall = clock_ns(CLOCK_MONOTONIC);
    while (zero >= 0 && clock_ns(CLOCK_PROCESS_CPUTIME_ID) - start < ns
           && clock_ns(CLOCK_MONOTONIC) - wall < SPIN_WALL_LIMIT)
        if (read(zero, buffer, sizeof buffer) < 0)
            break;
    if (zero >= 0)
        close(zero);
}

static inline void sleep_ns(long long ns)
{
    struct timespec length = { ns / 1000000000LL, ns % 1000000000LL };
    while (nanosleep(&length, &length) != 0)
        ;
}

/* Whether `sig` is pending for the calling thread or its process. */
static inline int pending(int sig)
{
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, sig);
}

/* Blocks (SIG_BLOCK) or unblocks (SIG_UNBLOCK) `sig` in the calling thread. */
static inline void block(int sig, int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(how, &set, 0);
}

/* Forgets a pending `sig` (setting the action to SIG_IGN discards it) and unblocks it. */
static inline void discard(int sig)
{
    signal(sig, SIG_IGN);
    block(sig, SIG_UNBLOCK);
    signal(sig, SIG_DFL);
}

#endif
