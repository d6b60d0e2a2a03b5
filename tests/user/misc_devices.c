/* Misc character devices (docs/modules.md, "Misc devices"). On any Linux: /proc/misc lists
 * "minor name" lines, the minor right-aligned in three columns. On Apus, as root, the test
 * loads the device modules itself: the Swift echo device (/lib/modules/swift/echo.ko) is
 * /dev/apus_echo, char 10:N with N the same in /proc/misc and /sys/class/misc/apus_echo/dev;
 * what is written is read back, a bad user pointer is EFAULT with nothing moved, and the
 * module cannot be removed while the device is open (EWOULDBLOCK, its count in /proc/modules);
 * once closed it unloads and its node and sysfs entries are gone. The C device
 * (/lib/modules/tests/misc_device.ko, /dev/apus_misc) has a position (default_llseek,
 * pread), ioctls that use get_user, put_user, clear_user, module_refcount and iminor, and a
 * poll method on a wait queue: poll, epoll, O_NONBLOCK's EAGAIN and a read that sleeps until
 * another process makes the device ready (wake_up). */
#include "tap.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/utsname.h>

#define APUS_MISC_GET 0x4d01
#define APUS_MISC_SET 0x4d02
#define APUS_MISC_CLEAR 0x4d03
#define APUS_MISC_REFCOUNT 0x4d04
#define APUS_MISC_MINOR 0x4d05
#define APUS_MISC_READY 0x4d06

static long finit_module(int fd, const char *arguments, int flags)
{
    return syscall(SYS_finit_module, fd, arguments, flags);
}

static long delete_module(const char *name, int flags)
{
    return syscall(SYS_delete_module, name, flags);
}

/* The first `size` - 1 bytes of `path`, NUL-terminated; the length read, or -1. */
static long read_text(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long total = 0, n;
    while (total < (long)size - 1 && (n = read(fd, buffer + total, size - 1 - (size_t)total)) > 0)
        total += n;
    close(fd);
    buffer[total] = 0;
    return total;
}

/* Whether /proc/misc has the line "%3u NAME" for `minor` and `name`. */
static int misc_lists(unsigned minor, const char *name)
{
    static char text[8192];
    char line[96];
    if (read_text("/proc/misc", text, sizeof text) < 0)
        return 0;
    snprintf(line, sizeof line, "%3u %s\n", minor, name);
    return strstr(text, line) != NULL;
}

/* Every line of /proc/misc is "%3d NAME" (Linux: misc_seq_show). */
static void proc_misc_format(void)
{
    static char text[8192];
    if (read_text("/proc/misc", text, sizeof text) < 0) {
        skip("no /proc/misc", "/proc/misc's lines are \"%%3d name\"");
        return;
    }
    int good = 1, lines = 0;
    for (char *line = text; *line; lines++) {
        char *end = strchr(line, '\n');
        if (!end)
            break;
        int minor, used = 0;
        if (sscanf(line, "%3d %n", &minor, &used) != 1 || used < 4 || line + used >= end)
            good = 0;
        line = end + 1;
    }
    ok(good, "/proc/misc's %d lines are \"%%3d name\"", lines);
}

/* The char device node `path`: its minor if its major is 10, else -1. */
static int misc_minor(const char *path)
{
    struct stat status;
    if (stat(path, &status) != 0 || !S_ISCHR(status.st_mode) || major(status.st_rdev) != 10)
        return -1;
    return (int)minor(status.st_rdev);
}

/* The reference count /proc/modules shows for `name`, or -1. */
static int proc_modules_count(const char *name)
{
    static char text[8192];
    char prefix[64];
    if (read_text("/proc/modules", text, sizeof text) < 0)
        return -1;
    snprintf(prefix, sizeof prefix, "%s ", name);
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        long size;
        int count;
        if (strncmp(line, prefix, strlen(prefix)) == 0 && sscanf(line + strlen(prefix), "%ld %d", &size, &count) == 2)
            return count;
    }
    return -1;
}

static int load(const char *path)
{
    int fd = open(path, O_RDONLY);
    long result = finit_module(fd, "", 0);
    int error = errno;
    close(fd);
    errno = error;
    return (int)result;
}

