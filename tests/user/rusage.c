/* getrusage, times and wait4's usage: user time from a busy loop, system time from work in
 * the kernel, no CPU time for a sleep, RUSAGE_THREAD no more than RUSAGE_SELF, children
 * counted only once waited for (grandchildren included), page faults, the resident-set peak
 * and voluntary context switches. Bounds are generous: a check never depends on speed. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include "tap.h"
#include "cpu_time.h"

static long long user_ns(int who)
{
    struct rusage usage;
    getrusage(who, &usage);
    return timeval_ns(usage.ru_utime);
}

static long long system_ns(int who)
{
    struct rusage usage;
    getrusage(who, &usage);
    return timeval_ns(usage.ru_stime);
}

static long long total_ns(int who)
{
    return user_ns(who) + system_ns(who);
}

static void user_and_system_time(void)
{
    long long user = user_ns(RUSAGE_SELF), system = system_ns(RUSAGE_SELF);
    spin_user(300 * MS);
    long long user_spent = user_ns(RUSAGE_SELF) - user, system_spent = system_ns(RUSAGE_SELF) - system;
    ok(user_spent >= 100 * MS && user_spent > system_spent,
       "a 300 ms busy loop is user time (user +%lld ms, system +%lld ms)", user_spent / MS,
       system_spent / MS);

    user = user_ns(RUSAGE_SELF);
    system = system_ns(RUSAGE_SELF);
    spin_kernel(300 * MS);
    user_spent = user_ns(RUSAGE_SELF) - user;
    system_spent = system_ns(RUSAGE_SELF) - system;
    ok(system_spent >= 50 * MS && system_spent > user_spent,
       "300 ms of reading /dev/zero is system time (user +%lld ms, system +%lld ms)",
       user_spent / MS, system_spent / MS);

    long long before = total_ns(RUSAGE_SELF);
    sleep_ns(300 * MS);
    long long used = total_ns(RUSAGE_SELF) - before;
    ok(used < 100 * MS, "a 300 ms sleep uses no CPU time (+%lld ms)", used / MS);

    long long thread = total_ns(RUSAGE_THREAD), self = total_ns(RUSAGE_SELF);
    ok(thread > 0 && thread <= self, "RUSAGE_THREAD (%lld ms) is within RUSAGE_SELF (%lld ms)",
       thread / MS, self / MS);
    long long clock = clock_ns(CLOCK_PROCESS_CPUTIME_ID), after = total_ns(RUSAGE_SELF);
    ok(after <= clock + 20 * MS && after >= clock / 2,
       "user + system time (%lld ms) agrees with CLOCK_PROCESS_CPUTIME_ID (%lld ms)", after / MS,
       clock / MS);
}

/* A child that spins for `ns` of CPU time, optionally in a grandchild it waits for. */
static pid_t spinning_child(long long ns, int in_grandchild)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (in_grandchild) {
            pid_t grandchild = fork();
            if (grandchild == 0) {
                spin_user(ns);
                _exit(0);
            }
            waitpid(grandchild, 0, 0);
        } else {
            spin_user(ns);
        }
        _exit(0);
    }
    return pid;
}

