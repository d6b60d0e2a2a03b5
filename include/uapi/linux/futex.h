/* Linux: struct linux_robust_list_head in include/uapi/linux/futex.h. */
#ifndef _APUS_UAPI_FUTEX_H
#define _APUS_UAPI_FUTEX_H
#include "types.h"

/* One link of a thread's robust-futex list; `next` is a user address (the
 * head's own when the list is empty). */
struct linux_robust_list {
    __u64 next;
} APUS_SWIFT_NAME(RobustList);

/* What set_robust_list registers: the list, the offset from an entry to its
 * futex word, and the entry being added or removed right now. 24 bytes. */
struct linux_robust_list_head {
    struct linux_robust_list list;
    __s64 futex_offset;
    __u64 list_op_pending;
} APUS_SWIFT_NAME(RobustListHead);

#endif