static void echo_device(void)
{
    succeeds(load("/lib/modules/swift/echo.ko"), "finit_module loads the Swift echo.ko");
    int minor = misc_minor("/dev/apus_echo");
    ok(minor >= 0 && minor < 128, "/dev/apus_echo is char 10:%d, a dynamic minor", minor);
    ok(misc_lists((unsigned)minor, "apus_echo"), "/proc/misc lists \"%3d apus_echo\"", minor);
    char text[32], expected[32];
    snprintf(expected, sizeof expected, "10:%d\n", minor);
    read_text("/sys/class/misc/apus_echo/dev", text, sizeof text);
    is(strcmp(text, expected), 0, "/sys/class/misc/apus_echo/dev is 10:%d", minor);

    int fd = open("/dev/apus_echo", O_RDWR);
    ok(fd >= 0, "open /dev/apus_echo");
    is(write(fd, "hello", 5), 5, "write 5 bytes");
    char buffer[16] = "";
    is(read(fd, buffer, sizeof buffer), 5, "read gives the 5 back");
    is(memcmp(buffer, "hello", 5), 0, "the same bytes");
    is(read(fd, buffer, sizeof buffer), 0, "then the device is empty: end of file");
    fails_with(write(fd, bad_pointer(1), 10), EFAULT, "a write from a bad pointer is EFAULT");
    is(write(fd, "again", 5), 5, "write 5 more");
    fails_with(read(fd, bad_pointer(1), 10), EFAULT, "a read into a bad pointer is EFAULT");
    char halves[2][3];
    struct iovec vector[2] = {{halves[0], 3}, {halves[1], 3}};
    is(readv(fd, vector, 2), 5, "readv still gets the 5 bytes, across two buffers");
    is(memcmp(halves, "again", 5), 0, "in order");
    static char block[4096];
    memset(block, 'x', sizeof block);
    is(write(fd, block, sizeof block), 4096, "the buffer takes 4096 bytes");
    fails_with(write(fd, "y", 1), ENOSPC, "and no more: ENOSPC");
    is(read(fd, block, sizeof block), 4096, "they read back");
    fails_with(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek without an llseek is ESPIPE");

    is(proc_modules_count("echo"), 1, "/proc/modules counts the open file's reference");
    fails_with(delete_module("echo", O_NONBLOCK), EWOULDBLOCK, "delete_module while it is open is EWOULDBLOCK");
    fails_with(delete_module("echo", O_NONBLOCK | O_TRUNC), EWOULDBLOCK, "even forced");
    is(misc_minor("/dev/apus_echo"), minor, "the device is still there");
    close(fd);
    is(proc_modules_count("echo"), 0, "closing drops the reference");
    succeeds(delete_module("echo", O_NONBLOCK), "then delete_module unloads it");
    fails_with(open("/dev/apus_echo", O_RDWR), ENOENT, "/dev/apus_echo is gone");
    fails_with(access("/sys/class/misc/apus_echo", F_OK), ENOENT, "so is /sys/class/misc/apus_echo");
    snprintf(text, sizeof text, "/sys/dev/char/10:%d", minor);
    fails_with(access(text, F_OK), ENOENT, "and %s", text);
    ok(!misc_lists((unsigned)minor, "apus_echo"), "/proc/misc no longer lists it");
}

/* In a child: after 100 ms, makes /dev/apus_misc ready, which wakes its readers and pollers. */
static pid_t ready_later(void)
{
    pid_t child = fork();
    if (child == 0) {
        usleep(100 * 1000);
        int fd = open("/dev/apus_misc", O_RDONLY);
        _exit(ioctl(fd, APUS_MISC_READY, 1) == 0 ? 0 : 1);
    }
    return child;
}

/* The device's poll method: poll and epoll see its readiness, O_NONBLOCK reads are EAGAIN while
 * it is not ready, and both a poll and a read sleep until another process makes it ready. */
static void c_device_waits(int fd)
{
    struct pollfd entry = {fd, POLLIN, 0};
    is(poll(&entry, 1, 0), 1, "poll: the device is ready");
    ok(entry.revents == POLLIN, "with POLLIN (revents %#x)", entry.revents);
    is(ioctl(fd, APUS_MISC_READY, 0), 0, "ioctl: not ready");
    entry.revents = 0;
    is(poll(&entry, 1, 0), 0, "poll: then no POLLIN");
    lseek(fd, 0, SEEK_SET);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    char buffer[8] = "";
    fails_with(read(fd, buffer, 4), EAGAIN, "a read with O_NONBLOCK (set by fcntl) is EAGAIN");
    fcntl(fd, F_SETFL, 0);
    pid_t child = ready_later();
    entry.revents = 0;
    is(poll(&entry, 1, 5000), 1, "poll sleeps until another process makes it ready (wake_up)");
    ok(entry.revents & POLLIN, "then POLLIN");
    exits_with(child, 0, "the child made it ready");

    is(ioctl(fd, APUS_MISC_READY, 0), 0, "not ready again");
    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = fd}, out;
    is(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event), 0, "epoll watches the device (it has a poll method)");
    is(epoll_wait(epoll, &out, 1, 0), 0, "epoll: not ready");
    child = ready_later();
    is(read(fd, buffer, 4), 4, "a read sleeps until the device is ready, then reads");
    is(strcmp(buffer, "apus"), 0, "\"apus\"");
    exits_with(child, 0, "the child made it ready");
    is(epoll_wait(epoll, &out, 1, 0), 1, "epoll: ready after the wake_up");
    close(epoll);
}

