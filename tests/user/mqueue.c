/* POSIX message queues: mq_open's creation, attributes and errors (EEXIST, ENOENT, EACCES,
 * EINVAL, ENAMETOOLONG), close-on-exec descriptors; mq_send and mq_receive in priority order,
 * FIFO within a priority, EMSGSIZE, EAGAIN with O_NONBLOCK, ETIMEDOUT, EINTR, a receiver woken
 * by another process; mq_notify's SIGEV_SIGNAL (SI_MESGQ, the value, the sender's pid and uid,
 * only for a message reaching an empty queue, the registration ending with it), SIGEV_NONE,
 * EBUSY and removal; mq_getsetattr; poll and epoll; mq_unlink; the limits of
 * /proc/sys/fs/mqueue for an unprivileged process (EINVAL, ENOSPC) and RLIMIT_MSGQUEUE
 * (EMFILE); and the mqueue file system mounted: its directory, a queue's QSIZE line, statfs,
 * rm and creating a queue with a plain open. */
#define _GNU_SOURCE
#include <dirent.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

#define NOBODY 65534

static char name[64];   /* "/apus-mq-PID" */

static mqd_t open_queue(const char *queue, long maxmsg, long msgsize)
{
    struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
    mq_unlink(queue);
    return mq_open(queue, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
}

/* An absolute CLOCK_REALTIME time `milliseconds` from now. */
static struct timespec in_ms(long milliseconds)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += (milliseconds % 1000) * 1000000;
    t.tv_sec += milliseconds / 1000 + t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static void creation(void)
{
    mqd_t q = open_queue(name, 4, 64);
    ok(q >= 0, "mq_open creates a queue of 4 messages of 64 bytes");
    struct mq_attr attr;
    is(mq_getattr(q, &attr), 0, "mq_getattr");
    ok(attr.mq_maxmsg == 4 && attr.mq_msgsize == 64 && attr.mq_curmsgs == 0 && attr.mq_flags == 0,
       "the attributes as asked, empty, blocking");
    is(fcntl(q, F_GETFD), FD_CLOEXEC, "the descriptor is close-on-exec");
    fails_with(mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL), EEXIST, "O_CREAT | O_EXCL of an existing name: EEXIST");
    mqd_t again = mq_open(name, O_RDONLY);
    ok(again >= 0, "opening it again without O_CREAT");
    struct stat st;
    is(fstat(again, &st), 0, "fstat of a queue descriptor");
    is(st.st_mode, S_IFREG | 0600, "a queue is a regular file with the mode asked for");
    mq_close(again);
    fails_with(mq_open("/apus-mq-none", O_RDONLY), ENOENT, "a missing queue without O_CREAT: ENOENT");
    fails_with(syscall(SYS_mq_open, "a/b", O_RDONLY, 0, NULL), EACCES, "a name with a slash: EACCES");
    fails_with(syscall(SYS_mq_open, "..", O_RDONLY, 0, NULL), EACCES, "the name \"..\": EACCES");
    fails_with(syscall(SYS_mq_open, "", O_RDONLY, 0, NULL), ENOENT, "an empty name: ENOENT");
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = 0;
    fails_with(syscall(SYS_mq_open, longname, O_RDONLY | O_CREAT, 0600, NULL), ENAMETOOLONG,
               "a 256-byte name: ENAMETOOLONG");
    fails_with(syscall(SYS_mq_open, name + 1, O_RDWR | O_WRONLY, 0, NULL), EINVAL, "O_RDWR | O_WRONLY: EINVAL");
    struct mq_attr bad = {.mq_maxmsg = 0, .mq_msgsize = 64};
    fails_with(mq_open("/apus-mq-bad", O_CREAT | O_RDWR, 0600, &bad), EINVAL, "mq_maxmsg 0: EINVAL");
    bad.mq_maxmsg = 4;
    bad.mq_msgsize = -1;
    fails_with(mq_open("/apus-mq-bad", O_CREAT | O_RDWR, 0600, &bad), EINVAL, "a negative mq_msgsize: EINVAL");
    mode_t old = umask(022);
    mq_unlink("/apus-mq-umask");
    mqd_t masked = mq_open("/apus-mq-umask", O_CREAT | O_RDWR, 0666, NULL);
    fstat(masked, &st);
    is(st.st_mode & 0777, 0644, "the umask applies to a new queue's mode");
    is(mq_getattr(masked, &attr), 0, "mq_getattr of a queue made without attributes");
    ok(attr.mq_maxmsg == 10 && attr.mq_msgsize == 8192, "the default size: 10 messages of 8192 bytes");
    mq_close(masked);
    mq_unlink("/apus-mq-umask");
    umask(old);
    mq_close(q);
}

