/* A system-call fuzzer in the manner of trinity, run inside the guest (docs/robustness.md).
 *
 *   fuzz [-s SEED] [-n CALLS] [-f FIRST] [-w WORKERS] [-r INDEX]
 *
 * Set up as root: a scratch directory and descriptors of every kind the kernel has (regular
 * files, a directory, a pipe, /dev/null, /dev/zero, ...); then the whole fuzzer drops to uid
 * and gid 65534. Workers make calls FIRST .. FIRST+CALLS-1: call i is a random number (most
 * from the implemented table, some from the rest of it, some outside it) with six arguments
 * from interesting values (0, -1, page boundaries, huge lengths, TASK_SIZE, kernel-half and
 * non-canonical addresses, valid descriptors, pointers to paths, buffers and iovecs, random
 * flags). Everything about call i comes from (SEED, i), and a worker writes `@<i in hex>` to
 * the console before making it, so the serial log names the call a crash happened in, and
 * `fuzz -s SEED -r INDEX` makes that call again (printing it). A worker that dies is restarted
 * after the call that killed it; one whose call blocks for 100 ms is killed and restarted.
 * Calls that would end the run are not made: exit, exit_group and reboot, and signals to the
 * fuzzer's own parent (kill(-1), its pid, its group).
 *
 * Exits 0 when every call returned or its worker died; 1 when a worker could not be killed
 * (a task SIGKILL does not end: a kernel bug). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "rng.h"

/* The implemented numbers, generated from docs/syscalls.md by the Makefile. */
static const long implemented[] = {
#include "syscalls.h"
};
#define IMPLEMENTED (sizeof implemented / sizeof implemented[0])

#define NOBODY 65534
#define TABLE_SIZE 472            /* Linux's numbers end at 471 */
#define LOG_FD 1000               /* the console, for the `@index` lines */
#define MAX_WORKERS 16
#define PAGE 4096ULL
#define TASK_SIZE 0x3ffffffff000ULL  /* arch/x86_64/core/boot/layout.h */
#define HANG_MS 100
#define UNKILLABLE_MS 10000

/* The scratch area, at a fixed address so that pointers into it are the same in every run:
 * page 0 paths, page 1 a long path, page 2 iovecs, page 3 random bytes (structures the
 * kernel reads), pages 4-6 output buffers, page 7 read-only, page 8 not accessible. */
#define SCRATCH 0x10000000ULL
#define SCRATCH_PAGES 9
#define PATHS (SCRATCH)
#define LONG_PATH (SCRATCH + PAGE)
#define IOVECS (SCRATCH + 2 * PAGE)
#define RANDOM (SCRATCH + 3 * PAGE)
#define OUTPUT (SCRATCH + 4 * PAGE)
#define READ_ONLY (SCRATCH + 7 * PAGE)
#define GUARD (SCRATCH + 8 * PAGE)

/* Paths: the fuzzer's own files and root's, which uid 65534 must not be able to change. */
static const char *const paths[] = {
    "/tmp/fuzz/file", "/tmp/fuzz/dir", "/tmp/fuzz/new", "/tmp/fuzz/link", "/tmp/fuzz/dir/sub",
    "/tmp/fuzz", ".", "", "/tmp/fuzz/file/x", "/tmp/fuzz/../fuzz/./file", "new", "file", "dir",
    "//tmp///fuzz//", "/tmp/fuzz/dir/..", "/nonexistent/x", "/", "..", "/dev/null", "/dev/zero",
    "/bin/true", "/bin/busybox", "/etc/passwd", "/init", "/proc/self/exe",
};
#define PATH_SLOT 128              /* bytes per path in page 0 */

static uint64_t seed = 1, calls = 20000, first;
static int workers = 1;
static int descriptors[16], ndescriptors;

static pid_t parent;

/* What workers tell the parent, in memory they share. */
struct progress {
    volatile uint64_t current[MAX_WORKERS];   /* the call being made */
    volatile uint64_t made[MAX_WORKERS];      /* calls that returned */
};
static struct progress *progress;

/* ---- raw system calls: workers use no libc after they start (the calls may break TLS) */

