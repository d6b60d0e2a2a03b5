/* /proc in Linux's formats, cross-checked against the system calls (docs/procfs.md).
 *
 * Parses /proc/self/stat (52 fields after the parenthesised name), status, statm, maps,
 * cmdline, environ, comm, fd/ and limits the way ps, top and free do, and checks them
 * against getpid, getppid, getpgrp, getsid, getrusage, mmap, open and the program's own
 * argv and environment; a thread shows in task/; /proc/self and thread-self lead to the
 * caller. As root, a child that has become user 65534 may not read the parent's environ
 * (EACCES) but may read its stat. Where /proc is not mounted everything is skipped.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#define NOBODY 65534

/* The whole of `path` as a NUL-terminated string (NULs inside are kept); its length in
 * *length. Returns NULL if it cannot be read, with errno set. */
static char *slurp(const char *path, size_t *length)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t size = 0, capacity = 4096;
    char *text = malloc(capacity + 1);
    for (;;) {
        if (size == capacity) {
            capacity *= 2;
            text = realloc(text, capacity + 1);
        }
        /* Small reads, so the file is read in pieces. */
        size_t want = capacity - size < 100 ? capacity - size : 100;
        ssize_t n = read(fd, text + size, want);
        if (n < 0) {
            int saved = errno;
            free(text);
            close(fd);
            errno = saved;
            return NULL;
        }
        if (n == 0)
            break;
        size += (size_t)n;
    }
    close(fd);
    text[size] = 0;
    if (length)
        *length = size;
    return text;
}

/* The value after "Name:" in status, or NULL. */
static const char *status_field(const char *status, const char *name)
{
    static char value[256];
    size_t length = strlen(name);
    for (const char *line = status; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, length) == 0 && line[length] == ':') {
            const char *start = line + length + 1;
            while (*start == '\t' || *start == ' ')
                start++;
            size_t n = strcspn(start, "\n");
            if (n >= sizeof value)
                n = sizeof value - 1;
            memcpy(value, start, n);
            value[n] = 0;
            return value;
        }
    }
    return NULL;
}

/* The fields of a stat line after "pid (comm) ": fields[0] is the state (field 3). */
static int stat_fields(const char *stat, char fields[64][32], char *comm, size_t comm_size)
{
    const char *open_paren = strchr(stat, '(');
    const char *close_paren = strrchr(stat, ')');
    if (!open_paren || !close_paren || close_paren < open_paren)
        return 0;
    size_t name_length = (size_t)(close_paren - open_paren - 1);
    if (name_length >= comm_size)
        name_length = comm_size - 1;
    memcpy(comm, open_paren + 1, name_length);
    comm[name_length] = 0;
    int count = 0;
    const char *cursor = close_paren + 1;
    while (*cursor && count < 64) {
        while (*cursor == ' ')
            cursor++;
        if (!*cursor || *cursor == '\n')
            break;
        size_t n = strcspn(cursor, " \n");
        size_t kept = n < 31 ? n : 31;
        memcpy(fields[count], cursor, kept);
        fields[count][kept] = 0;
        count++;
        cursor += n;
    }
    return count;
}

/* Field N of stat (1-based, as man 5 proc numbers them) as a number. */
#define FIELD(n) strtoll(fields[(n) - 3], NULL, 10)

/* CPU time used so far, in milliseconds, as getrusage counts it. */
static long cpu_milliseconds(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
        + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000;
}

/* Works until the process has used `milliseconds` more of CPU time (not wall time: the
 * machine may be busy with other work). */
static void burn_cpu(long milliseconds)
{
    long until = cpu_milliseconds() + milliseconds;
    while (cpu_milliseconds() < until)
        for (volatile int i = 0; i < 100000; i++)
            ;
}

