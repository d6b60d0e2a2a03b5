/* Apus module SDK: wait queues (Linux: include/linux/wait.h).
 *
 * A wait_queue_head is what tasks wait on and what wake_up names; the
 * kernel keeps its sleepers under the head's address while there are any,
 * so DECLARE_WAIT_QUEUE_HEAD and init_waitqueue_head need no call into it.
 * wait_event and its kin are macros, as in Linux: the condition is this
 * module's code, tested after each wakeup around prepare_to_wait_event
 * (queue the task, set its state), schedule() (sleep) and finish_wait.
 * The interruptible forms return -ERESTARTSYS when a signal arrives, which a
 * read or write returns to become EINTR, or a restart, for the caller. */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/sched.h>

struct wait_queue_head {
    spinlock_t lock;
};
typedef struct wait_queue_head wait_queue_head_t;

/* A sleeper, on the waiting task's stack for the length of a wait_event. */
struct wait_queue_entry {
    unsigned int flags;
    void *private;
    void *func;
    struct list_head entry;
};
#define WQ_FLAG_EXCLUSIVE 0x01

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) { .lock = __SPIN_LOCK_UNLOCKED(name.lock) }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)
static __always_inline void init_waitqueue_head(struct wait_queue_head *wq_head) { spin_lock_init(&wq_head->lock); }

static __always_inline void init_wait_entry(struct wait_queue_entry *wq_entry, int flags)
{
    wq_entry->flags = flags;
    wq_entry->private = NULL;
    wq_entry->func = NULL;
    wq_entry->entry.next = wq_entry->entry.prev = &wq_entry->entry;
}

/* -ERESTARTSYS (and the entry off the queue) if a signal `state` lets
 * through is pending, else 0 with the task queued in `state`. */
long prepare_to_wait_event(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry, int state);
void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
/* Wakes the sleepers in `mode`'s states: every non-exclusive one and `nr` exclusive ones (0: all). */
void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key);

#define wake_up(x) __wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr) __wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x) __wake_up(x, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(x) __wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_nr(x, nr) __wake_up(x, TASK_INTERRUPTIBLE, nr, NULL)
#define wake_up_interruptible_all(x) __wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)

#define ___wait_is_interruptible(state) (((state) & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)) != 0)

/* The loop behind every form: `ret` is the starting result, `sleep` the
 * statement that sleeps (and may update __ret, the timeout left). A signal
 * ends an interruptible wait with prepare_to_wait_event's -ERESTARTSYS. */
#define ___wait_event(wq_head, condition, state, exclusive, ret, sleep)                      \
    ({                                                                                       \
        struct wait_queue_entry __wq_entry;                                                  \
        long __ret = ret;                                                                    \
        init_wait_entry(&__wq_entry, (exclusive) ? WQ_FLAG_EXCLUSIVE : 0);                   \
        for (;;) {                                                                           \
            long __interrupted = prepare_to_wait_event(&(wq_head), &__wq_entry, state);      \
            if (condition)                                                                   \
                break;                                                                       \
            if (___wait_is_interruptible(state) && __interrupted) {                          \
                __ret = __interrupted;                                                       \
                break;                                                                       \
            }                                                                                \
            sleep;                                                                           \
        }                                                                                    \
        finish_wait(&(wq_head), &__wq_entry);                                                \
        __ret;                                                                               \
    })

/* For the timeout forms: true once the condition holds (then __ret is at
 * least 1) or the time is up (__ret 0). */
#define ___wait_cond_timeout(condition)                                                      \
    ({                                                                                       \
        bool __cond = (condition);                                                           \
        if (__cond && !__ret)                                                                \
            __ret = 1;                                                                       \
        __cond || !__ret;                                                                    \
    })

/* Sleeps uninterruptibly until `condition` holds. */
#define wait_event(wq_head, condition)                                                       \
    do {                                                                                     \
        if (condition)                                                                       \
            break;                                                                           \
        (void)___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, 0, schedule());     \
    } while (0)

/* 0 if the time (jiffies) ran out with `condition` false, else the jiffies left (at least 1). */
#define wait_event_timeout(wq_head, condition, timeout)                                      \
    ({                                                                                       \
        long __ret = timeout;                                                                \
        if (!___wait_cond_timeout(condition))                                                \
            __ret = ___wait_event(wq_head, ___wait_cond_timeout(condition),                  \
                                  TASK_UNINTERRUPTIBLE, 0, timeout, __ret = schedule_timeout(__ret)); \
        __ret;                                                                               \
    })

/* 0 once `condition` holds, -ERESTARTSYS if a signal came first. */
#define wait_event_interruptible(wq_head, condition)                                         \
    ({                                                                                       \
        int __ret = 0;                                                                       \
        if (!(condition))                                                                    \
            __ret = ___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 0, 0, schedule()); \
        __ret;                                                                               \
    })

#define wait_event_interruptible_exclusive(wq_head, condition)                               \
    ({                                                                                       \
        int __ret = 0;                                                                       \
        if (!(condition))                                                                    \
            __ret = ___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 1, 0, schedule()); \
        __ret;                                                                               \
    })

/* As wait_event_timeout, or -ERESTARTSYS if a signal came first. */
#define wait_event_interruptible_timeout(wq_head, condition, timeout)                        \
    ({                                                                                       \
        long __ret = timeout;                                                                \
        if (!___wait_cond_timeout(condition))                                                \
            __ret = ___wait_event(wq_head, ___wait_cond_timeout(condition),                  \
                                  TASK_INTERRUPTIBLE, 0, timeout, __ret = schedule_timeout(__ret)); \
        __ret;                                                                               \
    })

/* Only a fatal signal (SIGKILL) interrupts it: -ERESTARTSYS. */
#define wait_event_killable(wq_head, condition)                                              \
    ({                                                                                       \
        int __ret = 0;                                                                       \
        if (!(condition))                                                                    \
            __ret = ___wait_event(wq_head, condition, TASK_KILLABLE, 0, 0, schedule());      \
        __ret;                                                                               \
    })

#endif