static void priorities(void)
{
    mqd_t q = mq_open(name, O_RDWR);
    const char *texts[] = {"a", "bb", "c", "dddd", "e"};
    unsigned prios[] = {1, 5, 1, 9, 5};
    for (int i = 0; i < 4; i++)
        mq_send(q, texts[i], strlen(texts[i]), prios[i]);
    struct mq_attr attr;
    mq_getattr(q, &attr);
    is(attr.mq_curmsgs, 4, "four messages queued");
    char buffer[64];
    unsigned prio = 0;
    is(mq_receive(q, buffer, sizeof buffer, &prio), 4, "the first received is 4 bytes long");
    ok(memcmp(buffer, "dddd", 4) == 0 && prio == 9, "the highest priority first: \"dddd\" at 9");
    mq_send(q, texts[4], 1, prios[4]);
    is(mq_receive(q, buffer, sizeof buffer, &prio), 2, "then priority 5's first");
    ok(memcmp(buffer, "bb", 2) == 0 && prio == 5, "\"bb\" at 5, sent before \"e\"");
    mq_receive(q, buffer, sizeof buffer, &prio);
    ok(buffer[0] == 'e' && prio == 5, "then \"e\" at 5");
    mq_receive(q, buffer, sizeof buffer, &prio);
    ok(buffer[0] == 'a' && prio == 1, "then priority 1 in order: \"a\"");
    mq_receive(q, buffer, sizeof buffer, &prio);
    ok(buffer[0] == 'c' && prio == 1, "and \"c\"");
    is(mq_send(q, "", 0, 0), 0, "an empty message may be sent");
    is(mq_receive(q, buffer, sizeof buffer, NULL), 0, "and is received with length 0");
    fails_with(mq_send(q, "x", 1, 32768), EINVAL, "priority MQ_PRIO_MAX: EINVAL");
    char big[65] = {0};
    fails_with(mq_send(q, big, 65, 0), EMSGSIZE, "a message over mq_msgsize: EMSGSIZE");
    fails_with(mq_receive(q, buffer, 63, NULL), EMSGSIZE, "a buffer under mq_msgsize: EMSGSIZE");
    mqd_t reader = mq_open(name, O_RDONLY);
    fails_with(mq_send(reader, "x", 1, 0), EBADF, "sending on a read-only descriptor: EBADF");
    mq_close(reader);
    int fds[2];
    if (opened_pipe(fds, "EBADF")) {
        fails_with(mq_send(fds[1], "x", 1, 0), EBADF, "mq_send on a pipe: EBADF");
        close(fds[0]);
        close(fds[1]);
    }
    mq_close(q);
}

