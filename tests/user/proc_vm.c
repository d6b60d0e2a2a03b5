/* The system-wide memory and device files of /proc (docs/procfs.md): /proc/devices lists the
 * majors of the device nodes in Linux's layout, /proc/vmstat's counters move when pages are
 * touched and freed and files written (and agree with meminfo's AnonPages and Cached), /proc/zoneinfo's zones add up to vmstat's free pages, within meminfo's
 * figures, with sane watermarks and sizes, and /proc/swaps has Linux's header. */
#define _GNU_SOURCE
#include "tap.h"
#include <sys/sysmacros.h>

static char text[1 << 17];

/* The whole of `path` into `text`; 0 if it cannot be read. */
static int slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    size_t used = 0;
    ssize_t n;
    while (used < sizeof text - 1 && (n = read(fd, text + used, sizeof text - 1 - used)) > 0)
        used += (size_t)n;
    close(fd);
    text[used] = 0;
    return used > 0;
}

/* The value of the `name value` line of /proc/vmstat; -1 if missing. */
static long long vmstat(const char *name)
{
    if (!slurp("/proc/vmstat"))
        return -1;
    size_t length = strlen(name);
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, name, length) == 0 && line[length] == ' ')
            return atoll(line + length + 1);
    return -1;
}

/* A /proc/meminfo row in kB; -1 if missing. */
static long long meminfo(const char *name)
{
    if (!slurp("/proc/meminfo"))
        return -1;
    char *row = strstr(text, name);
    return row ? atoll(row + strlen(name)) : -1;
}

static long long pgalloc_total(void)
{
    const char *zones[] = { "pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_movable" };
    long long total = 0;
    for (int i = 0; i < 4; i++) {
        long long value = vmstat(zones[i]);
        if (value > 0)
            total += value;
    }
    return total;
}

/* Whether "%3d NAME" for `major` and `name` is in the character part of /proc/devices. */
static int device_listed(unsigned major, const char *name)
{
    char line[80];
    snprintf(line, sizeof line, "\n%3u %s\n", major, name);
    char *block = strstr(text, "\nBlock devices:");
    char *found = strstr(text, line);
    return found && (!block || found < block);
}

static void devices(void)
{
    if (!ok(slurp("/proc/devices"), "/proc/devices reads"))
        return;
    ok(strncmp(text, "Character devices:\n", 19) == 0, "it starts with 'Character devices:'");
    char *block = strstr(text, "\n\nBlock devices:\n");
    ok(block != NULL, "a blank line, then 'Block devices:'");
    int sorted = 1, well_formed = 1;
    int previous = -1;
    for (char *line = strchr(text, '\n') + 1; block && line <= block; line = strchr(line, '\n') + 1) {
        int major, used = 0;
        if (sscanf(line, "%3d %*s%n", &major, &used) != 1 || used == 0 || line[3] != ' ') {
            well_formed = 0;
            break;
        }
        if (major < previous)
            sorted = 0;
        previous = major;
    }
    ok(well_formed, "every character line is '%%3d name'");
    ok(sorted, "in order of major numbers");

    struct stat st;
    if (stat("/dev/null", &st) == 0)
        ok(device_listed(major(st.st_rdev), "mem"), "/dev/null's major %u is listed as mem", major(st.st_rdev));
    else
        skip("no /dev/null", "/dev/null's major is listed as mem");
    ok(device_listed(5, "/dev/tty"), "5 /dev/tty");
    ok(device_listed(5, "/dev/console"), "5 /dev/console");
    if (stat("/dev/ttyS0", &st) == 0 && S_ISCHR(st.st_mode))
        ok(device_listed(major(st.st_rdev), "ttyS"), "/dev/ttyS0's major %u is listed as ttyS",
           major(st.st_rdev));
    else
        skip("no /dev/ttyS0", "/dev/ttyS0's major is listed as ttyS");
}

/* Whether 16 MiB of fresh anonymous memory, touched, raises nr_anon_pages by at least half its
 * pages, and its munmap lowers it again; the same for nr_file_pages and an 8 MiB file written
 * and unlinked. Other processes on a busy host move these gauges too, so the caller tries
 * three times. */
