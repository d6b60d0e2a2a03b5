/* Times in seconds and a fraction. Linux: include/uapi/linux/time_types.h. */
#ifndef _APUS_UAPI_TIME_TYPES_H
#define _APUS_UAPI_TIME_TYPES_H
#include "types.h"

/* clock_gettime, nanosleep, utimensat and the three times of struct stat.
 * 0...999999999 nanoseconds in a valid time; utimensat also takes its
 * UTIME_NOW and UTIME_OMIT markers there. */
struct linux_timespec {
    __s64 tv_sec;
    __s64 tv_nsec;
} APUS_SWIFT_NAME(Timespec);

/* gettimeofday, select, setitimer and the CPU times of struct rusage. */
struct linux_old_timeval {
    __s64 tv_sec;
    __s64 tv_usec;
} APUS_SWIFT_NAME(Timeval);

/* timer_settime, timer_gettime, timerfd_settime, timerfd_gettime: the
 * period (0 for a one-shot timer) and the time to the next expiry (0:
 * disarmed), or with TIMER_ABSTIME/TFD_TIMER_ABSTIME the absolute time of it. */
struct linux_itimerspec {
    struct linux_timespec it_interval;
    struct linux_timespec it_value;
} APUS_SWIFT_NAME(Itimerspec);

/* getitimer and setitimer: the same pair in microseconds. */
struct linux_old_itimerval {
    struct linux_old_timeval it_interval;
    struct linux_old_timeval it_value;
} APUS_SWIFT_NAME(Itimerval);

#endif