static void c_device(void)
{
    succeeds(load("/lib/modules/tests/misc_device.ko"), "finit_module loads misc_device.ko (C)");
    int minor = misc_minor("/dev/apus_misc");
    ok(minor >= 0, "/dev/apus_misc is char 10:%d", minor);
    int fd = open("/dev/apus_misc", O_RDWR);
    ok(fd >= 0, "open /dev/apus_misc (its open checks private_data and iminor)");
    char buffer[32] = "";
    is(read(fd, buffer, sizeof buffer), 17, "read gives the device's 17 bytes");
    is(strcmp(buffer, "apus misc device\n"), 0, "its text");
    is(read(fd, buffer, sizeof buffer), 0, "then end of file");
    is(lseek(fd, 5, SEEK_SET), 5, "default_llseek: SEEK_SET 5");
    memset(buffer, 0, sizeof buffer);
    is(read(fd, buffer, 4), 4, "read 4 there");
    is(strcmp(buffer, "misc"), 0, "\"misc\"");
    is(lseek(fd, -4, SEEK_CUR), 5, "SEEK_CUR -4 is 5 again");
    fails_with(lseek(fd, -1, SEEK_SET), EINVAL, "a negative position is EINVAL");
    memset(buffer, 0, sizeof buffer);
    is(pread(fd, buffer, 4, 0), 4, "pread 4 at 0");
    is(strcmp(buffer, "apus"), 0, "\"apus\"");
    is(lseek(fd, 0, SEEK_CUR), 5, "pread left the position alone");
    fails_with(read(fd, bad_pointer(1), 4), EFAULT, "a read into a bad pointer is EFAULT");

    int value = 0;
    is(ioctl(fd, APUS_MISC_GET, &value), 0, "ioctl put_user");
    is(value, 7, "gives the module's value");
    value = 42;
    is(ioctl(fd, APUS_MISC_SET, &value), 0, "ioctl get_user sets it");
    value = 0;
    ioctl(fd, APUS_MISC_GET, &value);
    is(value, 42, "and it reads back");
    fails_with(ioctl(fd, APUS_MISC_GET, bad_pointer(1)), EFAULT, "put_user to a bad pointer is EFAULT");
    fails_with(ioctl(fd, APUS_MISC_SET, bad_pointer(1)), EFAULT, "get_user from a bad pointer is EFAULT");
    unsigned char cleared[16];
    memset(cleared, 0xff, sizeof cleared);
    is(ioctl(fd, APUS_MISC_CLEAR, cleared), 0, "clear_user");
    int zero = 1;
    for (size_t i = 0; i < sizeof cleared; i++)
        zero &= cleared[i] == 0;
    ok(zero, "zeroes the 16 bytes");
    fails_with(ioctl(fd, APUS_MISC_CLEAR, bad_pointer(1)), EFAULT, "clear_user of a bad pointer is EFAULT");
    fails_with(ioctl(fd, 0x1234, 0), ENOTTY, "an unknown ioctl is the module's ENOTTY");
    is(ioctl(fd, APUS_MISC_MINOR, 0), minor, "iminor(file_inode(file)) is the node's minor");
    is(ioctl(fd, APUS_MISC_REFCOUNT, 0), 1, "module_refcount(THIS_MODULE) is 1 with one file open");
    int second = open("/dev/apus_misc", O_RDONLY);
    is(ioctl(fd, APUS_MISC_REFCOUNT, 0), 2, "2 with two");
    fails_with(write(second, "x", 1), EBADF, "a file open for reading does not write");
    close(second);
    is(ioctl(fd, APUS_MISC_REFCOUNT, 0), 1, "1 again after a close");
    is(write(fd, "hi there", 8), 8, "write takes a string with strncpy_from_user");
    fails_with(write(fd, bad_pointer(1), 5), EFAULT, "strncpy_from_user of a bad pointer is EFAULT");
    c_device_waits(fd);
    fails_with(delete_module("misc_device", O_NONBLOCK), EWOULDBLOCK, "delete_module while open is EWOULDBLOCK");
    close(fd);
    succeeds(delete_module("misc_device", O_NONBLOCK), "after the close it unloads");
    fails_with(open("/dev/apus_misc", O_RDONLY), ENOENT, "/dev/apus_misc is gone");
}

int main(void)
{
    proc_misc_format();
    struct utsname name;
    if (uname(&name) == 0 && strstr(name.version, "Apus") != NULL && geteuid() == 0) {
        echo_device();
        c_device();
    } else {
        skip("not Apus", "the echo and C misc device modules");
    }
    return tap_done();
}
