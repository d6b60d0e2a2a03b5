/* Signals and the event waits: epoll_wait returns EINTR when a handler runs, even with
 * SA_RESTART (it is never restarted); epoll_pwait, epoll_pwait2, ppoll and pselect6 block
 * their mask only for the wait, so a signal they unblock runs its handler and interrupts them,
 * and the old mask is back afterwards; a blocking FIFO open returns EINTR; select and ppoll
 * write the time left when interrupted; and poll, stopped and continued (restarted with no
 * handler), ends at its first deadline rather than waiting its whole timeout again. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include "tap.h"

static volatile sig_atomic_t handled;

static void handler(int sig)
{
    (void)sig;
    handled++;
}

static void catch_signal(int sig, int flags)
{
    struct sigaction action = {.sa_handler = handler, .sa_flags = flags};
    sigemptyset(&action.sa_mask);
    sigaction(sig, &action, NULL);
}

/* SIGALRM in `milliseconds`, once. */
static void alarm_in(long milliseconds)
{
    struct itimerval timer = {{0, 0}, {milliseconds / 1000, (milliseconds % 1000) * 1000}};
    setitimer(ITIMER_REAL, &timer, NULL);
}

static long elapsed_ms(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

static void epoll_interrupted(void)
{
    int epfd = epoll_create1(0), fds[2];
    if (!opened_pipe(fds, "epoll"))
        return;
    struct epoll_event event = {.events = EPOLLIN};
    epoll_ctl(epfd, EPOLL_CTL_ADD, fds[0], &event);
    catch_signal(SIGALRM, SA_RESTART);
    handled = 0;
    alarm_in(100);
    fails_with(epoll_wait(epfd, &event, 1, 5000), EINTR, "epoll_wait: EINTR when a handler runs, even with SA_RESTART");
    is(handled, 1, "epoll_wait: the handler ran once");

    /* SIGUSR1 blocked and pending: epoll_pwait's mask lets it in for the wait. */
    sigset_t usr1, empty, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&empty);
    catch_signal(SIGUSR1, 0);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    kill(getpid(), SIGUSR1);
    handled = 0;
    fails_with(epoll_pwait(epfd, &event, 1, 5000, &empty), EINTR, "epoll_pwait: a signal its mask unblocks interrupts it");
    is(handled, 1, "epoll_pwait: and its handler runs");
    sigprocmask(SIG_BLOCK, NULL, &now);
    ok(sigismember(&now, SIGUSR1), "epoll_pwait: the old mask is back after the handler");
    is(epoll_pwait(epfd, &event, 1, 50, &usr1), 0, "epoll_pwait: a mask that blocks it: the wait times out");
    kill(getpid(), SIGUSR1);
    handled = 0;
    struct timespec limit = {5, 0};
    fails_with(syscall(SYS_epoll_pwait2, epfd, &event, 1, &limit, &empty, 8), EINTR,
               "epoll_pwait2: its mask applies too");
    is(handled, 1, "epoll_pwait2: the handler ran");
    fails_with(syscall(SYS_epoll_pwait2, epfd, &event, 1, &limit, &empty, 4), EINVAL,
               "epoll_pwait2: a sigset size other than 8 is EINVAL");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    close(fds[0]);
    close(fds[1]);
    close(epfd);
}

static void masks_of_ppoll_and_pselect(void)
{
    int fds[2];
    if (!opened_pipe(fds, "masks"))
        return;
    sigset_t usr1, empty, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&empty);
    catch_signal(SIGUSR1, SA_RESTART);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    kill(getpid(), SIGUSR1);
    handled = 0;
    struct pollfd entry = {fds[0], POLLIN, 0};
    struct timespec limit = {5, 0};
    fails_with(ppoll(&entry, 1, &limit, &empty), EINTR, "ppoll: a signal its mask unblocks interrupts it");
    is(handled, 1, "ppoll: the handler ran");
    sigprocmask(SIG_BLOCK, NULL, &now);
    ok(sigismember(&now, SIGUSR1), "ppoll: the old mask is back");
    limit.tv_sec = 0;
    limit.tv_nsec = 50000000;
    is(ppoll(&entry, 1, &limit, &usr1), 0, "ppoll: a mask that blocks it: the wait times out");
    handled = 0;
    fd_set reads;
    FD_ZERO(&reads);
    FD_SET(fds[0], &reads);
    limit.tv_sec = 5;
    kill(getpid(), SIGUSR1);
    fails_with(pselect(fds[0] + 1, &reads, NULL, NULL, &limit, &empty), EINTR,
               "pselect: a signal its mask unblocks interrupts it");
    is(handled, 1, "pselect: the handler ran");
    sigprocmask(SIG_BLOCK, NULL, &now);
    ok(sigismember(&now, SIGUSR1), "pselect: the old mask is back");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    close(fds[0]);
    close(fds[1]);
}

