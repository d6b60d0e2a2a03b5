/* Apus module SDK: the structure around a member (Linux: include/linux/container_of.h). */
#ifndef _LINUX_CONTAINER_OF_H
#define _LINUX_CONTAINER_OF_H

#define offsetof(type, member) __builtin_offsetof(type, member)

/* A pointer to the `type` whose `member` `ptr` points at; the member's type must match. */
#define container_of(ptr, type, member)                                                     \
    ({                                                                                      \
        void *__mptr = (void *)(ptr);                                                       \
        _Static_assert(__builtin_types_compatible_p(typeof(*(ptr)), typeof(((type *)0)->member)) || \
                           __builtin_types_compatible_p(typeof(*(ptr)), void),              \
                       "pointer type mismatch in container_of()");                          \
        ((type *)(__mptr - offsetof(type, member)));                                        \
    })

#endif