static long raw6(long n, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    long ret;
    register uint64_t r10 __asm__("r10") = d;
    register uint64_t r8 __asm__("r8") = e;
    register uint64_t r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* fork, vfork, clone, clone3: the new process or thread exits at once, before it touches a
 * stack it may share with the worker or that the arguments made up. */
static long raw6_fork(long n, uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    long ret;
    register uint64_t r10 __asm__("r10") = d;
    register uint64_t r8 __asm__("r8") = e;
    register uint64_t r9 __asm__("r9") = f;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n"
                     "1:"
                     : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

static void raw_exit(int code)
{
    for (;;)
        raw6(SYS_exit, (uint64_t)code, 0, 0, 0, 0, 0);
}

/* ---- output without libc: `@<hex>` lines and the replay's description */

struct line { char text[256]; int length; };

static void put(struct line *l, const char *s)
{
    while (*s && l->length < (int)sizeof l->text - 1)
        l->text[l->length++] = *s++;
}

static void put_hex(struct line *l, uint64_t v)
{
    char digits[17];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n && l->length < (int)sizeof l->text - 1)
        l->text[l->length++] = digits[--n];
}

static void emit(struct line *l)
{
    put(l, "\n");
    raw6(SYS_write, LOG_FD, (uint64_t)l->text, (uint64_t)l->length, 0, 0, 0);
}

/* ---- the call */

static const uint64_t interesting_values[] = {
    0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 1023, 1024, 4095, 4096, 4097, 8192, 65536, 1 << 20,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 1ULL << 40, 1ULL << 46, 1ULL << 47,
    0x7fffffffffffffff, 0x8000000000000000, ~0ULL, ~0ULL - 1, -4096ULL, 0xfffffffffffff000,
    0xffffffffffffff9c /* AT_FDCWD, and madvise's length in issue 9 */,
    TASK_SIZE, TASK_SIZE - PAGE, TASK_SIZE - 1, TASK_SIZE + PAGE,
    0x400000000000 /* PAGE_OFFSET: the direct map */, 0x7fff80000000 /* the kernel image */,
    0x7fff80100000, 0x7ffffffff000, 0x800000000000 /* non-canonical from here */,
    0xffff800000000000, 0xffffffff80000000, 0xdead000000000000, 0x10000000 /* the scratch */,
};
#define INTERESTING (sizeof interesting_values / sizeof interesting_values[0])

static uint64_t pointer(struct rng *r)
{
    switch (rng_below(r, 10)) {
    case 0: case 1: case 2:
        return PATHS + PATH_SLOT * rng_below(r, sizeof paths / sizeof paths[0]);
    case 3: return LONG_PATH + rng_below(r, 2) * (PAGE - 300);
    case 4: return IOVECS + 16 * rng_below(r, 4);
    case 5: return RANDOM + (rng_one_in(r, 2) ? 0 : rng_below(r, PAGE));
    case 6: return OUTPUT + (rng_one_in(r, 2) ? 0 : rng_below(r, 3 * PAGE));
    case 7: return READ_ONLY + rng_below(r, 16) * 8;
    case 8: return GUARD - 1 - rng_below(r, 16);      /* straddles into no access */
    default: return 0;
    }
}

static uint64_t argument(struct rng *r)
{
    uint64_t v;
    switch (rng_below(r, 12)) {
    case 0: case 1: case 2:
        return interesting_values[rng_below(r, INTERESTING)];
    case 3: case 4:
        if (rng_one_in(r, 8))
            return rng_one_in(r, 2) ? ~0ULL : 1023;
        return (uint64_t)descriptors[rng_below(r, ndescriptors)];
    case 5: case 6:
        return pointer(r);
    case 7:
        return rng_below(r, 64);
    case 8:                                              /* flags: a few bits */
        v = 0;
        for (int n = 1 + (int)rng_below(r, 3); n; n--)
            v |= 1ULL << rng_below(r, rng_one_in(r, 4) ? 64 : 32);
        return v;
    case 9:                                              /* near a boundary */
        v = interesting_values[rng_below(r, INTERESTING)];
        return v + rng_below(r, 17) - 8;
    case 10:
        return rng_below(r, 64) * PAGE;
    default:
        return rng_next(r);
    }
}

static long number(struct rng *r)
{
    uint64_t k = rng_below(r, 100);
    if (k < 75)
        return implemented[rng_below(r, IMPLEMENTED)];
    if (k < 95)
        return (long)rng_below(r, TABLE_SIZE);
    switch (rng_below(r, 4)) {
    case 0: return -1;
    case 1: return TABLE_SIZE + (long)rng_below(r, 4096);      /* and the x32 numbers */
    case 2: return (long)((rng_next(r) << 32) | (uint64_t)implemented[rng_below(r, IMPLEMENTED)]);
    default: return (long)rng_next(r);
    }
}

/* Calls that would end the run, by the number the kernel sees (EAX, sign-extended). */
static int denied(long nr)
{
    switch ((int)nr) {
    case SYS_exit: case SYS_exit_group: case SYS_reboot: return 1;
    default: return 0;
    }
}

/* Keeps signals and resource limits away from the parent: the worker is in a session of its
 * own, so pid 0 means itself and its children. */
static void spare_parent(long nr, uint64_t a[6])
{
    int pid = (int)a[0];
    switch ((int)nr) {
    case SYS_kill:
        if (pid == -1 || pid == parent || pid == -parent)
            a[0] = 0;
        break;
    case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
        if ((int)a[1] == parent)
            a[1] = 0;
        /* fall through */
    case SYS_tkill: case SYS_rt_sigqueueinfo: case SYS_prlimit64: case SYS_setpgid:
        if (pid == parent)
            a[0] = 0;
        break;
    case SYS_close: case SYS_dup2: case SYS_dup3:   /* the console the log goes to */
        if ((int)a[0] == LOG_FD || (int)a[1] == LOG_FD)
            a[0] = a[1] = ~0ULL;
        break;
    }
}

static int forks(long nr)
{
    switch ((int)nr) {
    case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_clone3: return 1;
    default: return 0;
    }
}

/* futex's operations, the PI ones included: a random `op` would almost always be ENOSYS.
 * Most futex calls get one of these (with FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME now and
 * then) and words in the random page, whose values include small numbers that are TIDs. */
static const uint64_t futex_ops[] = {
    0 /* WAIT */, 1 /* WAKE */, 3 /* REQUEUE */, 4 /* CMP_REQUEUE */, 6 /* LOCK_PI */,
    7 /* UNLOCK_PI */, 8 /* TRYLOCK_PI */, 9 /* WAIT_BITSET */, 10 /* WAKE_BITSET */,
    11 /* WAIT_REQUEUE_PI */, 12 /* CMP_REQUEUE_PI */, 13 /* LOCK_PI2 */,
};

static void shape_futex(struct rng *r, uint64_t a[6])
{
    if (rng_one_in(r, 4))
        return;
    a[1] = futex_ops[rng_below(r, sizeof futex_ops / sizeof futex_ops[0])];
    if (!rng_one_in(r, 3))
        a[1] |= 128;                                   /* FUTEX_PRIVATE_FLAG */
    if (rng_one_in(r, 8))
        a[1] |= 256;                                   /* FUTEX_CLOCK_REALTIME */
    a[0] = RANDOM + 4 * rng_below(r, 8);
    if (rng_one_in(r, 2))
        a[4] = RANDOM + 4 * rng_below(r, 8);
    if (rng_one_in(r, 2))
        a[2] = rng_below(r, 4);
}

/* The scratch area's contents for call `index`, so that a replay sees the same memory. */
static void fill_scratch(struct rng *r)
{
    char *p = (char *)PATHS;
    for (unsigned i = 0; i < sizeof paths / sizeof paths[0]; i++)
        memcpy(p + i * PATH_SLOT, paths[i], strlen(paths[i]) + 1);
    memset((char *)LONG_PATH, 'a', PAGE);
    for (int i = 0; i < 8; i++)
        ((char *)LONG_PATH)[(i + 1) * 500] = '/';
    ((char *)LONG_PATH)[PAGE - 1] = 0;
    struct iovec *iov = (struct iovec *)IOVECS;
    for (int i = 0; i < 16; i++) {
        iov[i].iov_base = (void *)(rng_one_in(r, 4) ? argument(r) : OUTPUT + rng_below(r, 2 * PAGE));
        iov[i].iov_len = rng_one_in(r, 4) ? argument(r) : rng_below(r, PAGE);
    }
    uint64_t *words = (uint64_t *)RANDOM;
    for (unsigned i = 0; i < PAGE / 8; i++)
        words[i] = rng_one_in(r, 4) ? interesting_values[rng_below(r, INTERESTING)] : rng_below(r, 1 << 20);
}

struct call { long nr; uint64_t a[6]; };

static struct call make_call(uint64_t index)
{
    struct rng r = rng_for(seed, index);
    struct call c;
    fill_scratch(&r);
    do
        c.nr = number(&r);
    while (denied(c.nr));
    for (int i = 0; i < 6; i++)
        c.a[i] = argument(&r);
    if (c.nr == SYS_futex)
        shape_futex(&r, c.a);
    spare_parent(c.nr, c.a);
    return c;
}

static long make(struct call *c)
{
    long (*fn)(long, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) =
        forks(c->nr) ? raw6_fork : raw6;
    return fn(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4], c->a[5]);
}

