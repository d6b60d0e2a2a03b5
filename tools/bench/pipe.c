/* pipe_pingpong: one byte there and back between two processes over two pipes, per round trip
 * (LMbench's lat_pipe); pipe_bandwidth: 64 KiB writes read by the other process (bw_pipe). */
#include "bench.h"
#include <signal.h>
#include <unistd.h>

#define CHUNK 65536

static int to_child[2], from_child[2];

static void must_write(int fd, const void *buf, size_t len)
{
    if (write(fd, buf, len) != (ssize_t)len)
        die("write");
}

/* read_full: LEN bytes; a pipe hands over what is there, so one read may return less. */
static void read_full(int fd, void *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t got = read(fd, (char *)buf + done, len - done);
        if (got <= 0)
            die("read");
        done += got;
    }
}

static pid_t start_child(void (*serve)(void))
{
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        die("pipe");
    pid_t pid = must_fork();
    if (pid == 0) {
        close(to_child[1]);
        close(from_child[0]);
        serve();
        _exit(0);
    }
    close(to_child[0]);
    close(from_child[1]);
    return pid;
}

static void stop_child(pid_t pid)
{
    close(to_child[1]);
    close(from_child[0]);
    wait_child(pid);
}

static void echo_bytes(void)
{
    char byte;
    while (read(to_child[0], &byte, 1) == 1)
        must_write(from_child[1], &byte, 1);
}

static void pingpong(long n)
{
    char byte = 'x';
    for (long i = 0; i < n; i++) {
        must_write(to_child[1], &byte, 1);
        read_full(from_child[0], &byte, 1);
    }
}

/* write_chunks: for each count asked for, that many 64 KiB writes. */
static void write_chunks(void)
{
    static char chunk[CHUNK];
    long count;
    memset(chunk, 'b', sizeof chunk);
    while (read(to_child[0], &count, sizeof count) == sizeof count)
        for (long i = 0; i < count; i++)
            must_write(from_child[1], chunk, sizeof chunk);
}

static void bandwidth(long n)
{
    static char buf[CHUNK];
    must_write(to_child[1], &n, sizeof n);
    for (long i = 0; i < n; i++)
        read_full(from_child[0], buf, sizeof buf);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = start_child(echo_bytes);
    report("pipe_pingpong", measure(pingpong), "ns");
    stop_child(pid);
    pid = start_child(write_chunks);
    report("pipe_bandwidth", CHUNK * 1e3 / measure(bandwidth), "MB/s");
    stop_child(pid);
    return 0;
}