static void check_stat(void)
{
    burn_cpu(300);
    char *stat = slurp("/proc/self/stat", NULL);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    if (!ok(stat != NULL, "/proc/self/stat reads"))
        return;
    char fields[64][32], comm[64];
    int count = stat_fields(stat, fields, comm, sizeof comm);
    is(count + 2, 52, "stat: 52 fields");
    if (count + 2 < 52)
        return;
    is(strtol(stat, NULL, 10), getpid(), "stat: field 1 is getpid()");
    ok(strcmp(comm, "procfs") == 0, "stat: (comm) is the program's name, got '%s'", comm);
    ok(strcmp(fields[0], "R") == 0, "stat: a process reading its own stat is running (R), got %s", fields[0]);
    is(FIELD(4), getppid(), "stat: ppid is getppid()");
    is(FIELD(5), getpgrp(), "stat: pgrp is getpgrp()");
    is(FIELD(6), getsid(0), "stat: session is getsid(0)");
    is(FIELD(19), 0, "stat: nice is 0");
    is(FIELD(18), 20, "stat: priority is 20 + nice");
    is(FIELD(20), 1, "stat: one thread");
    long long ticks = FIELD(14) + FIELD(15);
    long long rusage_ticks = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 100
        + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 10000;
    ok(ticks >= 25 && llabs(ticks - rusage_ticks) <= 5,
       "stat: utime + stime (%lld ticks) is getrusage's CPU time (%lld) after 300 ms of work", ticks, rusage_ticks);
    char *uptime = slurp("/proc/uptime", NULL);
    double up = uptime ? strtod(uptime, NULL) : 0;
    ok(FIELD(22) > 0 && FIELD(22) <= (long long)(up * 100) + 1,
       "stat: starttime (%lld ticks) is after boot and before now (uptime %.2f s)", FIELD(22), up);
    free(uptime);
    long long vsize = FIELD(23);
    long long rss = FIELD(24);
    size_t length = 64 << 20;
    char *area = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < 1024; i++)
        area[i * 4096] = 1;
    char *after = slurp("/proc/self/stat", NULL);
    char fields2[64][32];
    stat_fields(after, fields2, comm, sizeof comm);
    long long vsize2 = strtoll(fields2[23 - 3], NULL, 10);
    long long rss2 = strtoll(fields2[24 - 3], NULL, 10);
    ok(vsize2 - vsize == (long long)length, "stat: vsize grows by a 64 MiB mmap (%lld)", vsize2 - vsize);
    ok(rss2 - rss >= 1024 - 64 && rss2 - rss <= 1024 + 64, "stat: rss grows by the 1024 pages touched (%lld)", rss2 - rss);
    free(after);

    char *statm = slurp("/proc/self/statm", NULL);
    long long size_pages = 0, resident = 0, shared = 0, text = 0, lib = 0, data = 0, dt = 0;
    int numbers = statm ? sscanf(statm, "%lld %lld %lld %lld %lld %lld %lld", &size_pages, &resident, &shared, &text,
                                 &lib, &data, &dt) : 0;
    is(numbers, 7, "statm: seven numbers");
    is(size_pages * 4096, vsize2, "statm: size in pages is stat's vsize");
    /* Linux syncs its per-task RSS counters every 64 events: allow that much. */
    ok(llabs(resident - rss2) <= 64, "statm: resident (%lld) is stat's rss (%lld)", resident, rss2);
    ok(data * 4096 >= (long long)length, "statm: data includes the private mapping");
    free(statm);

    char *maps = slurp("/proc/self/maps", NULL);
    /* Its line, or that of an area it merged into: anonymous, private, no file. */
    int mapped = 0;
    for (char *line = maps; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        unsigned long low, high;
        int after = 0;
        if (sscanf(line, "%lx-%lx rw-p 00000000 00:00 0 %n", &low, &high, &after) == 2 && after > 0
            && low <= (unsigned long)area && (unsigned long)area + length <= high)
            mapped = 1;
    }
    ok(mapped, "maps: the 64 MiB mapping is in an 'rw-p 00000000 00:00 0' line");
    ok(maps && strstr(maps, "[stack]\n"), "maps: the stack is named [stack]");
    int named = 0;
    for (char *line = maps; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        unsigned long low, high;
        char permissions[5];
        int name_at = 0;
        if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %*u %n", &low, &high, permissions, &name_at) >= 3
            && low <= (unsigned long)&check_stat && (unsigned long)&check_stat < high) {
            named = permissions[2] == 'x' && name_at == 73 && strncmp(line + name_at, "/", 1) == 0;
        }
    }
    ok(named, "maps: the code is in an r-x line naming the program at column 73");
    munmap(area, length);
    free(maps);
    free(stat);
}

