/* A module with a bug: its exit leaves a timer pending and delayed work
 * queued (one static, one kmalloc'd, whose timer is the kernel's
 * delayed_work_timer_fn), all due a second later. Linux would then run
 * freed code; Apus's loader cancels them at the unload and says so, and
 * nothing runs. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

static struct timer_list forgotten_timer;

static void forgotten_fired(struct timer_list *timer)
{
    pr_err("leaky: the timer ran after the unload\n");
}

static void forgotten_work_function(struct work_struct *work)
{
    pr_err("leaky: the work ran after the unload\n");
}
static DECLARE_DELAYED_WORK(forgotten_work, forgotten_work_function);

static int __init leaky_init(void)
{
    struct delayed_work *heap_work = kmalloc(sizeof(*heap_work), GFP_KERNEL);

    if (!heap_work)
        return -ENOMEM;
    INIT_DELAYED_WORK(heap_work, forgotten_work_function);
    schedule_delayed_work(heap_work, HZ);
    timer_setup(&forgotten_timer, forgotten_fired, 0);
    mod_timer(&forgotten_timer, jiffies + HZ);
    schedule_delayed_work(&forgotten_work, HZ);
    return 0;
}

static void __exit leaky_exit(void)
{
    pr_info("leaky: exit, forgetting its timer and work\n");
}

module_init(leaky_init);
module_exit(leaky_exit);
MODULE_LICENSE("GPL");
