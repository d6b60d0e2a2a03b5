/* Linux: struct linux_dirent64, which getdents64(2) writes (the man page
 * defines it; the kernel's is in include/linux/dirent.h). */
#ifndef _APUS_UAPI_DIRENT_H
#define _APUS_UAPI_DIRENT_H
#include "types.h"

/* The fixed head of one variable-sized record. Linux ends it with
 * `char d_name[]`; that flexible array is left out here, because Swift
 * cannot copy a structure that has one, and the name is written after the
 * head instead: right behind d_type, then its NUL and zeros up to d_reclen,
 * a multiple of 8. */
struct linux_dirent64 {
    __u64 d_ino;
    __s64 d_off;     /* a cookie: lseek to it resumes after this entry */
    __u16 d_reclen;  /* the whole record's length: how user space steps on */
    __u8 d_type;
} APUS_SWIFT_NAME(LinuxDirent64);

/* Where d_name starts: 19, inside the head's tail padding. */
enum { LINUX_DIRENT64_NAME_OFFSET = __builtin_offsetof(struct linux_dirent64, d_type) + sizeof(__u8) };

#endif
