/* Apus module SDK: the file types file operations name (Linux:
 * include/linux/fs.h). They are opaque here: Apus passes NULL for them. */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

struct file;
struct inode;

#endif
