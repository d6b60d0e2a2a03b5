/* Fixed-width integers as Linux's uapi headers name them (x86-64: long and
 * long long are both 64 bits; these use long long so Swift sees Int64), and
 * the attribute that gives each structure its Swift name.
 *
 * Every structure tag is Linux's name with a linux_ prefix (struct
 * linux_stat is Linux's struct stat): the C library and the system's own
 * Linux headers define many of the same names differently, the host tests
 * see those too, and two definitions of one tag cannot meet in one program. */
#ifndef _APUS_UAPI_TYPES_H
#define _APUS_UAPI_TYPES_H

typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;

#define APUS_SWIFT_NAME(name) __attribute__((swift_name(#name)))

#endif
