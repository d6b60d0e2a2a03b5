/* Sparse files: a write far past the end costs only the pages written, holes read as zeros,
 * lseek's SEEK_DATA and SEEK_HOLE find them. Works in a fresh directory under $TMPDIR. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include "tap.h"

#define PAGE 4096
#define FAR ((off_t)1 << 40)

int main(void)
{
    char dir[1024], path[1100];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/sparse.XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        ok(0, "mkdtemp: %s", strerror(errno));
        return tap_done();
    }
    snprintf(path, sizeof path, "%s/far", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (!ok(fd >= 0, "create a file")) {
        diag("open: %s", strerror(errno));
        return tap_done();
    }

    char page[PAGE];
    memset(page, 'x', sizeof page);
    is(pwrite(fd, page, PAGE, FAR), PAGE, "a page written at offset 2^40");
    struct stat st;
    succeeds(fstat(fd, &st), "fstat of the sparse file");
    is(st.st_size, FAR + PAGE, "st_size is 2^40 + one page");
    is(st.st_blocks * 512, PAGE, "st_blocks: the file occupies one page");

    char got[PAGE];
    memset(got, 1, sizeof got);
    is(pread(fd, got, 16, FAR / 2), 16, "reading a hole returns its bytes");
    static const char zeros[16];
    ok(memcmp(got, zeros, 16) == 0, "a hole reads as zeros");
    is(pread(fd, got, PAGE, FAR), PAGE, "reading the far page back");
    ok(memcmp(got, page, PAGE) == 0, "it holds what was written");

    is(lseek(fd, 0, SEEK_DATA), FAR, "SEEK_DATA from 0 finds the page at 2^40");
    is(lseek(fd, 0, SEEK_HOLE), 0, "SEEK_HOLE from 0: the hole starts there");
    is(lseek(fd, FAR + 10, SEEK_DATA), FAR + 10, "SEEK_DATA inside data stays put");
    is(lseek(fd, FAR, SEEK_HOLE), FAR + PAGE, "SEEK_HOLE in the last page: the end of the file");
    fails_with(lseek(fd, FAR + PAGE, SEEK_DATA), ENXIO, "SEEK_DATA at the end: ENXIO");
    fails_with(lseek(fd, FAR + PAGE, SEEK_HOLE), ENXIO, "SEEK_HOLE at the end: ENXIO");
    fails_with(lseek(fd, -1, SEEK_DATA), ENXIO, "SEEK_DATA before the start: ENXIO");

    static char eleven[0xb000];
    is(pwrite(fd, eleven, sizeof eleven, 0x80000000), sizeof eleven, "pwrite of 11 pages at 2 GiB");
    succeeds(fstat(fd, &st), "fstat after it");
    is(st.st_blocks * 512, 12 * PAGE, "st_blocks: 12 pages in all");

    /* 2^46 is past what ext4 allows (EFBIG there), not what ramfs and tmpfs allow. */
    struct statfs fs;
    struct iovec iov = { page, PAGE };
    if (fstatfs(fd, &fs) == 0 && (fs.f_type == 0x858458f6 || fs.f_type == 0x01021994)) {
        is(pwritev(fd, &iov, 1, 0x400000000000), PAGE, "pwritev of a page at 2^46 into ramfs or tmpfs");
        is(pwrite(fd, page, 1, INT64_MAX - 1), 1, "pwrite of the last byte below 2^63 - 1");
        is(lseek(fd, INT64_MAX - 1, SEEK_HOLE), INT64_MAX, "SEEK_HOLE in the last page: the end, 2^63 - 1");
    } else {
        skip("not ramfs or tmpfs", "pwritev of a page at 2^46 into ramfs or tmpfs");
        skip("not ramfs or tmpfs", "pwrite of the last byte below 2^63 - 1");
        skip("not ramfs or tmpfs", "SEEK_HOLE in the last page: the end, 2^63 - 1");
    }
    fails_with(pwrite(fd, page, 2, INT64_MAX - 1), EINVAL, "pwrite ending past 2^63 - 1: EINVAL");

    succeeds(ftruncate(fd, PAGE), "truncating back to one page");
    succeeds(fstat(fd, &st), "fstat after truncating");
    ok(st.st_size == PAGE && st.st_blocks == 0, "the far page is gone: size 4096, no blocks");
    is(pwrite(fd, page, 1, 3 * PAGE + 5), 1, "one byte written three pages on");
    is(lseek(fd, 0, SEEK_DATA), 3 * PAGE, "SEEK_DATA skips the hole to that page");
    fails_with(lseek(fd, 3 * PAGE + 6, SEEK_DATA), ENXIO, "SEEK_DATA at the new end: ENXIO");

    close(fd);
    unlink(path);
    rmdir(dir);
    return tap_done();
}
