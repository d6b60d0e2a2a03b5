/* Linux: struct shmid64_ds (include/uapi/asm-generic/shmbuf.h, 112 bytes on
 * x86-64), struct shminfo64 and struct shm_info (include/uapi/linux/shm.h). */
#ifndef _APUS_UAPI_SHM_H
#define _APUS_UAPI_SHM_H
#include "ipc.h"

struct linux_shmid64_ds {
    struct linux_ipc64_perm shm_perm;
    __u64 shm_segsz;  /* size in bytes */
    __s64 shm_atime;  /* last shmat, seconds since the epoch */
    __s64 shm_dtime;  /* last shmdt */
    __s64 shm_ctime;  /* last change */
    __s32 shm_cpid;   /* creator's pid */
    __s32 shm_lpid;   /* pid of the last shmat or shmdt */
    __u64 shm_nattch; /* attachments */
    __u64 __unused4;
    __u64 __unused5;
} APUS_SWIFT_NAME(ShmidDs);

struct linux_shminfo64 {
    __u64 shmmax;
    __u64 shmmin;
    __u64 shmmni;
    __u64 shmseg;
    __u64 shmall;
    __u64 __unused1;
    __u64 __unused2;
    __u64 __unused3;
    __u64 __unused4;
} APUS_SWIFT_NAME(Shminfo64);

struct linux_shm_info {
    __s32 used_ids;
    __u32 __pad;
    __u64 shm_tot; /* pages in segments */
    __u64 shm_rss; /* pages in memory */
    __u64 shm_swp;
    __u64 swap_attempts;
    __u64 swap_successes;
} APUS_SWIFT_NAME(ShmInfo);

#endif
