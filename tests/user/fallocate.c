/* fallocate(2) and posix_fallocate(3): allocating, growing, FALLOC_FL_KEEP_SIZE, punching holes,
 * the argument checks in Linux's order, and RLIMIT_FSIZE (docs/vfs.md, "ramfs").
 */
#define _GNU_SOURCE
#include "tap.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

static unsigned long free_blocks(const char *path)
{
    struct statvfs st;
    return statvfs(path, &st) == 0 ? st.f_bfree : 0;
}

static struct stat status_of(int fd)
{
    struct stat st;
    memset(&st, 0, sizeof st);
    fstat(fd, &st);
    return st;
}

/* On a tmpfs of its own (root only): allocating takes blocks from the file system, punching a
 * hole gives them back. */
static void tmpfs_blocks(const char *directory)
{
    char mountpoint[256], path[300];
    snprintf(mountpoint, sizeof mountpoint, "%s/fallocate-tmpfs", directory);
    mkdir(mountpoint, 0755);
    if (geteuid() != 0 || mount("tmpfs", mountpoint, "tmpfs", 0, "size=1m") != 0) {
        skip("cannot mount tmpfs here", "tmpfs blocks taken and given back");
        rmdir(mountpoint);
        return;
    }
    snprintf(path, sizeof path, "%s/file", mountpoint);
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    unsigned long before = free_blocks(mountpoint);
    is(fallocate(fd, 0, 0, 256 * 1024), 0, "fallocate 256 KiB on a 1 MiB tmpfs");
    unsigned long allocated = free_blocks(mountpoint);
    ok(before - allocated >= 64, "takes its blocks (%lu -> %lu free)", before, allocated);
    is(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 256 * 1024), 0, "punch it all out");
    is(free_blocks(mountpoint), before, "the blocks are free again");
    fails_with(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 2 * 1024 * 1024), ENOSPC, "2 MiB on a 1 MiB tmpfs: ENOSPC");
    is(free_blocks(mountpoint), before, "the failed call leaves no blocks taken");
    is((long)status_of(fd).st_blocks, 0, "nor pages in the file");
    close(fd);
    umount(mountpoint);
    /* ramfs has no fallocate at all (Linux: ramfs_file_operations). */
    if (mount("ramfs", mountpoint, "ramfs", 0, NULL) == 0) {
        fd = open(path, O_RDWR | O_CREAT, 0644);
        fails_with(fallocate(fd, 0, 0, 4096), EOPNOTSUPP, "on ramfs: EOPNOTSUPP");
        close(fd);
        umount(mountpoint);
    } else {
        ok(0, "mount ramfs: %s", strerror(errno));
    }
    rmdir(mountpoint);
}

int main(void)
{
    const char *directory = getenv("TMPDIR");
    char path[256];
    snprintf(path, sizeof path, "%s/fallocate-test", directory ? directory : "/tmp");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (!ok(fd >= 0, "create %s", path))
        return tap_done();

    is(fallocate(fd, 0, 0, 10000), 0, "fallocate 10000 bytes");
    struct stat st = status_of(fd);
    is(st.st_size, 10000, "the file grows to them");
    ok(st.st_blocks * 512 >= 10000, "and has the blocks (%lld)", (long long)st.st_blocks);
    is(fallocate(fd, FALLOC_FL_KEEP_SIZE, 10000, 20000), 0, "FALLOC_FL_KEEP_SIZE past the end");
    struct stat kept = status_of(fd);
    is(kept.st_size, 10000, "keeps the size");
    ok(kept.st_blocks * 512 >= 30000, "but allocates (%lld blocks)", (long long)kept.st_blocks);
    char buffer[8192];
    ssize_t got = pread(fd, buffer, sizeof buffer, 0);
    int zeros = got == (ssize_t)sizeof buffer;
    for (ssize_t i = 0; zeros && i < got; i++)
        zeros = buffer[i] == 0;
    ok(zeros, "allocated bytes read as zeros");

    memset(buffer, 'x', sizeof buffer);
    pwrite(fd, buffer, sizeof buffer, 0);
    is(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 5000), 0, "punch a hole at 100..5099");
    memset(buffer, 1, sizeof buffer);
    pread(fd, buffer, sizeof buffer, 0);
    ok(buffer[99] == 'x' && buffer[100] == 0 && buffer[4095] == 0 && buffer[4096] == 0 && buffer[5099] == 0 &&
           buffer[5100] == 'x',
       "the hole reads as zeros, the bytes around it are kept");
    is(status_of(fd).st_size, 10000, "punching keeps the size");

    fails_with(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10), EOPNOTSUPP, "PUNCH_HOLE without KEEP_SIZE: EOPNOTSUPP");
    fails_with(fallocate(fd, 0x80, 0, 10), EOPNOTSUPP, "an unknown mode: EOPNOTSUPP");
    fails_with(fallocate(fd, 0, 0, 0), EINVAL, "length 0: EINVAL");
    fails_with(fallocate(fd, 0, -1, 10), EINVAL, "a negative offset: EINVAL");
    fails_with(fallocate(fd, 0, 0x7fffffffffffff00LL, 0x1000), EFBIG, "a range past the largest offset: EFBIG");
    int reader = open(path, O_RDONLY);
    fails_with(fallocate(reader, 0, 0, 10), EBADF, "a read-only descriptor: EBADF");
    close(reader);
    int fds[2];
    if (opened_pipe(fds, "fallocate")) {
        fails_with(fallocate(fds[1], 0, 0, 10), ESPIPE, "a pipe: ESPIPE");
        close(fds[0]);
        close(fds[1]);
    }
    int null = open("/dev/null", O_WRONLY);
    fails_with(fallocate(null, 0, 0, 10), ENODEV, "a device: ENODEV");
    close(null);

    is(posix_fallocate(fd, 0, 50000), 0, "posix_fallocate to 50000 bytes");
    is(status_of(fd).st_size, 50000, "grows the file");

    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit limit = { 4096, 4096 };
        signal(SIGXFSZ, SIG_IGN);
        setrlimit(RLIMIT_FSIZE, &limit);
        _exit(fallocate(fd, 0, 0, 100000) == -1 && errno == EFBIG ? 0 : 1);
    }
    exits_with(pid, 0, "beyond RLIMIT_FSIZE: EFBIG");
    close(fd);
    unlink(path);
    tmpfs_blocks(directory ? directory : "/tmp");
    return tap_done();
}
