/* Apus module SDK: completions (Linux: include/linux/completion.h).
 *
 * "This has happened", remembered: complete() before wait_for_completion()
 * is not lost. `done` counts the completions not yet waited for
 * (complete_all: every later wait passes); waiters sleep in the kernel,
 * keyed by the completion's address, so DECLARE_COMPLETION and
 * init_completion need no call into it. */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <linux/types.h>
#include <linux/wait.h>

struct completion {
    unsigned int done;
    struct wait_queue_head wait;
};

#define COMPLETION_INITIALIZER(work) { .done = 0, .wait = __WAIT_QUEUE_HEAD_INITIALIZER((work).wait) }
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)

static __always_inline void init_completion(struct completion *x)
{
    x->done = 0;
    init_waitqueue_head(&x->wait);
}
static __always_inline void reinit_completion(struct completion *x) { x->done = 0; }

/* Lets one waiter (or the next wait) pass; complete_all lets every one pass. */
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
/* 0 if `timeout` jiffies ran out first, else the jiffies left (at least 1). */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout);
/* 0, or -ERESTARTSYS if a signal came first (-ERESTARTSYS only for SIGKILL: _killable). */
int wait_for_completion_interruptible(struct completion *x);
int wait_for_completion_killable(struct completion *x);
/* Consumes a completion if one is there, without sleeping. */
bool try_wait_for_completion(struct completion *x);
/* Whether a wait would pass now. */
bool completion_done(struct completion *x);

#endif
