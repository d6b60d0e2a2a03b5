/* What stat(2) and statx(2) report. Linux: struct stat in
 * arch/x86/include/uapi/asm/stat.h (the x86-64 branch) and struct statx in
 * include/uapi/linux/stat.h. */
#ifndef _APUS_UAPI_STAT_H
#define _APUS_UAPI_STAT_H
#include "time_types.h"

/* stat, fstat, lstat and newfstatat. 144 bytes. Linux's header spells each
 * time as two words (st_atime, st_atime_nsec); the pair is a timespec, which
 * is how POSIX names it (st_atim). */
struct linux_stat {
    __u64 st_dev;
    __u64 st_ino;
    __u64 st_nlink;
    __u32 st_mode;
    __u32 st_uid;
    __u32 st_gid;
    __u32 __pad0;
    __u64 st_rdev;
    __s64 st_size;
    __s64 st_blksize;
    __s64 st_blocks; /* 512-byte units, whatever the file system's block size */
    struct linux_timespec st_atim;
    struct linux_timespec st_mtim;
    struct linux_timespec st_ctim;
    __s64 __unused[3];
} APUS_SWIFT_NAME(Stat);

/* One statx time: unlike timespec, 32-bit nanoseconds and a reserved word. */
struct linux_statx_timestamp {
    __s64 tv_sec;
    __u32 tv_nsec;
    __s32 __reserved;
} APUS_SWIFT_NAME(StatxTimestamp);

/* The extensible stat: the caller asks for fields with a STATX_* mask and
 * stx_mask says which ones were filled. 256 bytes, the tail kept spare. */
struct linux_statx {
    __u32 stx_mask;
    __u32 stx_blksize;
    __u64 stx_attributes;
    __u32 stx_nlink;
    __u32 stx_uid;
    __u32 stx_gid;
    __u16 stx_mode; /* 16 bits, unlike st_mode: type and permissions fit */
    __u16 __spare0[1];
    __u64 stx_ino;
    __u64 stx_size;
    __u64 stx_blocks;
    __u64 stx_attributes_mask;
    struct linux_statx_timestamp stx_atime;
    struct linux_statx_timestamp stx_btime;
    struct linux_statx_timestamp stx_ctime;
    struct linux_statx_timestamp stx_mtime;
    /* Device numbers split in two, unlike st_dev's packed encoding. */
    __u32 stx_rdev_major;
    __u32 stx_rdev_minor;
    __u32 stx_dev_major;
    __u32 stx_dev_minor;
    __u64 stx_mnt_id;
    __u32 stx_dio_mem_align;
    __u32 stx_dio_offset_align;
    __u64 stx_subvol;
    __u32 stx_atomic_write_unit_min;
    __u32 stx_atomic_write_unit_max;
    __u32 stx_atomic_write_segments_max;
    __u32 stx_dio_read_offset_align;
    __u32 stx_atomic_write_unit_max_opt;
    __u32 __spare2[1];
    __u64 __spare3[8];
} APUS_SWIFT_NAME(Statx);

#endif
