/* A misc device in C, /dev/apus_misc, exercising the file_operations path:
 * open sees file->private_data pointing at the miscdevice and counts the
 * opens; read is a file of text with a position (default_llseek moves it);
 * write takes a string with strncpy_from_user; the ioctls use get_user,
 * put_user, clear_user and module_refcount(THIS_MODULE). A bad user pointer
 * is -EFAULT everywhere. While "not ready" (APUS_MISC_READY 0) a read
 * blocks in wait_event_interruptible, or is -EAGAIN with O_NONBLOCK, and
 * poll reports no EPOLLIN; APUS_MISC_READY 1 wakes them.
 * tests/user/misc_devices.c drives it. */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define APUS_MISC_GET 0x4d01      /* put_user(value, (int *)arg) */
#define APUS_MISC_SET 0x4d02      /* get_user(value, (int *)arg) */
#define APUS_MISC_CLEAR 0x4d03    /* clear_user(arg, 16) */
#define APUS_MISC_REFCOUNT 0x4d04 /* module_refcount(THIS_MODULE) */
#define APUS_MISC_MINOR 0x4d05    /* iminor(file_inode(file)) */
#define APUS_MISC_READY 0x4d06    /* ready = arg, waking readers and pollers */

static struct miscdevice misc_device;
static const char text[] = "apus misc device\n";
static char last[32];
static int value = 7;
static int opens;
static volatile int ready = 1;
static DECLARE_WAIT_QUEUE_HEAD(ready_wait);

static int misc_open(struct inode *inode, struct file *file)
{
    if (file->private_data != &misc_device || iminor(inode) != (unsigned int)misc_device.minor)
        return -ENXIO;
    opens++;
    return 0;
}

static int misc_release(struct inode *inode, struct file *file)
{
    pr_info("misc_device: release after %d opens\n", opens);
    return 0;
}

static ssize_t misc_read(struct file *file, char __user *buffer, size_t count, loff_t *pos)
{
    size_t length = sizeof(text) - 1;
    if (!ready) {
        int error;
        if (file->f_flags & O_NONBLOCK)
            return -EAGAIN;
        error = wait_event_interruptible(ready_wait, ready);
        if (error)
            return error;
    }
    if (*pos < 0)
        return -EINVAL;
    if ((size_t)*pos >= length)
        return 0;
    if (count > length - (size_t)*pos)
        count = length - (size_t)*pos;
    if (copy_to_user(buffer, text + *pos, count))
        return -EFAULT;
    *pos += count;
    return count;
}

static ssize_t misc_write(struct file *file, const char __user *buffer, size_t count, loff_t *pos)
{
    long length = strncpy_from_user(last, buffer, min(count, sizeof(last) - 1));
    if (length < 0)
        return length;
    last[length] = 0;
    pr_info("misc_device: wrote '%s'\n", last);
    return count;
}

static long misc_ioctl(struct file *file, unsigned int command, unsigned long argument)
{
    int __user *user = (int __user *)argument;
    switch (command) {
    case APUS_MISC_GET:
        return put_user(value, user);
    case APUS_MISC_SET:
        return get_user(value, user);
    case APUS_MISC_CLEAR:
        return clear_user(user, 16) ? -EFAULT : 0;
    case APUS_MISC_REFCOUNT:
        return module_refcount(THIS_MODULE);
    case APUS_MISC_MINOR:
        return iminor(file_inode(file));
    case APUS_MISC_READY:
        ready = argument != 0;
        wake_up_interruptible(&ready_wait);
        return 0;
    default:
        return -ENOTTY;
    }
}

static __poll_t misc_poll(struct file *file, poll_table *wait)
{
    poll_wait(file, &ready_wait, wait);
    return (ready ? EPOLLIN | EPOLLRDNORM : 0) | EPOLLOUT | EPOLLWRNORM;
}

static const struct file_operations misc_operations = {
    .owner = THIS_MODULE,
    .open = misc_open,
    .release = misc_release,
    .read = misc_read,
    .write = misc_write,
    .llseek = default_llseek,
    .unlocked_ioctl = misc_ioctl,
    .poll = misc_poll,
};

static struct miscdevice misc_device = {
    .minor = MISC_DYNAMIC_MINOR,
    .name = "apus_misc",
    .fops = &misc_operations,
    .mode = 0666,
};

static int __init misc_device_init(void)
{
    int error = misc_register(&misc_device);
    if (error)
        return error;
    pr_info("misc_device: minor %d\n", misc_device.minor);
    return 0;
}

static void __exit misc_device_exit(void)
{
    misc_deregister(&misc_device);
}

module_init(misc_device_init);
module_exit(misc_device_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A misc device exercising file_operations and user copies");
