/* Linux: siginfo_t in include/uapi/asm-generic/siginfo.h. 128 bytes. */
#ifndef _APUS_UAPI_SIGINFO_H
#define _APUS_UAPI_SIGINFO_H
#include "types.h"

/* Three ints, then a union whose member depends on the signal. It is laid
 * out flat as the kill and SIGCHLD members (pid, uid, then status and CPU
 * times); the other members Apus fills overlay these words and are views
 * in include/uapi/Signals.swift: a fault's si_addr is the 8 bytes of
 * si_pid and si_uid, a timer's si_tid and si_overrun sit where si_pid and
 * si_uid do, and sigqueue's and a timer's si_value is the 8 bytes at
 * si_status. The rest of the union's 112 bytes stay zero. */
struct linux_siginfo {
    __s32 si_signo;
    __s32 si_errno;
    __s32 si_code;
    __s32 __pad0;    /* the union is 8-byte aligned */
    __s32 si_pid;
    __u32 si_uid;
    __s32 si_status; /* SIGCHLD: exit code, or the signal that ended or stopped it */
    __s32 __pad1;
    __s64 si_utime;  /* SIGCHLD: the child's CPU time, in clock ticks */
    __s64 si_stime;
    __s32 __pad2[20];
} APUS_SWIFT_NAME(Siginfo);

#endif
