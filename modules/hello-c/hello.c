#include <linux/init.h>
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#define PROC_FILENAME "hello_proc"
static struct proc_dir_entry *proc_entry;
static ssize_t hello_read(struct file *file, char __user *buffer, size_t count, loff_t *pos) {
    static const char message[] = "Hello from kernel module!\n";
    size_t message_len = sizeof(message) - 1;
    if (*pos >= message_len) return 0;
    if (count > message_len - *pos) count = message_len - *pos;
    if (copy_to_user(buffer, message + *pos, count)) return -EFAULT;
    *pos += count;
    return count;
}
static ssize_t hello_write(struct file *file, const char __user *buffer, size_t count, loff_t *pos) {
    printk(KERN_INFO "Hello module: received %zu bytes\n", count);
    return count;
}
static const struct proc_ops hello_proc_ops = { .proc_read = hello_read, .proc_write = hello_write, };
static int __init hello_init(void) {
    printk(KERN_INFO "Hello module: initializing\n");
    proc_entry = proc_create(PROC_FILENAME, 0666, NULL, &hello_proc_ops);
    if (!proc_entry) { printk(KERN_ERR "Hello module: failed to create proc entry\n"); return -ENOMEM; }
    printk(KERN_INFO "Hello module: loaded successfully\n");
    return 0;
}
static void __exit hello_exit(void) {
    if (proc_entry) proc_remove(proc_entry);
    printk(KERN_INFO "Hello module: unloaded\n");
}
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("Your Name");
MODULE_DESCRIPTION("Hello World kernel module with proc interface");
MODULE_VERSION("1.0");
