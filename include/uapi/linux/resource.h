/* Linux: struct rlimit and struct rusage in include/uapi/linux/resource.h. */
#ifndef _APUS_UAPI_RESOURCE_H
#define _APUS_UAPI_RESOURCE_H
#include "time_types.h"

/* The soft limit enforced now and the hard ceiling an unprivileged process
 * may raise it to. 16 bytes. */
struct linux_rlimit {
    __u64 rlim_cur;
    __u64 rlim_max;
} APUS_SWIFT_NAME(Rlimit);

/* What getrusage(2) and wait4(2) report. 144 bytes; Linux leaves several
 * counters zero. */
struct linux_rusage {
    struct linux_old_timeval ru_utime;
    struct linux_old_timeval ru_stime;
    __s64 ru_maxrss; /* peak resident set size, in kilobytes */
    __s64 ru_ixrss;
    __s64 ru_idrss;
    __s64 ru_isrss;
    __s64 ru_minflt; /* page faults served without I/O */
    __s64 ru_majflt; /* page faults that needed I/O */
    __s64 ru_nswap;
    __s64 ru_inblock;
    __s64 ru_oublock;
    __s64 ru_msgsnd;
    __s64 ru_msgrcv;
    __s64 ru_nsignals;
    __s64 ru_nvcsw;  /* context switches because the task blocked or yielded */
    __s64 ru_nivcsw; /* context switches because it was preempted */
} APUS_SWIFT_NAME(Rusage);

#endif
