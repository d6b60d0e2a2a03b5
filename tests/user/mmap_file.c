/* File and shared mappings: mmap of a file shows its page cache — MAP_SHARED writes reach the
 * file and read(2) sees them, MAP_PRIVATE writes stay private — shared mappings stay shared
 * across fork, and mprotect never lets a private mapping write into a page it shares. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

/* From <linux/futex.h>, which musl-gcc does not ship. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

static char path[256];
static const long page = 4096;

static int make_file(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/mmap_file.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char block[4096];
    for (int i = 0; i < 3; i++) {
        memset(block, 'a' + i, sizeof block);
        write(fd, block, sizeof block);
    }
    return fd;
}

static void private_mapping(int fd)
{
    char *map = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (!ok(map != MAP_FAILED, "MAP_PRIVATE of a 3-page file"))
        return;
    ok(map[0] == 'a' && map[page] == 'b' && map[2 * page + 4095] == 'c', "the mapping shows the file's bytes");
    map[0] = 'X';
    char byte = 0;
    pread(fd, &byte, 1, 0);
    is(byte, 'a', "a write to a private mapping leaves the file alone");
    is(map[0], 'X', "and the mapping keeps its own copy");
    pwrite(fd, "Q", 1, page);
    is(map[page], 'Q', "a page not yet written shows later file writes (it is the page cache)");
    munmap(map, 3 * page);

    char *offset_map = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 2 * page);
    ok(offset_map != MAP_FAILED && offset_map[0] == 'c', "an offset of 2 pages maps the third page");
    munmap(offset_map, page);
}

static void shared_mapping(int fd)
{
    char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (!ok(map != MAP_FAILED, "MAP_SHARED of the file"))
        return;
    map[10] = 'S';
    char byte = 0;
    pread(fd, &byte, 1, 10);
    is(byte, 'S', "a write through a shared mapping is in the file for read(2)");
    pwrite(fd, "W", 1, 20);
    is(map[20], 'W', "a write(2) shows in the shared mapping");

    pid_t child = fork();
    if (child == 0) {
        map[30] = 'C';
        _exit(0);
    }
    waitpid(child, NULL, 0);
    is(map[30], 'C', "a child's write to the inherited shared mapping reaches the parent");
    munmap(map, 2 * page);
    pread(fd, &byte, 1, 30);
    is(byte, 'C', "and the file, after munmap");
}

static void shared_anonymous(void)
{
    volatile int *counter = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!ok(counter != MAP_FAILED, "MAP_SHARED|MAP_ANONYMOUS"))
        return;
    is(counter[0], 0, "shared anonymous memory starts zeroed");
    pid_t child = fork();
    if (child == 0) {
        counter[0] = 1234;
        _exit(0);
    }
    waitpid(child, NULL, 0);
    is(counter[0], 1234, "a child's write to shared anonymous memory reaches the parent");

    /* A futex in shared memory is one futex for both processes (no FUTEX_PRIVATE_FLAG). */
    counter[1] = 0;
    child = fork();
    if (child == 0) {
        struct timespec limit = {5, 0};
        long waited = syscall(SYS_futex, &counter[1], FUTEX_WAIT, 0, &limit, NULL, 0);
        _exit(waited == 0 ? 0 : 2);
    }
    long woken = 0;
    for (int tries = 0; tries < 2000 && woken == 0; tries++) {
        woken = syscall(SYS_futex, &counter[1], FUTEX_WAKE, 1, NULL, NULL, 0);
        if (woken == 0)
            usleep(1000);
    }
    is(woken, 1, "FUTEX_WAKE in shared memory wakes the other process's FUTEX_WAIT");
    int status = -1;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "and that waiter returns 0 (woken, not timed out)");
    munmap((void *)counter, page);
}

static void protections(int fd)
{
    int readonly = open(path, O_RDONLY);
    errno = 0;
    void *denied = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, readonly, 0);
    ok(denied == MAP_FAILED && errno == EACCES, "MAP_SHARED with PROT_WRITE of a read-only descriptor: EACCES");
    char *shared_ro = mmap(NULL, page, PROT_READ, MAP_SHARED, readonly, 0);
    ok(shared_ro != MAP_FAILED, "MAP_SHARED PROT_READ of a read-only descriptor works");
    errno = 0;
    ok(mprotect(shared_ro, page, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
       "mprotect cannot make it writable: EACCES");
    munmap(shared_ro, page);

    char *private_map = mmap(NULL, page, PROT_READ, MAP_PRIVATE, readonly, 0);
    char first = private_map[0];
    ok(mprotect(private_map, page, PROT_READ | PROT_WRITE) == 0, "a private read-only file mapping may become writable");
    private_map[0] = 'P';
    char byte = 0;
    pread(fd, &byte, 1, 0);
    is(byte, first, "its write after mprotect still does not reach the file");
    munmap(private_map, page);
    close(readonly);

    errno = 0;
    ok(mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL,
       "an offset that is not page-aligned: EINVAL");
    errno = 0;
    ok(mmap(NULL, page, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF, "a closed descriptor: EBADF");
    int fds[2];
    if (opened_pipe(fds, "mmap")) {
        errno = 0;
        ok(mmap(NULL, page, PROT_READ, MAP_PRIVATE, fds[0], 0) == MAP_FAILED && errno == ENODEV,
           "a pipe cannot be mapped: ENODEV");
        close(fds[0]);
        close(fds[1]);
    }
    errno = 0;
    ok(mmap(NULL, page, PROT_READ, MAP_FILE, fd, 0) == MAP_FAILED && errno == EINVAL,
       "neither MAP_SHARED nor MAP_PRIVATE: EINVAL");
}

/* After fork both sides share their private pages read-only; mprotect in one must not make a
 * shared page writable, or its write would show in the other. */
static void protect_after_fork(void)
{
    char *memory = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memory[0] = 'o';
    int fds[2];
    if (!opened_pipe(fds, "fork"))
        return;
    pid_t child = fork();
    if (child == 0) {
        char go;
        read(fds[0], &go, 1);
        _exit(memory[0] == 'o' ? 0 : 1);
    }
    mprotect(memory, page, PROT_READ);
    mprotect(memory, page, PROT_READ | PROT_WRITE);
    memory[0] = 'n';
    write(fds[1], "g", 1);
    int status = -1;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "after fork, mprotect then a write in the parent leaves the child's copy alone");
    close(fds[0]);
    close(fds[1]);
    munmap(memory, page);
}

int main(void)
{
    int fd = make_file();
    if (!ok(fd >= 0, "a 3-page test file"))
        return tap_done();
    private_mapping(fd);
    shared_mapping(fd);
    shared_anonymous();
    protections(fd);
    protect_after_fork();
    close(fd);
    unlink(path);
    return tap_done();
}
