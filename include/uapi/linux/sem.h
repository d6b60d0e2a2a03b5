/* Linux: struct semid64_ds (arch/x86/include/uapi/asm/sembuf.h, 104 bytes
 * on x86-64), struct sembuf and struct seminfo (include/uapi/linux/sem.h). */
#ifndef _APUS_UAPI_SEM_H
#define _APUS_UAPI_SEM_H
#include "ipc.h"

struct linux_semid64_ds {
    struct linux_ipc64_perm sem_perm;
    __s64 sem_otime; /* last semop, seconds since the epoch */
    __u64 __unused1;
    __s64 sem_ctime; /* last change */
    __u64 __unused2;
    __u64 sem_nsems; /* semaphores in the set */
    __u64 __unused3;
    __u64 __unused4;
} APUS_SWIFT_NAME(SemidDs);

/* One operation of semop: add sem_op to semaphore sem_num, or wait for it
 * to be 0 (sem_op 0); sem_flg holds IPC_NOWAIT and SEM_UNDO. */
struct linux_sembuf {
    __u16 sem_num;
    __s16 sem_op;
    __s16 sem_flg;
} APUS_SWIFT_NAME(Sembuf);

struct linux_seminfo {
    __s32 semmap;
    __s32 semmni;
    __s32 semmns;
    __s32 semmnu;
    __s32 semmsl;
    __s32 semopm;
    __s32 semume;
    __s32 semusz;
    __s32 semvmx;
    __s32 semaem;
} APUS_SWIFT_NAME(Seminfo);

#endif
