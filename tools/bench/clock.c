/* clock_gettime, gettimeofday, time: the clock reads as musl makes them (through the vDSO where
 * the kernel maps one, else a system call each). */
#include "bench.h"
#include <sys/time.h>

static void read_clock_gettime(long n)
{
    struct timespec ts;
    for (long i = 0; i < n; i++)
        clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void read_gettimeofday(long n)
{
    struct timeval tv;
    for (long i = 0; i < n; i++)
        gettimeofday(&tv, NULL);
}

static void read_time(long n)
{
    for (long i = 0; i < n; i++)
        time(NULL);
}

int main(void)
{
    report("clock_gettime", measure(read_clock_gettime), "ns");
    report("gettimeofday", measure(read_gettimeofday), "ns");
    report("time", measure(read_time), "ns");
    return 0;
}