static void check_status(void)
{
    char *status = slurp("/proc/self/status", NULL);
    if (!ok(status != NULL, "/proc/self/status reads"))
        return;
    const char *name = status_field(status, "Name");
    ok(name && strcmp(name, "procfs") == 0, "status: Name");
    char pid[32], ids[64];
    snprintf(pid, sizeof pid, "%d", getpid());
    ok(strcmp(status_field(status, "Pid") ?: "", pid) == 0, "status: Pid");
    ok(strcmp(status_field(status, "Tgid") ?: "", pid) == 0, "status: Tgid");
    snprintf(pid, sizeof pid, "%d", getppid());
    ok(strcmp(status_field(status, "PPid") ?: "", pid) == 0, "status: PPid");
    snprintf(ids, sizeof ids, "%u\t%u\t%u\t%u", getuid(), geteuid(), geteuid(), geteuid());
    ok(strcmp(status_field(status, "Uid") ?: "", ids) == 0, "status: Uid has real, effective, saved, fs");
    ok(strcmp(status_field(status, "State") ?: "", "R (running)") == 0, "status: State R (running)");
    ok(strcmp(status_field(status, "Threads") ?: "", "1") == 0, "status: Threads");
    const char *rss = status_field(status, "VmRSS");
    ok(rss && strstr(rss, " kB") && atol(rss) > 0, "status: VmRSS in kB");
    mode_t mask = umask(022);
    umask(mask);
    char expected_mask[8];
    snprintf(expected_mask, sizeof expected_mask, "%04o", mask);
    ok(strcmp(status_field(status, "Umask") ?: "", expected_mask) == 0, "status: Umask");
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    free(status);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    status = slurp("/proc/self/status", NULL);
    ok(strcmp(status_field(status, "SigBlk") ?: "", "0000000000000200") == 0, "status: SigBlk shows SIGUSR1");
    sigprocmask(SIG_UNBLOCK, &blocked, NULL);
    free(status);
}

