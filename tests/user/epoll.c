/* epoll over pipes and eventfds: level-triggered watches report while data is there,
 * edge-triggered ones once per new arrival, EPOLLONESHOT until EPOLL_CTL_MOD; EPOLLHUP and
 * EPOLLERR unasked; EEXIST, ENOENT, EINVAL, EPERM, EBADF and ELOOP as Linux gives them; an
 * epoll inside an epoll; a watch ending with the last close of its file; a sleeping
 * epoll_wait woken by another process; epoll_pwait and epoll_pwait2. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

static int add(int epfd, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event event = {.events = events, .data.u64 = data};
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

static int modify(int epfd, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event event = {.events = events, .data.u64 = data};
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &event);
}

/* epoll_wait with a zero timeout; the first event in *event. */
static int ready(int epfd, struct epoll_event *event)
{
    struct epoll_event events[4];
    int n = epoll_wait(epfd, events, 4, 0);
    if (n > 0 && event)
        *event = events[0];
    return n;
}

static void level_triggered(void)
{
    int epfd = epoll_create1(0), fds[2];
    if (!opened_pipe(fds, "level"))
        return;
    ok(epfd >= 0, "level: epoll_create1(0)");
    is(add(epfd, fds[0], EPOLLIN, 0x1122334455667788ull), 0, "level: watch a pipe's read end");
    struct epoll_event event;
    is(ready(epfd, NULL), 0, "level: an empty pipe reports nothing");
    is(epoll_wait(epfd, &event, 1, 20), 0, "level: a 20 ms wait times out with 0");
    is(write(fds[1], "ab", 2), 2, "level: two bytes written");
    is(ready(epfd, &event), 1, "level: one event");
    is(event.events, EPOLLIN, "level: EPOLLIN");
    ok(event.data.u64 == 0x1122334455667788ull, "level: the data comes back");
    is(ready(epfd, &event), 1, "level: reported again while the data is there");
    char byte;
    read(fds[0], &byte, 1);
    is(ready(epfd, &event), 1, "level: still one byte: still reported");
    read(fds[0], &byte, 1);
    is(ready(epfd, &event), 0, "level: drained: nothing");
    close(fds[1]);
    is(ready(epfd, &event), 1, "level: the writer closed: an event");
    is(event.events, EPOLLHUP, "level: EPOLLHUP, unasked");
    close(fds[0]);
    close(epfd);
}

static void edge_triggered(void)
{
    int epfd = epoll_create1(0), fds[2];
    if (!opened_pipe(fds, "edge"))
        return;
    is(add(epfd, fds[0], EPOLLIN | EPOLLET, 7), 0, "edge: watch with EPOLLET");
    write(fds[1], "a", 1);
    struct epoll_event event;
    is(ready(epfd, &event), 1, "edge: the first write is reported");
    is(event.events, EPOLLIN, "edge: EPOLLIN");
    is(ready(epfd, &event), 0, "edge: not again without a new write");
    write(fds[1], "b", 1);
    is(ready(epfd, &event), 1, "edge: a second write is reported, data unread");
    is(ready(epfd, &event), 0, "edge: and only once");
    char buffer[4];
    is(read(fds[0], buffer, sizeof buffer), 2, "edge: both bytes read");
    is(ready(epfd, &event), 0, "edge: reading brings no event");
    close(fds[0]);
    close(fds[1]);
    close(epfd);
}

static void oneshot(void)
{
    int epfd = epoll_create1(0), fds[2];
    if (!opened_pipe(fds, "oneshot"))
        return;
    is(add(epfd, fds[0], EPOLLIN | EPOLLONESHOT, 1), 0, "oneshot: watch with EPOLLONESHOT");
    write(fds[1], "a", 1);
    struct epoll_event event;
    is(ready(epfd, &event), 1, "oneshot: reported once");
    is(ready(epfd, &event), 0, "oneshot: then disabled, data still there");
    write(fds[1], "b", 1);
    is(ready(epfd, &event), 0, "oneshot: a new write does not re-arm it");
    is(modify(epfd, fds[0], EPOLLIN | EPOLLONESHOT, 2), 0, "oneshot: EPOLL_CTL_MOD re-arms it");
    is(ready(epfd, &event), 1, "oneshot: reported again after MOD");
    ok(event.data.u64 == 2, "oneshot: with the new data");
    is(ready(epfd, &event), 0, "oneshot: and disabled again");
    close(fds[0]);
    close(fds[1]);
    close(epfd);
}

