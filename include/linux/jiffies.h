/* Apus module SDK: the tick count (Linux: include/linux/jiffies.h).
 *
 * `jiffies` is the kernel's variable, read in place: HZ ticks a second.
 * Compare tick counts with time_after and its kin, which stay right when
 * the count wraps. */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

#define HZ 250

extern unsigned long volatile jiffies;
extern u64 jiffies_64;

static __always_inline u64 get_jiffies_64(void) { return jiffies; }

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)
#define time_in_range(a, b, c) (time_after_eq(a, b) && time_before_eq(a, c))

/* Conversions round towards the longer time, as Linux's. */
unsigned int jiffies_to_msecs(const unsigned long j);
unsigned long __msecs_to_jiffies(const unsigned int m);
unsigned long __usecs_to_jiffies(const unsigned int u);
static __always_inline unsigned long msecs_to_jiffies(const unsigned int m) { return __msecs_to_jiffies(m); }
static __always_inline unsigned long usecs_to_jiffies(const unsigned int u) { return __usecs_to_jiffies(u); }
static __always_inline unsigned int jiffies_to_usecs(const unsigned long j) { return j * (1000000 / HZ); }

#endif
