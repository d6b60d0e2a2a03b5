/* signalfd: blocked signals read as struct signalfd_siginfo records (kill's sender, sigqueue's
 * value, several per read, the thread's own before the process's), EAGAIN with SFD_NONBLOCK,
 * EINVAL for a short buffer, a bad flag, a bad size or a descriptor that is no signalfd; a
 * second signalfd4 on the descriptor replaces the set; SFD_CLOEXEC; poll and epoll readiness; a
 * blocked read woken by another process's kill; and after fork each process reads its own
 * signals through the inherited descriptor. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include "tap.h"

static sigset_t set_of(int a, int b)
{
    sigset_t set;
    sigemptyset(&set);
    if (a)
        sigaddset(&set, a);
    if (b)
        sigaddset(&set, b);
    return set;
}

static void block(int a, int b)
{
    sigset_t set = set_of(a, b);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static void records(void)
{
    block(SIGUSR1, SIGRTMIN);
    sigset_t mask = set_of(SIGUSR1, SIGRTMIN);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK);
    ok(fd >= 0, "signalfd(-1, {USR1, RTMIN}, SFD_NONBLOCK) opens");
    struct signalfd_siginfo info[3];
    fails_with(read(fd, info, sizeof info), EAGAIN, "nothing pending: EAGAIN");
    kill(getpid(), SIGUSR1);
    union sigval value = {.sival_int = 77};
    sigqueue(getpid(), SIGRTMIN, value);
    value.sival_int = 78;
    sigqueue(getpid(), SIGRTMIN, value);
    fails_with(read(fd, info, sizeof info[0] - 1), EINVAL, "a buffer under 128 bytes is EINVAL");
    is(read(fd, info, sizeof info), 3 * sizeof info[0], "one read returns three records");
    is(info[0].ssi_signo, SIGUSR1, "the lowest signal first: SIGUSR1");
    is(info[0].ssi_code, SI_USER, "kill's si_code SI_USER");
    is(info[0].ssi_pid, getpid(), "ssi_pid is the sender");
    is(info[0].ssi_uid, getuid(), "ssi_uid is the sender's uid");
    is(info[1].ssi_signo, SIGRTMIN, "then SIGRTMIN");
    is(info[1].ssi_code, SI_QUEUE, "sigqueue's si_code SI_QUEUE");
    is(info[1].ssi_int, 77, "ssi_int is the first value");
    is(info[2].ssi_int, 78, "the second record has the second value: real-time signals queue");
    sigset_t pending;
    sigpending(&pending);
    ok(!sigismember(&pending, SIGUSR1) && !sigismember(&pending, SIGRTMIN), "read took them: nothing pending");

    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    is(read(fd, info, sizeof info), 2 * sizeof info[0], "a thread's and a process's SIGUSR1: two records");
    is(info[0].ssi_code, SI_TKILL, "the thread's own first (tgkill's SI_TKILL)");
    is(info[1].ssi_code, SI_USER, "then the process's (kill's SI_USER)");
    close(fd);
}

static void flags_and_errors(void)
{
    sigset_t mask = set_of(SIGUSR2, 0);
    fails_with(signalfd(-1, &mask, 0x1), EINVAL, "an unknown flag is EINVAL");
    fails_with(syscall(SYS_signalfd4, -1, &mask, 4, 0), EINVAL, "a sigset size other than 8 is EINVAL");
    int fds[2];
    if (!opened_pipe(fds, "errors"))
        return;
    fails_with(signalfd(fds[0], &mask, 0), EINVAL, "a descriptor that is no signalfd is EINVAL");
    fails_with(signalfd(1000, &mask, 0), EBADF, "a closed descriptor is EBADF");
    close(fds[0]);
    close(fds[1]);
    int fd = signalfd(-1, &mask, SFD_CLOEXEC);
    is(fcntl(fd, F_GETFD), FD_CLOEXEC, "SFD_CLOEXEC sets FD_CLOEXEC");
    is(fcntl(fd, F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_RDWR, "open O_RDWR, blocking");
    close(fd);
    fd = syscall(SYS_signalfd, -1, &mask, 8);
    ok(fd >= 0, "signalfd (the old call) opens");
    close(fd);
}

static void replace_mask(void)
{
    block(SIGUSR1, SIGUSR2);
    sigset_t mask = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK);
    kill(getpid(), SIGUSR2);
    struct signalfd_siginfo info;
    fails_with(read(fd, &info, sizeof info), EAGAIN, "replace: SIGUSR2 is not in the set");
    mask = set_of(SIGUSR2, 0);
    is(signalfd(fd, &mask, 0), fd, "replace: signalfd4 on the descriptor returns it");
    is(read(fd, &info, sizeof info), sizeof info, "replace: now SIGUSR2 reads");
    is(info.ssi_signo, SIGUSR2, "replace: the record is SIGUSR2's");
    is(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK, "replace: the flags are not changed");
    close(fd);
}

static void readiness(void)
{
    block(SIGUSR1, 0);
    sigset_t mask = set_of(SIGUSR1, 0);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK);
    struct pollfd entry = {fd, POLLIN, 0};
    is(poll(&entry, 1, 0), 0, "poll: nothing pending, not readable");
    int epfd = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 5};
    is(epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event), 0, "epoll: a signalfd can be watched");
    is(epoll_wait(epfd, &event, 1, 0), 0, "epoll: nothing yet");
    kill(getpid(), SIGUSR1);
    is(poll(&entry, 1, 0), 1, "poll: a pending SIGUSR1 makes it readable");
    is(entry.revents, POLLIN, "poll: POLLIN");
    is(epoll_wait(epfd, &event, 1, 0), 1, "epoll: the pending signal is reported");
    ok(event.events == EPOLLIN && event.data.u64 == 5, "epoll: EPOLLIN with the data");
    struct signalfd_siginfo info;
    read(fd, &info, sizeof info);
    is(poll(&entry, 1, 0), 0, "poll: read, not readable again");

    /* A sleeping poll and a sleeping read are woken by another process's kill. */
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        usleep(100000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    entry.revents = 0;
    is(poll(&entry, 1, 5000), 1, "wake: a sleeping poll is woken by another process's kill");
    read(fd, &info, sizeof info);
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    is(read(fd, &info, sizeof info), sizeof info, "wake: a blocking read sleeps until the signal comes");
    is(info.ssi_pid, child, "wake: and reports the sender");
    exits_with(child, 0, "wake: the sender exited 0");
    close(epfd);
    close(fd);
}

