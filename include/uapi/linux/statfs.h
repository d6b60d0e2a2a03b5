/* statfs(2) and fstatfs(2). Linux: include/uapi/asm-generic/statfs.h with
 * x86-64's 64-bit __statfs_word. 120 bytes. */
#ifndef _APUS_UAPI_STATFS_H
#define _APUS_UAPI_STATFS_H
#include "types.h"

/* Two words naming the file system instance (Linux: __kernel_fsid_t). */
struct linux_statfs_fsid {
    __s32 val[2];
};

struct linux_statfs {
    __s64 f_type;   /* the file system's magic number */
    __s64 f_bsize;  /* the optimal transfer size */
    /* Totals in f_frsize units; zero for file systems without a size. */
    __u64 f_blocks;
    __u64 f_bfree;
    __u64 f_bavail;
    __u64 f_files;
    __u64 f_ffree;
    struct linux_statfs_fsid f_fsid;
    __s64 f_namelen; /* the longest file name */
    __s64 f_frsize;  /* the fragment size, what the block counts count */
    __s64 f_flags;   /* mount flags, ST_* */
    __s64 f_spare[4];
} APUS_SWIFT_NAME(Statfs);

#endif
