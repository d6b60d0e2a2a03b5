/* Apus module SDK: memory and string functions (Linux: include/linux/string.h). */
#ifndef _LINUX_STRING_H
#define _LINUX_STRING_H

#include <linux/types.h>

void *memcpy(void *dest, const void *src, size_t n);
void *memmove(void *dest, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* A kmalloc'd copy of S, NULL for NULL or when memory is short. */
char *kstrdup(const char *s, gfp_t gfp);

#endif
