/* Apus module SDK: the kernel's basic types (Linux: include/linux/types.h). */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <linux/compiler.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

typedef unsigned long size_t;
typedef long ssize_t;
typedef long long loff_t;
typedef unsigned short umode_t;
typedef unsigned int gfp_t;
typedef _Bool bool;
typedef u32 dev_t;
typedef unsigned int fmode_t;

#define true 1
#define false 0
#define NULL ((void *)0)

/* Counters and list links embedded in the kernel's structures (mutex,
 * work_struct, timer_list, miscdevice), in Linux's layouts. */
typedef struct {
    int counter;
} atomic_t;
typedef struct {
    s64 counter;
} atomic64_t;
typedef atomic64_t atomic_long_t;

struct list_head {
    struct list_head *next, *prev;
};
struct hlist_node {
    struct hlist_node *next, **pprev;
};

#endif
