/* Apus module SDK: a file_operations' poll (Linux: include/linux/poll.h,
 * include/uapi/linux/eventpoll.h's EPOLL* bits, which are poll(2)'s).
 *
 * ->poll calls poll_wait on each wait queue whose wake_up means its answer
 * may have changed, then returns what is ready now; poll, select and epoll
 * sleep on those queues. The poll_table is the kernel's handle for the call
 * under way (NULL when nobody will wait). */
#ifndef _LINUX_POLL_H
#define _LINUX_POLL_H

#include <linux/fs.h>
#include <linux/wait.h>

typedef struct poll_table_struct poll_table;

#define EPOLLIN ((__poll_t)0x00000001)
#define EPOLLPRI ((__poll_t)0x00000002)
#define EPOLLOUT ((__poll_t)0x00000004)
#define EPOLLERR ((__poll_t)0x00000008)
#define EPOLLHUP ((__poll_t)0x00000010)
#define EPOLLNVAL ((__poll_t)0x00000020)
#define EPOLLRDNORM ((__poll_t)0x00000040)
#define EPOLLRDBAND ((__poll_t)0x00000080)
#define EPOLLWRNORM ((__poll_t)0x00000100)
#define EPOLLWRBAND ((__poll_t)0x00000200)
#define EPOLLRDHUP ((__poll_t)0x00002000)

void poll_wait(struct file *filp, wait_queue_head_t *wait_address, poll_table *p);

#endif
