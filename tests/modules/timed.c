/* A GPL module using ktime_get (GPL-only), kmalloc and printk's formats:
 * it logs "timed: ok" if the clock moves forward, memory comes zeroed and
 * the formats come out as C's. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/slab.h>

static char *buffer;

static int __init timed_init(void)
{
    ktime_t start = ktime_get();
    buffer = kmalloc(64, GFP_KERNEL);
    if (!buffer)
        return -ENOMEM;
    if (buffer[0] != 0 || buffer[63] != 0 || ktime_get() < start)
        return -EINVAL;
    pr_info("timed: %d %u %x %s %c %5.2s| %-3d|%03d\n", -7, 42u, 0xbeef, "str", 'c', "abc", 1, 2);
    pr_info("timed: ok\n");
    return 0;
}

static void __exit timed_exit(void)
{
    kfree(buffer);
    pr_info("timed: exit\n");
}
module_init(timed_init);
module_exit(timed_exit);
MODULE_LICENSE("GPL");
/* modprobe finds it by this name through modules.alias (the user tier checks). */
MODULE_ALIAS("apus-timed");
