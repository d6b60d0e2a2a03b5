/* A module whose proc_read writes to an unmapped address: reading /proc/proc_fault oopses,
 * kills the reader and the kernel goes on. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>

static noinline ssize_t proc_fault_read(struct file *file, char __user *buffer, size_t count, loff_t *pos)
{
    *(volatile int *)0xdead000 = 1;
    return 0;
}

static const struct proc_ops proc_fault_ops = { .proc_read = proc_fault_read };

static int __init proc_fault_init(void)
{
    return proc_create("proc_fault", 0444, NULL, &proc_fault_ops) ? 0 : -ENOMEM;
}
module_init(proc_fault_init);
MODULE_LICENSE("GPL");
