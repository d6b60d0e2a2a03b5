/* A ticking module: a timer re-arms itself every interval_ms milliseconds
 * and hands each tick to a work item, which counts it under a mutex and
 * logs "ticker: tick N". /proc/ticker reads the count.
 *
 *   insmod ticker.ko interval_ms=250
 *   cat /proc/ticker            # ticks: 8, interval_ms: 250
 *   rmmod ticker
 *
 * The timer function runs in softirq context, where it may not sleep or
 * take a mutex, so it only queues the work; the work runs in a kernel
 * thread and may do both. */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

static unsigned int interval_ms = 1000;
module_param(interval_ms, uint, 0644);
MODULE_PARM_DESC(interval_ms, "Milliseconds between ticks (at least 1)");

static struct timer_list ticker_timer;
static struct work_struct ticker_work;
static DEFINE_MUTEX(ticker_lock);
static unsigned long ticks; /* under ticker_lock */
static struct proc_dir_entry *proc_entry;

static void ticker_count(struct work_struct *work)
{
    unsigned long count;

    mutex_lock(&ticker_lock);
    count = ++ticks;
    mutex_unlock(&ticker_lock);
    pr_info("ticker: tick %lu\n", count);
}

static void ticker_fire(struct timer_list *timer)
{
    schedule_work(&ticker_work);
    mod_timer(timer, jiffies + msecs_to_jiffies(interval_ms));
}

static ssize_t ticker_read(struct file *file, char __user *buffer, size_t count, loff_t *pos)
{
    char text[64];
    size_t length;

    mutex_lock(&ticker_lock);
    length = scnprintf(text, sizeof(text), "ticks: %lu, interval_ms: %u\n", ticks, interval_ms);
    mutex_unlock(&ticker_lock);
    if (*pos >= length)
        return 0;
    if (count > length - *pos)
        count = length - *pos;
    if (copy_to_user(buffer, text + *pos, count))
        return -EFAULT;
    *pos += count;
    return count;
}

static const struct proc_ops ticker_proc_ops = {
    .proc_read = ticker_read,
};

static int __init ticker_init(void)
{
    if (interval_ms == 0)
        return -EINVAL;
    proc_entry = proc_create("ticker", 0444, NULL, &ticker_proc_ops);
    if (!proc_entry)
        return -ENOMEM;
    INIT_WORK(&ticker_work, ticker_count);
    timer_setup(&ticker_timer, ticker_fire, 0);
    mod_timer(&ticker_timer, jiffies + msecs_to_jiffies(interval_ms));
    pr_info("ticker: ticking every %u ms\n", interval_ms);
    return 0;
}

static void __exit ticker_exit(void)
{
    /* The timer first, so that it queues no more work; then the work. */
    del_timer_sync(&ticker_timer);
    cancel_work_sync(&ticker_work);
    proc_remove(proc_entry);
    pr_info("ticker: stopped after %lu ticks\n", ticks);
}

module_init(ticker_init);
module_exit(ticker_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("Apus");
MODULE_DESCRIPTION("A timer, a work item and a mutex: logs a tick every interval_ms");
MODULE_VERSION("1.0");
