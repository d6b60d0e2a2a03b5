/* The locking, waiting, completion, timer and work API (docs/modules.md), each call
 * checked in the module's init: "kapi: ok NAME" or "kapi: FAIL NAME" per
 * check, and init fails with -EINVAL if any did. Timer functions run in
 * softirq context and work functions in a kernel thread, so each records
 * what it saw and init waits for it on a wait queue. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

static int failures;

static void check(int passed, const char *name)
{
    if (passed) {
        pr_info("kapi: ok %s\n", name);
    } else {
        pr_err("kapi: FAIL %s\n", name);
        failures++;
    }
}

static DEFINE_MUTEX(static_mutex);
static DEFINE_SPINLOCK(static_lock);
static DECLARE_WAIT_QUEUE_HEAD(events);

static void check_mutexes(void)
{
    struct mutex *dynamic = kmalloc(sizeof(*dynamic), GFP_KERNEL);

    check(!mutex_is_locked(&static_mutex), "DEFINE_MUTEX starts unlocked");
    check(mutex_trylock(&static_mutex) == 1, "mutex_trylock of a free mutex takes it");
    check(mutex_is_locked(&static_mutex), "mutex_is_locked while held");
    check(mutex_trylock(&static_mutex) == 0, "mutex_trylock of a held mutex fails");
    mutex_unlock(&static_mutex);
    check(!mutex_is_locked(&static_mutex), "mutex_unlock frees it");
    check(mutex_lock_interruptible(&static_mutex) == 0, "mutex_lock_interruptible of a free mutex is 0");
    mutex_unlock(&static_mutex);
    if (!dynamic) {
        check(0, "kmalloc for a mutex");
        return;
    }
    dynamic->owner.counter = 12345;
    mutex_init(dynamic);
    check(!mutex_is_locked(dynamic), "mutex_init unlocks a kmalloc'd mutex");
    mutex_lock(dynamic);
    check(mutex_is_locked(dynamic), "mutex_lock takes it");
    mutex_unlock(dynamic);
    kfree(dynamic);
}

static void check_spinlocks(void)
{
    spinlock_t dynamic;
    unsigned long flags;

    spin_lock(&static_lock);
    check(spin_is_locked(&static_lock), "spin_lock holds DEFINE_SPINLOCK's lock");
    check(!spin_trylock(&static_lock), "spin_trylock of a held lock fails");
    spin_unlock(&static_lock);
    check(!spin_is_locked(&static_lock), "spin_unlock frees it");
    spin_lock_init(&dynamic);
    check(spin_trylock(&dynamic), "spin_trylock of a free lock takes it");
    spin_unlock(&dynamic);
    spin_lock_irqsave(&dynamic, flags);
    check(flags & 0x200, "spin_lock_irqsave saves interrupts-on in flags");
    spin_unlock_irqrestore(&dynamic, flags);
    spin_lock_irq(&dynamic);
    spin_unlock_irq(&dynamic);
    spin_lock_bh(&dynamic);
    spin_unlock_bh(&dynamic);
    check(!spin_is_locked(&dynamic), "the _irq and _bh forms lock and unlock");
}

/* A timer that re-arms itself until it has fired three times. */
static struct timer_list repeating;
static int repeats;

static void repeating_fired(struct timer_list *timer)
{
    if (++repeats < 3)
        mod_timer(timer, jiffies + 1);
    wake_up(&events);
}

struct counted_timer {
    int fired;
    struct timer_list timer;
};

static void counted_fired(struct timer_list *timer)
{
    struct counted_timer *owner = from_timer(owner, timer, timer);

    owner->fired++;
    wake_up(&events);
}

static int static_fired;
static void static_timer_fired(struct timer_list *timer)
{
    static_fired = 1;
    wake_up_all(&events);
}
static DEFINE_TIMER(static_timer, static_timer_fired);

