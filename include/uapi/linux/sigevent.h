/* Linux: struct sigevent (sigevent_t) in include/uapi/asm-generic/siginfo.h. 64 bytes. */
#ifndef _APUS_UAPI_SIGEVENT_H
#define _APUS_UAPI_SIGEVENT_H
#include "types.h"

/* How timer_create's timer notifies its process: which signal, with which
 * value in si_value, and (SIGEV_THREAD_ID) to which thread. The union's
 * other member, SIGEV_THREAD's function and attributes, is the C
 * library's business: it arrives here as SIGEV_THREAD_ID. */
struct linux_sigevent {
    __u64 sigev_value;          /* union sigval: an int or a pointer */
    __s32 sigev_signo;
    __s32 sigev_notify;
    __s32 sigev_notify_thread_id; /* _sigev_un._tid */
    __s32 __pad[11];
} APUS_SWIFT_NAME(Sigevent);

#endif
