/* Resource limits on growth and killability of long system calls: RLIMIT_FSIZE on every
 * path that grows a file (EFBIG, and SIGXFSZ whose default ends the process), RLIMIT_DATA
 * and RLIMIT_AS on brk, mmap and mremap (ENOMEM), and SIGKILL ending a huge sendfile or brk
 * at once. Works in a fresh directory under $TMPDIR. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "tap.h"

#define PAGE 4096
#define LIMIT (2 * PAGE)

static char path[1100];

static void set_soft_limit(int resource, rlim_t value)
{
    struct rlimit limit;
    getrlimit(resource, &limit);
    limit.rlim_cur = value;
    setrlimit(resource, &limit);
}

static void file_size_limit(void)
{
    static char buffer[4 * PAGE];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    int zero = open("/dev/zero", O_RDONLY);
    if (!ok(fd >= 0 && zero >= 0, "open a file and /dev/zero"))
        return;
    signal(SIGXFSZ, SIG_IGN);
    set_soft_limit(RLIMIT_FSIZE, LIMIT);
    is(write(fd, buffer, PAGE), PAGE, "RLIMIT_FSIZE 8 KiB: a write below it");
    is(pwrite(fd, buffer, 2 * PAGE, PAGE), PAGE, "pwrite across it is cut short at the limit");
    fails_with(pwrite(fd, buffer, 1, LIMIT), EFBIG, "pwrite at the limit: EFBIG");
    is(pwrite(fd, buffer, 0, 2 * LIMIT), 0, "an empty pwrite past it is no error");
    lseek(fd, LIMIT, SEEK_SET);
    fails_with(write(fd, buffer, 1), EFBIG, "write at the limit: EFBIG");
    struct iovec iov[2] = { { buffer, 10 }, { buffer, 10 } };
    fails_with(writev(fd, iov, 2), EFBIG, "writev at the limit: EFBIG");
    fails_with(pwritev(fd, iov, 2, LIMIT + 100), EFBIG, "pwritev past the limit: EFBIG");
    fails_with(ftruncate(fd, LIMIT + 1), EFBIG, "ftruncate beyond the limit: EFBIG");
    fails_with(truncate(path, 1 << 30), EFBIG, "truncate beyond the limit: EFBIG");
    succeeds(ftruncate(fd, LIMIT), "ftruncate to the limit itself");
    succeeds(ftruncate(fd, 0), "ftruncate down");
    lseek(fd, 0, SEEK_SET);
    is(sendfile(fd, zero, NULL, 1 << 20), LIMIT, "sendfile of 1 MiB from /dev/zero stops at the limit");
    fails_with(sendfile(fd, zero, NULL, 1 << 20), EFBIG, "sendfile at the limit: EFBIG");
    succeeds(ftruncate(fd, 0), "ftruncate down again");
    set_soft_limit(RLIMIT_FSIZE, 1 << 20);
    off_t offset = 0;
    lseek(fd, 0, SEEK_SET);
    is(sendfile(fd, zero, &offset, 4ul << 30), 1 << 20,
       "RLIMIT_FSIZE 1 MiB: sendfile of 4 GiB from /dev/zero at an offset stops at 1 MiB");
    set_soft_limit(RLIMIT_FSIZE, RLIM_INFINITY);
    signal(SIGXFSZ, SIG_DFL);

    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        set_soft_limit(RLIMIT_FSIZE, LIMIT);
        pwrite(fd, buffer, 1, LIMIT);
        _exit(0);
    }
    killed_by(pid, SIGXFSZ, "a write past RLIMIT_FSIZE with SIGXFSZ's default action: killed by it");
    close(zero);
    close(fd);
    unlink(path);
}

static uintptr_t raw_brk(uintptr_t address)
{
    return (uintptr_t)syscall(SYS_brk, address);
}

static void memory_limits(void)
{
    uintptr_t start = raw_brk(0);
    is(raw_brk(0x3ac6e11d6000ul), start, "brk(0x3ac6e11d6000) fails under the default limits (overcommit)");
    void *huge = mmap(NULL, 1ul << 40, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ok(huge == MAP_FAILED && errno == ENOMEM, "mmap of 1 TiB private writable memory: ENOMEM (overcommit)");
    huge = mmap(NULL, 1ul << 40, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ok(huge != MAP_FAILED, "the same with MAP_NORESERVE is granted");
    if (huge != MAP_FAILED)
        munmap(huge, 1ul << 40);
    set_soft_limit(RLIMIT_DATA, 64 << 20);
    is(raw_brk(start + (128 << 20)), start, "RLIMIT_DATA 64 MiB: brk up by 128 MiB fails, the break unchanged");
    is(raw_brk(start + PAGE), start + PAGE, "brk up by a page still works");
    raw_brk(start);
    void *data = mmap(NULL, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ok(data == MAP_FAILED && errno == ENOMEM, "mmap of 128 MiB private writable memory: ENOMEM");
    void *readonly = mmap(NULL, 128 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ok(readonly != MAP_FAILED, "mmap of 128 MiB read-only memory is not data: it works");
    if (readonly != MAP_FAILED)
        munmap(readonly, 128 << 20);
    void *small = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ok(small != MAP_FAILED, "mmap of one writable page")) {
        void *grown = mremap(small, PAGE, 128 << 20, MREMAP_MAYMOVE);
        ok(grown == MAP_FAILED && errno == ENOMEM, "mremap of it to 128 MiB: ENOMEM");
        munmap(grown == MAP_FAILED ? small : grown, grown == MAP_FAILED ? PAGE : 128 << 20);
    }
    set_soft_limit(RLIMIT_DATA, RLIM_INFINITY);

    set_soft_limit(RLIMIT_AS, 1ul << 30);
    void *none = mmap(NULL, 2ul << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ok(none == MAP_FAILED && errno == ENOMEM, "RLIMIT_AS 1 GiB: mmap of 2 GiB (even PROT_NONE): ENOMEM");
    set_soft_limit(RLIMIT_AS, RLIM_INFINITY);
}

/* A child prepares, tells the parent, then repeats `long_call` until SIGKILL ends it, however
 * long one call would run. There is no time limit here: a call SIGKILL cannot end hangs the
 * test, and the harness reports the hang. */
