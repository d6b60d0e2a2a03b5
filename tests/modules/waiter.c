/* Blocking calls for the user tier's module_waits test, through
 * /proc/waiter. A read sleeps in wait_event_interruptible until something
 * makes the module ready, then returns "ready\n". Writes:
 *   "timer MS"  a timer makes it ready MS milliseconds later (softirq wakeup)
 *   "wake"      makes it ready now
 *   "hold MS"   takes the module's mutex and sleeps MS milliseconds holding it
 *   "lock"      mutex_lock_interruptible, then unlock: -EINTR if a signal came first
 *   "trylock"   mutex_trylock, then unlock: -EBUSY if another task holds it */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(readers);
static DEFINE_SPINLOCK(ready_lock);
static int ready;
static DEFINE_MUTEX(held);
static struct timer_list ready_timer;
static struct proc_dir_entry *entry;

static void make_ready(void)
{
    unsigned long flags;

    spin_lock_irqsave(&ready_lock, flags);
    ready = 1;
    spin_unlock_irqrestore(&ready_lock, flags);
    wake_up_interruptible(&readers);
}

static void ready_timer_fired(struct timer_list *timer) { make_ready(); }

/* Takes the readiness if it is there. */
static int take_ready(void)
{
    unsigned long flags;
    int was;

    spin_lock_irqsave(&ready_lock, flags);
    was = ready;
    ready = 0;
    spin_unlock_irqrestore(&ready_lock, flags);
    return was;
}

static ssize_t waiter_read(struct file *file, char __user *buffer, size_t count, loff_t *pos)
{
    static const char message[] = "ready\n";
    int error = wait_event_interruptible(readers, take_ready());

    if (error)
        return error;
    if (count > sizeof(message) - 1)
        count = sizeof(message) - 1;
    if (copy_to_user(buffer, message, count))
        return -EFAULT;
    return count;
}

static unsigned int milliseconds(const char *text)
{
    unsigned int value = 0;

    while (*text >= '0' && *text <= '9')
        value = value * 10 + (*text++ - '0');
    return value;
}

static ssize_t waiter_write(struct file *file, const char __user *buffer, size_t count, loff_t *pos)
{
    char command[32] = "";

    if (count >= sizeof(command) || copy_from_user(command, buffer, count))
        return -EINVAL;
    if (memcmp(command, "timer ", 6) == 0) {
        mod_timer(&ready_timer, jiffies + msecs_to_jiffies(milliseconds(command + 6)));
    } else if (memcmp(command, "wake", 4) == 0) {
        make_ready();
    } else if (memcmp(command, "hold ", 5) == 0) {
        mutex_lock(&held);
        msleep(milliseconds(command + 5));
        mutex_unlock(&held);
    } else if (memcmp(command, "lock", 4) == 0) {
        if (mutex_lock_interruptible(&held))
            return -EINTR;
        mutex_unlock(&held);
    } else if (memcmp(command, "trylock", 7) == 0) {
        if (!mutex_trylock(&held))
            return -EBUSY;
        mutex_unlock(&held);
    } else {
        return -EINVAL;
    }
    return count;
}

static const struct proc_ops waiter_ops = {
    .proc_read = waiter_read,
    .proc_write = waiter_write,
};

static int __init waiter_init(void)
{
    timer_setup(&ready_timer, ready_timer_fired, 0);
    entry = proc_create("waiter", 0666, NULL, &waiter_ops);
    return entry ? 0 : -ENOMEM;
}

static void __exit waiter_exit(void)
{
    proc_remove(entry);
    del_timer_sync(&ready_timer);
}

module_init(waiter_init);
module_exit(waiter_exit);
MODULE_LICENSE("GPL");
