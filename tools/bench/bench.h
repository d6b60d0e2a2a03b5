/* The microbenchmarks' common part (docs/performance.md): a clock, a self-calibrating loop and
 * the one output format, `name value unit` on a line of its own.
 *
 * Each benchmark times `body(n)`, a loop of n operations, and reports the time of one. The
 * count calibrates itself: doubled until one run lasts an eighth of the target, then scaled to
 * the target (BENCH_TARGET_MS, default 200 ms), so a slow kernel and a fast one both run long
 * enough that TCG's jitter stays small, and neither runs for minutes. BENCH_ITERS=N fixes the
 * count instead (the `make test` check runs every benchmark once with a tiny count).
 * BENCH_DIR is where files go (default /tmp, a tmpfs in the benchmark initramfs), BENCH_BUSYBOX
 * the busybox run by the shell and tar figures (default /bin/busybox). */
#ifndef BENCH_H
#define BENCH_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef void bench_body(long n);

/* die WHAT: the benchmark cannot run; the harness sees no line for its figure and says so. */
static inline void die(const char *what)
{
    fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static inline double now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die("clock_gettime");
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline long env_long(const char *name, long fallback)
{
    const char *text = getenv(name);
    if (!text || !*text)
        return fallback;
    long value = strtol(text, NULL, 10);
    return value > 0 ? value : fallback;
}

static inline const char *env_text(const char *name, const char *fallback)
{
    const char *text = getenv(name);
    return text && *text ? text : fallback;
}

static inline double time_body(bench_body *body, long n)
{
    double start = now_ns();
    body(n);
    return now_ns() - start;
}

/* measure: nanoseconds per operation of BODY, with the count calibrated as above. */
static inline double measure(bench_body *body)
{
    long fixed = env_long("BENCH_ITERS", 0);
    if (fixed)
        return time_body(body, fixed) / fixed;
    double target = env_long("BENCH_TARGET_MS", 200) * 1e6;
    long n = 1;
    double elapsed = time_body(body, n);
    while (elapsed < target / 8 && n < (1L << 40)) {
        n *= 2;
        elapsed = time_body(body, n);
    }
    if (elapsed < target) {
        double scaled = n * (target / (elapsed > 1 ? elapsed : 1));
        n = scaled < (double)(1L << 40) ? (long)scaled : (1L << 40);
        elapsed = time_body(body, n);
    }
    return elapsed / n;
}

/* report: the one output line. Units: ns, us or ms per operation (lower is better), MB/s
 * (higher is better). */
static inline void report(const char *name, double value, const char *unit)
{
    printf("%s %.3f %s\n", name, value, unit);
    fflush(stdout);
}

static inline pid_t must_fork(void)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    return pid;
}

/* wait_child PID: the child reaped, which must have exited with status 0. */
static inline void wait_child(pid_t pid)
{
    int status;
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: a child ended with status %#x\n", status);
        exit(1);
    }
}

/* run_program ARGV: fork, execve ARGV[0] in the child, wait for its exit status 0. */
static inline void run_program(char *const argv[])
{
    pid_t pid = must_fork();
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    wait_child(pid);
}

/* bench_path NAME: NAME inside BENCH_DIR, in a static buffer (one at a time). */
static inline const char *bench_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", env_text("BENCH_DIR", "/tmp"), name);
    return path;
}

#endif
