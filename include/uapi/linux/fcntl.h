/* Linux: struct flock in include/uapi/asm-generic/fcntl.h (x86-64: off_t
 * and pid_t as 64 and 32 bits). 32 bytes. */
#ifndef _APUS_UAPI_FCNTL_H
#define _APUS_UAPI_FCNTL_H
#include "types.h"

/* A record lock as fcntl's F_GETLK/F_SETLK/F_SETLKW pass it. The padding
 * is named so that a value built in Swift carries zeros there, never
 * whatever the kernel stack held. */
struct linux_flock {
    __s16 l_type;
    __s16 l_whence; /* SEEK_SET, SEEK_CUR or SEEK_END: what l_start counts from */
    __u32 __pad0;
    __s64 l_start;
    __s64 l_len;    /* 0: to the end of the file, however far it grows */
    __s32 l_pid;    /* F_GETLK: the process holding a conflicting lock */
    __u32 __pad1;
} APUS_SWIFT_NAME(Flock);

#endif
