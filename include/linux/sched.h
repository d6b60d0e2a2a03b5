/* Apus module SDK: task states and sleeping (Linux: include/linux/sched.h).
 *
 * What wait_event and schedule_timeout need: the states a sleeping task
 * takes (Linux's values), and schedule(), which sleeps when the state set
 * by prepare_to_wait_event is not TASK_RUNNING. */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>

#define TASK_RUNNING 0x0000
#define TASK_INTERRUPTIBLE 0x0001
#define TASK_UNINTERRUPTIBLE 0x0002
#define TASK_WAKEKILL 0x0100
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

#define MAX_SCHEDULE_TIMEOUT __LONG_MAX__

/* The kernel's own calls that may sleep check the context (might_sleep). */
#define might_sleep() do { } while (0)

void schedule(void);
/* Sleeps up to `timeout` jiffies in the state the caller set; returns the jiffies left. */
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_uninterruptible(long timeout);

#endif
