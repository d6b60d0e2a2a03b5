/* Apus module SDK: files as a module's file operations see them (Linux:
 * include/linux/fs.h).
 *
 * struct file_operations has Linux 6.1's layout; Apus calls owner's
 * references, open, release, read, write, llseek, poll (<linux/poll.h>) and
 * unlocked_ioctl. read and write get the caller's own buffer, for
 * copy_to_user and copy_from_user; f_flags follows fcntl's F_SETFL.
 * struct file and struct inode are Apus's own, smaller than Linux's, with
 * the members drivers use: the kernel fills them for each open file of a
 * module's device (fs/ModuleFile.swift keeps the offsets). */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/fcntl.h>
#include <linux/kdev_t.h>
#include <linux/types.h>

struct module;
struct kiocb;
struct iov_iter;
struct io_comp_batch;
struct dir_context;
struct poll_table_struct;
struct vm_area_struct;
struct file_lock;
struct page;
struct pipe_inode_info;
struct seq_file;
struct io_uring_cmd;
typedef void *fl_owner_t;
typedef unsigned int __poll_t;

/* f_mode's bits (Linux: FMODE_*). */
#define FMODE_READ ((fmode_t)0x1)
#define FMODE_WRITE ((fmode_t)0x2)
#define FMODE_LSEEK ((fmode_t)0x4)
#define FMODE_PREAD ((fmode_t)0x8)
#define FMODE_PWRITE ((fmode_t)0x10)

struct inode {
    umode_t i_mode;
    dev_t i_rdev;
    loff_t i_size;
};

struct file {
    const struct file_operations *f_op;
    struct inode *f_inode;
    void *private_data;
    loff_t f_pos;
    unsigned int f_flags;
    fmode_t f_mode;
};

struct file_operations {
    struct module *owner;
    loff_t (*llseek)(struct file *, loff_t, int);
    ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
    ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
    ssize_t (*read_iter)(struct kiocb *, struct iov_iter *);
    ssize_t (*write_iter)(struct kiocb *, struct iov_iter *);
    int (*iopoll)(struct kiocb *kiocb, struct io_comp_batch *, unsigned int flags);
    int (*iterate)(struct file *, struct dir_context *);
    int (*iterate_shared)(struct file *, struct dir_context *);
    __poll_t (*poll)(struct file *, struct poll_table_struct *);
    long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
    long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
    int (*mmap)(struct file *, struct vm_area_struct *);
    unsigned long mmap_supported_flags;
    int (*open)(struct inode *, struct file *);
    int (*flush)(struct file *, fl_owner_t id);
    int (*release)(struct inode *, struct file *);
    int (*fsync)(struct file *, loff_t, loff_t, int datasync);
    int (*fasync)(int, struct file *, int);
    int (*lock)(struct file *, int, struct file_lock *);
    ssize_t (*sendpage)(struct file *, struct page *, int, size_t, loff_t *, int);
    unsigned long (*get_unmapped_area)(struct file *, unsigned long, unsigned long, unsigned long, unsigned long);
    int (*check_flags)(int);
    int (*flock)(struct file *, int, struct file_lock *);
    ssize_t (*splice_write)(struct pipe_inode_info *, struct file *, loff_t *, size_t, unsigned int);
    ssize_t (*splice_read)(struct file *, loff_t *, struct pipe_inode_info *, size_t, unsigned int);
    int (*setlease)(struct file *, long, struct file_lock **, void **);
    long (*fallocate)(struct file *file, int mode, loff_t offset, loff_t len);
    void (*show_fdinfo)(struct seq_file *m, struct file *f);
    ssize_t (*copy_file_range)(struct file *, loff_t, struct file *, loff_t, size_t, unsigned int);
    loff_t (*remap_file_range)(struct file *file_in, loff_t pos_in, struct file *file_out, loff_t pos_out,
                               loff_t len, unsigned int remap_flags);
    int (*fadvise)(struct file *, loff_t, loff_t, int);
    int (*uring_cmd)(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
    int (*uring_cmd_iopoll)(struct io_uring_cmd *, struct io_comp_batch *, unsigned int poll_flags);
};

/* The offsets fs/ModuleFile.swift reads and writes. */
_Static_assert(__builtin_offsetof(struct file_operations, read) == 16, "file_operations layout");
_Static_assert(__builtin_offsetof(struct file_operations, unlocked_ioctl) == 80, "file_operations layout");
_Static_assert(__builtin_offsetof(struct file_operations, open) == 112, "file_operations layout");
_Static_assert(__builtin_offsetof(struct file_operations, release) == 128, "file_operations layout");
_Static_assert(__builtin_offsetof(struct file, f_pos) == 24 && sizeof(struct file) == 40, "struct file layout");
_Static_assert(__builtin_offsetof(struct inode, i_size) == 8, "struct inode layout");

static inline unsigned int iminor(const struct inode *inode)
{
    return MINOR(inode->i_rdev);
}

static inline unsigned int imajor(const struct inode *inode)
{
    return MAJOR(inode->i_rdev);
}

static inline struct inode *file_inode(const struct file *f)
{
    return f->f_inode;
}

/* The file has no position: lseek, pread and pwrite are ESPIPE. */
static inline int nonseekable_open(struct inode *inode, struct file *filp)
{
    (void)inode;
    filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
    return 0;
}

static inline int stream_open(struct inode *inode, struct file *filp)
{
    return nonseekable_open(inode, filp);
}

/* llseek methods: ESPIPE; the position unchanged; SEEK_SET, SEEK_CUR and SEEK_END over i_size. */
loff_t no_llseek(struct file *file, loff_t offset, int whence);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
loff_t default_llseek(struct file *file, loff_t offset, int whence);

#endif
