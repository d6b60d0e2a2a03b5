/* Linux: struct inotify_event in include/uapi/linux/inotify.h, 16 bytes,
 * followed in a read's buffer by `len` bytes of NUL-padded name. */
#ifndef _APUS_UAPI_INOTIFY_H
#define _APUS_UAPI_INOTIFY_H
#include "types.h"

/* One event's fixed part; the name (Linux's flexible `name[]`) follows it. */
struct linux_inotify_event {
    __s32 wd;
    __u32 mask;
    __u32 cookie;
    __u32 len;
} APUS_SWIFT_NAME(InotifyEvent);

#endif
