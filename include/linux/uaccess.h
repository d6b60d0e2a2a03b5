/* Apus module SDK: user memory (Linux: include/linux/uaccess.h). A `__user`
 * pointer is the calling task's own memory (a read or write's buffer, an
 * ioctl's argument); a bad one stops the copy, never the kernel. The
 * copies return the number of bytes they could NOT copy: 0 on success. */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/errno.h>
#include <linux/types.h>

unsigned long _copy_to_user(void __user *to, const void *from, unsigned long n);
unsigned long _copy_from_user(void *to, const void __user *from, unsigned long n);

static __always_inline unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
    return _copy_to_user(to, from, n);
}

static __always_inline unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
    return _copy_from_user(to, from, n);
}

/* get_user(x, ptr) and put_user(x, ptr): one value of *ptr's type; 0 or -EFAULT. */
#define get_user(x, ptr)                                                                  \
    ({                                                                                    \
        __typeof__(*(ptr)) __gu_value;                                                    \
        int __gu_error = _copy_from_user(&__gu_value, (ptr), sizeof(*(ptr))) ? -EFAULT : 0; \
        (x) = __gu_error ? (__typeof__(*(ptr)))0 : __gu_value;                            \
        __gu_error;                                                                       \
    })
#define put_user(x, ptr)                                                                  \
    ({                                                                                    \
        __typeof__(*(ptr)) __pu_value = (x);                                              \
        _copy_to_user((ptr), &__pu_value, sizeof(*(ptr))) ? -EFAULT : 0;                  \
    })

/* Zeroes n bytes of user memory; the bytes not zeroed. */
unsigned long clear_user(void __user *to, unsigned long n);
/* The string at src into dst, at most count bytes with its NUL: its length,
 * count if it is longer (dst then has no NUL), or -EFAULT. */
long strncpy_from_user(char *dst, const char __user *src, long count);

#endif
