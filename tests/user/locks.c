/* Advisory locks: POSIX record locks across processes (F_GETLK, F_SETLK, F_SETLKW, ranges that
 * split and merge, release by any close, EDEADLK), open-file-description locks (F_OFD_*) and
 * flock(2) (docs/vfs.md, "Advisory locks").
 */
#define _GNU_SOURCE
#include "tap.h"

#include <fcntl.h>
#include <sys/file.h>

static char path[256];

static int lock_range(int fd, int command, short type, off_t start, off_t length)
{
    struct flock lock = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = length };
    return fcntl(fd, command, &lock);
}

/* F_GETLK for a write lock on start..length: the conflicting lock, or l_type F_UNLCK. */
static struct flock query(int fd, int command, off_t start, off_t length)
{
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = length };
    if (fcntl(fd, command, &lock) != 0)
        lock.l_type = -1;
    return lock;
}

/* Runs `body(fd)` in a child with its own descriptor for the file; returns its exit status
 * (the number of failed checks) through waitpid. */
static int in_child(int (*body)(int))
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(path, O_RDWR);
        _exit(fd < 0 ? 99 : body(fd));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static pid_t parent;

static int sees_parent_lock(int fd)
{
    struct flock held = query(fd, F_GETLK, 5, 10);
    int failures = held.l_type != F_WRLCK || held.l_start != 0 || held.l_len != 10 || held.l_pid != parent;
    failures += lock_range(fd, F_SETLK, F_WRLCK, 5, 10) != -1 || errno != EAGAIN;
    failures += lock_range(fd, F_SETLK, F_RDLCK, 9, 1) != -1 || errno != EAGAIN;
    failures += lock_range(fd, F_SETLK, F_WRLCK, 10, 10) != 0;
    return failures;
}

static int shares_read_locks(int fd)
{
    int failures = lock_range(fd, F_SETLK, F_RDLCK, 100, 10) != 0;
    failures += lock_range(fd, F_SETLK, F_WRLCK, 105, 1) != -1 || errno != EAGAIN;
    return failures;
}

static int finds_no_lock(int fd)
{
    return query(fd, F_GETLK, 0, 0).l_type != F_UNLCK;
}

static int sees_split_locks(int fd)
{
    int failures = query(fd, F_GETLK, 45, 10).l_type != F_UNLCK;
    struct flock first = query(fd, F_GETLK, 30, 40);
    failures += first.l_type != F_WRLCK || first.l_start != 0 || first.l_len != 40;
    struct flock second = query(fd, F_GETLK, 55, 100);
    failures += second.l_type != F_WRLCK || second.l_start != 60 || second.l_len != 40;
    struct flock before = query(fd, F_GETLK, 200, 0);
    failures += before.l_type != F_RDLCK || before.l_start != 205 || before.l_len != 5;
    return failures;
}

static int waits_for_the_lock(int fd)
{
    /* Blocks until the parent unlocks, a little later. */
    return lock_range(fd, F_SETLKW, F_WRLCK, 0, 10) != 0;
}

static void posix_locks(int fd)
{
    parent = getpid();
    is(lock_range(fd, F_SETLK, F_WRLCK, 0, 10), 0, "F_SETLK a write lock on bytes 0-9");
    is(in_child(sees_parent_lock), 0, "another process sees it with F_GETLK (type, range, pid), gets EAGAIN, locks 10-19");
    struct flock own = query(fd, F_GETLK, 0, 10);
    is(own.l_type, F_UNLCK, "the owner's own lock never conflicts with it");
    is(lock_range(fd, F_SETLK, F_RDLCK, 100, 10), 0, "a read lock on 100-109");
    is(in_child(shares_read_locks), 0, "another process shares it but cannot write-lock");
    is(lock_range(fd, F_SETLK, F_UNLCK, 0, 0), 0, "unlock everything (l_len 0: to the end)");
    is(in_child(finds_no_lock), 0, "then F_GETLK finds nothing");

    /* Ranges: unlocking the middle splits a lock; a negative length counts back. */
    lock_range(fd, F_SETLK, F_WRLCK, 0, 100);
    lock_range(fd, F_SETLK, F_UNLCK, 40, 20);
    struct flock back = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 210, .l_len = -5 };
    is(fcntl(fd, F_SETLK, &back), 0, "a lock with a negative length");
    is(in_child(sees_split_locks), 0, "unlocking 40-59 of 0-99 leaves 0-39 and 60-99; l_len -5 at 210 is 205-209");
    is(lock_range(fd, F_SETLK, F_RDLCK, 0, 100), 0, "the owner converts its write locks to a read lock");
    lock_range(fd, F_SETLK, F_UNLCK, 0, 0);

    /* Any close of the file drops the process's locks, even through another descriptor. */
    lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
    int other = open(path, O_RDONLY);
    close(other);
    is(in_child(finds_no_lock), 0, "closing another descriptor of the file released the lock");

    /* F_SETLKW sleeps until the holder lets go. */
    lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
    pid_t pid = fork();
    if (pid == 0) {
        int child_fd = open(path, O_RDWR);
        _exit(waits_for_the_lock(child_fd));
    }
    usleep(200 * 1000);
    int status = 0;
    is(waitpid(pid, &status, WNOHANG), 0, "F_SETLKW waits while the lock is held");
    lock_range(fd, F_SETLK, F_UNLCK, 0, 10);
    exits_with(pid, 0, "and takes the lock once it is released");

    /* Two processes each waiting for the other: the second to wait gets EDEADLK. */
    int sync[2];
    if (!opened_pipe(sync, "deadlock"))
        return;
    lock_range(fd, F_SETLK, F_WRLCK, 0, 1);
    pid = fork();
    if (pid == 0) {
        int child_fd = open(path, O_RDWR);
        int failures = lock_range(child_fd, F_SETLK, F_WRLCK, 1, 1) != 0;
        if (write(sync[1], "x", 1) != 1)
            failures++;
        failures += lock_range(child_fd, F_SETLKW, F_WRLCK, 0, 1) != 0;
        _exit(failures);
    }
    char byte;
    if (read(sync[0], &byte, 1) != 1)
        diag("the child did not lock");
    usleep(200 * 1000);
    fails_with(lock_range(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK, "waiting for each other's lock: EDEADLK");
    lock_range(fd, F_SETLK, F_UNLCK, 0, 1);
    exits_with(pid, 0, "the other waiter then gets its lock");
    close(sync[0]);
    close(sync[1]);

    /* A process's exit releases its locks. */
    pid = fork();
    if (pid == 0) {
        int child_fd = open(path, O_RDWR);
        _exit(lock_range(child_fd, F_SETLK, F_WRLCK, 0, 0) != 0);
    }
    exits_with(pid, 0, "a child locks the whole file and exits");
    is(lock_range(fd, F_SETLK, F_WRLCK, 0, 0), 0, "its lock went with it");
    lock_range(fd, F_SETLK, F_UNLCK, 0, 0);

    struct flock bad = { .l_type = F_WRLCK, .l_whence = 3 };
    fails_with(fcntl(fd, F_SETLK, &bad), EINVAL, "l_whence 3: EINVAL");
    bad.l_whence = SEEK_SET;
    bad.l_start = -1;
    fails_with(fcntl(fd, F_SETLK, &bad), EINVAL, "a negative start: EINVAL");
    bad.l_start = 0;
    bad.l_type = 9;
    fails_with(fcntl(fd, F_SETLK, &bad), EINVAL, "l_type 9: EINVAL");
    int reader = open(path, O_RDONLY);
    fails_with(lock_range(reader, F_SETLK, F_WRLCK, 0, 1), EBADF, "a write lock on a read-only descriptor: EBADF");
    close(reader);
}