/* ---- workers */

static void worker(int w, uint64_t start, int verbose)
{
    raw6(SYS_setsid, 0, 0, 0, 0, 0, 0);
    for (uint64_t i = start; i < first + calls; i += (uint64_t)workers) {
        progress->current[w] = i;
        struct line l = { .length = 0 };
        put(&l, "@");
        put_hex(&l, i);
        if (verbose) {
            struct call c = make_call(i);
            put(&l, " syscall(");
            put_hex(&l, (uint64_t)c.nr);
            for (int k = 0; k < 6; k++) {
                put(&l, ", 0x");
                put_hex(&l, c.a[k]);
            }
            put(&l, ")");
            emit(&l);
            long ret = make(&c);
            l.length = 0;
            put(&l, "  = ");
            if (ret < 0) {
                put(&l, "-");
                put_hex(&l, (uint64_t)-ret);
            } else {
                put_hex(&l, (uint64_t)ret);
            }
            put(&l, " (hex)");
            emit(&l);
        } else {
            emit(&l);
            struct call c = make_call(i);
            make(&c);
        }
        progress->made[w]++;
    }
    raw_exit(0);
}

static pid_t start_worker(int w, uint64_t start, int verbose)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        worker(w, start, verbose);
    }
    return pid;
}

static uint64_t milliseconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Runs the workers to the end; returns the number of workers SIGKILL did not end. */
static int supervise(int verbose, uint64_t *died, uint64_t *killed)
{
    pid_t pids[MAX_WORKERS];
    uint64_t seen[MAX_WORKERS], since[MAX_WORKERS], kill_at[MAX_WORKERS];
    int alive = 0, stuck = 0;
    uint64_t end = first + calls;
    for (int w = 0; w < workers; w++) {
        if (first + (uint64_t)w >= end) {
            pids[w] = 0;
            continue;
        }
        progress->current[w] = first + (uint64_t)w;
        pids[w] = start_worker(w, first + (uint64_t)w, verbose);
        seen[w] = progress->current[w];
        since[w] = milliseconds();
        kill_at[w] = 0;
        alive++;
    }
    while (alive) {
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int w = 0; w < workers; w++) {
                if (pids[w] != pid)
                    continue;
                uint64_t next = progress->current[w] + (uint64_t)workers;
                pids[w] = 0;
                alive--;
                if (next >= end)
                    break;
                /* It died in its call (or exec'd a program that ended): go on after it. */
                (*died)++;
                progress->current[w] = next;
                pids[w] = start_worker(w, next, verbose);
                seen[w] = next;
                since[w] = milliseconds();
                kill_at[w] = 0;
                alive++;
            }
        }
        struct timespec pause = { 0, 20 * 1000000 };
        nanosleep(&pause, NULL);
        uint64_t now = milliseconds();
        for (int w = 0; w < workers; w++) {
            if (!pids[w])
                continue;
            if (progress->current[w] != seen[w]) {
                seen[w] = progress->current[w];
                since[w] = now;
                kill_at[w] = 0;
            } else if (!kill_at[w] && now - since[w] > HANG_MS) {
                kill(pids[w], SIGKILL);      /* a call that blocks: a sleep, a futex, pause */
                kill_at[w] = now;
                (*killed)++;
            } else if (kill_at[w] && now - kill_at[w] > UNKILLABLE_MS) {
                printf("fuzz: seed %llu call %llu: worker %d (pid %d) survives SIGKILL for %d s\n",
                       (unsigned long long)seed, (unsigned long long)seen[w], w, pids[w],
                       UNKILLABLE_MS / 1000);
                fflush(stdout);
                pids[w] = 0;
                alive--;
                stuck++;
            }
        }
    }
    return stuck;
}

