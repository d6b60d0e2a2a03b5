/* Apus module SDK: /proc files (Linux: include/linux/proc_fs.h). */
#ifndef _LINUX_PROC_FS_H
#define _LINUX_PROC_FS_H

#include <linux/types.h>
#include <linux/fs.h>

struct proc_dir_entry;
struct kiocb;
struct iov_iter;
struct poll_table_struct;
struct vm_area_struct;

/* Linux 6.1's layout. Apus calls proc_read and proc_write, with a NULL
 * file, the caller's own buffer for copy_to_user/copy_from_user, and the file
 * position; the other operations are not called. */
struct proc_ops {
    unsigned int proc_flags;
    int (*proc_open)(struct inode *, struct file *);
    ssize_t (*proc_read)(struct file *, char __user *, size_t, loff_t *);
    ssize_t (*proc_read_iter)(struct kiocb *, struct iov_iter *);
    ssize_t (*proc_write)(struct file *, const char __user *, size_t, loff_t *);
    loff_t (*proc_lseek)(struct file *, loff_t, int);
    int (*proc_release)(struct inode *, struct file *);
    unsigned int (*proc_poll)(struct file *, struct poll_table_struct *);
    long (*proc_ioctl)(struct file *, unsigned int, unsigned long);
    long (*proc_compat_ioctl)(struct file *, unsigned int, unsigned long);
    int (*proc_mmap)(struct file *, struct vm_area_struct *);
    unsigned long (*proc_get_unmapped_area)(struct file *, unsigned long, unsigned long, unsigned long,
                                            unsigned long);
};

/* A file NAME in /proc (parent must be NULL) with MODE's permission bits
 * (0444 if none); NULL if the name is taken or invalid. */
struct proc_dir_entry *proc_create(const char *name, umode_t mode, struct proc_dir_entry *parent,
                                   const struct proc_ops *proc_ops);
/* Removes the file, after the reads and writes under way; later calls on
 * files still open fail with EIO. */
void proc_remove(struct proc_dir_entry *entry);

#endif
