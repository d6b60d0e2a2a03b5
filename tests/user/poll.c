/* Waiting for descriptors: poll, ppoll, select and pselect6 on pipes and /dev/null report
 * what is ready (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL), time out with nothing ready,
 * and wake when another process makes a descriptor ready. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>
#include "tap.h"

static void poll_pipe(void)
{
    int fds[2];
    if (!opened_pipe(fds, "poll"))
        return;
    struct pollfd entries[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLOUT, 0}};
    is(poll(entries, 2, 0), 1, "poll: an empty pipe's write end alone is ready");
    is(entries[0].revents, 0, "poll: an empty pipe's read end is not readable");
    is(entries[1].revents, POLLOUT, "poll: its write end is writable (POLLOUT)");

    is(poll(entries, 1, 30), 0, "poll: a 30 ms timeout with nothing to read returns 0");

    is(write(fds[1], "x", 1), 1, "poll: one byte written");
    is(poll(entries, 1, -1), 1, "poll: now the read end is ready, without waiting");
    is(entries[0].revents, POLLIN, "poll: POLLIN on the read end");

    close(fds[1]);
    entries[0].revents = 0;
    is(poll(entries, 1, 0), 1, "poll: the read end stays ready after the writer closes");
    is(entries[0].revents, POLLIN | POLLHUP, "poll: POLLIN and POLLHUP with data left and no writer");
    close(fds[0]);

    if (!opened_pipe(fds, "poll"))
        return;
    close(fds[0]);
    struct pollfd writer = {fds[1], POLLOUT, 0};
    is(poll(&writer, 1, 0), 1, "poll: a write end whose reader is gone is reported");
    ok(writer.revents & POLLERR, "poll: POLLERR (unasked) on a write end without readers");
    close(fds[1]);
}

static void poll_odd_descriptors(void)
{
    int null = open("/dev/null", O_RDWR);
    struct pollfd entries[3] = {{null, POLLIN | POLLOUT, 0}, {-1, POLLIN, 77}, {999, POLLIN, 0}};
    is(poll(entries, 3, 0), 2, "poll: /dev/null and a closed descriptor count, a negative one not");
    is(entries[0].revents, POLLIN | POLLOUT, "poll: /dev/null is always readable and writable");
    is(entries[1].revents, 0, "poll: a negative descriptor is skipped, revents cleared");
    is(entries[2].revents, POLLNVAL, "poll: a descriptor that is not open is POLLNVAL");
    close(null);
    fails_with(poll(bad_pointer(1), 1, 0), EFAULT, "poll: a bad array pointer is EFAULT");
}

/* The parent sleeps in poll until a child it forked writes to the pipe. */
static void poll_wakes_up(void)
{
    int fds[2];
    if (!opened_pipe(fds, "wake"))
        return;
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        for (volatile long spin = 0; spin < 20000000; spin++) {}
        _exit(write(fds[1], "w", 1) == 1 ? 0 : 1);
    }
    close(fds[1]);
    struct pollfd entry = {fds[0], POLLIN, 0};
    is(poll(&entry, 1, -1), 1, "poll: a sleeping poll wakes when another process writes");
    ok(entry.revents & POLLIN, "poll: and reports POLLIN");
    int status = -1;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "poll: the writer exited 0");
    close(fds[0]);
}

static void ppoll_timespec(void)
{
    int fds[2];
    if (!opened_pipe(fds, "ppoll"))
        return;
    struct pollfd entry = {fds[0], POLLIN, 0};
    struct timespec zero = {0, 0};
    is(ppoll(&entry, 1, &zero, NULL), 0, "ppoll: a zero timespec polls once");
    struct timespec bad = {0, 1000000000};
    fails_with(ppoll(&entry, 1, &bad, NULL), EINVAL, "ppoll: tv_nsec of 10^9 is EINVAL");
    write(fds[1], "y", 1);
    sigset_t none;
    sigemptyset(&none);
    is(ppoll(&entry, 1, NULL, &none), 1, "ppoll: no timeout and data waiting returns 1");
    close(fds[0]);
    close(fds[1]);
}

static void select_sets(void)
{
    int fds[2];
    if (!opened_pipe(fds, "select"))
        return;
    fd_set readable, writable;
    FD_ZERO(&readable);
    FD_ZERO(&writable);
    FD_SET(fds[0], &readable);
    FD_SET(fds[1], &writable);
    struct timeval zero = {0, 0};
    int maximum = fds[0] > fds[1] ? fds[0] : fds[1];
    is(select(maximum + 1, &readable, &writable, NULL, &zero), 1, "select: only the write end is ready");
    ok(!FD_ISSET(fds[0], &readable) && FD_ISSET(fds[1], &writable),
       "select: the read end is cleared from its set, the write end kept");

    write(fds[1], "z", 1);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    struct timeval second = {1, 0};
    is(select(maximum + 1, &readable, NULL, NULL, &second), 1, "select: data makes the read end ready");
    ok(FD_ISSET(fds[0], &readable), "select: the read end stays in its set");

    char byte;
    read(fds[0], &byte, 1);
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    struct timeval short_wait = {0, 20000};
    is(select(maximum + 1, &readable, NULL, NULL, &short_wait), 0, "select: a 20 ms timeout expires with 0");
    ok(!FD_ISSET(fds[0], &readable), "select: and leaves the set empty");

    /* Below 64, within any descriptor table's size (Linux ignores numbers past it). */
    close(60);
    fd_set closed;
    FD_ZERO(&closed);
    FD_SET(60, &closed);
    fails_with(select(61, &closed, NULL, NULL, &zero), EBADF, "select: a descriptor that is not open is EBADF");
    FD_SET(fds[1], &closed);
    is(select(fds[1] + 1, NULL, &closed, NULL, &zero), 1, "select: set bits at or past the count are not looked at");
    ok(FD_ISSET(fds[1], &closed) && !FD_ISSET(60, &closed), "select: and are cleared");
    fails_with(select(-1, NULL, NULL, NULL, &zero), EINVAL, "select: a negative count is EINVAL");

    struct timespec pzero = {0, 0};
    FD_ZERO(&writable);
    FD_SET(fds[1], &writable);
    is(pselect(maximum + 1, NULL, &writable, NULL, &pzero, NULL), 1, "pselect: the write end is ready");
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    poll_pipe();
    poll_odd_descriptors();
    poll_wakes_up();
    ppoll_timespec();
    select_sets();
    return tap_done();
}
