/* Apus module SDK: miscellaneous character devices, major 10 (Linux:
 * include/linux/miscdevice.h, Linux 6.1's layout). misc_register makes
 * /dev/NAME (misc->mode's permissions, 0600 without), /sys/class/misc/NAME
 * and a line of /proc/misc; MISC_DYNAMIC_MINOR asks for a free minor, the
 * highest below 128, written back to misc->minor. An open of the device
 * sets file->private_data to the miscdevice and calls fops->open, with a
 * reference on fops->owner (THIS_MODULE) until the file's release. parent,
 * this_device, groups and nodename are not used. */
#ifndef _LINUX_MISCDEVICE_H
#define _LINUX_MISCDEVICE_H

#include <linux/fs.h>
#include <linux/types.h>

#define MISC_MAJOR 10
#define MISC_DYNAMIC_MINOR 255

struct device;
struct attribute_group;

struct miscdevice {
    int minor;
    const char *name;
    const struct file_operations *fops;
    struct list_head list;
    struct device *parent;
    struct device *this_device;
    const struct attribute_group **groups;
    const char *nodename;
    umode_t mode;
};

_Static_assert(__builtin_offsetof(struct miscdevice, mode) == 72, "miscdevice layout");

/* 0, or -EBUSY (minor taken), -EEXIST (name taken), -EINVAL (no name or fops). */
int misc_register(struct miscdevice *misc);
/* Removes the device after the calls under way; files still open read EIO. */
void misc_deregister(struct miscdevice *misc);

#endif
