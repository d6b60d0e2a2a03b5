/* Apus module SDK: virtually contiguous memory (Linux: include/linux/vmalloc.h).
 *
 * Whole pages in the kernel's vmalloc area, always zeroed, for buffers too
 * big for kmalloc; NULL when they cannot be had. */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void vfree(const void *addr);

#endif
