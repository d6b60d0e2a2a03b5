/* The vDSO (arch/x86_64/entry/vdso): the image at AT_SYSINFO_EHDR, its versioned symbols, its
 * clocks against the system calls' (never backwards, the same time zone, a REALTIME change
 * seen at once), getcpu, the [vvar]/[vdso] lines of /proc/self/maps, a forked child's vDSO,
 * mremap refusing to grow it, and the C library calling it (after the vDSO is unmapped, its
 * clock_gettime crashes). */
#define _GNU_SOURCE
#include "tap.h"
#include <elf.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

typedef long (*clock_gettime_fn)(long, struct timespec *);
typedef long (*gettimeofday_fn)(struct timeval *, struct timezone *);
typedef long (*time_fn)(long *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static clock_gettime_fn vdso_clock_gettime;
static gettimeofday_fn vdso_gettimeofday;
static time_fn vdso_time;
static getcpu_fn vdso_getcpu;

/* The address of `name` at version `version` in the vDSO's dynamic symbol table, or 0. */
static void *vdso_symbol(uintptr_t base, const char *name, const char *version)
{
    const Elf64_Ehdr *header = (const Elf64_Ehdr *)base;
    const Elf64_Phdr *segments = (const Elf64_Phdr *)(base + header->e_phoff);
    uintptr_t bias = 0;
    const Elf64_Dyn *dynamic = 0;
    for (int i = 0; i < header->e_phnum; i++) {
        if (segments[i].p_type == PT_LOAD && segments[i].p_offset == 0)
            bias = base - segments[i].p_vaddr;
        if (segments[i].p_type == PT_DYNAMIC)
            dynamic = (const Elf64_Dyn *)(base + segments[i].p_offset);
    }
    if (!dynamic)
        return 0;
    const Elf64_Sym *symbols = 0;
    const char *strings = 0;
    const Elf64_Word *hash = 0;
    const Elf64_Versym *versions = 0;
    const Elf64_Verdef *definitions = 0;
    for (; dynamic->d_tag != DT_NULL; dynamic++) {
        uintptr_t value = bias + dynamic->d_un.d_ptr;
        switch (dynamic->d_tag) {
        case DT_SYMTAB: symbols = (const Elf64_Sym *)value; break;
        case DT_STRTAB: strings = (const char *)value; break;
        case DT_HASH: hash = (const Elf64_Word *)value; break;
        case DT_VERSYM: versions = (const Elf64_Versym *)value; break;
        case DT_VERDEF: definitions = (const Elf64_Verdef *)value; break;
        }
    }
    if (!symbols || !strings || !hash || !versions || !definitions)
        return 0;
    for (Elf64_Word i = 0; i < hash[1]; i++) {  /* hash[1]: nchain, the symbol count */
        const Elf64_Sym *symbol = &symbols[i];
        if (symbol->st_shndx == SHN_UNDEF || strcmp(strings + symbol->st_name, name) != 0)
            continue;
        const Elf64_Verdef *definition = definitions;
        for (;;) {
            if ((definition->vd_ndx & 0x7fff) == (versions[i] & 0x7fff)) {
                const Elf64_Verdaux *aux =
                    (const Elf64_Verdaux *)((const char *)definition + definition->vd_aux);
                if (strcmp(strings + aux->vda_name, version) == 0)
                    return (void *)(bias + symbol->st_value);
                break;
            }
            if (!definition->vd_next)
                break;
            definition = (const Elf64_Verdef *)((const char *)definition + definition->vd_next);
        }
    }
    return 0;
}

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec sys_clock(long clock)
{
    struct timespec t = {0, 0};
    syscall(SYS_clock_gettime, clock, &t);
    return t;
}

static struct timespec vdso_clock(long clock)
{
    struct timespec t = {0, 0};
    vdso_clock_gettime(clock, &t);
    return t;
}

/* vDSO reads interleaved with system-call reads of `clock`: each lies between its neighbours. */
static int interleaves(long clock, int rounds)
{
    long long last = ns(sys_clock(clock));
    for (int i = 0; i < rounds; i++) {
        long long vdso = ns(vdso_clock(clock));
        long long sys = ns(sys_clock(clock));
        if (vdso < last || sys < vdso) {
            diag("clock %ld: syscall %lld, vDSO %lld, syscall %lld", clock, last, vdso, sys);
            return 0;
        }
        last = sys;
    }
    return 1;
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC as the vDSO sees them. */
static long long vdso_realtime_offset(void)
{
    return ns(vdso_clock(CLOCK_REALTIME)) - ns(vdso_clock(CLOCK_MONOTONIC));
}

/* REALTIME two seconds forward and a new time zone, then both back. Time and zone go in one
 * call: the first time Linux is given a zone without a time, it moves the clock by the zone. */
static void check_settimeofday(void)
{
    struct timezone zone, seen = {0, 0};
    struct timeval now;
    syscall(SYS_gettimeofday, &now, &zone);
    struct timezone changed = {zone.tz_minuteswest == 60 ? 120 : 60, 0};
    long long before = vdso_realtime_offset();
    now.tv_sec += 2;
    /* The system call: musl's settimeofday ignores a time zone. */
    if (syscall(SYS_settimeofday, &now, &changed) != 0) {
        skip("settimeofday needs CAP_SYS_TIME", "the vDSO sees a REALTIME change at once");
        skip("settimeofday needs CAP_SYS_TIME", "and after it the clocks still interleave");
        skip("settimeofday needs CAP_SYS_TIME", "the vDSO's gettimeofday reports the new time zone");
        return;
    }
    long long moved = vdso_realtime_offset() - before;
    vdso_gettimeofday(0, &seen);
    int interleaved = interleaves(CLOCK_REALTIME, 1000);
    syscall(SYS_gettimeofday, &now, 0);
    now.tv_sec -= 2;
    syscall(SYS_settimeofday, &now, &zone);
    /* Two seconds forward, give or take what passed between the reads. */
    if (!ok(moved > 1500000000LL && moved < 2500000000LL, "the vDSO sees a REALTIME change at once"))
        diag("moved %lld ns", moved);
    ok(interleaved, "and after it the clocks still interleave");
    ok(seen.tz_minuteswest == changed.tz_minuteswest && seen.tz_dsttime == 0,
       "the vDSO's gettimeofday reports the new time zone");
}

/* The [vdso] and [vvar] lines of /proc/self/maps. */
static void check_maps(uintptr_t base, uintptr_t *vdso_end)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[512];
    uintptr_t vdso_start = 0, below_end = 0, previous_end = 0;
    char vdso_permissions[5] = "", vvar_permissions[5] = "";
    int below_is_vvar = 0, previous_is_vvar = 0;
    *vdso_end = 0;
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        char permissions[5];
        if (sscanf(line, "%lx-%lx %4s", &start, &end, permissions) != 3)
            continue;
        if (strstr(line, " [vdso]\n")) {
            vdso_start = start;
            *vdso_end = end;
            memcpy(vdso_permissions, permissions, 5);
            below_end = previous_end;
            below_is_vvar = previous_is_vvar;
        } else if (strstr(line, " [vvar]\n")) {
            memcpy(vvar_permissions, permissions, 5);
        }
        previous_end = end;
        /* Linux 6.1 has [vvar] right below [vdso]; newer ones put [vvar_vclock] between. */
        previous_is_vvar = strstr(line, " [vvar") != 0;
    }
    if (maps)
        fclose(maps);
    is(vdso_start, base, "/proc/self/maps: [vdso] starts at AT_SYSINFO_EHDR");
    ok(strcmp(vdso_permissions, "r-xp") == 0, "[vdso] is r-xp");
    ok(strcmp(vvar_permissions, "r--p") == 0, "[vvar] is r--p");
    ok(below_is_vvar && below_end == base, "the data pages end where [vdso] starts");
}

