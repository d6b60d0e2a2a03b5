/* Linux: struct epoll_event in include/uapi/linux/eventpoll.h. Packed on
 * x86-64 (EPOLL_PACKED), so 12 bytes with the data at offset 4. */
#ifndef _APUS_UAPI_EVENTPOLL_H
#define _APUS_UAPI_EVENTPOLL_H
#include "types.h"

/* One ready event as epoll_wait reports it, or one watch as epoll_ctl takes it. */
struct linux_epoll_event {
    __u32 events;
    __u64 data;
} __attribute__((packed)) APUS_SWIFT_NAME(EpollEvent);

#endif