/* ---- setup, as root */

static int must(int fd, const char *what)
{
    if (fd < 0) {
        printf("fuzz: setup: %s: %s\n", what, strerror(errno));
        exit(2);
    }
    return fd;
}

static void add(int fd)
{
    if (fd >= 0 && ndescriptors < (int)(sizeof descriptors / sizeof descriptors[0]))
        descriptors[ndescriptors++] = fd;
}

static void setup(void)
{
    mkdir("/tmp", 01777);
    mkdir("/tmp/fuzz", 0777);
    mkdir("/tmp/fuzz/dir", 0777);
    chown("/tmp/fuzz", NOBODY, NOBODY);
    chown("/tmp/fuzz/dir", NOBODY, NOBODY);
    int file = must(open("/tmp/fuzz/file", O_RDWR | O_CREAT | O_TRUNC, 0666), "/tmp/fuzz/file");
    if (write(file, "fuzz\n", 5) != 5)
        must(-1, "write /tmp/fuzz/file");
    fchown(file, NOBODY, NOBODY);
    symlink("file", "/tmp/fuzz/link");
    add(file);
    add(must(open("/tmp/fuzz/file", O_WRONLY | O_APPEND), "/tmp/fuzz/file O_APPEND"));
    add(must(open("/tmp/fuzz/dir", O_RDONLY | O_DIRECTORY), "/tmp/fuzz/dir"));
    int pipes[2];
    must(pipe2(pipes, O_NONBLOCK), "pipe2");
    add(pipes[0]);
    add(pipes[1]);
    add(open("/dev/null", O_RDWR));
    add(open("/dev/zero", O_RDWR));
    add(open("/dev/urandom", O_RDONLY));
    add(open("/dev/full", O_RDWR));
    add(open("/", O_RDONLY | O_DIRECTORY));
    add(open("/etc/passwd", O_RDONLY));
    add(open("/bin/busybox", O_RDONLY));
    /* A message queue anyone may use, and a signalfd for every signal (a worker reads its own). */
    struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
    add(mq_open("/fuzz", O_RDWR | O_CREAT | O_NONBLOCK, 0666, &attr));
    sigset_t all;
    sigfillset(&all);
    add(signalfd(-1, &all, SFD_NONBLOCK));
    int console = must(open("/dev/console", O_WRONLY), "/dev/console");
    must(dup2(console, LOG_FD), "dup2 console");
    close(console);

    void *scratch = mmap((void *)SCRATCH, SCRATCH_PAGES * PAGE, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (scratch == MAP_FAILED)
        must(-1, "mmap scratch");
    mprotect((void *)READ_ONLY, PAGE, PROT_READ);
    mprotect((void *)GUARD, PAGE, PROT_NONE);
    progress = mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (progress == MAP_FAILED)
        must(-1, "mmap progress");

    setsid();
    parent = getpid();
    if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
        must(-1, "dropping to uid 65534");
    if (chdir("/tmp/fuzz"))
        must(-1, "chdir /tmp/fuzz");
}

int main(int argc, char **argv)
{
    long replay = -1;
    int opt;
    while ((opt = getopt(argc, argv, "s:n:f:w:r:")) != -1) {
        switch (opt) {
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'n': calls = strtoull(optarg, NULL, 0); break;
        case 'f': first = strtoull(optarg, NULL, 0); break;
        case 'w': workers = atoi(optarg); break;
        case 'r': replay = strtol(optarg, NULL, 0); break;
        default:
            fprintf(stderr, "usage: fuzz [-s SEED] [-n CALLS] [-f FIRST] [-w WORKERS] [-r INDEX]\n");
            return 2;
        }
    }
    if (workers < 1 || workers > MAX_WORKERS)
        workers = 1;
    if (replay >= 0) {
        first = (uint64_t)replay;
        calls = 1;
        workers = 1;
    }
    setup();
    printf("fuzz: seed %llu, calls %llu from %llu, %d worker(s), %zu implemented numbers, %d descriptors, uid %d\n",
           (unsigned long long)seed, (unsigned long long)calls, (unsigned long long)first, workers,
           IMPLEMENTED, ndescriptors, getuid());
    fflush(stdout);
    uint64_t died = 0, killed = 0, start = milliseconds();
    int stuck = supervise(replay >= 0, &died, &killed);
    uint64_t elapsed = milliseconds() - start;
    uint64_t made = 0;
    for (int w = 0; w < workers; w++)
        made += progress->made[w];
    printf("fuzz: seed %llu: %llu calls (%llu returned) in %llu.%03llu s, %llu calls/s; "
           "%llu worker deaths, %llu blocked calls killed, %d unkillable\n",
           (unsigned long long)seed, (unsigned long long)calls, (unsigned long long)made,
           (unsigned long long)(elapsed / 1000), (unsigned long long)(elapsed % 1000),
           (unsigned long long)(elapsed ? calls * 1000 / elapsed : 0), (unsigned long long)died,
           (unsigned long long)killed, stuck);
    return stuck ? 1 : 0;
}
