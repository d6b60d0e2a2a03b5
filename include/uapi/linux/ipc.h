/* Linux: struct ipc64_perm in include/uapi/asm-generic/ipcbuf.h, the owner
 * and permissions of a System V message queue, semaphore set or shared
 * memory segment. 48 bytes on x86-64. */
#ifndef _APUS_UAPI_IPC_H
#define _APUS_UAPI_IPC_H
#include "types.h"

struct linux_ipc64_perm {
    __s32 key;  /* __kernel_key_t: what msgget/semget/shmget named it by */
    __u32 uid;  /* owner */
    __u32 gid;
    __u32 cuid; /* creator */
    __u32 cgid;
    __u32 mode; /* the low nine bits are rwx for owner, group, others */
    __u16 seq;  /* sequence number of the slot's use */
    __u16 __pad2;
    __u32 __pad3; /* named, so it is zero in every copy */
    __u64 __unused1;
    __u64 __unused2;
} APUS_SWIFT_NAME(IPC64Perm);

#endif
