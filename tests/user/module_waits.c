/* Blocking in a C module (docs/modules.md, "Locking, waiting, timers and work"): the test
 * module waiter.ko's /proc/waiter read sleeps in wait_event_interruptible and is woken by the
 * module's timer; a signal ends the sleep with -ERESTARTSYS, which the read returns as EINTR
 * without SA_RESTART and restarts with it; a process holding the module's mutex makes another
 * one's write wait, and a signal ends that wait (mutex_lock_interruptible, EINTR). Apus-only:
 * the module is Apus's, so on Linux (the harness's host) every check is skipped. Times are
 * only checked from below (a sleep never ends before it is due). */
#include "tap.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int signal)
{
    (void)signal;
    alarms++;
}

/* SIGALRM every `interval_ms` (0: none), handled with `flags`. */
static void alarm_every(long interval_ms, int flags)
{
    struct sigaction action = { .sa_handler = on_alarm, .sa_flags = flags };
    sigemptyset(&action.sa_mask);
    sigaction(SIGALRM, &action, NULL);
    struct itimerval timer = { { 0, interval_ms * 1000 }, { 0, interval_ms * 1000 } };
    setitimer(ITIMER_REAL, &timer, NULL);
    alarms = 0;
}

static long now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static ssize_t command(const char *text)
{
    int fd = open("/proc/waiter", O_WRONLY);
    ssize_t written = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return written;
}

/* A child that writes `text` (after `delay_ms`) and exits. */
static pid_t command_later(const char *text, long delay_ms)
{
    pid_t pid = fork();
    if (pid == 0) {
        usleep((useconds_t)delay_ms * 1000);
        _exit(command(text) == (ssize_t)strlen(text) ? 0 : 1);
    }
    return pid;
}

/* Waits (up to 5 s) until another process holds the module's mutex. */
static int mutex_taken(void)
{
    for (int tries = 0; tries < 500; tries++) {
        if (command("trylock") == -1 && errno == EBUSY)
            return 1;
        usleep(10000);
    }
    return 0;
}

static void timer_wakes_a_read(void)
{
    char text[16] = "";
    int fd = open("/proc/waiter", O_RDWR);
    is(write(fd, "timer 100", 9), 9, "a write arms the module's timer for 100 ms");
    long start = now_ms();
    is(read(fd, text, sizeof text - 1), 6, "a read sleeps until the timer function wakes it");
    ok(strcmp(text, "ready\n") == 0 && now_ms() - start >= 50, "it returns \"ready\" after the timer (%ld ms)",
       now_ms() - start);
    close(fd);
}

static void signals_end_a_read(void)
{
    char text[16] = "";
    int fd = open("/proc/waiter", O_RDONLY);
    alarm_every(50, 0);
    fails_with(read(fd, text, sizeof text), EINTR,
               "without SA_RESTART a signal ends the sleeping read with EINTR (-ERESTARTSYS)");
    ok(alarms >= 1, "the handler ran");
    alarm_every(50, SA_RESTART);
    pid_t waker = command_later("wake", 300);
    is(read(fd, text, sizeof text), 6, "with SA_RESTART the read is restarted until the module wakes it");
    ok(alarms >= 2, "through %d signals", (int)alarms);
    alarm_every(0, 0);
    exits_with(waker, 0, "the waker wrote \"wake\"");
    close(fd);
}

static void mutex_contention(void)
{
    pid_t holder = command_later("hold 1000", 0);
    if (!ok(mutex_taken(), "another process holds the module's mutex (\"hold 1000\")")) {
        waitpid(holder, NULL, 0);
        return;
    }
    long start = now_ms();
    is(command("lock"), 4, "mutex_lock_interruptible waits for it");
    ok(now_ms() - start >= 20, "until the holder unlocks (%ld ms)", now_ms() - start);
    exits_with(holder, 0, "the holder's write returned");

    holder = command_later("hold 1000", 0);
    if (!ok(mutex_taken(), "it holds the mutex again (\"hold 1000\")")) {
        waitpid(holder, NULL, 0);
        return;
    }
    alarm_every(50, 0);
    fails_with(command("lock"), EINTR, "a signal ends mutex_lock_interruptible's wait: EINTR");
    alarm_every(0, 0);
    exits_with(holder, 0, "the holder's write returned");
}

int main(void)
{
    struct utsname name;
    if (uname(&name) != 0 || strstr(name.version, "Apus") == NULL || geteuid() != 0) {
        skip("not Apus as root", "sleeping and waking in a C module's /proc file");
        return tap_done();
    }
    int module = open("/lib/modules/tests/waiter.ko", O_RDONLY);
    if (!ok(syscall(SYS_finit_module, module, "", 0) == 0, "finit_module loads waiter.ko"))
        return tap_done();
    close(module);
    timer_wakes_a_read();
    signals_end_a_read();
    mutex_contention();
    ok(syscall(SYS_delete_module, "waiter", O_NONBLOCK) == 0, "delete_module unloads it");
    return tap_done();
}
