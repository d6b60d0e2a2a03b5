/* Apus module SDK: timers (Linux: include/linux/timer.h, timer_types.h).
 *
 * A timer_list's function runs once, in softirq context (no sleeping, no
 * mutex), on a tick after `expires` (in jiffies); it may re-arm its timer
 * with mod_timer. The structure is Linux's; the kernel reads `expires` and
 * `function` (at 16 and 24) and keeps pending timers in its own wheel, so
 * timer_setup and DEFINE_TIMER need no call into it. Before a module is
 * unloaded its timers must be deleted (del_timer_sync): one still pending
 * is cancelled by the loader with a warning, where Linux would run freed
 * code. */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/jiffies.h>

struct timer_list {
    struct hlist_node entry;
    unsigned long expires;
    void (*function)(struct timer_list *);
    u32 flags;
};

#define __TIMER_INITIALIZER(_function, _flags) { .entry = { NULL, NULL }, .function = (_function), .flags = (_flags) }
#define DEFINE_TIMER(_name, _function) struct timer_list _name = __TIMER_INITIALIZER(_function, 0)

static __always_inline void timer_setup(struct timer_list *timer, void (*callback)(struct timer_list *),
                                        unsigned int flags)
{
    timer->entry.next = NULL;
    timer->entry.pprev = NULL;
    timer->expires = 0;
    timer->function = callback;
    timer->flags = flags;
}

/* The structure holding `callback_timer` as its member `timer_fieldname`, typed like `var`. */
#define from_timer(var, callback_timer, timer_fieldname) container_of(callback_timer, typeof(*var), timer_fieldname)

/* Arms the timer for its `expires`. */
void add_timer(struct timer_list *timer);
/* Sets `expires` and arms the timer; 1 if it was pending, else 0. */
int mod_timer(struct timer_list *timer, unsigned long expires);
/* Disarms it; 1 if it was pending. Its function may still be running. */
int del_timer(struct timer_list *timer);
/* Disarms it and waits for its function to return; never from that function. */
int del_timer_sync(struct timer_list *timer);
int timer_pending(const struct timer_list *timer);

static __always_inline int timer_delete(struct timer_list *timer) { return del_timer(timer); }
static __always_inline int timer_delete_sync(struct timer_list *timer) { return del_timer_sync(timer); }

#endif