static void blocking(void)
{
    mqd_t q = mq_open(name, O_RDWR);
    struct mq_attr attr = {.mq_flags = O_NONBLOCK}, old;
    is(mq_setattr(q, &attr, &old), 0, "mq_setattr O_NONBLOCK");
    is(old.mq_flags, 0, "the old flags: blocking");
    char buffer[64];
    fails_with(mq_receive(q, buffer, sizeof buffer, NULL), EAGAIN, "O_NONBLOCK: receiving from an empty queue is EAGAIN");
    for (int i = 0; i < 4; i++)
        mq_send(q, "m", 1, 0);
    fails_with(mq_send(q, "m", 1, 0), EAGAIN, "O_NONBLOCK: sending to a full queue is EAGAIN");
    mq_getattr(q, &attr);
    ok(attr.mq_flags == O_NONBLOCK && attr.mq_curmsgs == 4, "mq_getattr: O_NONBLOCK and 4 messages");
    attr.mq_flags = O_APPEND;
    fails_with(mq_setattr(q, &attr, NULL), EINVAL, "mq_setattr with a flag but O_NONBLOCK: EINVAL");
    attr.mq_flags = 0;
    mq_setattr(q, &attr, NULL);
    struct timespec soon = in_ms(100);
    fails_with(mq_timedsend(q, "m", 1, 0, &soon), ETIMEDOUT, "a full queue: mq_timedsend times out");
    struct timespec bad = {0, -1};
    fails_with(mq_timedsend(q, "m", 1, 0, &bad), EINVAL, "a malformed timeout: EINVAL");
    for (int i = 0; i < 4; i++)
        mq_receive(q, buffer, sizeof buffer, NULL);
    soon = in_ms(100);
    fails_with(mq_timedreceive(q, buffer, sizeof buffer, NULL, &soon), ETIMEDOUT, "an empty queue: mq_timedreceive times out");
    struct timespec past = {1, 0};
    fails_with(mq_timedreceive(q, buffer, sizeof buffer, NULL, &past), ETIMEDOUT, "a timeout in the past: ETIMEDOUT at once");

    /* A receiver sleeps until another process sends. */
    pid_t child = fork();
    if (child == 0) {
        usleep(100000);
        _exit(mq_send(q, "wake", 4, 3) == 0 ? 0 : 1);
    }
    unsigned prio = 0;
    is(mq_receive(q, buffer, sizeof buffer, &prio), 4, "a blocked receiver gets another process's message");
    ok(memcmp(buffer, "wake", 4) == 0 && prio == 3, "\"wake\" at priority 3");
    exits_with(child, 0, "the sender exited 0");

    mq_close(q);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void interrupted(void)
{
    mqd_t q = mq_open(name, O_RDWR);
    struct sigaction action = {.sa_handler = on_alarm};
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    struct itimerval timer = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &timer, NULL);
    char buffer[64];
    fails_with(mq_receive(q, buffer, sizeof buffer, NULL), EINTR, "a handler without SA_RESTART: mq_receive EINTR");
    is(alarms, 1, "the handler ran");
    mq_close(q);
}

static void notification(void)
{
    mqd_t q = mq_open(name, O_RDWR);
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    struct sigevent event = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    event.sigev_value.sival_int = 42;
    is(mq_notify(q, &event), 0, "mq_notify SIGEV_SIGNAL SIGUSR1");
    fails_with(mq_notify(q, &event), EBUSY, "a second registration: EBUSY");
    pid_t child = fork();
    if (child == 0) {
        struct sigevent none = {.sigev_notify = SIGEV_NONE};
        if (mq_notify(q, &none) != -1 || errno != EBUSY)
            _exit(1);
        if (mq_notify(q, NULL) != 0)   /* not the owner: changes nothing */
            _exit(2);
        _exit(mq_send(q, "n", 1, 0) == 0 ? 0 : 3);
    }
    exits_with(child, 0, "another process: EBUSY, mq_notify(NULL) ignored, then its message");
    siginfo_t info;
    struct timespec zero = {0, 0};
    is(sigtimedwait(&usr1, &info, &zero), SIGUSR1, "the message to the empty queue sent SIGUSR1");
    is(info.si_code, SI_MESGQ, "si_code SI_MESGQ");
    is(info.si_value.sival_int, 42, "si_value as registered");
    is(info.si_pid, child, "si_pid: the sender");
    is(info.si_uid, getuid(), "si_uid: the sender's");
    is(mq_send(q, "o", 1, 0), 0, "another message");
    fails_with(sigtimedwait(&usr1, &info, &zero), EAGAIN, "no signal: the registration ended with the first");
    is(mq_notify(q, &event), 0, "registering again succeeds");
    is(mq_send(q, "p", 1, 0), 0, "a message to a queue that is not empty");
    fails_with(sigtimedwait(&usr1, &info, &zero), EAGAIN, "sends no signal");
    char buffer[64];
    while (mq_timedreceive(q, buffer, sizeof buffer, NULL, &zero) >= 0) {}
    is(mq_send(q, "q", 1, 0), 0, "the queue emptied, a message");
    is(sigtimedwait(&usr1, &info, &zero), SIGUSR1, "signals: the registration still stood");
    mq_receive(q, buffer, sizeof buffer, NULL);

    struct sigevent none = {.sigev_notify = SIGEV_NONE};
    is(mq_notify(q, &none), 0, "SIGEV_NONE registers");
    fails_with(mq_notify(q, &event), EBUSY, "and makes a second registration EBUSY");
    is(mq_notify(q, NULL), 0, "mq_notify(NULL) removes it");
    is(mq_notify(q, &event), 0, "after which another may register");
    mq_notify(q, NULL);
    struct sigevent bad = {.sigev_notify = 99};
    fails_with(mq_notify(q, &bad), EINVAL, "an unknown sigev_notify: EINVAL");
    bad.sigev_notify = SIGEV_SIGNAL;
    bad.sigev_signo = 65;
    fails_with(mq_notify(q, &bad), EINVAL, "signal 65: EINVAL");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    mq_close(q);
}

