/* alarm, getitimer and setitimer: the values read back, ITIMER_REAL's SIGALRM ending a
 * sleeping child (its default action), a blocked SIGALRM left pending, a periodic timer
 * re-armed, ITIMER_VIRTUAL counting only user time and ending a spinning child with
 * SIGVTALRM, ITIMER_PROF with SIGPROF, fork clearing the timers and exec keeping them,
 * RLIMIT_CPU's SIGXCPU and SIGKILL, and the errors. No handlers: what is checked is what a
 * signal's default action, the pending set and the timer's own values show. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include "tap.h"
#include "cpu_time.h"

static long long itimer_value_ns(int which)
{
    struct itimerval value;
    if (getitimer(which, &value) != 0)
        return -1;
    return timeval_ns(value.it_value);
}

static int set_itimer(int which, long long value_ns, long long interval_ns)
{
    struct itimerval value = {
        { interval_ns / 1000000000, interval_ns % 1000000000 / 1000 },
        { value_ns / 1000000000, value_ns % 1000000000 / 1000 },
    };
    return setitimer(which, &value, 0);
}

static void no_core(void)
{
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
}

/* Waits for `pid`, which must have been ended by `sig` (a core dump's bit aside). */
static void ended_by(pid_t pid, int sig, const char *what)
{
    int status = 0;
    waitpid(pid, &status, 0);
    if (!ok(WIFSIGNALED(status) && WTERMSIG(status) == sig, "%s", what))
        diag("child %s", wait_status_text(status));
}

static void alarm_values(void)
{
    is(alarm(0), 0, "alarm(0) with no alarm pending returns 0");
    alarm(100);
    long long left = itimer_value_ns(ITIMER_REAL);
    ok(left > 95000 * MS && left <= 100000 * MS, "alarm(100) is ITIMER_REAL at 100 s (%lld ms left)",
       left / MS);
    unsigned previous = alarm(0);
    ok(previous == 99 || previous == 100, "alarm(0) returns the seconds left, rounded (%u)", previous);
    is(itimer_value_ns(ITIMER_REAL), 0, "and disarms it");
}

static void real_timer_values(void)
{
    struct itimerval value = { { 1, 0 }, { 5, 0 } }, old = { { 9, 9 }, { 9, 9 } }, now;
    ok(setitimer(ITIMER_REAL, &value, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0
           && old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 0,
       "setitimer(ITIMER_REAL, 5 s every 1 s): the old value was disarmed");
    getitimer(ITIMER_REAL, &now);
    ok(now.it_interval.tv_sec == 1 && now.it_interval.tv_usec == 0, "getitimer: the interval as set");
    ok(timeval_ns(now.it_value) > 4000 * MS && timeval_ns(now.it_value) <= 5000 * MS,
       "getitimer: up to 5 s left (%lld ms)", timeval_ns(now.it_value) / MS);
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    ok(setitimer(ITIMER_REAL, &zero, &old) == 0 && timeval_ns(old.it_value) > 0 && old.it_interval.tv_sec == 1,
       "setitimer with 0 returns the armed timer as the old value");
    getitimer(ITIMER_REAL, &now);
    ok(timeval_ns(now.it_value) == 0 && timeval_ns(now.it_interval) == 0, "and disarms it, interval too");
}

static void real_timer_signals(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        alarm(1);
        sleep_ns(60000 * MS);
        _exit(0);
    }
    ended_by(pid, SIGALRM, "alarm(1) ends a sleeping child with SIGALRM, its default action");

    pid = fork();
    if (pid == 0) {
        set_itimer(ITIMER_REAL, 100 * MS, 0);
        sleep_ns(60000 * MS);
        _exit(0);
    }
    ended_by(pid, SIGALRM, "setitimer(ITIMER_REAL, 100 ms) likewise");

    block(SIGALRM, SIG_BLOCK);
    set_itimer(ITIMER_REAL, 50 * MS, 0);
    sleep_ns(300 * MS);
    ok(pending(SIGALRM), "a blocked SIGALRM stays pending after the timer expired");
    is(itimer_value_ns(ITIMER_REAL), 0, "the one-shot timer is disarmed after it fired");
    discard(SIGALRM);

    block(SIGALRM, SIG_BLOCK);
    set_itimer(ITIMER_REAL, 50 * MS, 200 * MS);
    sleep_ns(300 * MS);
    struct itimerval now;
    getitimer(ITIMER_REAL, &now);
    ok(pending(SIGALRM) && timeval_ns(now.it_interval) == 200 * MS,
       "a periodic timer fired and keeps its 200 ms period");
    set_itimer(ITIMER_REAL, 0, 0);
    discard(SIGALRM);
}

