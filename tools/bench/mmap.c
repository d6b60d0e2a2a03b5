/* page_fault: anonymous memory mapped, every page written once, unmapped; the time per page,
 * which is mostly its fault (the mmap and munmap are spread over 1,024 pages). Transparent huge
 * pages are asked off (MADV_NOHUGEPAGE) so that each 4 KiB page faults on Linux too.
 * mmap_munmap_64m: a 64 MiB anonymous mapping made and removed, never touched; MAP_NORESERVE,
 * so that Linux's overcommit heuristic does not refuse it in a small machine (the memory
 * figure is to measure what the suite uses, not that heuristic). */
#include "bench.h"
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096L
#define BATCH 1024L

static void *map(size_t len, int flags)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    return p;
}

static void touch_pages(long n)
{
    while (n > 0) {
        long pages = n < BATCH ? n : BATCH;
        char *p = map(pages * PAGE, 0);
        madvise(p, pages * PAGE, MADV_NOHUGEPAGE); /* may be unknown to a kernel; only a hint */
        for (long i = 0; i < pages; i++)
            p[i * PAGE] = 1;
        munmap(p, pages * PAGE);
        n -= pages;
    }
}

static void map_unmap(long n)
{
    for (long i = 0; i < n; i++)
        if (munmap(map(64L << 20, MAP_NORESERVE), 64L << 20) != 0)
            die("munmap");
}

int main(void)
{
    report("page_fault", measure(touch_pages), "ns");
    report("mmap_munmap_64m", measure(map_unmap), "ns");
    return 0;
}
