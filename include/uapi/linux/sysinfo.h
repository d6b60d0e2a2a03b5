/* Linux: struct sysinfo in include/uapi/linux/sysinfo.h. 112 bytes on
 * x86-64; its trailing _f padding, sized for 32-bit machines, is empty. */
#ifndef _APUS_UAPI_SYSINFO_H
#define _APUS_UAPI_SYSINFO_H
#include "types.h"

struct linux_sysinfo {
    __s64 uptime;   /* seconds since boot */
    __u64 loads[3]; /* 1, 5 and 15 minute load averages, SI_LOAD_SHIFT fraction bits */
    /* Memory and swap in units of mem_unit bytes. */
    __u64 totalram;
    __u64 freeram;
    __u64 sharedram;
    __u64 bufferram;
    __u64 totalswap;
    __u64 freeswap;
    __u16 procs;
    __u16 pad;
    __u32 __pad1;   /* named, so it is zero in every copy */
    __u64 totalhigh;
    __u64 freehigh;
    __u32 mem_unit;
    __u32 __pad2;
} APUS_SWIFT_NAME(Sysinfo);

#endif