/* After fork the parent and the child share the descriptor, and each reads its own signals. */
static void across_fork(void)
{
    block(SIGUSR1, SIGUSR2);
    sigset_t mask = set_of(SIGUSR1, SIGUSR2);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK);
    kill(getpid(), SIGUSR1);
    pid_t child = fork();
    if (child == 0) {
        struct signalfd_siginfo info;
        if (read(fd, &info, sizeof info) != -1 || errno != EAGAIN)
            _exit(1);   /* the parent's pending signal is not the child's */
        kill(getpid(), SIGUSR2);
        if (read(fd, &info, sizeof info) != sizeof info || info.ssi_signo != SIGUSR2)
            _exit(2);
        _exit(0);
    }
    exits_with(child, 0, "fork: the child reads its own signals, not the parent's");
    struct signalfd_siginfo info;
    is(read(fd, &info, sizeof info), sizeof info, "fork: the parent still reads its SIGUSR1");
    is(info.ssi_signo, SIGUSR1, "fork: SIGUSR1");
    fails_with(read(fd, &info, sizeof info), EAGAIN, "fork: and not the child's SIGUSR2");
    close(fd);
}

int main(void)
{
    records();
    flags_and_errors();
    replace_mask();
    readiness();
    across_fork();
    return tap_done();
}
