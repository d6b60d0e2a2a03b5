/* A tiny TAP producer for the user-space tests (docs/testing.md, "The user tier").
 *
 * Each check prints `ok N - what` or `not ok N - what` followed by `# why` lines; tap_done()
 * prints the plan `1..N` last and returns the exit status: 0 only if every check passed.
 * Output goes straight to file descriptor 1 with write(2), never through stdio buffers, so
 * a fork never duplicates pending output and a crash never loses printed results.
 */
#ifndef APUS_TAP_H
#define APUS_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_count;
static int tap_failed;

static inline void tap_write(const char *text, size_t length)
{
    while (length > 0) {
        ssize_t n = write(1, text, length);
        if (n <= 0 && errno != EINTR)
            return;
        if (n > 0) {
            text += n;
            length -= (size_t)n;
        }
    }
}

__attribute__((format(printf, 1, 2)))
static inline void tap_printf(const char *format, ...)
{
    char line[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof line, format, args);
    va_end(args);
    if (n < 0)
        return;
    tap_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* A `# ...` diagnostic line. */
#define diag(...) tap_printf("# " __VA_ARGS__), tap_write("\n", 1)

/* One result line, numbered; `directive` follows the description ("" or " # SKIP ..."). */
static inline int tap_result(int passed, const char *directive, const char *what, va_list args)
{
    char text[768];
    vsnprintf(text, sizeof text, what, args);
    tap_count++;
    if (!passed)
        tap_failed++;
    tap_printf("%sok %d - %s%s\n", passed ? "" : "not ", tap_count, text, directive);
    return passed;
}

/* One result. `what` describes the check; returns `passed`. */
__attribute__((format(printf, 2, 3)))
static inline int ok(int passed, const char *what, ...)
{
    va_list args;
    va_start(args, what);
    tap_result(passed, "", what, args);
    va_end(args);
    return passed;
}

/* A check that cannot be made here: `ok N - what # SKIP reason`, a pass in TAP. */
__attribute__((format(printf, 2, 3)))
static inline void skip(const char *reason, const char *what, ...)
{
    char directive[256];
    snprintf(directive, sizeof directive, " # SKIP %s", reason);
    va_list args;
    va_start(args, what);
    tap_result(1, directive, what, args);
    va_end(args);
}

/* A check of a number: on failure the line is followed by `# got X, expected Y`. */
#define is(actual, expected, ...) do { \
        long long is_actual_ = (long long)(actual), is_expected_ = (long long)(expected); \
        if (!ok(is_actual_ == is_expected_, __VA_ARGS__)) \
            diag("got %lld (%#llx), expected %lld (%#llx)", is_actual_, is_actual_, \
                 is_expected_, is_expected_); \
    } while (0)

/* A call that must fail with `-1` and errno `expected`. */
#define fails_with(call, expected, ...) do { \
        errno = 0; \
        long long fw_result_ = (long long)(call); \
        int fw_errno_ = errno; \
        if (!ok(fw_result_ == -1 && fw_errno_ == (expected), __VA_ARGS__)) \
            diag("returned %lld, errno %d (%s), expected -1 and errno %d (%s)", fw_result_, \
                 fw_errno_, strerror(fw_errno_), (expected), strerror(expected)); \
    } while (0)

/* A call that must succeed (not return -1); on failure errno is shown. */
#define succeeds(call, ...) do { \
        errno = 0; \
        long long sc_result_ = (long long)(call); \
        int sc_errno_ = errno; \
        if (!ok(sc_result_ != -1, __VA_ARGS__)) \
            diag("returned -1, errno %d (%s)", sc_errno_, strerror(sc_errno_)); \
    } while (0)

/* `address` as a pointer the compiler knows nothing about, so it neither warns about nor
 * optimises away what a test deliberately does with a bad pointer. */
static inline void *bad_pointer(unsigned long address)
{
    void *pointer = (void *)address;
    __asm__("" : "+r"(pointer));
    return pointer;
}

/* Whether the page holding `address` is mapped in this process. Addresses that are kernel
 * memory on Apus (0x7fff80000000, ...) are user addresses on Linux, normally free but where
 * Linux may put the randomly placed stack. mincore fails with ENOMEM for unmapped pages (or
 * ENOSYS where it is missing; the address is then taken to be free). */
static inline int page_is_mapped(unsigned long address)
{
    unsigned char resident;
    return mincore(bad_pointer(address & ~4095ul), 4096, &resident) == 0;
}

/* pipe(fds); when it fails, a failed result says so for `what`, and 0 is returned. */
static inline int opened_pipe(int fds[2], const char *what)
{
    if (pipe(fds) == 0)
        return 1;
    ok(0, "%s: pipe failed (%s)", what, strerror(errno));
    return 0;
}