static void children(void)
{
    long long children = total_ns(RUSAGE_CHILDREN);
    ok(children == 0, "no children waited for yet: RUSAGE_CHILDREN is 0 (%lld ms)", children / MS);
    int ready[2];
    if (!opened_pipe(ready, "children"))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        spin_user(200 * MS);
        char byte = 1;
        write(ready[1], &byte, 1);
        pause();
        _exit(0);
    }
    char byte;
    read(ready[0], &byte, 1);
    ok(total_ns(RUSAGE_CHILDREN) == 0, "a child that ran is not counted before it is waited for");
    kill(pid, SIGKILL);
    struct rusage usage;
    int status;
    ok(wait4(pid, &status, 0, &usage) == pid, "wait4 with a struct rusage");
    long long child = timeval_ns(usage.ru_utime) + timeval_ns(usage.ru_stime);
    ok(child >= 100 * MS, "wait4 reports the child's 200 ms of CPU time (%lld ms)", child / MS);
    children = total_ns(RUSAGE_CHILDREN);
    ok(children >= child, "RUSAGE_CHILDREN now counts it (%lld ms)", children / MS);

    pid = spinning_child(200 * MS, 1);
    waitpid(pid, 0, 0);
    long long with_grandchild = total_ns(RUSAGE_CHILDREN);
    ok(with_grandchild - children >= 100 * MS,
       "a grandchild waited for by its parent counts too (+%lld ms)", (with_grandchild - children) / MS);

    struct tms times_now;
    clock_t ticks = times(&times_now);
    long hz = sysconf(_SC_CLK_TCK);
    ok(ticks != (clock_t)-1 && times_now.tms_cutime + times_now.tms_cstime >= (with_grandchild / MS) * hz / 1000 / 2,
       "times: children's %ld+%ld ticks match RUSAGE_CHILDREN", (long)times_now.tms_cutime,
       (long)times_now.tms_cstime);
    ok(times_now.tms_utime + times_now.tms_stime > 0, "times: the process's own %ld+%ld ticks",
       (long)times_now.tms_utime, (long)times_now.tms_stime);
    sleep_ns(100 * MS);
    clock_t later = times(0);
    ok(later > ticks, "times' return value counts elapsed ticks (%ld then %ld)", (long)ticks, (long)later);
    close(ready[0]);
    close(ready[1]);
}

static void faults_and_memory(void)
{
    enum { PAGES = 64, BIG = 8 << 20 };
    struct rusage before, after;
    char *area = mmap(0, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    getrusage(RUSAGE_SELF, &before);
    for (int i = 0; i < PAGES; i++)
        area[i * 4096] = 1;
    getrusage(RUSAGE_SELF, &after);
    ok(after.ru_minflt - before.ru_minflt >= PAGES,
       "touching %d fresh pages counts as many minor faults (%ld)", PAGES, after.ru_minflt - before.ru_minflt);
    ok(after.ru_majflt == before.ru_majflt, "and no major fault");
    munmap(area, PAGES * 4096);

    char *big = mmap(0, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < BIG; i += 4096)
        big[i] = 1;
    getrusage(RUSAGE_SELF, &after);
    ok(after.ru_maxrss >= BIG / 1024, "ru_maxrss (%ld KiB) covers 8 MiB touched", after.ru_maxrss);
    munmap(big, BIG);
    getrusage(RUSAGE_SELF, &before);
    ok(before.ru_maxrss >= after.ru_maxrss, "and stays a peak after munmap");

    pid_t pid = fork();
    if (pid == 0) {
        char *more = mmap(0, 2 * BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        for (long i = 0; i < 2 * BIG; i += 4096)
            more[i] = 1;
        _exit(0);
    }
    waitpid(pid, 0, 0);
    getrusage(RUSAGE_CHILDREN, &after);
    ok(after.ru_maxrss >= 2 * BIG / 1024, "RUSAGE_CHILDREN's ru_maxrss (%ld KiB) is a child's 16 MiB peak",
       after.ru_maxrss);
}

static void context_switches(void)
{
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    for (int i = 0; i < 5; i++)
        sleep_ns(2 * MS);
    getrusage(RUSAGE_SELF, &after);
    ok(after.ru_nvcsw - before.ru_nvcsw >= 5, "5 sleeps are at least 5 voluntary switches (%ld)",
       after.ru_nvcsw - before.ru_nvcsw);
}

static void errors(void)
{
    struct rusage usage;
    fails_with(getrusage(2, &usage), EINVAL, "getrusage(2): EINVAL");
    fails_with(syscall(SYS_getrusage, RUSAGE_SELF, bad_pointer(16)), EFAULT, "getrusage to a bad address");
    fails_with(syscall(SYS_times, bad_pointer(16)), EFAULT, "times to a bad address");
}

int main(void)
{
    user_and_system_time();
    children();
    faults_and_memory();
    context_switches();
    errors();
    return tap_done();
}
