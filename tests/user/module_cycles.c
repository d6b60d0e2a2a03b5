/* 1,000 load/unload cycles of the textbook hello.ko, in C and in Swift, give back every page
 * (docs/modules.md, "Every page back"): the buddy allocator's free page count (nr_free_pages
 * of /proc/vmstat) is the same, exactly, after them as before. The program loads from a
 * buffer it read once, so nothing of its own (no shell, no page cache, no new memory of its
 * own) moves between the two readings; two cycles first let the kernel set up what it keeps
 * for any module (the module area's page tables, the slab caches' slabs; with one, a page the
 * second load takes, the same one after 1,000 or 3,000 cycles, showed), and the count
 * must hold still before each reading (work an earlier test left, or the last unload's
 * deferred frees, may still be under way).
 * Only on Apus, as root: on Linux an Apus module is no test. */
#include "tap.h"
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>

#define CYCLES 1000

static char image[1 << 20];
static char text[16384];

/* nr_free_pages of /proc/vmstat, or -1. */
static long free_pages(void)
{
    long length = read_into("/proc/vmstat", text, sizeof text - 1);
    if (length < 0)
        return -1;
    text[length] = 0;
    char *line = strstr(text, "nr_free_pages ");
    return line ? strtol(line + strlen("nr_free_pages "), NULL, 10) : -1;
}

/* nr_free_pages once it reads the same twice 100 ms apart (at most 3 s), or -1. */
static long settled_free_pages(void)
{
    long last = free_pages();
    for (int tries = 0; tries < 30; tries++) {
        usleep(100000);
        long now = free_pages();
        if (now == last)
            return now;
        last = now;
    }
    return -1;
}

/* One insmod and rmmod of hello.ko; whether both worked. */
static int cycle(long length)
{
    return syscall(SYS_init_module, image, length, "") == 0 && syscall(SYS_delete_module, "hello", O_NONBLOCK) == 0;
}

/* CYCLES loads and unloads of the hello.ko at `path`, and the free pages before and after. */
static void cycles(const char *path)
{
    long length = read_into(path, image, sizeof image);
    if (!ok(length > 64 && cycle(length) && cycle(length), "two first loads and unloads of %s (%ld bytes)", path,
            length))
        return;
    /* The first clock read maps the vDSO's pages, and a page table for them, into this process. */
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long before = settled_free_pages();
    clock_gettime(CLOCK_MONOTONIC, &start);
    int done = 0;
    while (done < CYCLES && cycle(length))
        done++;
    clock_gettime(CLOCK_MONOTONIC, &end);
    long after = settled_free_pages();
    is(done, CYCLES, "%d init_module/delete_module cycles of %s", CYCLES, path);
    diag("%d cycles in %ld ms", done, (end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000);
    ok(before > 0 && after == before, "nr_free_pages is the same after them (%ld before, %ld after)", before, after);
}

int main(void)
{
    struct utsname name;
    if (uname(&name) != 0 || strstr(name.version, "Apus") == NULL || geteuid() != 0) {
        skip("not Apus as root", "%d load/unload cycles of hello.ko give back every page", CYCLES);
        return tap_done();
    }
    cycles("/lib/modules/hello.ko");
    cycles("/lib/modules/swift/hello.ko");
    return tap_done();
}
