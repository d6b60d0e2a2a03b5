/* Apus module SDK: kernel time (Linux: include/linux/ktime.h, timekeeping.h). */
#ifndef _LINUX_KTIME_H
#define _LINUX_KTIME_H

#include <linux/types.h>

typedef s64 ktime_t;

/* CLOCK_MONOTONIC in nanoseconds. GPL-only (EXPORT_SYMBOL_GPL). */
ktime_t ktime_get(void);

#endif
