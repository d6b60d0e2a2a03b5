/* Linux: struct iovec in include/uapi/linux/uio.h. */
#ifndef _APUS_UAPI_UIO_H
#define _APUS_UAPI_UIO_H
#include "types.h"

/* One buffer of a scatter/gather transfer (readv, writev). The base is a
 * user address, which the kernel never dereferences itself. */
struct linux_iovec {
    __u64 iov_base;
    __u64 iov_len; /* a size_t; negative as ssize_t is EINVAL */
} APUS_SWIFT_NAME(Iovec);

#endif
