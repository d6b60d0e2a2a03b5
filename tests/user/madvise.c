/* madvise's advice against Linux: MADV_DONTFORK/DOFORK (the range is absent in a forked
 * child), MADV_WIPEONFORK/KEEPONFORK (the child reads zeros, EINVAL on anything but private
 * anonymous memory), MADV_DONTNEED zeroing anonymous memory and restoring a private file
 * mapping, MADV_FREE, MADV_REMOVE, ENOMEM for holes and EINVAL for unknown advice; mmap of
 * /dev/zero, private and shared; msync's flags and ranges.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PAGE 4096

static char *map_anonymous(size_t pages, int flags)
{
    char *area = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
    return area == MAP_FAILED ? NULL : area;
}

/* A child that reads area[0] and exits with its value; returns the wait status. */
static int child_reads(volatile char *area)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);
        _exit(area[0] & 0x7f);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    return status;
}

static void fork_advice(void)
{
    char *area = map_anonymous(4, MAP_PRIVATE);
    if (!ok(area != NULL, "map 4 private anonymous pages"))
        return;
    memset(area, 'x', 4 * PAGE);
    is(madvise(area + PAGE, PAGE, MADV_DONTFORK), 0, "MADV_DONTFORK on the second page");
    int status = child_reads(area + PAGE);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
       "the child of a fork has no such page: SIGSEGV (%s)", wait_status_text(status));
    status = child_reads(area);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 'x', "the pages around it are copied (%s)",
       wait_status_text(status));
    is(madvise(area + PAGE, PAGE, MADV_DOFORK), 0, "MADV_DOFORK");
    status = child_reads(area + PAGE);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 'x', "then the child has it again (%s)",
       wait_status_text(status));

    is(madvise(area, 2 * PAGE, MADV_WIPEONFORK), 0, "MADV_WIPEONFORK on two pages");
    status = child_reads(area + PAGE);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child reads zeros there (%s)",
       wait_status_text(status));
    status = child_reads(area + 2 * PAGE);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 'x', "and the parent's data past them (%s)",
       wait_status_text(status));
    ok(area[0] == 'x' && area[PAGE] == 'x', "the parent keeps its pages");
    pid_t pid = fork();
    if (pid == 0) {
        /* The child's wiped area is ordinary memory, and its own children get it wiped again. */
        area[0] = 'y';
        int inner = child_reads(area);
        _exit(area[0] == 'y' && WIFEXITED(inner) && WEXITSTATUS(inner) == 0 ? 0 : 1);
    }
    exits_with(pid, 0, "the child can write its wiped pages; a grandchild gets them wiped");
    is(madvise(area, 2 * PAGE, MADV_KEEPONFORK), 0, "MADV_KEEPONFORK");
    status = child_reads(area);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 'x', "then the child gets the data (%s)",
       wait_status_text(status));

    char *shared = map_anonymous(1, MAP_SHARED);
    if (shared) {
        fails_with(madvise(shared, PAGE, MADV_WIPEONFORK), EINVAL, "MADV_WIPEONFORK on shared memory: EINVAL");
        munmap(shared, PAGE);
    }
    int fd = open("/proc/self/exe", O_RDONLY);
    char *file = fd >= 0 ? mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    if (ok(file != MAP_FAILED, "map a page of a file")) {
        fails_with(madvise(file, PAGE, MADV_WIPEONFORK), EINVAL, "MADV_WIPEONFORK on a file mapping: EINVAL");
        is(madvise(file, PAGE, MADV_KEEPONFORK), 0, "MADV_KEEPONFORK on it is allowed");
        fails_with(madvise(file, PAGE, MADV_FREE), EINVAL, "MADV_FREE on a file mapping: EINVAL");
        munmap(file, PAGE);
    }
    if (fd >= 0)
        close(fd);
    munmap(area, 4 * PAGE);
}