/* A child that reads the time from its C library, unmaps the vDSO and reads it again: if the
 * library calls the vDSO, the second read jumps into unmapped memory. */
static void check_libc_uses_vdso(uintptr_t base, uintptr_t end)
{
    pid_t child = fork();
    if (child == 0) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (munmap((void *)base, end - base) != 0)
            _exit(2);
        clock_gettime(CLOCK_MONOTONIC, &t);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
       "munmap of [vdso] is allowed, and then the C library's clock_gettime faults: it calls the vDSO");
    if (!WIFSIGNALED(status))
        diag("child exited with %d", WEXITSTATUS(status));
}

int main(void)
{
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    ok(base != 0, "AT_SYSINFO_EHDR is in the auxiliary vector");
    if (!base)
        return tap_done();
    ok(memcmp((void *)base, ELFMAG, SELFMAG) == 0 && ((Elf64_Ehdr *)base)->e_type == ET_DYN,
       "an ELF shared object is mapped there");
    vdso_clock_gettime = (clock_gettime_fn)vdso_symbol(base, "__vdso_clock_gettime", "LINUX_2.6");
    vdso_gettimeofday = (gettimeofday_fn)vdso_symbol(base, "__vdso_gettimeofday", "LINUX_2.6");
    vdso_time = (time_fn)vdso_symbol(base, "__vdso_time", "LINUX_2.6");
    vdso_getcpu = (getcpu_fn)vdso_symbol(base, "__vdso_getcpu", "LINUX_2.6");
    ok(vdso_clock_gettime && vdso_gettimeofday && vdso_time && vdso_getcpu,
       "__vdso_clock_gettime, __vdso_gettimeofday, __vdso_time, __vdso_getcpu at LINUX_2.6");
    ok(vdso_symbol(base, "clock_gettime", "LINUX_2.6") == (void *)vdso_clock_gettime &&
       vdso_symbol(base, "gettimeofday", "LINUX_2.6") == (void *)vdso_gettimeofday,
       "clock_gettime and gettimeofday are aliases of them");
    if (!vdso_clock_gettime || !vdso_gettimeofday || !vdso_time || !vdso_getcpu)
        return tap_done();

    ok(interleaves(CLOCK_MONOTONIC, 20000), "CLOCK_MONOTONIC: vDSO and syscall reads never go backwards");
    ok(interleaves(CLOCK_REALTIME, 5000), "CLOCK_REALTIME: vDSO and syscall reads agree in order");
    ok(interleaves(CLOCK_BOOTTIME, 2000) && interleaves(CLOCK_MONOTONIC_RAW, 2000) &&
       interleaves(CLOCK_TAI, 2000), "CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW, CLOCK_TAI likewise");
    ok(interleaves(CLOCK_MONOTONIC_COARSE, 2000) && interleaves(CLOCK_REALTIME_COARSE, 2000),
       "the coarse clocks likewise");
    long long coarse = ns(vdso_clock(CLOCK_MONOTONIC_COARSE)), fine = ns(sys_clock(CLOCK_MONOTONIC));
    ok(coarse <= fine, "CLOCK_MONOTONIC_COARSE is not ahead of CLOCK_MONOTONIC");

    struct timespec cpu = {-1, -1};
    ok(vdso_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0 && cpu.tv_sec >= 0 && cpu.tv_nsec >= 0,
       "CLOCK_PROCESS_CPUTIME_ID goes to the system call");
    is(vdso_clock_gettime(12345, &cpu), -EINVAL, "an invalid clock gets the system call's -EINVAL");

    struct timeval before, middle, after;
    struct timezone sys_zone = {-1, -1}, vdso_zone = {-2, -2};
    syscall(SYS_gettimeofday, &before, &sys_zone);
    is(vdso_gettimeofday(&middle, &vdso_zone), 0, "gettimeofday from the vDSO");
    syscall(SYS_gettimeofday, &after, 0);
    long long b = before.tv_sec * 1000000LL + before.tv_usec, m = middle.tv_sec * 1000000LL + middle.tv_usec,
              a = after.tv_sec * 1000000LL + after.tv_usec;
    ok(b <= m && m <= a && middle.tv_usec < 1000000, "its time lies between the system call's");
    ok(vdso_zone.tz_minuteswest == sys_zone.tz_minuteswest && vdso_zone.tz_dsttime == sys_zone.tz_dsttime,
       "its time zone is the system call's");

    long first = syscall(SYS_time, 0), stored = 0, seconds = vdso_time(&stored), last = syscall(SYS_time, 0);
    ok(first <= seconds && seconds <= last && stored == seconds, "time from the vDSO");

    unsigned sys_cpu = 99, sys_node = 99, vdso_cpu = 98, vdso_node = 98;
    syscall(SYS_getcpu, &sys_cpu, &sys_node, 0);
    cpu_set_t here;
    CPU_ZERO(&here);
    CPU_SET(sys_cpu, &here);
    sched_setaffinity(0, sizeof here, &here);  /* so the two reads below see the same CPU */
    syscall(SYS_getcpu, &sys_cpu, &sys_node, 0);
    ok(vdso_getcpu(&vdso_cpu, &vdso_node, 0) == 0 && vdso_cpu == sys_cpu && vdso_node == sys_node,
       "getcpu from the vDSO: the system call's CPU and node");

    check_settimeofday();

    uintptr_t end;
    check_maps(base, &end);

    pid_t child = fork();
    if (child == 0)
        _exit(interleaves(CLOCK_MONOTONIC, 1000) && getauxval(AT_SYSINFO_EHDR) == base ? 0 : 1);
    int status = -1;
    waitpid(child, &status, 0);
    is(status, 0, "a forked child has the vDSO too");

    fails_with(mremap((void *)base, end - base, end - base + 4096, MREMAP_MAYMOVE), EFAULT,
               "[vdso] cannot grow (mremap: EFAULT)");
    check_libc_uses_vdso(base, end);
    return tap_done();
}
