/* timerfd_create, timerfd_settime, timerfd_gettime: reads returning the count of expirations
 * (one-shot, periodic, after a blocking wait), poll readiness, TFD_TIMER_ABSTIME on
 * CLOCK_REALTIME, settime dropping unread expirations, TFD_NONBLOCK and TFD_CLOEXEC, and the
 * errors. Lower bounds only: a slow machine may count more expirations, never fewer. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include "tap.h"
#include "cpu_time.h"

static int arm(int fd, int flags, long long value_ns, long long interval_ns, struct itimerspec *old)
{
    struct itimerspec setting = {
        { interval_ns / 1000000000, interval_ns % 1000000000 },
        { value_ns / 1000000000, value_ns % 1000000000 },
    };
    return timerfd_settime(fd, flags, &setting, old);
}

static long long left_ns(int fd)
{
    struct itimerspec now;
    if (timerfd_gettime(fd, &now) != 0)
        return -1;
    return now.it_value.tv_sec * 1000000000LL + now.it_value.tv_nsec;
}

/* read(2) of the count; -1 with errno on failure. */
static long long expirations(int fd)
{
    uint64_t count;
    ssize_t n = read(fd, &count, sizeof count);
    return n == sizeof count ? (long long)count : -1;
}

static int readable(int fd, int milliseconds)
{
    struct pollfd entry = { .fd = fd, .events = POLLIN };
    return poll(&entry, 1, milliseconds) == 1 && (entry.revents & POLLIN);
}

static void one_shot_and_periodic(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (!ok(fd >= 0, "timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)"))
        return;
    ok(fcntl(fd, F_GETFD) == FD_CLOEXEC && (fcntl(fd, F_GETFL) & O_NONBLOCK), "FD_CLOEXEC and O_NONBLOCK are set");
    is(left_ns(fd), 0, "a new timerfd is disarmed");
    fails_with(expirations(fd), EAGAIN, "reading it before any expiry: EAGAIN");
    ok(!readable(fd, 0), "poll: not readable");

    struct itimerspec old = { { 9, 9 }, { 9, 9 } };
    ok(arm(fd, 0, 100 * MS, 0, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0,
       "timerfd_settime 100 ms; the old setting was disarmed");
    long long left = left_ns(fd);
    ok(left > 0 && left <= 100 * MS, "timerfd_gettime: up to 100 ms left (%lld ms)", left / MS);
    ok(readable(fd, 10000), "poll: readable once it expired");
    is(expirations(fd), 1, "read returns 1 expiration");
    fails_with(expirations(fd), EAGAIN, "and the count starts again from 0");
    is(left_ns(fd), 0, "the one-shot timer is disarmed");

    arm(fd, 0, 20 * MS, 20 * MS, 0);
    sleep_ns(300 * MS);
    long long count = expirations(fd);
    ok(count >= 5, "a 20 ms periodic timer read after 300 ms: %lld expirations", count);
    struct itimerspec now;
    timerfd_gettime(fd, &now);
    ok(now.it_interval.tv_sec == 0 && now.it_interval.tv_nsec == 20 * MS && now.it_value.tv_sec == 0
           && now.it_value.tv_nsec <= 20 * MS,
       "timerfd_gettime: the 20 ms period, and less than it to the next expiry");
    sleep_ns(100 * MS);
    arm(fd, 0, 10000 * MS, 0, &old);
    ok(old.it_interval.tv_nsec == 20 * MS, "timerfd_settime returns the old period");
    fails_with(expirations(fd), EAGAIN, "settime drops the expirations not yet read");
    arm(fd, 0, 0, 0, 0);
    is(left_ns(fd), 0, "a zero it_value disarms it");
    close(fd);
}

static void blocking_and_absolute(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    ok(fd >= 0 && fcntl(fd, F_GETFD) == 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), "timerfd_create without flags");
    arm(fd, 0, 100 * MS, 0, 0);
    long long start = clock_ns(CLOCK_MONOTONIC);
    long long count = expirations(fd);
    long long waited = clock_ns(CLOCK_MONOTONIC) - start;
    ok(count == 1 && waited >= 50 * MS, "a blocking read waits for the expiry (%lld ms) and returns 1", waited / MS);
    close(fd);

    fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    long long wall = clock_ns(CLOCK_REALTIME);
    ok(arm(fd, TFD_TIMER_ABSTIME, wall + 300 * MS, 0, 0) == 0, "TFD_TIMER_ABSTIME on CLOCK_REALTIME: now + 300 ms");
    long long left = left_ns(fd);
    ok(left > 0 && left <= 300 * MS, "up to 300 ms left (%lld ms)", left / MS);
    ok(!readable(fd, 0) && readable(fd, 10000) && expirations(fd) == 1, "it expires once, later");
    arm(fd, TFD_TIMER_ABSTIME, wall - 1000 * MS, 0, 0);
    ok(readable(fd, 10000) && expirations(fd) == 1, "an absolute time in the past expires at once");
    close(fd);

    fd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
    ok(fd >= 0 && arm(fd, 0, 50 * MS, 0, 0) == 0 && readable(fd, 10000), "CLOCK_BOOTTIME works too");
    close(fd);
}

static void errors(void)
{
    fails_with(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL, "timerfd_create on a CPU clock: EINVAL");
    fails_with(timerfd_create(12345, 0), EINVAL, "on no clock: EINVAL");
    fails_with(timerfd_create(CLOCK_MONOTONIC, 0x40), EINVAL, "with an unknown flag: EINVAL");
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
    fails_with(timerfd_settime(fd, 0, &bad, 0), EINVAL, "timerfd_settime with 10^9 ns: EINVAL");
    fails_with(arm(fd, 0x100, 1, 0, 0), EINVAL, "timerfd_settime with an unknown flag: EINVAL");
    fails_with(syscall(SYS_timerfd_settime, fd, 0, bad_pointer(16), 0), EFAULT, "timerfd_settime from a bad address");
    fails_with(syscall(SYS_timerfd_gettime, fd, bad_pointer(16)), EFAULT, "timerfd_gettime to a bad address");
    char small[4];
    arm(fd, 0, 1, 0, 0);
    sleep_ns(20 * MS);
    fails_with(read(fd, small, sizeof small), EINVAL, "a read of 4 bytes: EINVAL");
    int p[2];
    if (opened_pipe(p, "settime on a pipe")) {
        fails_with(arm(p[0], 0, 1, 0, 0), EINVAL, "timerfd_settime on a pipe: EINVAL");
        fails_with(timerfd_gettime(p[0], &bad), EINVAL, "timerfd_gettime on a pipe: EINVAL");
        close(p[0]);
        close(p[1]);
    }
    fails_with(arm(999, 0, 1, 0, 0), EBADF, "timerfd_settime on a closed descriptor: EBADF");
    close(fd);
}

int main(void)
{
    one_shot_and_periodic();
    blocking_and_absolute();
    errors();
    return tap_done();
}
