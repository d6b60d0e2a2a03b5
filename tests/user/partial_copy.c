/* Reads and writes whose user buffer runs into an inaccessible page move the bytes before it
 * and return their count, as Linux's filemap_read and generic_perform_write do; only a fault
 * before the first byte is EFAULT. Copies of odd lengths at odd offsets come out exact, byte
 * for byte, whichever way the kernel splits them into words and a tail. A page a short write
 * fills only in part holds zeros in the rest, never the bytes it had before. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "tap.h"

#define PAGE 4096
#define FILE_BYTES (3 * PAGE)

static char path[1024];
static unsigned char pattern[FILE_BYTES];

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/partial_copy.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    for (int i = 0; i < FILE_BYTES; i++)
        pattern[i] = (unsigned char)(i * 7 + i / 251);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (!ok(fd >= 0 && write(fd, pattern, FILE_BYTES) == FILE_BYTES, "make a %d-byte file", FILE_BYTES)) {
        diag("%s: %s", path, strerror(errno));
        return tap_done();
    }

    /* Three pages, the last made inaccessible: `edge` is 100 bytes before it. */
    unsigned char *area = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(area != MAP_FAILED && mprotect(area + 2 * PAGE, PAGE, PROT_NONE) == 0, "map a guarded buffer"))
        return tap_done();
    unsigned char *edge = area + 2 * PAGE - 100;

    is(pread(fd, edge, 300, 5), 100, "pread across the guard page reads the 100 bytes before it");
    ok(memcmp(edge, pattern + 5, 100) == 0, "and they are the file's bytes 5..104");
    lseek(fd, 1, SEEK_SET);
    is(read(fd, edge, 300), 100, "read across the guard page reads 100 bytes");
    is(lseek(fd, 0, SEEK_CUR), 101, "and the offset moves past them alone");
    fails_with(pread(fd, area + 2 * PAGE, 10, 0), EFAULT, "pread into the guard page itself is EFAULT");

    unsigned char first[50];
    struct iovec vectors[2] = { { first, sizeof first }, { area + 2 * PAGE, 50 } };
    is(preadv(fd, vectors, 2, 0), 50, "preadv with a bad second buffer reads the first");
    ok(memcmp(first, pattern, 50) == 0, "and it holds the file's first 50 bytes");

    /* Odd lengths at odd offsets, larger than a page: every byte where it belongs. */
    int exact = 1;
    for (int shift = 0; shift < 9 && exact; shift++) {
        size_t length = PAGE + 1000 + (size_t)shift * 13;
        memset(area, 0xee, 2 * PAGE);
        if (pread(fd, area + shift, length, shift * 3) != (ssize_t)length)
            exact = 0;
        else if (memcmp(area + shift, pattern + shift * 3, length) != 0 || area[shift + length] != 0xee ||
                 (shift > 0 && area[shift - 1] != 0xee))
            exact = 0;
    }
    ok(exact, "reads of odd lengths at odd offsets copy exactly their bytes");

    int out = open(path, O_RDWR | O_TRUNC);
    memset(edge, 'w', 100);
    is(pwrite(out, edge, 300, 0), 100, "pwrite across the guard page writes the 100 bytes before it");
    struct stat st;
    ok(fstat(out, &st) == 0 && st.st_size == 100, "and the file is 100 bytes long");
    fails_with(pwrite(out, area + 2 * PAGE, 10, 0), EFAULT, "pwrite from the guard page itself is EFAULT");
    unsigned char back[100];
    ok(pread(out, back, 100, 0) == 100 && memcmp(back, edge, 100) == 0, "and the file holds the written bytes");

    for (int i = 0; i < 2 * PAGE; i++)
        area[i] = (unsigned char)(i * 13 + 1);
    ok(pwrite(out, area + 3, 2 * PAGE - 10, 7) == 2 * PAGE - 10, "write of an odd length from an odd offset");
    unsigned char *check = malloc(2 * PAGE);
    ok(check && pread(out, check, 2 * PAGE - 10, 7) == 2 * PAGE - 10 && memcmp(check, area + 3, 2 * PAGE - 10) == 0,
       "and it reads back exactly");
    free(check);

    /* A whole page written into a hole from a buffer whose second half is the guard page:
     * the first half goes in, and the rest of that page reads as zeros once the file grows
     * over it, even though the page it got may have held another file's bytes just before. */
    char scratch[1100];
    snprintf(scratch, sizeof scratch, "%s.scratch", path);
    int old = open(scratch, O_RDWR | O_CREAT | O_TRUNC, 0644);
    unsigned char *dirty = malloc(16 * PAGE);
    if (dirty && old >= 0) {
        memset(dirty, 0x5a, 16 * PAGE);
        ok(write(old, dirty, 16 * PAGE) == 16 * PAGE, "fill a scratch file with 0x5a");
    }
    close(old);
    unlink(scratch);
    free(dirty);
    ftruncate(out, 0);
    unsigned char *half = area + 2 * PAGE - PAGE / 2;
    memset(half, 'h', PAGE / 2);
    is(pwrite(out, half, PAGE, PAGE), PAGE / 2, "a whole-page pwrite into a hole, half readable, writes the half");
    unsigned char page[PAGE], expected[PAGE];
    memset(expected, 'h', PAGE / 2);
    memset(expected + PAGE / 2, 0, PAGE / 2);
    ok(ftruncate(out, 2 * PAGE) == 0 && pread(out, page, PAGE, PAGE) == PAGE && memcmp(page, expected, PAGE) == 0,
       "and the rest of that page reads as zeros after the file grows");

    close(out);
    close(fd);
    unlink(path);
    return tap_done();
}