static void check_timers(void)
{
    struct counted_timer counted = { 0 };
    unsigned long start = jiffies;

    timer_setup(&counted.timer, counted_fired, 0);
    check(!timer_pending(&counted.timer), "timer_setup leaves the timer idle");
    check(mod_timer(&counted.timer, jiffies + msecs_to_jiffies(20)) == 0, "mod_timer of an idle timer is 0");
    check(timer_pending(&counted.timer), "timer_pending once armed");
    check(mod_timer(&counted.timer, jiffies + msecs_to_jiffies(20)) == 1, "mod_timer of a pending timer is 1");
    check(wait_event_timeout(events, counted.fired == 1, HZ) > 0, "the timer fires (from_timer finds its owner)");
    check(!timer_pending(&counted.timer) && counted.fired == 1, "once, and is no longer pending");
    check(time_after(jiffies, start), "jiffies moved on");

    counted.timer.expires = jiffies + HZ;
    add_timer(&counted.timer);
    check(del_timer(&counted.timer) == 1, "del_timer of a pending timer is 1");
    check(del_timer(&counted.timer) == 0, "del_timer of an idle timer is 0");
    check(wait_event_timeout(events, counted.fired != 1, msecs_to_jiffies(50)) == 0, "a deleted timer does not fire");

    timer_setup(&repeating, repeating_fired, 0);
    mod_timer(&repeating, jiffies + 1);
    check(wait_event_timeout(events, repeats == 3, HZ) > 0, "a timer function re-arms its own timer");
    check(del_timer_sync(&repeating) == 0 && repeats == 3, "del_timer_sync after it stopped");

    mod_timer(&static_timer, jiffies + 1);
    check(wait_event_interruptible_timeout(events, static_fired, HZ) > 0, "DEFINE_TIMER's timer fires");
}

static struct mutex work_mutex;
static int work_runs, work_slept;

static void work_function(struct work_struct *work)
{
    unsigned long before = jiffies;

    mutex_lock(&work_mutex);
    msleep(10);
    work_slept = time_after(jiffies, before);
    work_runs++;
    mutex_unlock(&work_mutex);
}

static int static_work_ran;
static void static_work_function(struct work_struct *work) { static_work_ran = 1; }
static DECLARE_WORK(static_work, static_work_function);

static int delayed_runs;
static void delayed_function(struct work_struct *work)
{
    struct delayed_work *dwork = to_delayed_work(work);

    delayed_runs += dwork != NULL;
}

static void check_work(void)
{
    struct work_struct work;
    struct delayed_work delayed;
    struct workqueue_struct *queue;

    mutex_init(&work_mutex);
    INIT_WORK(&work, work_function);
    check(schedule_work(&work), "schedule_work queues idle work");
    check(flush_work(&work), "flush_work waits for it");
    check(work_runs == 1 && work_slept, "the work ran once, and could sleep and take a mutex");
    check(!flush_work(&work), "flush_work of idle work is false");
    check(!cancel_work_sync(&work), "cancel_work_sync of idle work is false");
    mutex_lock(&work_mutex);
    schedule_work(&work);
    check(!schedule_work(&work), "schedule_work of pending work is false");
    mutex_unlock(&work_mutex);
    flush_work(&work);
    check(work_runs == 2, "queued twice while pending, it ran once more");

    schedule_work(&static_work);
    flush_work(&static_work);
    check(static_work_ran, "DECLARE_WORK's work runs");

    INIT_DELAYED_WORK(&delayed, delayed_function);
    check(schedule_delayed_work(&delayed, msecs_to_jiffies(200)), "schedule_delayed_work arms it");
    check(!schedule_delayed_work(&delayed, 1), "and again is false while pending");
    check(cancel_delayed_work_sync(&delayed), "cancel_delayed_work_sync of pending delayed work is true");
    msleep(20);
    check(delayed_runs == 0, "cancelled, it never runs");
    schedule_delayed_work(&delayed, 1);
    flush_delayed_work(&delayed);
    check(delayed_runs == 1, "flush_delayed_work runs it");
    schedule_delayed_work(&delayed, 0);
    flush_delayed_work(&delayed);
    check(delayed_runs == 2, "a delay of 0 queues it at once");

    queue = alloc_workqueue("kapi_wq", 0, 1);
    check(queue != NULL, "alloc_workqueue");
    if (!queue)
        return;
    check(queue_work(queue, &work), "queue_work on it");
    flush_work(&work);
    check(work_runs == 3, "its thread runs the work");
    check(queue_delayed_work(queue, &delayed, 1), "queue_delayed_work on it");
    flush_delayed_work(&delayed);
    check(delayed_runs == 3, "and the delayed work");
    destroy_workqueue(queue);
}

static DECLARE_COMPLETION(worked);
static void complete_from_work(struct work_struct *work)
{
    msleep(5);
    complete(&worked);
}
static DECLARE_WORK(completer, complete_from_work);

struct timed_completion {
    struct completion done;
    struct timer_list timer;
};

static void complete_from_timer(struct timer_list *timer)
{
    struct timed_completion *owner = from_timer(owner, timer, timer);

    complete(&owner->done);
}