static void readiness(void)
{
    mqd_t q = mq_open(name, O_RDWR);
    struct pollfd entry = {q, POLLIN | POLLOUT, 0};
    is(poll(&entry, 1, 0), 1, "poll of an empty queue");
    is(entry.revents, POLLOUT, "only POLLOUT");
    int epfd = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 7};
    is(epoll_ctl(epfd, EPOLL_CTL_ADD, q, &event), 0, "epoll watches a queue");
    is(epoll_wait(epfd, &event, 1, 0), 0, "epoll: nothing to read");
    mq_send(q, "x", 1, 0);
    is(poll(&entry, 1, 0), 1, "poll after a send");
    is(entry.revents, POLLIN | POLLOUT, "POLLIN and POLLOUT");
    is(epoll_wait(epfd, &event, 1, 0), 1, "epoll reports the message");
    for (int i = 0; i < 3; i++)
        mq_send(q, "x", 1, 0);
    poll(&entry, 1, 0);
    is(entry.revents, POLLIN, "full: only POLLIN");
    char buffer[64];
    for (int i = 0; i < 4; i++)
        mq_receive(q, buffer, sizeof buffer, NULL);
    close(epfd);
    mq_close(q);
}

/* Runs `check` as uid 65534 in a child; its exit code is the result. */
static int as_nobody(int (*check)(void))
{
    pid_t child = fork();
    if (child == 0) {
        if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
            _exit(100);
        _exit(check());
    }
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 101;
}

static int write_setting(const char *setting, long value)
{
    char path[96], text[32];
    snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", setting);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    int n = snprintf(text, sizeof text, "%ld\n", value);
    int written = write(fd, text, n);
    close(fd);
    return written == n ? 0 : -1;
}

static long read_setting(const char *setting)
{
    char path[96], text[32] = {0};
    snprintf(path, sizeof path, "/proc/sys/fs/mqueue/%s", setting);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    read(fd, text, sizeof text - 1);
    close(fd);
    return atol(text);
}

static int create_unprivileged(long maxmsg, long msgsize)
{
    struct mq_attr attr = {.mq_maxmsg = maxmsg, .mq_msgsize = msgsize};
    mqd_t q = mq_open("/apus-mq-nobody", O_CREAT | O_RDWR, 0600, &attr);
    if (q >= 0) {
        mq_unlink("/apus-mq-nobody");
        return 0;
    }
    return errno;
}
static int nobody_too_many(void) { return create_unprivileged(11, 64); }
static int nobody_too_big(void) { return create_unprivileged(4, 8193); }
static int nobody_limits(void) { return create_unprivileged(10, 8192); }
static int nobody_opens_root_queue(void)
{
    return mq_open(name, O_RDONLY) == -1 ? errno : 0;
}
static int nobody_unlinks_root_queue(void)
{
    return mq_unlink(name) == -1 ? errno : 0;
}