/* Describes a wait status the way a reader wants it in a failure message (two at a time). */
static inline const char *wait_status_text(int status)
{
    static char texts[2][64];
    static int next;
    char *text = texts[next++ % 2];
    if (WIFEXITED(status))
        snprintf(text, sizeof texts[0], "exited with %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(text, sizeof texts[0], "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(text, sizeof texts[0], "wait status %#x", status);
    return text;
}

/* Waits for `pid` and checks its wait status against `expected`, encoded as wait encodes it
 * (a core dump's flag aside). */
__attribute__((format(printf, 3, 4)))
static inline void waits_for(pid_t pid, int expected, const char *what, ...)
{
    int status = 0;
    pid_t waited = waitpid(pid, &status, 0);
    int passed = waited == pid && (status & ~0x80) == expected;
    va_list args;
    va_start(args, what);
    tap_result(passed, "", what, args);
    va_end(args);
    if (!passed)
        diag("waitpid returned %d, child %s, expected: %s", (int)waited, wait_status_text(status),
             wait_status_text(expected));
}

/* Waits for `pid`: it must have exited with `code`. */
#define exits_with(pid, code, ...) waits_for((pid), ((code) & 0xff) << 8, __VA_ARGS__)

/* Waits for `pid`: it must have been killed by signal `sig`. */
#define killed_by(pid, sig, ...) waits_for((pid), (sig), __VA_ARGS__)

/* Runs `action(argument)` in a child, which must be killed by signal `sig` (a fault on
 * purpose); the parent checks the wait status and carries on. No core files are written. */
__attribute__((format(printf, 4, 5)))
static inline void dies_by(int sig, void (*action)(unsigned long), unsigned long argument,
                    const char *what, ...)
{
    char text[512];
    va_list args;
    va_start(args, what);
    vsnprintf(text, sizeof text, what, args);
    va_end(args);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);      /* may be unimplemented; only saves disk */
        action(argument);
        _exit(0);
    }
    killed_by(pid, sig, "%s", text);
}

/* DIRECTORY/NAME in a static buffer; four in turn, so one call may take several. */
static inline const char *path_in(const char *directory, const char *name)
{
    static char paths[4][4200];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", directory, name);
    return path;
}

/* The whole of `path`, in a buffer of at most `size` bytes; its length, or -1. */
static inline long read_into(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    long total = 0, n;
    while ((n = read(fd, buffer + total, size - (size_t)total)) > 0)
        total += n;
    close(fd);
    return n < 0 ? -1 : total;
}

/* Copies the file `from` to `to` (made or emptied) and gives the copy `mode`. */
static inline void copy_file(const char *from, const char *to, mode_t mode)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    char buffer[65536];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buffer, sizeof buffer)) > 0)
        write(out, buffer, (size_t)n);
    close(in);
    close(out);
    chmod(to, mode);
}

/* Forks a child whose standard output is a pipe and whose results are numbered from 1
 * again, for relay_tap; returns the read end in the parent (-1 on failure), 0 in the child. */
static inline int fork_with_pipe(pid_t *pid)
{
    int out[2];
    if (pipe(out) != 0)
        return -1;
    *pid = fork();
    if (*pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        tap_count = tap_failed = 0;
        return 0;
    }
    close(out[1]);
    if (*pid < 0) {
        close(out[0]);
        return -1;
    }
    return out[0];
}

/* Reads the TAP output of child `pid` from `fd` until end of file and reports each of its
 * results as one of ours, named "label: ..."; its `#` lines are passed on. Then one more
 * result: the child printed its plan, the plan matches, and it exited 0. For checks that
 * must run in another program image (after execve). Closes `fd`. */
static inline void relay_tap(const char *label, pid_t pid, int fd)
{
    static char output[65536];
    size_t used = 0;
    ssize_t n;
    while (used < sizeof output - 1 &&
           ((n = read(fd, output + used, sizeof output - 1 - used)) > 0 || (n < 0 && errno == EINTR)))
        if (n > 0)
            used += (size_t)n;
    output[used] = '\0';
    close(fd);

    int results = 0, plan = -1;
    for (char *line = output, *end; *line; line = end) {
        end = strchr(line, '\n');
        end = end ? (*end = '\0', end + 1) : line + strlen(line);
        int passed = strncmp(line, "ok ", 3) == 0;
        if (passed || strncmp(line, "not ok ", 7) == 0) {
            const char *what = strstr(line, " - ");
            ok(passed, "%s: %s", label, what ? what + 3 : line);
            results++;
        } else if (line[0] == '#') {
            tap_printf("%s\n", line);
        } else if (strncmp(line, "1..", 3) == 0) {
            plan = atoi(line + 3);
        } else if (*line) {
            diag("%s printed: %s", label, line);
        }
    }
    int status = 0;
    pid_t waited = waitpid(pid, &status, 0);
    if (!ok(waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && plan == results &&
            results > 0, "%s: printed its plan and exited 0", label))
        diag("%d results, plan %d, child %s", results, plan, wait_status_text(status));
}

/* Prints the plan and returns the exit status for main. */
static inline int tap_done(void)
{
    tap_printf("1..%d\n", tap_count);
    if (tap_failed)
        diag("%d of %d failed", tap_failed, tap_count);
    return tap_failed ? 1 : 0;
}

/* Runs `body(argument)` in a child whose results are numbered on their own and relayed here
 * under `label` (relay_tap); the child's exit status is its own tap_done(). */
static inline void relayed_child(const char *label, void (*body)(void *), void *argument)
{
    pid_t pid;
    int fd = fork_with_pipe(&pid);
    if (fd < 0) {
        ok(0, "%s: fork with a pipe failed (%s)", label, strerror(errno));
        return;
    }
    if (pid == 0) {
        body(argument);
        _exit(tap_done());
    }
    relay_tap(label, pid, fd);
}

#endif
