/* Apus module SDK: open flags as file->f_flags holds them (Linux:
 * include/linux/fcntl.h, include/uapi/asm-generic/fcntl.h). */
#ifndef _LINUX_FCNTL_H
#define _LINUX_FCNTL_H

#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_WRONLY 00000001
#define O_RDWR 00000002
#define O_APPEND 00002000
#define O_NONBLOCK 00004000

#endif
