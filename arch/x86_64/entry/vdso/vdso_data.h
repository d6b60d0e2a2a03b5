/*
 * The page the kernel shares read-only with the vDSO, mapped as [vvar] just
 * below it (Linux: include/vdso/datapage.h, struct vdso_data). The kernel
 * writes it (kernel/time/Vsyscall.swift, at the offsets checked below) when
 * the clock is calibrated and when CLOCK_REALTIME or the time zone is set;
 * CLOCK_MONOTONIC needs no updates: it is a function of the TSC alone.
 */
#ifndef APUS_VDSO_DATA_H
#define APUS_VDSO_DATA_H

#include <stddef.h>
#include <stdint.h>

/* clock_mode: whether the vDSO may read the TSC or must make the system call. */
#define VDSO_CLOCKMODE_NONE 0
#define VDSO_CLOCKMODE_TSC 1

struct vdso_data {
    uint32_t seq;               /* odd while the kernel writes; readers retry */
    uint32_t clock_mode;
    uint64_t cycle_last;        /* the TSC at CLOCK_MONOTONIC 0 */
    uint64_t mult;              /* ns = (tsc - cycle_last) * mult >> shift */
    uint32_t shift;
    uint32_t pad;
    int64_t realtime_offset;    /* CLOCK_REALTIME - CLOCK_MONOTONIC, ns (Linux: offs_real) */
    int64_t tick_ns;            /* the coarse clocks' resolution */
    int32_t tz_minuteswest;     /* settimeofday's time zone (Linux: sys_tz) */
    int32_t tz_dsttime;
};

_Static_assert(offsetof(struct vdso_data, seq) == 0, "VDSOData.seq");
_Static_assert(offsetof(struct vdso_data, clock_mode) == 4, "VDSOData.clockMode");
_Static_assert(offsetof(struct vdso_data, cycle_last) == 8, "VDSOData.cycleLast");
_Static_assert(offsetof(struct vdso_data, mult) == 16, "VDSOData.mult");
_Static_assert(offsetof(struct vdso_data, shift) == 24, "VDSOData.shift");
_Static_assert(offsetof(struct vdso_data, realtime_offset) == 32, "VDSOData.realtimeOffset");
_Static_assert(offsetof(struct vdso_data, tick_ns) == 40, "VDSOData.tickNanoseconds");
_Static_assert(offsetof(struct vdso_data, tz_minuteswest) == 48, "VDSOData.timezone");

#endif
