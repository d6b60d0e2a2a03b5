/* Bad pointers given to system calls are EFAULT, never a crash of the caller or the kernel:
 * the process carries on through all of them to print its plan.
 *
 * The calls are made with syscall(2) directly: libc wrappers may touch the memory themselves
 * (musl's stat copies a kernel struct into the caller's) and x86-64 Linux answers some calls
 * from the vDSO in user space. The addresses are bad on Linux and on Apus alike: NULL and
 * the first page; 0x3fff_ffff_f000, the end of Apus's user space; Apus's direct map
 * (0x4000_0000_0000) and kernel image (0x7fff_8000_0000), which on Linux are unmapped user
 * addresses; Linux's kernel half (0xffff_8000_0000_0000); and a non-canonical address. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include "tap.h"

static const struct {
    unsigned long address;
    const char *name;
} bad[] = {
    { 0, "NULL" },
    { 1, "(void *)1" },
    { 0x3ffffffff000ul, "0x3ffffffff000" },
    { 0x400000000000ul, "0x400000000000" },
    { 0x7fff80000000ul, "0x7fff80000000" },
    { 0x800000000000ul, "0x800000000000 (non-canonical)" },
    { 0xffff800000000000ul, "0xffff800000000000" },
};
#define BAD_COUNT (sizeof bad / sizeof bad[0])

static char path[1024];

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/efault.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (!ok(fd >= 0 && write(fd, "0123456789", 10) == 10, "make a 10-byte scratch file")) {
        diag("%s: %s", path, strerror(errno));
        return tap_done();
    }

    for (unsigned i = 0; i < BAD_COUNT; i++) {
        void *p = bad_pointer(bad[i].address);
        const char *name = bad[i].name;
        if (bad[i].address && page_is_mapped(bad[i].address)) {
            for (int check = 0; check < 9; check++)
                skip("mapped in this process", "%s: check %d of 9", name, check + 1);
            continue;
        }
        lseek(fd, 2, SEEK_SET);
        fails_with(syscall(SYS_read, fd, p, 4), EFAULT, "read into %s is EFAULT", name);
        is(lseek(fd, 0, SEEK_CUR), 2, "and the file offset stays at 2 (%s)", name);
        fails_with(syscall(SYS_write, fd, p, 4), EFAULT, "write from %s is EFAULT", name);
        struct stat st;
        ok(fstat(fd, &st) == 0 && st.st_size == 10, "and the file is still 10 bytes (%s)", name);
        fails_with(syscall(SYS_stat, p, &st), EFAULT, "stat with path %s is EFAULT", name);
        fails_with(syscall(SYS_stat, path, p), EFAULT, "stat into %s is EFAULT", name);
        fails_with(syscall(SYS_fstat, fd, p), EFAULT, "fstat into %s is EFAULT", name);
        fails_with(syscall(SYS_open, p, O_RDONLY), EFAULT, "open with path %s is EFAULT", name);
        fails_with(syscall(SYS_openat, AT_FDCWD, p, O_RDONLY), EFAULT, "openat with path %s is EFAULT", name);
    }

    void *null = bad_pointer(0), *high = bad_pointer(0xffff800000000000ul);
    struct iovec vectors[2] = { { "ab", 2 }, { high, 2 } };
    lseek(fd, 0, SEEK_SET);
    fails_with(syscall(SYS_writev, fd, null, 1), EFAULT, "writev with the iovec array at NULL is EFAULT");
    long n = syscall(SYS_writev, fd, vectors, 2);
    ok(n == 2 || (n == -1 && errno == EFAULT),
       "writev with a bad second buffer writes the first or is EFAULT");
    /* Lengths near 2^64 are checked, never computed with: the kernel must not trap on them. */
    char small[4];
    fails_with(syscall(SYS_read, fd, small, (size_t)-1), EFAULT, "read of SIZE_MAX bytes is EFAULT");
    fails_with(syscall(SYS_write, fd, small, (size_t)-1), EFAULT, "write of SIZE_MAX bytes is EFAULT");
    fails_with(syscall(SYS_pread64, fd, small, (size_t)-1 / 2, 0), EFAULT,
               "pread64 of SSIZE_MAX bytes is EFAULT");
    struct iovec huge[1] = { { small, (size_t)-1 } };
    fails_with(syscall(SYS_writev, fd, huge, 1), EINVAL,
               "writev of an iov_len negative as ssize_t is EINVAL");
    fails_with(syscall(SYS_readv, fd, vectors, 0x7fffffff), EINVAL, "readv of INT_MAX vectors is EINVAL");
    fails_with(syscall(SYS_poll, small, (unsigned long)-1, 0), EINVAL,
               "poll of ULONG_MAX descriptors is EINVAL");
    fails_with(syscall(SYS_pipe, high), EFAULT, "pipe into 0xffff800000000000 is EFAULT");
    fails_with(syscall(SYS_uname, high), EFAULT, "uname into 0xffff800000000000 is EFAULT");
    fails_with(syscall(SYS_getcwd, high, 4096), EFAULT, "getcwd into 0xffff800000000000 is EFAULT");
    fails_with(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, high), EFAULT,
               "clock_gettime (the system call, not the vDSO) into 0xffff800000000000 is EFAULT");
    fails_with(syscall(SYS_getrandom, high, 16, 0), EFAULT, "getrandom into 0xffff800000000000 is EFAULT");
    int dir = open(tmp && *tmp ? tmp : "/tmp", O_RDONLY | O_DIRECTORY);
    fails_with(syscall(SYS_getdents64, dir, high, 4096), EFAULT, "getdents64 into 0xffff800000000000 is EFAULT");
    close(dir);
    char link[1100];
    snprintf(link, sizeof link, "%s.link", path);
    symlink("target", link);
    fails_with(syscall(SYS_readlink, link, high, 64), EFAULT, "readlink into 0xffff800000000000 is EFAULT");
    unlink(link);

    close(fd);
    unlink(path);
    return tap_done();
}