static void killed_while(void (*prepare)(void), void (*long_call)(void), const char *what)
{
    int ready[2];
    if (!opened_pipe(ready, what))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        prepare();
        write(ready[1], "", 1);
        for (;;)
            long_call();
    }
    close(ready[1]);
    char byte;
    read(ready[0], &byte, 1);
    close(ready[0]);
    usleep(100 * 1000);
    kill(pid, SIGKILL);
    killed_by(pid, SIGKILL, "%s", what);
}

static void nothing(void)
{
}

static void huge_sendfile(void)
{
    static int zero = -1, null = -1;
    if (zero < 0) {
        zero = open("/dev/zero", O_RDONLY);
        null = open("/dev/null", O_WRONLY);
    }
    sendfile(null, zero, NULL, 2ul << 30);
}

/* 1 TiB of break in steps of 128 MiB, each of which overcommit allows. */
static uintptr_t break_start;
static void grow_break(void)
{
    break_start = raw_brk(0);
    for (uintptr_t step = 1; step <= 8192; step++)
        raw_brk(break_start + step * (128ul << 20));
}

static void shrink_break(void)
{
    raw_brk(break_start);   /* a walk over 2^28 pages */
    grow_break();
}

/* 32 TiB, a walk over 2^33 pages to change or unmap it. */
static void huge_mapping(void)
{
    size_t size = 1ul << 45;
    void *area = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (area != MAP_FAILED) {
        mprotect(area, size, PROT_READ);
        munmap(area, size);
    }
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/limits.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        ok(0, "mkdtemp: %s", strerror(errno));
        return tap_done();
    }
    snprintf(path, sizeof path, "%s/file", dir);
    file_size_limit();
    memory_limits();
    killed_while(nothing, huge_sendfile, "SIGKILL ends a child copying 2 GiB from /dev/zero to /dev/null");
    killed_while(grow_break, shrink_break, "SIGKILL ends a child shrinking its break by 1 TiB");
    killed_while(nothing, huge_mapping, "SIGKILL ends a child changing and unmapping 32 TiB");
    rmdir(dir);
    return tap_done();
}
