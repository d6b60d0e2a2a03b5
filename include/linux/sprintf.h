/* Apus module SDK: formatting into a buffer (Linux: include/linux/sprintf.h).
 *
 * printk's conversions. snprintf and vsnprintf return the length the whole
 * text has (it was cut short if that is SIZE or more), scnprintf and
 * vscnprintf the length written; each writes a NUL if SIZE is not 0. */
#ifndef _LINUX_SPRINTF_H
#define _LINUX_SPRINTF_H

#include <stdarg.h>
#include <linux/types.h>

__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
__printf(3, 4) int scnprintf(char *buf, size_t size, const char *fmt, ...);
__printf(2, 3) int sprintf(char *buf, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
int vscnprintf(char *buf, size_t size, const char *fmt, va_list args);

#endif
