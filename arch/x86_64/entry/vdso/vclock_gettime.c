/*
 * clock_gettime, gettimeofday, time and clock_getres without entering the
 * kernel (Linux: arch/x86/entry/vdso/vclock_gettime.c and lib/vdso/gettimeofday.c).
 * They compute exactly what the system calls return (kernel/time/Clock.swift
 * and Timekeeping.swift) from the TSC and the [vvar] page; what they cannot
 * answer — CPU-time clocks, invalid clock IDs, an uncalibrated TSC — goes
 * to the system call, which also reports the errors.
 */
#include "vdso.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_TAI 11

#define NSEC_PER_SEC 1000000000L

struct timespec { long tv_sec; long tv_nsec; };
struct timeval { long tv_sec; long tv_usec; };
struct timezone { int tz_minuteswest; int tz_dsttime; };

/* RDTSC after the loads before it (Linux: rdtsc_ordered). */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t low, high;
    __asm__ volatile("lfence; rdtsc" : "=a"(low), "=d"(high) :: "memory");
    return (uint64_t)high << 32 | low;
}

/*
 * One consistent reading of the clock: CLOCK_MONOTONIC and the realtime
 * offset at the same instant (Linux: the vdso_read_begin/retry loop of
 * do_hres). Returns 0 when the TSC may not be used.
 */
static int read_clock(int64_t *monotonic, int64_t *realtime_offset, int64_t *tick_ns)
{
    const volatile struct vdso_data *vd = &vvar_data;
    uint32_t seq;
    do {
        while ((seq = vd->seq) & 1)
            __builtin_ia32_pause();
        barrier();
        if (vd->clock_mode != VDSO_CLOCKMODE_TSC)
            return 0;
        uint64_t ticks = rdtsc_ordered() - vd->cycle_last;
        *monotonic = (int64_t)(uint64_t)(((unsigned __int128)ticks * vd->mult) >> vd->shift);
        *realtime_offset = vd->realtime_offset;
        *tick_ns = vd->tick_ns;
        barrier();
    } while (vd->seq != seq);
    return 1;
}

/* The clock's value in ns, as Timekeeping.read; 0 when the vDSO cannot say. */
static int clock_ns(long clock, int64_t *ns)
{
    int64_t monotonic, offset, tick;
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_TAI: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW:
    case CLOCK_BOOTTIME: case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE:
        break;
    default:
        return 0;
    }
    if (!read_clock(&monotonic, &offset, &tick))
        return 0;
    if (clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE)
        monotonic -= monotonic % tick;
    if (clock == CLOCK_REALTIME || clock == CLOCK_TAI || clock == CLOCK_REALTIME_COARSE)
        monotonic += offset;
    *ns = monotonic;
    return 1;
}

/* Whole seconds and a never negative rest (Linux: ns_to_timespec64). */
static void split_ns(int64_t ns, long *seconds, long *rest)
{
    *seconds = ns / NSEC_PER_SEC;
    *rest = ns % NSEC_PER_SEC;
    if (*rest < 0) {
        *rest += NSEC_PER_SEC;
        *seconds -= 1;
    }
}

int __vdso_clock_gettime(long clock, struct timespec *ts)
{
    int64_t ns;
    if (!clock_ns(clock, &ns))
        return vdso_syscall2(__NR_clock_gettime, clock, (long)ts);
    split_ns(ns, &ts->tv_sec, &ts->tv_nsec);
    return 0;
}
int clock_gettime(long, struct timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));

int __vdso_gettimeofday(struct timeval *tv, struct timezone *tz)
{
    int64_t ns;
    if (tv) {
        if (!clock_ns(CLOCK_REALTIME, &ns))
            return vdso_syscall2(__NR_gettimeofday, (long)tv, (long)tz);
        split_ns(ns, &tv->tv_sec, &tv->tv_usec);
        tv->tv_usec /= 1000;
    }
    if (tz) {
        tz->tz_minuteswest = vvar_data.tz_minuteswest;
        tz->tz_dsttime = vvar_data.tz_dsttime;
    }
    return 0;
}
int gettimeofday(struct timeval *, struct timezone *) __attribute__((weak, alias("__vdso_gettimeofday")));

/* Seconds truncated toward zero, as the system call's. */
long __vdso_time(long *t)
{
    int64_t ns;
    if (!clock_ns(CLOCK_REALTIME, &ns))
        return vdso_syscall2(__NR_time, (long)t, 0);
    long seconds = ns / NSEC_PER_SEC;
    if (t)
        *t = seconds;
    return seconds;
}
long time(long *) __attribute__((weak, alias("__vdso_time")));

int __vdso_clock_getres(long clock, struct timespec *res)
{
    int64_t ns, resolution;
    if (!clock_ns(clock, &ns))
        return vdso_syscall2(__NR_clock_getres, clock, (long)res);
    resolution = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE ? vvar_data.tick_ns : 1;
    if (res)
        split_ns(resolution, &res->tv_sec, &res->tv_nsec);
    return 0;
}
int clock_getres(long, struct timespec *) __attribute__((weak, alias("__vdso_clock_getres")));
