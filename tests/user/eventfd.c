/* eventfd: the counter's read and write rules (all of it, or 1 with EFD_SEMAPHORE), the
 * overflow limit of 2^64 - 2, EAGAIN with EFD_NONBLOCK, EINVAL for short buffers and for
 * 2^64 - 1, poll readiness, FD_CLOEXEC, and a reader sleeping until another process writes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include "tap.h"

static void counter_rules(void)
{
    int fd = eventfd(3, EFD_NONBLOCK);
    ok(fd >= 0, "eventfd(3, EFD_NONBLOCK) opens");
    uint64_t value = 0;
    is(read(fd, &value, sizeof value), 8, "read returns 8 bytes");
    is(value, 3, "the initial value is read");
    fails_with(read(fd, &value, sizeof value), EAGAIN, "a read of a zero counter is EAGAIN");
    value = 5;
    is(write(fd, &value, sizeof value), 8, "write of 5 returns 8");
    value = 7;
    is(write(fd, &value, sizeof value), 8, "write of 7 returns 8");
    is(read(fd, &value, sizeof value), 8, "read after two writes");
    is(value, 12, "writes add up: 12");
    char small[4];
    fails_with(read(fd, small, sizeof small), EINVAL, "a read buffer under 8 bytes is EINVAL");
    fails_with(write(fd, small, sizeof small), EINVAL, "a write of under 8 bytes is EINVAL");
    value = UINT64_MAX;
    fails_with(write(fd, &value, sizeof value), EINVAL, "writing 2^64 - 1 is EINVAL");
    value = UINT64_MAX - 1;
    is(write(fd, &value, sizeof value), 8, "the counter may reach 2^64 - 2");
    value = 1;
    fails_with(write(fd, &value, sizeof value), EAGAIN, "one more would overflow: EAGAIN");
    struct pollfd entry = {fd, POLLIN | POLLOUT, 0};
    is(poll(&entry, 1, 0), 1, "poll at the maximum: ready");
    is(entry.revents, POLLIN, "poll at the maximum: readable, not writable");
    is(read(fd, &value, sizeof value), 8, "read at the maximum");
    ok(value == UINT64_MAX - 1, "read returns 2^64 - 2");
    entry.revents = 0;
    is(poll(&entry, 1, 0), 1, "poll at zero: ready");
    is(entry.revents, POLLOUT, "poll at zero: writable, not readable");
    value = 0;
    is(write(fd, &value, sizeof value), 8, "writing 0 succeeds");
    fails_with(read(fd, &value, sizeof value), EAGAIN, "and leaves the counter at zero");
    close(fd);
}

static void semaphore(void)
{
    int fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    ok(fd >= 0, "eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK) opens");
    uint64_t value = 0;
    is(read(fd, &value, sizeof value), 8, "semaphore: first read");
    is(value, 1, "semaphore: a read returns 1");
    is(read(fd, &value, sizeof value), 8, "semaphore: second read");
    is(value, 1, "semaphore: and 1 again");
    fails_with(read(fd, &value, sizeof value), EAGAIN, "semaphore: the third is EAGAIN");
    close(fd);
}

static void flags(void)
{
    fails_with(syscall(SYS_eventfd2, 0, 0x100), EINVAL, "an unknown flag is EINVAL");
    int fd = eventfd(0, EFD_CLOEXEC);
    is(fcntl(fd, F_GETFD), FD_CLOEXEC, "EFD_CLOEXEC sets FD_CLOEXEC");
    is(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_RDWR, "open for reading and writing, blocking");
    close(fd);
    fd = syscall(SYS_eventfd, 4);
    uint64_t value = 0;
    ok(fd >= 0 && read(fd, &value, sizeof value) == 8 && value == 4, "eventfd (the old call) works");
    close(fd);
}

/* The parent blocks in read until a child writes. */
static void wakes_reader(void)
{
    int fd = eventfd(0, 0);
    pid_t child = fork();
    if (child == 0) {
        for (volatile long spin = 0; spin < 20000000; spin++) {}
        uint64_t one = 9;
        _exit(write(fd, &one, sizeof one) == 8 ? 0 : 1);
    }
    uint64_t value = 0;
    is(read(fd, &value, sizeof value), 8, "a blocked read returns when another process writes");
    is(value, 9, "with the value written");
    exits_with(child, 0, "the writer exited 0");
    close(fd);
}

int main(void)
{
    counter_rules();
    semaphore();
    flags();
    wakes_reader();
    return tap_done();
}
