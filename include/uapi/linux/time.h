/* Linux: struct timezone in include/uapi/linux/time.h. */
#ifndef _APUS_UAPI_TIME_H
#define _APUS_UAPI_TIME_H
#include "types.h"

/* The time zone gettimeofday and settimeofday carry, a relic nothing but
 * the kernel's FAT and RTC code uses. */
struct linux_timezone {
    __s32 tz_minuteswest; /* minutes west of Greenwich */
    __s32 tz_dsttime;     /* type of daylight-saving correction */
} APUS_SWIFT_NAME(Timezone);

#endif
