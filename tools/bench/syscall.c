/* null_syscall: the cost of entering and leaving the kernel, getppid(2) through syscall(3) so
 * that no libc cache answers instead (LMbench's lat_syscall null). */
#include "bench.h"
#include <sys/syscall.h>
#include <unistd.h>

static void null_syscall(long n)
{
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
}

int main(void)
{
    report("null_syscall", measure(null_syscall), "ns");
    return 0;
}