static void ofd_locks(void)
{
    int first = open(path, O_RDWR), second = open(path, O_RDWR);
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10, .l_pid = 1 };
    fails_with(fcntl(first, F_OFD_SETLK, &lock), EINVAL, "F_OFD_SETLK with l_pid set: EINVAL");
    lock.l_pid = 0;
    is(fcntl(first, F_OFD_SETLK, &lock), 0, "F_OFD_SETLK a write lock through one open file");
    fails_with(fcntl(second, F_OFD_SETLK, &lock), EAGAIN, "another open file of the same process: EAGAIN");
    fails_with(lock_range(second, F_SETLK, F_WRLCK, 5, 1), EAGAIN, "a POSIX lock of the same process conflicts too");
    struct flock held = query(second, F_OFD_GETLK, 0, 1);
    ok(held.l_type == F_WRLCK && held.l_pid == -1, "F_OFD_GETLK reports it with l_pid -1");
    int duplicate = dup(first);
    close(duplicate);
    fails_with(fcntl(second, F_OFD_SETLK, &lock), EAGAIN, "closing a duplicate keeps it");
    close(first);
    is(fcntl(second, F_OFD_SETLK, &lock), 0, "closing the last descriptor releases it");
    close(second);
}

static int exclusive_flock_fails(int fd)
{
    return flock(fd, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK;
}

static void flocks(void)
{
    int first = open(path, O_RDONLY), second = open(path, O_RDONLY);
    is(flock(first, LOCK_EX), 0, "flock LOCK_EX");
    fails_with(flock(second, LOCK_EX | LOCK_NB), EWOULDBLOCK, "another open file: LOCK_EX|LOCK_NB is EWOULDBLOCK");
    fails_with(flock(second, LOCK_SH | LOCK_NB), EWOULDBLOCK, "and LOCK_SH|LOCK_NB too");
    is(in_child(exclusive_flock_fails), 0, "another process's open file waits too");
    is(lock_range(second, F_SETLK, F_RDLCK, 0, 0), 0, "flock and fcntl locks do not interact");
    lock_range(second, F_SETLK, F_UNLCK, 0, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(flock(first, LOCK_EX | LOCK_NB) != 0);
    exits_with(pid, 0, "a child shares the inherited open file's lock");
    is(flock(first, LOCK_SH), 0, "converting to LOCK_SH");
    is(flock(second, LOCK_SH | LOCK_NB), 0, "shared locks coexist");
    fails_with(flock(first, LOCK_EX | LOCK_NB), EWOULDBLOCK, "upgrading while another holds LOCK_SH: EWOULDBLOCK");
    is(flock(second, LOCK_UN), 0, "LOCK_UN");
    is(flock(first, LOCK_EX | LOCK_NB), 0, "then the upgrade succeeds");
    fails_with(flock(first, 0), EINVAL, "no operation: EINVAL");
    close(first);
    is(flock(second, LOCK_EX | LOCK_NB), 0, "closing the holder released its lock");
    close(second);
}

int main(void)
{
    const char *directory = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/locks-test", directory ? directory : "/tmp");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (!ok(fd >= 0, "create %s", path))
        return tap_done();
    posix_locks(fd);
    close(fd);
    ofd_locks();
    flocks();
    unlink(path);
    return tap_done();
}