static void errors(void)
{
    int epfd = epoll_create1(EPOLL_CLOEXEC), fds[2];
    if (!opened_pipe(fds, "errors"))
        return;
    is(fcntl(epfd, F_GETFD), FD_CLOEXEC, "errors: EPOLL_CLOEXEC sets FD_CLOEXEC");
    fails_with(epoll_create1(1), EINVAL, "errors: epoll_create1 with an unknown flag");
    fails_with(syscall(SYS_epoll_create, 0), EINVAL, "errors: epoll_create(0)");
    int old = syscall(SYS_epoll_create, 1);
    ok(old >= 0, "errors: epoll_create(1) works");
    close(old);
    is(add(epfd, fds[0], EPOLLIN, 0), 0, "errors: a first watch");
    fails_with(add(epfd, fds[0], EPOLLIN, 0), EEXIST, "errors: the same watch again is EEXIST");
    fails_with(modify(epfd, fds[1], EPOLLOUT, 0), ENOENT, "errors: MOD of an unwatched file is ENOENT");
    fails_with(epoll_ctl(epfd, EPOLL_CTL_DEL, fds[1], NULL), ENOENT, "errors: DEL of an unwatched file is ENOENT");
    fails_with(add(epfd, epfd, EPOLLIN, 0), EINVAL, "errors: an epoll watching itself is EINVAL");
    fails_with(add(fds[0], fds[1], EPOLLOUT, 0), EINVAL, "errors: a pipe as the epoll is EINVAL");
    fails_with(epoll_ctl(epfd, 99, fds[1], &(struct epoll_event){0}), EINVAL, "errors: an unknown op is EINVAL");
    fails_with(add(epfd, 999, EPOLLIN, 0), EBADF, "errors: a closed descriptor is EBADF");
    int file = open("/", O_RDONLY | O_DIRECTORY);
    fails_with(add(epfd, file, EPOLLIN, 0), EPERM, "errors: a directory cannot be watched (EPERM)");
    close(file);
    fails_with(add(epfd, fds[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 0), EINVAL,
               "errors: EPOLLEXCLUSIVE with EPOLLONESHOT is EINVAL");
    is(add(epfd, fds[1], EPOLLOUT | EPOLLEXCLUSIVE, 0), 0, "errors: EPOLLEXCLUSIVE is accepted");
    fails_with(modify(epfd, fds[1], EPOLLOUT, 0), EINVAL, "errors: MOD of an exclusive watch is EINVAL");
    fails_with(epoll_ctl(epfd, EPOLL_CTL_ADD, fds[0], bad_pointer(1)), EFAULT, "errors: a bad event pointer is EFAULT");
    struct epoll_event event;
    fails_with(epoll_wait(epfd, &event, 0, 0), EINVAL, "errors: maxevents 0 is EINVAL");
    fails_with(epoll_wait(fds[0], &event, 1, 0), EINVAL, "errors: epoll_wait on a pipe is EINVAL");
    is(epoll_ctl(epfd, EPOLL_CTL_DEL, fds[0], NULL), 0, "errors: DEL with a NULL event");
    fails_with(epoll_ctl(epfd, EPOLL_CTL_DEL, fds[0], NULL), ENOENT, "errors: and a second DEL is ENOENT");
    close(fds[0]);
    close(fds[1]);
    close(epfd);
}

static void nested(void)
{
    int outer = epoll_create1(0), inner = epoll_create1(0);
    int counter = eventfd(0, EFD_NONBLOCK);
    is(add(inner, counter, EPOLLIN, 5), 0, "nested: the inner epoll watches an eventfd");
    is(add(outer, inner, EPOLLIN, 6), 0, "nested: the outer epoll watches the inner one");
    fails_with(add(inner, outer, EPOLLIN, 0), ELOOP, "nested: a cycle is ELOOP");
    struct epoll_event event;
    is(ready(outer, &event), 0, "nested: nothing ready");
    struct pollfd entry = {inner, POLLIN, 0};
    is(poll(&entry, 1, 0), 0, "nested: poll of the inner epoll: not readable");
    uint64_t one = 1;
    write(counter, &one, sizeof one);
    is(poll(&entry, 1, 0), 1, "nested: poll of the inner epoll: readable once the eventfd is");
    is(ready(outer, &event), 1, "nested: the outer epoll reports the inner one");
    ok(event.events == EPOLLIN && event.data.u64 == 6, "nested: EPOLLIN with the inner watch's data");
    is(ready(inner, &event), 1, "nested: the inner epoll reports the eventfd");
    ok(event.data.u64 == 5, "nested: with its data");
    close(counter);
    close(inner);
    close(outer);
}

/* Closing the last descriptor of a watched file ends the watch; a dup keeps it. */
static void last_close(void)
{
    int epfd = epoll_create1(0), fds[2];
    if (!opened_pipe(fds, "close"))
        return;
    is(add(epfd, fds[1], EPOLLOUT, 3), 0, "close: watch a write end");
    int copy = dup(fds[1]);
    close(fds[1]);
    struct epoll_event event;
    is(ready(epfd, &event), 1, "close: a dup keeps the watch alive");
    close(copy);
    is(ready(epfd, &event), 0, "close: closing the last descriptor ends the watch");
    char byte;
    is(read(fds[0], &byte, 1), 0, "close: and the reader sees end-of-file: the watch held no end open");
    close(fds[0]);
    close(epfd);
}

/* The parent sleeps in epoll_wait until a child writes to the eventfd. */
static void wakes_up(void)
{
    int epfd = epoll_create1(0), counter = eventfd(0, 0);
    add(epfd, counter, EPOLLIN | EPOLLET, 9);
    pid_t child = fork();
    if (child == 0) {
        for (volatile long spin = 0; spin < 20000000; spin++) {}
        uint64_t one = 1;
        _exit(write(counter, &one, sizeof one) == 8 ? 0 : 1);
    }
    struct epoll_event event;
    is(epoll_wait(epfd, &event, 1, -1), 1, "wake: epoll_wait sleeps until another process writes");
    ok(event.events == EPOLLIN && event.data.u64 == 9, "wake: the eventfd's EPOLLIN");
    exits_with(child, 0, "wake: the writer exited 0");
    sigset_t none;
    sigemptyset(&none);
    is(epoll_pwait(epfd, &event, 1, 0, &none), 0, "wake: epoll_pwait with a zero timeout: edge consumed");
    struct timespec zero = {0, 0};
    is(syscall(SYS_epoll_pwait2, epfd, &event, 1, &zero, NULL, 8), 0, "wake: epoll_pwait2, zero timespec");
    uint64_t two = 2;
    write(counter, &two, sizeof two);
    is(syscall(SYS_epoll_pwait2, epfd, &event, 1, NULL, NULL, 8), 1, "wake: epoll_pwait2, NULL timeout");
    close(counter);
    close(epfd);
}

int main(void)
{
    level_triggered();
    edge_triggered();
    oneshot();
    errors();
    nested();
    last_close();
    wakes_up();
    return tap_done();
}