static void check_completions(void)
{
    struct timed_completion timed;

    init_completion(&timed.done);
    check(!completion_done(&timed.done) && !try_wait_for_completion(&timed.done),
          "init_completion: not done, nothing to take");
    complete(&timed.done);
    complete(&timed.done);
    check(completion_done(&timed.done), "complete: done");
    check(try_wait_for_completion(&timed.done) && try_wait_for_completion(&timed.done) &&
              !try_wait_for_completion(&timed.done),
          "two completes let two waits pass, and no third");
    check(wait_for_completion_timeout(&timed.done, 2) == 0, "wait_for_completion_timeout times out");
    timer_setup(&timed.timer, complete_from_timer, 0);
    mod_timer(&timed.timer, jiffies + 2);
    check(wait_for_completion_timeout(&timed.done, HZ) > 0, "a timer function completes it");
    schedule_work(&completer);
    wait_for_completion(&worked);
    check(!completion_done(&worked), "wait_for_completion waits for a work item's complete, and takes it");
    complete_all(&timed.done);
    check(wait_for_completion_interruptible(&timed.done) == 0 && wait_for_completion_killable(&timed.done) == 0 &&
              completion_done(&timed.done),
          "complete_all lets every wait pass");
    reinit_completion(&timed.done);
    check(!completion_done(&timed.done), "reinit_completion");
    check(mutex_lock_killable(&static_mutex) == 0, "mutex_lock_killable of a free mutex is 0");
    mutex_unlock(&static_mutex);
}

static void check_sleeping(void)
{
    unsigned long start = jiffies;
    int never = 0;

    msleep(20);
    check(jiffies - start >= msecs_to_jiffies(20), "msleep(20) sleeps at least 20 ms");
    start = jiffies;
    usleep_range(4000, 8000);
    check(jiffies != start, "usleep_range sleeps");
    udelay(100);
    mdelay(1);
    check(jiffies_to_msecs(HZ) == 1000 && msecs_to_jiffies(1000) == HZ, "jiffies_to_msecs and msecs_to_jiffies");
    check(msecs_to_jiffies(1) == 1 && usecs_to_jiffies(1) == 1, "conversions round up");
    check(get_jiffies_64() >= start, "get_jiffies_64");
    start = jiffies;
    check(wait_event_timeout(events, never, 2) == 0, "wait_event_timeout on a false condition times out");
    check(jiffies - start >= 2, "after its timeout");
    check(wait_event_interruptible_timeout(events, !never, 2) == 2, "a true condition returns the time left");
    check(wait_event_interruptible(events, !never) == 0, "wait_event_interruptible of a true condition is 0");
    wait_event(events, !never);
}

static void check_memory(void)
{
    unsigned char *big = vmalloc(3 * 4096 + 1);
    unsigned char *zeroed = vzalloc(8192);
    char *copy = kstrdup("kapi", GFP_KERNEL);
    int *array = kcalloc(16, sizeof(int), GFP_KERNEL);

    check(big && zeroed, "vmalloc and vzalloc");
    if (big && zeroed) {
        big[0] = 1;
        big[3 * 4096] = 2;
        check(big[0] == 1 && big[3 * 4096] == 2 && zeroed[0] == 0 && zeroed[8191] == 0,
              "vmalloc'd memory is usable to its end, vzalloc's zeroed");
    }
    vfree(big);
    vfree(zeroed);
    vfree(NULL);
    check(copy && memcmp(copy, "kapi", 5) == 0, "kstrdup copies the string and its NUL");
    check(kstrdup(NULL, GFP_KERNEL) == NULL, "kstrdup(NULL) is NULL");
    check(array && array[0] == 0 && array[15] == 0, "kcalloc zeroes");
    check(kmalloc_array((size_t)-1 / 2, 4, GFP_KERNEL) == NULL, "kmalloc_array of an overflowing size is NULL");
    kfree(copy);
    kfree(array);
}

static int __init kapi_init(void)
{
    check_mutexes();
    check_spinlocks();
    check_timers();
    check_work();
    check_completions();
    check_sleeping();
    check_memory();
    if (failures) {
        pr_err("kapi: %d checks failed\n", failures);
        return -EINVAL;
    }
    pr_info("kapi: every check passed\n");
    return 0;
}

static void __exit kapi_exit(void)
{
    pr_info("kapi: exit\n");
}

module_init(kapi_init);
module_exit(kapi_exit);
MODULE_LICENSE("GPL");
