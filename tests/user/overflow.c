/* System-call arguments at the edges of 64 bits, as an ordinary user passes them: most of
 * these once trapped the kernel on an arithmetic overflow (issue 9). Each must return Linux's
 * errno, and the process (and kernel) carry on. Runs as uid 65534 when started as root. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "tap.h"

#define PAGE 4096ul
#define NOBODY 65534

/* Offsets whose bytes would end past 2^63 (Linux: rw_verify_area). */
static void offsets(int fd)
{
    char buffer[16] = "0123456789abcdef";
    struct iovec iov = { buffer, 10 };
    off_t near = INT64_MAX - 5;
    fails_with(pread(fd, buffer, 10, near), EINVAL, "pread ending past 2^63 is EINVAL");
    fails_with(pwrite(fd, buffer, 10, near), EINVAL, "pwrite ending past 2^63 is EINVAL");
    fails_with(preadv(fd, &iov, 1, near), EINVAL, "preadv ending past 2^63 is EINVAL");
    fails_with(pwritev(fd, &iov, 1, near), EINVAL, "pwritev ending past 2^63 is EINVAL");
    int null = open("/dev/null", O_WRONLY);
    fails_with(sendfile(null, fd, &near, 10), EINVAL, "sendfile from an offset ending past 2^63 is EINVAL");
    is((long)near, (long)(INT64_MAX - 5), "and leaves the offset alone");
    close(null);
    is(pwrite(fd, buffer, 4, 0), 4L, "pwrite at 0 still works");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/overflow-file", tmp ? tmp : "/tmp");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    unlink(path);
    if (getuid() == 0 && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
        diag("cannot drop to uid %d: %s", NOBODY, strerror(errno));
    ok(getuid() != 0, "runs as an ordinary user (uid %d)", (int)getuid());

    fails_with(syscall(-1L), ENOSYS, "syscall(-1) is ENOSYS");
    fails_with(syscall(0x7fffffffL), ENOSYS, "syscall(0x7fffffff) is ENOSYS");
    is(syscall((long)(0x100000000ul | SYS_getpid)), (long)getpid(),
       "the upper half of RAX is ignored: 2^32 + SYS_getpid is getpid");

    char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(p != MAP_FAILED, "mmap two pages"))
        return tap_done();
    fails_with(syscall(SYS_mprotect, p, 0xfffffffffffff000ul, PROT_READ), ENOMEM,
               "mprotect of 2^64 - 4096 bytes is ENOMEM");
    is(syscall(SYS_mprotect, p, 0, PROT_READ), 0L, "mprotect of 0 bytes succeeds");
    fails_with(syscall(SYS_munmap, p, 0x7ffffffffffffffful), EINVAL, "munmap of 2^63 - 1 bytes is EINVAL");
    fails_with(syscall(SYS_munmap, 0x7ffffffff000ul, 2 * PAGE), EINVAL,
               "munmap across the top of user space is EINVAL");
    fails_with(syscall(SYS_madvise, 0x8000ul, 0xffffffffffffff9cul, MADV_DONTNEED), EINVAL,
               "madvise of 2^64 - 100 bytes is EINVAL");
    fails_with(syscall(SYS_madvise, 0xfffffffffffff000ul, 2 * PAGE, MADV_DONTNEED), EINVAL,
               "madvise of a range that wraps past 2^64 is EINVAL");
    fails_with(syscall(SYS_mremap, p, 0xfffffffffffff000ul, PAGE, 0), EINVAL,
               "mremap from 2^64 - 4096 bytes is EINVAL");
    fails_with(syscall(SYS_mremap, p, PAGE, 0xfffffffffffff000ul, MREMAP_MAYMOVE), EINVAL,
               "mremap to 2^64 - 4096 bytes is EINVAL");
    fails_with(syscall(SYS_mmap, 0, 0x8000000000000000ul, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
               ENOMEM, "shared anonymous mmap of 2^63 bytes is ENOMEM");
    unsigned char vector[2];
    fails_with(syscall(SYS_mincore, p, 0xfffffffffffff000ul, vector), ENOMEM,
               "mincore of 2^64 - 4096 bytes is ENOMEM");
    is(syscall(SYS_mincore, p, 2 * PAGE, vector), 0L, "mincore of the two pages still works");
    p[0] = 1;
    is(p[0], 1, "the mapping is still writable");
    munmap(p, 2 * PAGE);

    if (ok(fd >= 0, "a scratch file open (%s)", path))
        offsets(fd);
    return tap_done();
}