static void time_left(void)
{
    int fds[2];
    if (!opened_pipe(fds, "time left"))
        return;
    catch_signal(SIGALRM, 0);
    fd_set reads;
    FD_ZERO(&reads);
    FD_SET(fds[0], &reads);
    struct timeval tv = {5, 0};
    alarm_in(200);
    /* The C library may pass the kernel a copy of the time: the calls themselves here. */
    fails_with(syscall(SYS_select, fds[0] + 1, &reads, NULL, NULL, &tv), EINTR, "select: EINTR without SA_RESTART");
    long left = tv.tv_sec * 1000 + tv.tv_usec / 1000;
    ok(left < 4900 && left > 2000, "select: the timeval holds the time left (%ld ms)", left);
    struct pollfd entry = {fds[0], POLLIN, 0};
    struct timespec limit = {5, 0};
    alarm_in(200);
    fails_with(syscall(SYS_ppoll, &entry, 1, &limit, NULL, 8), EINTR, "ppoll: EINTR");
    left = limit.tv_sec * 1000 + limit.tv_nsec / 1000000;
    ok(left < 4900 && left > 2000, "ppoll: the timespec holds the time left (%ld ms)", left);
    close(fds[0]);
    close(fds[1]);
}

/* A child's poll sleeps 600 ms; stopped after ~100 ms and continued ~500 ms later, with no
 * handler it restarts, and ends at its first deadline: ~600 ms in all, not ~1200. (select and
 * pselect restart from the time left that they wrote back, which the time stopped adds to.) */
static void poll_restarted_with_time_left(void)
{
    int fds[2];
    if (!opened_pipe(fds, "poll restart"))
        return;
    pid_t child = fork();
    if (child == 0) {
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        struct pollfd entry = {fds[0], POLLIN, 0};
        int n = poll(&entry, 1, 600);
        long took = elapsed_ms(&start);
        _exit(n != 0 ? 1 : took < 550 ? 2 : took > 1000 ? 3 : 0);
    }
    usleep(100000);
    kill(child, SIGSTOP);
    usleep(500000);
    kill(child, SIGCONT);
    int status;
    waitpid(child, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ok(code == 0, "poll: stopped and continued, it ends at its first deadline");
    if (code != 0)
        diag("child: %s", code == 1   ? "did not time out"
                          : code == 2 ? "too short"
                          : code == 3 ? "waited its whole timeout again"
                                      : wait_status_text(status));
    close(fds[0]);
    close(fds[1]);
}

static void fifo_open_interrupted(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/signal_waits.%d", getpid());
    unlink(path);
    if (mkfifo(path, 0600) != 0) {
        ok(0, "fifo: mkfifo failed (%s)", strerror(errno));
        return;
    }
    catch_signal(SIGALRM, 0);
    handled = 0;
    alarm_in(100);
    fails_with(open(path, O_RDONLY), EINTR, "fifo: a reader waiting for a writer: EINTR when a handler runs");
    is(handled, 1, "fifo: the handler ran");
    alarm_in(100);
    fails_with(open(path, O_WRONLY), EINTR, "fifo: a writer waiting for a reader: EINTR too");
    fails_with(open(path, O_WRONLY | O_NONBLOCK), ENXIO,
               "fifo: the interrupted reader left no reader behind: a non-blocking writer gets ENXIO");
    unlink(path);
}

int main(void)
{
    epoll_interrupted();
    masks_of_ppoll_and_pselect();
    time_left();
    poll_restarted_with_time_left();
    fifo_open_interrupted();
    return tap_done();
}