static int anon_pages_follow(void)
{
    size_t size = 16 << 20;
    long long before = vmstat("nr_anon_pages");
    char *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return 0;
    madvise(memory, size, MADV_NOHUGEPAGE);
    for (size_t offset = 0; offset < size; offset += 4096)
        memory[offset] = 1;
    long long touched = vmstat("nr_anon_pages");
    munmap(memory, size);
    long long after = vmstat("nr_anon_pages");
    if (touched - before >= 2048 && touched - after >= 2048)
        return 1;
    diag("nr_anon_pages %lld, %lld touched, %lld unmapped", before, touched, after);
    return 0;
}

static int file_pages_follow(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/proc_vm.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", getpid());
    long long before = vmstat("nr_file_pages");
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    if (fd < 0)
        return 0;
    static char block[1 << 16];
    memset(block, 'v', sizeof block);
    for (int i = 0; i < 128; i++)
        write(fd, block, sizeof block);
    long long written = vmstat("nr_file_pages");
    close(fd);
    unlink(path);
    long long after = vmstat("nr_file_pages");
    if (written - before >= 1024 && written - after >= 1024)
        return 1;
    diag("nr_file_pages %lld, %lld written, %lld unlinked", before, written, after);
    return 0;
}

static int three_tries(int (*check)(void))
{
    for (int attempt = 0; attempt < 3; attempt++)
        if (check())
            return 1;
    return 0;
}

static void counters(void)
{
    const char *names[] = { "nr_free_pages", "nr_anon_pages", "nr_file_pages", "pgalloc_normal", "pgfree",
                            "pgfault", "pgmajfault", "oom_kill" };
    for (int i = 0; i < 8; i++)
        ok(vmstat(names[i]) >= 0, "/proc/vmstat has %s", names[i]);
    slurp("/proc/vmstat");
    int well_formed = 1;
    for (char *line = text; *line; line = strchr(line, '\n') + 1) {
        char name[64];
        unsigned long long value;
        char end;
        if (sscanf(line, "%63[a-z0-9_] %llu%c", name, &value, &end) != 3 || end != '\n') {
            well_formed = 0;
            diag("line: %.60s", line);
            break;
        }
    }
    ok(well_formed, "every line is 'name value'");

    /* 64 pages of a fresh mapping, touched: as many faults and allocations; unmapped: freed. */
    long long faults = vmstat("pgfault"), allocated = pgalloc_total(), freed = vmstat("pgfree");
    size_t size = 64 * 4096;
    char *pages = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!ok(pages != MAP_FAILED, "mmap 64 pages"))
        return;
    madvise(pages, size, MADV_NOHUGEPAGE);
    for (size_t offset = 0; offset < size; offset += 4096)
        pages[offset] = 1;
    long long faults_after = vmstat("pgfault"), allocated_after = pgalloc_total();
    if (!ok(faults_after - faults >= 64, "pgfault grew by at least 64 for 64 touched pages"))
        diag("from %lld to %lld", faults, faults_after);
    if (!ok(allocated_after - allocated >= 64, "pgalloc_* grew by at least 64"))
        diag("from %lld to %lld", allocated, allocated_after);
    munmap(pages, size);
    long long freed_after = vmstat("pgfree");
    if (!ok(freed_after > freed, "pgfree grew after munmap"))
        diag("from %lld to %lld", freed, freed_after);
    is(vmstat("pgmajfault") >= 0, 1, "pgmajfault is a count");

    ok(three_tries(anon_pages_follow), "nr_anon_pages rises by 16 MiB of touched memory and falls at its munmap");
    ok(three_tries(file_pages_follow), "nr_file_pages rises by an 8 MiB file and falls when it is unlinked");
    long long anon_kb = vmstat("nr_anon_pages") * 4, anon_row = meminfo("AnonPages:");
    if (!ok(llabs(anon_kb - anon_row) <= 16384 + anon_row / 10, "meminfo's AnonPages is nr_anon_pages"))
        diag("nr_anon_pages %lld kB, AnonPages %lld kB", anon_kb, anon_row);
    long long file_kb = vmstat("nr_file_pages") * 4, cached = meminfo("\nCached:");
    if (!ok(cached >= 0 && cached <= file_kb + 16384 + file_kb / 10, "meminfo's Cached is within nr_file_pages"))
        diag("nr_file_pages %lld kB, Cached %lld kB", file_kb, cached);

    /* Free pages in the zones are part of MemFree, which may count more (Linux's own
     * free-page reporting, memory outside the zone counters of a virtual machine). */
    long long free_kb = vmstat("nr_free_pages") * 4, memfree = meminfo("MemFree:");
    if (!ok(free_kb > 0 && free_kb <= memfree + 8192, "nr_free_pages is within MemFree"))
        diag("nr_free_pages %lld kB, MemFree %lld kB", free_kb, memfree);
}