static void check_files(int argc, char **argv)
{
    size_t length;
    char *cmdline = slurp("/proc/self/cmdline", &length);
    size_t expected = 0;
    for (int i = 0; i < argc; i++)
        expected += strlen(argv[i]) + 1;
    ok(cmdline && length == expected && memcmp(cmdline, argv[0], strlen(argv[0]) + 1) == 0,
       "cmdline: argv, NUL-separated (%zu bytes, expected %zu)", cmdline ? length : 0, expected);
    free(cmdline);
    setenv("PROCFS_PROBE", "yes", 1);
    char *environ_text = slurp("/proc/self/environ", &length);
    int found = 0;
    for (size_t at = 0; environ_text && at < length; at += strlen(environ_text + at) + 1)
        found |= strncmp(environ_text + at, "PATH=", 5) == 0;
    ok(found, "environ: the environment exec was given");
    free(environ_text);
    char *comm = slurp("/proc/self/comm", NULL);
    ok(comm && strcmp(comm, "procfs\n") == 0, "comm: the name and a newline");
    free(comm);

    char link[4096], self[32];
    ssize_t n = readlink("/proc/self", link, sizeof link - 1);
    snprintf(self, sizeof self, "%d", getpid());
    ok(n > 0 && (size_t)n == strlen(self) && memcmp(link, self, (size_t)n) == 0, "/proc/self links to the pid");
    n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    struct stat exe, program;
    ok(n > 0 && stat(link, &exe) == 0 && stat("/proc/self/exe", &program) == 0 && exe.st_ino == program.st_ino,
       "exe names the program (%s)", link);
    char cwd[4096];
    getcwd(cwd, sizeof cwd);
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    ok(strcmp(link, cwd) == 0, "cwd is getcwd()");
    int fd = open("/proc/self/status", O_RDONLY);
    char fd_path[64];
    snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
    n = readlink(fd_path, link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    snprintf(self, sizeof self, "/proc/%d/status", getpid());
    ok(strcmp(link, self) == 0, "fd/N names the open file (%s)", link);
    snprintf(fd_path, sizeof fd_path, "/proc/self/fdinfo/%d", fd);
    char *info = slurp(fd_path, NULL);
    ok(info && strncmp(info, "pos:\t0\nflags:\t0", 15) == 0, "fdinfo/N: pos and flags");
    free(info);
    int listed = 0;
    DIR *directory = opendir("/proc/self/fd");
    for (struct dirent *entry; directory && (entry = readdir(directory));)
        listed |= atoi(entry->d_name) == fd && entry->d_name[0] != '.';
    if (directory)
        closedir(directory);
    ok(listed, "fd/ lists the descriptor");
    close(fd);
    char *limits = slurp("/proc/self/limits", NULL);
    struct rlimit files;
    getrlimit(RLIMIT_NOFILE, &files);
    char row[128];
    snprintf(row, sizeof row, "Max open files            %-20llu %-20llu files", (unsigned long long)files.rlim_cur,
             (unsigned long long)files.rlim_max);
    ok(limits && strstr(limits, row), "limits: '%s'", row);
    free(limits);
}

static void *thread_body(void *argument)
{
    int *tid = argument;
    *tid = (int)syscall(SYS_gettid);
    char link[64] = "", expected[64];
    ssize_t n = readlink("/proc/thread-self", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    snprintf(expected, sizeof expected, "%d/task/%d", getpid(), *tid);
    return (void *)(long)(strcmp(link, expected) == 0);
}

static void check_threads(void)
{
    pthread_t thread;
    int tid = 0;
    void *result = NULL;
    pthread_create(&thread, NULL, thread_body, &tid);
    pthread_join(thread, &result);
    ok(result == (void *)1, "thread-self is pid/task/tid in a thread");
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", getpid());
    struct stat task;
    ok(stat(path, &task) == 0 && S_ISDIR(task.st_mode), "task/ has the main thread");
}

/* As user 65534, the parent's environ and fd/ are closed (EACCES), its stat is open. */
static void check_permissions(void)
{
    if (geteuid() != 0) {
        skip("not root", "environ of another user's process is EACCES");
        return;
    }
    pid_t parent = getpid();
    int pipe_fds[2];
    if (!opened_pipe(pipe_fds, "permissions"))
        return;
    pid_t child = fork();
    if (child == 0) {
        close(pipe_fds[0]);
        char path[64], verdict[3] = "00";
        if (setresgid(NOBODY, NOBODY, NOBODY) == 0 && setresuid(NOBODY, NOBODY, NOBODY) == 0) {
            snprintf(path, sizeof path, "/proc/%d/environ", parent);
            verdict[0] = open(path, O_RDONLY) < 0 && errno == EACCES ? '1' : '0';
            snprintf(path, sizeof path, "/proc/%d/stat", parent);
            int fd = open(path, O_RDONLY);
            char byte;
            verdict[1] = fd >= 0 && read(fd, &byte, 1) == 1 ? '1' : '0';
        }
        write(pipe_fds[1], verdict, 2);
        _exit(0);
    }
    close(pipe_fds[1]);
    char verdict[3] = "";
    read(pipe_fds[0], verdict, 2);
    close(pipe_fds[0]);
    waitpid(child, NULL, 0);
    ok(verdict[0] == '1', "another user's environ is EACCES");
    ok(verdict[1] == '1', "another user's stat is readable");
}

int main(int argc, char **argv)
{
    struct stat root;
    if (stat("/proc/self/stat", &root) != 0) {
        skip("/proc is not mounted", "/proc");
        return tap_done();
    }
    check_stat();
    check_status();
    check_files(argc, argv);
    check_threads();
    check_permissions();
    return tap_done();
}
