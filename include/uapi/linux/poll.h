/* Linux: struct pollfd in include/uapi/asm-generic/poll.h. 8 bytes. */
#ifndef _APUS_UAPI_POLL_H
#define _APUS_UAPI_POLL_H
#include "types.h"

/* One entry of poll's array; a negative descriptor is skipped. */
struct linux_pollfd {
    __s32 fd;
    __u16 events;
    __u16 revents;
} APUS_SWIFT_NAME(PollFd);

#endif
