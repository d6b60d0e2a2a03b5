/* The system's Linux headers (Debian's linux-libc-dev) that define the ABI
 * structures. ABILayoutTests writes a C program that includes this file and
 * prints sizeof and offsetof of every structure and field it knows, compiles
 * it with the host's C compiler, and compares each number with what Swift's
 * MemoryLayout says of include/uapi/linux's structures.
 *
 * Only the kernel's own uapi headers, never the C library's versions of the
 * same structures (glibc's struct stat, sigaction and termios differ from
 * the kernel's): the kernel ABI is the specification. The one exception is
 * linux_dirent64, which has no uapi header; glibc's struct dirent64 is the
 * same record on x86-64 (its readdir hands out the kernel's bytes as they
 * are). */
#include <asm/poll.h>
#include <asm/siginfo.h>
#include <asm/signal.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <asm/termbits.h>
#include <asm/termios.h>
#include <linux/eventpoll.h>
#include <linux/fcntl.h>
#include <linux/futex.h>
#include <linux/inotify.h>
#include <linux/mqueue.h>
#include <linux/msg.h>
#include <linux/resource.h>
#include <linux/sem.h>
#include <linux/shm.h>
#include <linux/signalfd.h>
#include <linux/stat.h>
#include <linux/sysinfo.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/timerfd.h>
#include <linux/times.h>
#include <linux/uio.h>
#include <linux/utime.h>
#include <linux/utsname.h>

#include <dirent.h> /* struct dirent64, with _GNU_SOURCE */
