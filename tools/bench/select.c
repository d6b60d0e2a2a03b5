/* select_100 and poll_100: one call over the read ends of 100 pipes, none readable but the
 * last (so the call scans them all and returns at once; LMbench's lat_select). */
#include "bench.h"
#include <poll.h>
#include <sys/select.h>
#include <unistd.h>

#define FDS 100

static int ends[FDS];
static int max_fd;

static void select_fds(long n)
{
    for (long i = 0; i < n; i++) {
        fd_set set;
        FD_ZERO(&set);
        for (int j = 0; j < FDS; j++)
            FD_SET(ends[j], &set);
        struct timeval zero = {0, 0};
        if (select(max_fd + 1, &set, NULL, NULL, &zero) != 1)
            die("select");
    }
}

static void poll_fds(long n)
{
    struct pollfd fds[FDS];
    for (int j = 0; j < FDS; j++)
        fds[j] = (struct pollfd){.fd = ends[j], .events = POLLIN};
    for (long i = 0; i < n; i++)
        if (poll(fds, FDS, 0) != 1)
            die("poll");
}

int main(void)
{
    for (int j = 0; j < FDS; j++) {
        int p[2];
        if (pipe(p) != 0)
            die("pipe");
        ends[j] = p[0];
        if (p[0] > max_fd)
            max_fd = p[0];
        if (j == FDS - 1 && write(p[1], "x", 1) != 1)
            die("write");
    }
    if (max_fd >= FD_SETSIZE) {
        errno = EMFILE;
        die("pipe descriptors above FD_SETSIZE");
    }
    report("select_100", measure(select_fds), "ns");
    report("poll_100", measure(poll_fds), "ns");
    return 0;
}
