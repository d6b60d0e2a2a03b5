/* seq_write_16m and seq_read_16m: a 16 MiB file on BENCH_DIR (a tmpfs in the benchmark
 * machine) written from the start in 64 KiB writes (the file truncated first), and read back
 * in 64 KiB reads; MB/s. */
#include "bench.h"
#include <fcntl.h>
#include <unistd.h>

#define FILE_SIZE (16L << 20)
#define CHUNK 65536

static char chunk[CHUNK];
static int fd;

static void write_file(long n)
{
    for (long i = 0; i < n; i++) {
        if (ftruncate(fd, 0) != 0)
            die("ftruncate");
        for (long done = 0; done < FILE_SIZE; done += CHUNK)
            if (pwrite(fd, chunk, CHUNK, done) != CHUNK)
                die("pwrite");
    }
}

static void read_file(long n)
{
    for (long i = 0; i < n; i++)
        for (long done = 0; done < FILE_SIZE; done += CHUNK)
            if (pread(fd, chunk, CHUNK, done) != CHUNK)
                die("pread");
}

int main(void)
{
    const char *path = bench_path("bench-seq");
    fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0600);
    if (fd < 0)
        die("open");
    memset(chunk, 's', sizeof chunk);
    report("seq_write_16m", FILE_SIZE * 1e3 / measure(write_file), "MB/s");
    report("seq_read_16m", FILE_SIZE * 1e3 / measure(read_file), "MB/s");
    close(fd);
    unlink(path);
    return 0;
}
