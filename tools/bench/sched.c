/* sched_yield_switch: two processes that sched_yield in turn; with one CPU (the benchmark
 * machine has -smp 1) each yield switches to the other, and the figure is the time of one
 * switch, yield included (LMbench's lat_ctx with no working set). On more CPUs, as natively
 * for the `make test` check, the two may not alternate, and the figure means less. */
#include "bench.h"
#include <sched.h>
#include <unistd.h>

static void yield_loop(long n)
{
    for (long i = 0; i < n; i++)
        sched_yield();
}

/* switches: N yields in each of two processes, 2N switches; the child starts its loop before
 * the parent's (a byte on a pipe says so). The fork and wait are in the time, a small part of
 * it once the count has calibrated. */
static void switches(long n)
{
    int ready[2];
    if (pipe(ready) != 0)
        die("pipe");
    pid_t pid = must_fork();
    if (pid == 0) {
        close(ready[0]);
        if (write(ready[1], "r", 1) != 1)
            _exit(1);
        yield_loop(n);
        _exit(0);
    }
    close(ready[1]);
    char byte;
    if (read(ready[0], &byte, 1) != 1)
        die("read");
    close(ready[0]);
    yield_loop(n);
    wait_child(pid);
}

int main(void)
{
    report("sched_yield_switch", measure(switches) / 2, "ns");
    return 0;
}
