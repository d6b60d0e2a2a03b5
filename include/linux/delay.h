/* Apus module SDK: sleeping and busy-waiting (Linux: include/linux/delay.h).
 *
 * msleep and usleep_range give the CPU away for at least the time asked,
 * in whole jiffies (HZ is 250: 4 ms); they may not be called in atomic
 * context. udelay, ndelay and mdelay spin on the clock, for where sleeping
 * is not allowed. */
#ifndef _LINUX_DELAY_H
#define _LINUX_DELAY_H

#include <linux/types.h>
#include <linux/sched.h>

void msleep(unsigned int msecs);
/* Ends early when a signal is pending; returns the milliseconds left. */
unsigned long msleep_interruptible(unsigned int msecs);
void usleep_range_state(unsigned long min, unsigned long max, unsigned int state);
static __always_inline void usleep_range(unsigned long min, unsigned long max)
{
    usleep_range_state(min, max, TASK_UNINTERRUPTIBLE);
}
static __always_inline void ssleep(unsigned int seconds) { msleep(seconds * 1000); }

void __udelay(unsigned long usecs);
#define udelay(n) __udelay(n)
#define ndelay(n) __udelay(((n) + 999) / 1000)
#define mdelay(n)                                                                            \
    do {                                                                                     \
        unsigned long __ms = (n);                                                            \
        while (__ms--)                                                                       \
            __udelay(1000);                                                                  \
    } while (0)

#endif