/* One figure of the current zone's block: the number after `label`, or -1. */
static long long zone_figure(const char *zone, const char *end, const char *label)
{
    const char *at = strstr(zone, label);
    return at && at < end ? atoll(at + strlen(label)) : -1;
}

static void zones(void)
{
    if (!ok(slurp("/proc/zoneinfo"), "/proc/zoneinfo reads"))
        return;
    long long free = 0, managed_total = 0;
    int count = 0, sane = 1, populated = 0;
    for (char *zone = strstr(text, "Node "); zone; ) {
        char *next = strstr(zone + 1, "\nNode ");
        char *end = next ? next : zone + strlen(zone);
        char name[16] = "";
        sscanf(zone, "Node %*d, zone %15s", name);
        long long pages = zone_figure(zone, end, "pages free "), min = zone_figure(zone, end, "\n        min "),
                  low = zone_figure(zone, end, "\n        low "), high = zone_figure(zone, end, "\n        high "),
                  spanned = zone_figure(zone, end, "\n        spanned "),
                  present = zone_figure(zone, end, "\n        present "),
                  managed = zone_figure(zone, end, "\n        managed ");
        count++;
        if (pages < 0 || min < 0 || low < min || high < low || present > spanned || managed > present
            || pages > managed) {
            sane = 0;
            diag("zone %s: free %lld min %lld low %lld high %lld spanned %lld present %lld managed %lld", name,
                 pages, min, low, high, spanned, present, managed);
        }
        if (managed > 0) {
            populated++;
            if (zone_figure(zone, end, "\n  start_pfn: ") < 0 || !strstr(zone, "\n      nr_free_pages ")) {
                sane = 0;
                diag("zone %s has no start_pfn or nr_free_pages", name);
            }
        }
        free += pages;
        managed_total += managed;
        zone = next ? next + 1 : NULL;
    }
    ok(count > 0 && populated > 0, "zones listed (%d, %d with memory)", count, populated);
    ok(sane, "each zone: min <= low <= high, managed <= present <= spanned, free <= managed");
    long long vm_free = vmstat("nr_free_pages"), memtotal = meminfo("MemTotal:");
    long long margin = vm_free / 10 > 2048 ? vm_free / 10 : 2048;
    if (!ok(llabs(free - vm_free) <= margin, "the zones' free pages add up to vmstat's nr_free_pages"))
        diag("zones %lld pages, nr_free_pages %lld", free, vm_free);
    if (!ok(managed_total > 0 && managed_total * 4 <= memtotal, "their managed pages are within MemTotal"))
        diag("zones %lld kB, MemTotal %lld kB", managed_total * 4, memtotal);
}

static void swaps(void)
{
    if (!ok(slurp("/proc/swaps"), "/proc/swaps reads"))
        return;
    const char *header = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";
    ok(strncmp(text, header, strlen(header)) == 0, "its header is Linux's");
    int listed = 1;
    for (char *line = text + strlen(header); *line; line = strchr(line, '\n') + 1)
        if (*line != '/')
            listed = 0;
    ok(listed, "any further line names a swap file or device");
}

int main(void)
{
    devices();
    counters();
    zones();
    swaps();
    return tap_done();
}