/* Whether CapEff in /proc/self/status holds CAP_SYS_RESOURCE (24): a container's root may lack it. */
static int has_sys_resource(void)
{
    char text[4096] = {0};
    int fd = open("/proc/self/status", O_RDONLY);
    read(fd, text, sizeof text - 1);
    close(fd);
    char *line = strstr(text, "CapEff:");
    return line && (strtoull(line + 7, NULL, 16) >> 24 & 1);
}

static void limits(void)
{
    long saved[] = {read_setting("queues_max"), read_setting("msg_max"), read_setting("msgsize_max"),
                    read_setting("msg_default"), read_setting("msgsize_default")};
    ok(saved[0] >= 0 && saved[1] == 10 && saved[2] == 8192 && saved[3] == 10 && saved[4] == 8192,
       "/proc/sys/fs/mqueue: msg_max 10, msgsize_max 8192, msg_default 10, msgsize_default 8192");
    is(as_nobody(nobody_limits), 0, "unprivileged: 10 messages of 8192 bytes, the maxima, are allowed");
    is(as_nobody(nobody_too_many), EINVAL, "unprivileged: 11 messages, over msg_max: EINVAL");
    is(as_nobody(nobody_too_big), EINVAL, "unprivileged: 8193 bytes, over msgsize_max: EINVAL");
    is(as_nobody(nobody_opens_root_queue), EACCES, "unprivileged: opening root's 0600 queue: EACCES");
    is(as_nobody(nobody_unlinks_root_queue), EACCES, "unprivileged: mq_unlink of root's queue: EACCES");
    fails_with(write_setting("msg_max", 0), EINVAL, "msg_max 0: EINVAL");
    fails_with(write_setting("msgsize_max", 127), EINVAL, "msgsize_max 127: EINVAL");
    fails_with(write_setting("msg_max", 65537), EINVAL, "msg_max 65537: EINVAL");
    is(write_setting("msg_max", 20), 0, "msg_max 20");
    is(as_nobody(nobody_too_many), 0, "unprivileged: now 11 messages are allowed");
    is(write_setting("msg_max", 10), 0, "msg_max back to 10");
    is(write_setting("queues_max", 0), 0, "queues_max 0");
    is(as_nobody(nobody_limits), ENOSPC, "unprivileged: no queue may be made: ENOSPC");
    mqd_t q = open_queue("/apus-mq-root", 2, 16);
    if (has_sys_resource())
        ok(q >= 0, "with CAP_SYS_RESOURCE a queue still may be made");
    else
        ok(q == -1 && errno == ENOSPC, "without CAP_SYS_RESOURCE, as root: ENOSPC too");
    if (q >= 0)
        mq_close(q);
    mq_unlink("/apus-mq-root");
    is(write_setting("queues_max", saved[0]), 0, "queues_max restored");
    is(write_setting("msg_default", 3), 0, "msg_default 3");
    pid_t child = fork();
    if (child == 0) {
        mq_unlink("/apus-mq-default");
        mqd_t d = mq_open("/apus-mq-default", O_CREAT | O_RDWR, 0600, NULL);
        struct mq_attr attr;
        int right = d >= 0 && mq_getattr(d, &attr) == 0 && attr.mq_maxmsg == 3;
        mq_unlink("/apus-mq-default");
        _exit(right ? 0 : 1);
    }
    exits_with(child, 0, "a queue made without attributes has msg_default's 3 messages");
    write_setting("msg_default", saved[3]);
    child = fork();
    if (child == 0) {
        struct rlimit small = {1000, 1000};
        setrlimit(RLIMIT_MSGQUEUE, &small);
        mqd_t fits = open_queue("/apus-mq-fits", 2, 16);
        mq_unlink("/apus-mq-fits");
        mqd_t big = open_queue("/apus-mq-big", 10, 100);
        _exit(fits >= 0 && big == -1 && errno == EMFILE ? 0 : 1);
    }
    exits_with(child, 0, "RLIMIT_MSGQUEUE 1000: a queue of 2 x 16 fits, 10 x 100 is EMFILE");
}

