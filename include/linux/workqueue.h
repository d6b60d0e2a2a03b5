/* Apus module SDK: deferred work (Linux: include/linux/workqueue.h).
 *
 * A work item's function runs once per queuing in a kernel thread, where
 * it may sleep and take mutexes; queuing a pending item again does
 * nothing, and it stops being pending just before its function runs. A
 * delayed_work is queued by its timer after `delay` jiffies. The kernel
 * reads `func` (at 24), the timer (at 32) and `wq` (at 72); it keeps queued
 * items in its own lists, so INIT_WORK and DECLARE_WORK need no call into
 * it. Before a module is unloaded its work must be cancelled or flushed
 * (cancel_work_sync, cancel_delayed_work_sync); anything still queued is
 * cancelled by the loader with a warning. Every Apus workqueue runs its
 * items one at a time, in order, in its own thread. */
#ifndef _LINUX_WORKQUEUE_H
#define _LINUX_WORKQUEUE_H

#include <linux/types.h>
#include <linux/container_of.h>
#include <linux/timer.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
    atomic_long_t data;
    struct list_head entry;
    work_func_t func;
};

struct delayed_work {
    struct work_struct work;
    struct timer_list timer;
    struct workqueue_struct *wq;
    int cpu;
};

_Static_assert(offsetof(struct work_struct, func) == 24, "the kernel reads work_struct.func at 24");
_Static_assert(offsetof(struct delayed_work, timer) == 32, "the kernel finds delayed_work.timer at 32");
_Static_assert(offsetof(struct delayed_work, wq) == 72, "the kernel reads delayed_work.wq at 72");

#define WORK_CPU_UNBOUND 64
#define WQ_UNBOUND (1 << 1)
#define WQ_FREEZABLE (1 << 2)
#define WQ_MEM_RECLAIM (1 << 3)
#define WQ_HIGHPRI (1 << 4)
#define __WQ_ORDERED (1 << 17)

void delayed_work_timer_fn(struct timer_list *timer);

#define __WORK_INITIALIZER(n, f) { .data = { 0 }, .entry = { &(n).entry, &(n).entry }, .func = (f) }
#define DECLARE_WORK(n, f) struct work_struct n = __WORK_INITIALIZER(n, f)
#define DECLARE_DELAYED_WORK(n, f)                                                           \
    struct delayed_work n = { .work = __WORK_INITIALIZER((n).work, (f)),                     \
                              .timer = __TIMER_INITIALIZER(delayed_work_timer_fn, 0) }

#define INIT_WORK(_work, _func)                                                              \
    do {                                                                                     \
        (_work)->data.counter = 0;                                                           \
        (_work)->entry.next = (_work)->entry.prev = &(_work)->entry;                         \
        (_work)->func = (_func);                                                             \
    } while (0)
#define INIT_DELAYED_WORK(_work, _func)                                                      \
    do {                                                                                     \
        INIT_WORK(&(_work)->work, (_func));                                                  \
        timer_setup(&(_work)->timer, delayed_work_timer_fn, 0);                              \
    } while (0)

#define to_delayed_work(_work) container_of(_work, struct delayed_work, work)

/* false if the work was already pending. */
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *work);
static __always_inline bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
    return queue_work_on(WORK_CPU_UNBOUND, wq, work);
}
/* Queues on the kernel's shared workqueue (Linux: system_wq). */
bool schedule_work(struct work_struct *work);
/* Waits until the work has run; false if it was idle. */
bool flush_work(struct work_struct *work);
/* Takes pending work off its queue; true if it was pending. _sync also waits for a run under way. */
bool cancel_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);

bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq, struct delayed_work *dwork, unsigned long delay);
static __always_inline bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
                                               unsigned long delay)
{
    return queue_delayed_work_on(WORK_CPU_UNBOUND, wq, dwork, delay);
}
bool schedule_delayed_work(struct delayed_work *dwork, unsigned long delay);
bool cancel_delayed_work(struct delayed_work *dwork);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool flush_delayed_work(struct delayed_work *dwork);

/* A queue with its own kernel thread named `fmt` (its arguments are not
 * formatted), or NULL. destroy_workqueue runs what is queued, then ends it. */
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags, int max_active, ...);
void destroy_workqueue(struct workqueue_struct *wq);
#define alloc_ordered_workqueue(fmt, flags, args...) alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | (flags), 1, ##args)
#define create_workqueue(name) alloc_workqueue((name), WQ_MEM_RECLAIM, 1)
#define create_singlethread_workqueue(name) alloc_ordered_workqueue((name), WQ_MEM_RECLAIM)

#endif
