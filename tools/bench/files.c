/* File system calls on BENCH_DIR (a tmpfs in the benchmark machine; LMbench's lat_syscall and
 * lat_fs): open_close of an existing file; stat of it; create_write_unlink, a 4 KiB file
 * created, written, closed and unlinked; read_4k_cached, pread of 4 KiB from a file in the
 * page cache. */
#include "bench.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 4096

static char path[4096], scratch[4096];
static char block[BLOCK];
static int cached_fd;

static void open_close(long n)
{
    for (long i = 0; i < n; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            die("open");
        close(fd);
    }
}

static void stat_file(long n)
{
    struct stat st;
    for (long i = 0; i < n; i++)
        if (stat(path, &st) != 0)
            die("stat");
}

static void create_write_unlink(long n)
{
    for (long i = 0; i < n; i++) {
        int fd = open(scratch, O_CREAT | O_EXCL | O_WRONLY, 0600);
        if (fd < 0)
            die("open O_CREAT");
        if (write(fd, block, BLOCK) != BLOCK)
            die("write");
        close(fd);
        if (unlink(scratch) != 0)
            die("unlink");
    }
}

static void read_cached(long n)
{
    for (long i = 0; i < n; i++)
        if (pread(cached_fd, block, BLOCK, 0) != BLOCK)
            die("pread");
}

int main(void)
{
    snprintf(path, sizeof path, "%s", bench_path("bench-files"));
    snprintf(scratch, sizeof scratch, "%s", bench_path("bench-files-scratch"));
    memset(block, 'f', sizeof block);
    cached_fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (cached_fd < 0 || write(cached_fd, block, BLOCK) != BLOCK)
        die("create the test file");
    report("open_close", measure(open_close), "ns");
    report("stat", measure(stat_file), "ns");
    report("create_write_unlink", measure(create_write_unlink) / 1000, "us");
    report("read_4k_cached", measure(read_cached), "ns");
    close(cached_fd);
    unlink(path);
    return 0;
}
