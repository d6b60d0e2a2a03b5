/* Apus module SDK: kernel memory (Linux: include/linux/slab.h). */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>

#define GFP_KERNEL 0xcc0u
#define GFP_ATOMIC 0xa20u
#define __GFP_ZERO 0x100u

/* SIZE bytes of zeroed kernel memory (Apus always zeroes), or NULL. */
void *__kmalloc(size_t size, gfp_t flags);
void kfree(const void *object);

static __always_inline void *kmalloc(size_t size, gfp_t flags) { return __kmalloc(size, flags); }
static __always_inline void *kzalloc(size_t size, gfp_t flags) { return __kmalloc(size, flags | __GFP_ZERO); }

/* N elements of SIZE bytes, NULL if the product overflows. */
static __always_inline void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
    size_t bytes;
    if (__builtin_mul_overflow(n, size, &bytes))
        return NULL;
    return __kmalloc(bytes, flags);
}
static __always_inline void *kcalloc(size_t n, size_t size, gfp_t flags) { return kmalloc_array(n, size, flags | __GFP_ZERO); }

#endif
