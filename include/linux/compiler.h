/* Apus module SDK: annotations (Linux: include/linux/compiler_types.h). */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

/* A pointer into user space: only copy_to_user/copy_from_user may use it. */
#define __user
#define __used __attribute__((__used__))
#define __section(name) __attribute__((__section__(name)))
#define __aligned(n) __attribute__((__aligned__(n)))
#define __always_inline inline __attribute__((__always_inline__))
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __maybe_unused __attribute__((__unused__))
#define __must_check __attribute__((__warn_unused_result__))
#define noinline __attribute__((__noinline__))

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#endif
