/* Linux: struct tms in include/uapi/linux/times.h. */
#ifndef _APUS_UAPI_TIMES_H
#define _APUS_UAPI_TIMES_H
#include "types.h"

/* What times(2) reports: CPU time of the process and of its waited-for
 * children, in ticks of USER_HZ. */
struct linux_tms {
    __s64 tms_utime;
    __s64 tms_stime;
    __s64 tms_cutime;
    __s64 tms_cstime;
} APUS_SWIFT_NAME(Tms);

#endif