static void discarding(void)
{
    char *area = map_anonymous(2, MAP_PRIVATE);
    if (!area)
        return;
    memset(area, 'a', 2 * PAGE);
    is(madvise(area, PAGE, MADV_DONTNEED), 0, "MADV_DONTNEED");
    ok(area[0] == 0 && area[PAGE] == 'a', "private anonymous pages read back as zeros, only those");
    memset(area, 'b', PAGE);
    is(madvise(area, PAGE, MADV_FREE), 0, "MADV_FREE on private anonymous memory");
    ok(area[0] == 0 || area[0] == 'b', "leaves the page as it was or zero");
    is(mlock(area, PAGE), 0, "mlock a page");
    fails_with(madvise(area, PAGE, MADV_DONTNEED), EINVAL, "MADV_DONTNEED on a locked page: EINVAL");
    is(munlock(area, PAGE), 0, "munlock");
    fails_with(madvise(area, PAGE, 12345), EINVAL, "unknown advice: EINVAL");
    fails_with(madvise(area + 1, PAGE, MADV_NORMAL), EINVAL, "an unaligned start: EINVAL");
    munmap(area + PAGE, PAGE);
    fails_with(madvise(area, 2 * PAGE, MADV_NORMAL), ENOMEM, "a range with a hole: ENOMEM");
    fails_with(madvise(area, 2 * PAGE, MADV_DONTFORK), ENOMEM, "MADV_DONTFORK over a hole: ENOMEM");
    is(madvise(area, PAGE, MADV_POPULATE_WRITE), 0, "MADV_POPULATE_WRITE");
    unsigned char resident = 0;
    ok(mincore(area, PAGE, &resident) == 0 && (resident & 1), "faults the page in");
    munmap(area, PAGE);

    /* A private file mapping reads the file again after MADV_DONTNEED. */
    char *tmp = getenv("TMPDIR");
    char name[256];
    snprintf(name, sizeof name, "%s/madvise-XXXXXX", tmp ? tmp : "/tmp");
    int fd = mkstemp(name);
    if (!ok(fd >= 0, "a scratch file"))
        return;
    unlink(name);
    char page[PAGE];
    memset(page, 'f', PAGE);
    ok(write(fd, page, PAGE) == PAGE, "write a page of 'f'");
    char *file = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (ok(file != MAP_FAILED, "map it privately")) {
        file[0] = 'p';
        is(madvise(file, PAGE, MADV_DONTNEED), 0, "MADV_DONTNEED on the written private copy");
        is(file[0], 'f', "the mapping shows the file again");
        fails_with(madvise(file, PAGE, MADV_REMOVE), EACCES, "MADV_REMOVE on a private mapping: EACCES");
        munmap(file, PAGE);
    }
    file = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ok(file != MAP_FAILED, "map it shared")) {
        is(madvise(file, PAGE, MADV_REMOVE), 0, "MADV_REMOVE on the shared mapping");
        char byte = 1;
        ok(pread(fd, &byte, 1, 0) == 1 && byte == 0 && file[0] == 0, "punches a hole in the file");
        struct stat st;
        ok(fstat(fd, &st) == 0 && st.st_size == PAGE, "and keeps its size");
        munmap(file, PAGE);
    }
    close(fd);
}

static void dev_zero(void)
{
    int fd = open("/dev/zero", O_RDWR);
    if (!ok(fd >= 0, "open /dev/zero"))
        return;
    char *private = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (ok(private != MAP_FAILED, "MAP_PRIVATE of /dev/zero")) {
        ok(private[0] == 0 && private[2 * PAGE - 1] == 0, "reads zeros");
        private[0] = 'z';
        int status = child_reads(private);
        ok(WIFEXITED(status) && WEXITSTATUS(status) == 'z', "is private memory a child copies (%s)",
           wait_status_text(status));
        pid_t pid = fork();
        if (pid == 0) {
            private[0] = 'c';
            _exit(0);
        }
        exits_with(pid, 0, "a child writes its copy");
        is(private[0], 'z', "the parent does not see it");
        munmap(private, 2 * PAGE);
    }
    char *shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (ok(shared != MAP_FAILED, "MAP_SHARED of /dev/zero")) {
        ok(shared[0] == 0 && shared[PAGE] == 0, "reads zeros");
        pid_t pid = fork();
        if (pid == 0) {
            shared[PAGE] = 's';
            _exit(0);
        }
        exits_with(pid, 0, "a child writes it");
        is(shared[PAGE], 's', "the parent sees the child's write: shared memory");
        char byte = 1;
        ok(pread(fd, &byte, 1, 0) == 1 && byte == 0, "/dev/zero itself still reads zeros");
        munmap(shared, 2 * PAGE);
    }
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    if (fd >= 0) {
        fails_with((long)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES,
                   "a writable shared mapping of /dev/zero opened read-only: EACCES");
        close(fd);
    }
}

static void msync_checks(void)
{
    char *area = map_anonymous(3, MAP_SHARED);
    if (!area)
        return;
    area[0] = 1;
    is(msync(area, 3 * PAGE, MS_SYNC), 0, "msync MS_SYNC");
    is(msync(area, 3 * PAGE, MS_ASYNC), 0, "msync MS_ASYNC");
    is(msync(area, PAGE, MS_INVALIDATE), 0, "msync MS_INVALIDATE");
    is(msync(area, 0, MS_SYNC), 0, "msync of nothing");
    is(syscall(SYS_msync, area, PAGE, 0), 0, "msync with no flag");
    fails_with(syscall(SYS_msync, area, PAGE, MS_SYNC | MS_ASYNC), EINVAL, "MS_SYNC with MS_ASYNC: EINVAL");
    fails_with(syscall(SYS_msync, area, PAGE, 8), EINVAL, "an unknown flag: EINVAL");
    fails_with(syscall(SYS_msync, area + 1, PAGE, MS_SYNC), EINVAL, "an unaligned address: EINVAL");
    is(mlock(area, PAGE), 0, "mlock a page");
    fails_with(msync(area, PAGE, MS_INVALIDATE), EBUSY, "MS_INVALIDATE over locked pages: EBUSY");
    is(msync(area, PAGE, MS_SYNC), 0, "MS_SYNC over them is fine");
    munlock(area, PAGE);
    munmap(area + PAGE, PAGE);
    fails_with(msync(area, 3 * PAGE, MS_SYNC), ENOMEM, "MS_SYNC over a hole: ENOMEM");
    fails_with(msync(area, 3 * PAGE, MS_ASYNC), ENOMEM, "MS_ASYNC over a hole: ENOMEM");
    fails_with(msync(area + PAGE, PAGE, MS_ASYNC), ENOMEM, "an unmapped page: ENOMEM");
    munmap(area, 3 * PAGE);
}

int main(void)
{
    fork_advice();
    discarding();
    dev_zero();
    msync_checks();
    return tap_done();
}