static void unlinking(void)
{
    mqd_t q = mq_open(name, O_RDWR);
    is(mq_unlink(name), 0, "mq_unlink");
    fails_with(mq_open(name, O_RDWR), ENOENT, "the name is gone");
    fails_with(mq_unlink(name), ENOENT, "a second mq_unlink: ENOENT");
    char buffer[64];
    ok(mq_send(q, "still", 5, 0) == 0 && mq_receive(q, buffer, sizeof buffer, NULL) == 5,
       "the open queue still works");
    mq_close(q);
}

static void file_system(void)
{
    char dir[64], path[128], text[128] = {0};
    snprintf(dir, sizeof dir, "/tmp/mqueue.%d", getpid());
    mkdir(dir, 0755);
    if (mount("none", dir, "mqueue", 0, NULL) != 0) {
        skip(strerror(errno), "mount -t mqueue");
        rmdir(dir);
        return;
    }
    ok(1, "mount -t mqueue none DIR");
    struct statfs fs;
    statfs(dir, &fs);
    is(fs.f_type, 0x19800202, "statfs: MQUEUE_MAGIC");
    mqd_t q = open_queue(name, 4, 64);
    mq_send(q, "hello", 5, 1);
    mq_send(q, "hi", 2, 2);
    DIR *listing = opendir(dir);
    int found = 0;
    for (struct dirent *entry; listing && (entry = readdir(listing));)
        found |= strcmp(entry->d_name, name + 1) == 0;
    if (listing)
        closedir(listing);
    ok(found, "the directory lists the queue");
    snprintf(path, sizeof path, "%s/%s", dir, name + 1);
    int fd = open(path, O_RDONLY);
    is(read(fd, text, sizeof text - 1), 60, "reading the queue's file: one 60-byte line");
    is(strcmp(text, "QSIZE:7          NOTIFY:0     SIGNO:0     NOTIFY_PID:0     \n"), 0,
       "QSIZE counts the bytes queued, no registration");
    if (strncmp(text, "QSIZE", 5) != 0 || strlen(text) != 60)
        diag("read: \"%s\"", text);
    struct sigevent event = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    mq_notify(q, &event);
    char expected[128];
    snprintf(expected, sizeof expected, "QSIZE:7          NOTIFY:0     SIGNO:%-5d NOTIFY_PID:%-6d\n", SIGUSR2, getpid());
    memset(text, 0, sizeof text);
    pread(fd, text, sizeof text - 1, 0);
    is(strcmp(text, expected), 0, "with a registration: its signal and pid");
    struct stat st;
    fstat(fd, &st);
    is(st.st_size, 80, "a queue's file is 80 bytes long (Linux's FILENT_SIZE)");
    close(fd);
    mq_notify(q, NULL);
    mq_close(q);
    is(unlink(path), 0, "rm removes a queue");
    fails_with(mq_open(name, O_RDWR), ENOENT, "which mq_open no longer finds");
    snprintf(path, sizeof path, "%s/apus-mq-touched", dir);
    fd = open(path, O_CREAT | O_RDWR, 0600);
    ok(fd >= 0, "open(O_CREAT) in the file system makes a queue");
    struct mq_attr attr;
    ok(fd >= 0 && mq_getattr(fd, &attr) == 0 && attr.mq_maxmsg == 10 && attr.mq_msgsize == 8192,
       "of the default size, usable with mq_getattr");
    close(fd);
    fails_with(mkdir(path, 0700), EEXIST, "mkdir of a taken name: EEXIST");
    snprintf(path, sizeof path, "%s/apus-mq-dir", dir);
    fails_with(mkdir(path, 0700), EPERM, "no directories: EPERM");
    mq_unlink("/apus-mq-touched");
    umount(dir);
    rmdir(dir);
}

int main(void)
{
    snprintf(name, sizeof name, "/apus-mq-%d", getpid());
    creation();
    priorities();
    blocking();
    interrupted();
    notification();
    readiness();
    limits();
    unlinking();
    file_system();
    return tap_done();
}