static void cpu_timers(void)
{
    set_itimer(ITIMER_VIRTUAL, 100 * MS, 0);
    long long before = itimer_value_ns(ITIMER_VIRTUAL);
    sleep_ns(300 * MS);
    long long after = itimer_value_ns(ITIMER_VIRTUAL);
    ok(before > 0 && after > 0 && before - after < 50 * MS,
       "ITIMER_VIRTUAL does not run down while the process sleeps (%lld then %lld ms)", before / MS,
       after / MS);
    block(SIGVTALRM, SIG_BLOCK);
    /* Until it fires, up to 5 s of CPU time: the timer counts user-mode ticks, and on a loaded
     * host a spin's CPU time can hold fewer of them than its length suggests. */
    long long spun = 0;
    while (!pending(SIGVTALRM) && spun < 5000 * MS)
        spun += spin_user(50 * MS);
    ok(pending(SIGVTALRM) && spun >= 100 * MS,
       "it fires after 100 ms of user time: SIGVTALRM (blocked) is pending (after %lld ms)",
       spun / MS);
    is(itimer_value_ns(ITIMER_VIRTUAL), 0, "and is disarmed");
    discard(SIGVTALRM);

    pid_t pid = fork();
    if (pid == 0) {
        no_core();
        set_itimer(ITIMER_VIRTUAL, 100 * MS, 0);
        spin_user(20000 * MS);
        _exit(0);
    }
    ended_by(pid, SIGVTALRM, "ITIMER_VIRTUAL ends a spinning child with SIGVTALRM");

    pid = fork();
    if (pid == 0) {
        set_itimer(ITIMER_PROF, 100 * MS, 0);
        spin_kernel(20000 * MS);
        _exit(0);
    }
    ended_by(pid, SIGPROF, "ITIMER_PROF counts system time: SIGPROF ends a child reading /dev/zero");

    struct itimerval value = { { 0, 300000 }, { 2, 0 } }, now;
    setitimer(ITIMER_PROF, &value, 0);
    getitimer(ITIMER_PROF, &now);
    ok(now.it_interval.tv_sec == 0 && now.it_interval.tv_usec == 300000 && now.it_value.tv_sec >= 1
           && timeval_ns(now.it_value) <= 2100 * MS,
       "getitimer(ITIMER_PROF) reads back about 2 s every 0.3 s");
    set_itimer(ITIMER_PROF, 0, 0);
}

static void fork_and_exec(const char *self)
{
    alarm(1000);
    set_itimer(ITIMER_VIRTUAL, 500000 * MS, 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(itimer_value_ns(ITIMER_REAL) == 0 && itimer_value_ns(ITIMER_VIRTUAL) == 0 ? 0 : 1);
    exits_with(pid, 0, "a forked child starts with ITIMER_REAL and ITIMER_VIRTUAL disarmed");
    pid = fork();
    if (pid == 0) {
        alarm(1000);
        char *argv[] = { (char *)self, "alarm-left", NULL };
        execve(self, argv, (char *[]){ NULL });
        _exit(127);
    }
    alarm(0);
    set_itimer(ITIMER_VIRTUAL, 0, 0);
    exits_with(pid, 0, "an alarm set before execve is still pending in the new program");
}

static void cpu_limit(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        no_core();
        struct rlimit limit = { 1, 2 };
        setrlimit(RLIMIT_CPU, &limit);
        spin_user(20000 * MS);
        _exit(0);
    }
    ended_by(pid, SIGXCPU, "RLIMIT_CPU 1 s: SIGXCPU after a second of CPU time");

    pid = fork();
    if (pid == 0) {
        signal(SIGXCPU, SIG_IGN);
        struct rlimit limit = { 1, 2 };
        setrlimit(RLIMIT_CPU, &limit);
        spin_user(20000 * MS);
        _exit(0);
    }
    ended_by(pid, SIGKILL, "with SIGXCPU ignored, SIGKILL at the 2 s hard limit");
}

static void errors(void)
{
    struct itimerval value = { { 0, 0 }, { 0, 1000000 } };
    fails_with(getitimer(3, &value), EINVAL, "getitimer(3): EINVAL");
    fails_with(setitimer(ITIMER_REAL, &value, 0), EINVAL, "setitimer with 1000000 µs: EINVAL");
    value.it_value.tv_usec = -1;
    fails_with(setitimer(ITIMER_REAL, &value, 0), EINVAL, "setitimer with -1 µs: EINVAL");
    fails_with(syscall(SYS_getitimer, ITIMER_REAL, bad_pointer(16)), EFAULT, "getitimer to a bad address");
    fails_with(syscall(SYS_setitimer, ITIMER_REAL, bad_pointer(16), 0), EFAULT, "setitimer from a bad address");
    is(itimer_value_ns(ITIMER_REAL), 0, "a failed setitimer changed nothing");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "alarm-left") == 0) {
        unsigned left = alarm(0);
        return left > 900 && left <= 1000 ? 0 : 1;
    }
    alarm_values();
    real_timer_values();
    real_timer_signals();
    cpu_timers();
    fork_and_exec(argv[0]);
    cpu_limit();
    errors();
    return tap_done();
}
