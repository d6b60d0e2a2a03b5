/* memfd_create and file seals: a memfd is an unlinked regular file (mode 0777, no links)
 * that reads, writes, truncates and maps like any; F_GET_SEALS/F_ADD_SEALS with
 * F_SEAL_SEAL, SHRINK, GROW, WRITE (EBUSY while a shared writable mapping exists) and
 * FUTURE_WRITE (existing mappings still write), MFD_NOEXEC_SEAL; Linux's EINVAL, EPERM,
 * EFAULT cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "tap.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

static int memfd(const char *name, unsigned flags)
{
    return syscall(SYS_memfd_create, name, flags);
}

static void basics(void)
{
    int fd = memfd("basics", MFD_CLOEXEC | MFD_EXEC);
    ok(fd >= 0, "memfd_create opens");
    is(fcntl(fd, F_GETFD), FD_CLOEXEC, "MFD_CLOEXEC sets FD_CLOEXEC");
    is(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "open for reading and writing");
    struct stat st;
    fstat(fd, &st);
    ok(S_ISREG(st.st_mode), "a regular file");
    is(st.st_mode & 07777, 0777, "mode 0777");
    is(st.st_nlink, 0, "with no links");
    is(st.st_size, 0, "and empty");
    is(write(fd, "hello", 5), 5, "write");
    char buffer[8] = {0};
    is(pread(fd, buffer, 5, 0), 5, "pread");
    ok(memcmp(buffer, "hello", 5) == 0, "the bytes come back");
    is(ftruncate(fd, 8192), 0, "ftruncate grows it");
    char *map = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ok(map != MAP_FAILED, "a shared writable mapping");
    if (map != MAP_FAILED) {
        ok(memcmp(map, "hello", 5) == 0, "the mapping shows the contents");
        map[4096] = 'x';
        is(pread(fd, buffer, 1, 4096), 1, "pread of a byte written through the mapping");
        is(buffer[0], 'x', "the file sees it");
        munmap(map, 8192);
    }
    is(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL, "without MFD_ALLOW_SEALING: F_SEAL_SEAL");
    fails_with(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM, "and F_ADD_SEALS is EPERM");
    close(fd);
}

static void size_seals(void)
{
    int fd = memfd("shrink", MFD_ALLOW_SEALING);
    is(fcntl(fd, F_GET_SEALS), 0, "MFD_ALLOW_SEALING: no seals");
    ftruncate(fd, 4096);
    is(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0, "add F_SEAL_SHRINK");
    fails_with(ftruncate(fd, 100), EPERM, "shrinking is EPERM");
    is(ftruncate(fd, 8192), 0, "growing is allowed");
    close(fd);

    fd = memfd("grow", MFD_ALLOW_SEALING);
    ftruncate(fd, 8000);
    is(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0, "add F_SEAL_GROW");
    fails_with(ftruncate(fd, 16384), EPERM, "growing is EPERM");
    is(ftruncate(fd, 8000), 0, "the same size is fine");
    fails_with(pwrite(fd, "ab", 2, 7999), EPERM, "a write past the end is EPERM, all of it");
    is(pwrite(fd, "ab", 2, 100), 2, "a write inside is fine");
    is(ftruncate(fd, 10), 0, "shrinking is allowed");
    fails_with(fcntl(fd, F_ADD_SEALS, 0x1000), EINVAL, "an unknown seal is EINVAL");
    is(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL), 0, "add F_SEAL_SEAL");
    is(fcntl(fd, F_GET_SEALS), F_SEAL_GROW | F_SEAL_SEAL, "F_GET_SEALS has both");
    fails_with(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM, "then no more seals: EPERM");
    close(fd);
}

static void write_seal(void)
{
    int fd = memfd("write", MFD_ALLOW_SEALING);
    ftruncate(fd, 4096);
    char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ok(map != MAP_FAILED, "write: a shared writable mapping");
    fails_with(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY, "write: F_SEAL_WRITE while it exists is EBUSY");
    munmap(map, 4096);
    char *readable = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    fails_with(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY,
               "write: a read-only shared mapping that mprotect could make writable is EBUSY too");
    munmap(readable, 4096);
    is(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0, "write: F_SEAL_WRITE once unmapped");
    fails_with(write(fd, "x", 1), EPERM, "write: write is EPERM");
    errno = 0;
    ok(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM,
       "write: a shared writable mapping is EPERM");
    readable = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    ok(readable != MAP_FAILED, "write: a shared read-only mapping is allowed");
    fails_with(mprotect(readable, 4096, PROT_READ | PROT_WRITE), EACCES,
               "write: and mprotect cannot make it writable (EACCES)");
    char *private = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    ok(private != MAP_FAILED, "write: a private writable mapping is allowed");
    if (private != MAP_FAILED) {
        private[0] = 'p';
        char byte = 0;
        pread(fd, &byte, 1, 0);
        is(byte, 0, "write: its writes stay private");
    }
    close(fd);
}

static void future_write(void)
{
    int fd = memfd("future", MFD_ALLOW_SEALING);
    ftruncate(fd, 4096);
    char *map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    is(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), 0, "future: F_SEAL_FUTURE_WRITE with a writable mapping");
    if (map != MAP_FAILED) {
        map[0] = 'm';
        char byte = 0;
        pread(fd, &byte, 1, 0);
        is(byte, 'm', "future: the existing mapping still writes");
    }
    fails_with(pwrite(fd, "x", 1, 0), EPERM, "future: write is EPERM");
    errno = 0;
    ok(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM,
       "future: a new shared writable mapping is EPERM");
    close(fd);
}

static void flags_and_names(void)
{
    fails_with(memfd("x", 0x100), EINVAL, "an unknown flag is EINVAL");
    fails_with(memfd("x", MFD_EXEC | MFD_NOEXEC_SEAL), EINVAL, "MFD_EXEC with MFD_NOEXEC_SEAL is EINVAL");
    char name[300];
    memset(name, 'n', sizeof name);
    name[250] = '\0';
    fails_with(memfd(name, 0), EINVAL, "a 250-byte name is EINVAL");
    name[249] = '\0';
    int fd = memfd(name, MFD_EXEC);
    ok(fd >= 0, "a 249-byte name is fine");
    close(fd);
    fails_with(memfd(bad_pointer(1), 0), EFAULT, "a bad name pointer is EFAULT");
    fd = memfd("noexec", MFD_NOEXEC_SEAL);
    struct stat st;
    fstat(fd, &st);
    is(st.st_mode & 0777, 0666, "MFD_NOEXEC_SEAL: mode 0666");
    is(fcntl(fd, F_GET_SEALS), F_SEAL_EXEC, "MFD_NOEXEC_SEAL: sealed with F_SEAL_EXEC, sealable");
    close(fd);
    fd = memfd("exec", MFD_ALLOW_SEALING | MFD_EXEC);
    is(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC), 0, "F_SEAL_EXEC on an executable memfd");
    is(fcntl(fd, F_GET_SEALS), F_SEAL_EXEC | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE,
       "F_SEAL_EXEC on an executable memfd seals writing too");
    close(fd);
    int fds[2];
    if (!opened_pipe(fds, "seals"))
        return;
    fails_with(fcntl(fds[0], F_GET_SEALS), EINVAL, "F_GET_SEALS of a pipe is EINVAL");
    fails_with(fcntl(fds[1], F_ADD_SEALS, F_SEAL_SEAL), EINVAL, "F_ADD_SEALS to a pipe is EINVAL");
    fails_with(fcntl(fds[0], F_ADD_SEALS, F_SEAL_SEAL), EPERM, "F_ADD_SEALS through a read-only end is EPERM");
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    basics();
    size_seals();
    write_seal();
    future_write();
    flags_and_names();
    return tap_done();
}
