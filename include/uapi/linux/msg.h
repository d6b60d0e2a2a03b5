/* Linux: struct msqid64_ds (arch/x86/include/uapi/asm/msgbuf.h, 120 bytes
 * on x86-64) and struct msginfo (include/uapi/linux/msg.h, 32 bytes). */
#ifndef _APUS_UAPI_MSG_H
#define _APUS_UAPI_MSG_H
#include "ipc.h"

struct linux_msqid64_ds {
    struct linux_ipc64_perm msg_perm;
    __s64 msg_stime;  /* last msgsnd, seconds since the epoch */
    __s64 msg_rtime;  /* last msgrcv */
    __s64 msg_ctime;  /* last change */
    __u64 msg_cbytes; /* bytes on the queue */
    __u64 msg_qnum;   /* messages on the queue */
    __u64 msg_qbytes; /* the queue's byte limit */
    __s32 msg_lspid;  /* pid of the last msgsnd */
    __s32 msg_lrpid;  /* pid of the last msgrcv */
    __u64 __unused4;
    __u64 __unused5;
} APUS_SWIFT_NAME(MsqidDs);

struct linux_msginfo {
    __s32 msgpool;
    __s32 msgmap;
    __s32 msgmax;
    __s32 msgmnb;
    __s32 msgmni;
    __s32 msgssz;
    __s32 msgtql;
    __u16 msgseg;
    __u16 __pad;
} APUS_SWIFT_NAME(Msginfo);

#endif
