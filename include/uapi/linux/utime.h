/* Linux: struct utimbuf in include/uapi/linux/utime.h. */
#ifndef _APUS_UAPI_UTIME_H
#define _APUS_UAPI_UTIME_H
#include "types.h"

/* utime(2)'s two times, in whole seconds. */
struct linux_utimbuf {
    __s64 actime;
    __s64 modtime;
} APUS_SWIFT_NAME(Utimbuf);

#endif
