/* Job control's signals: SIGSTOP and SIGTSTP stop every thread of a process until
 * SIGCONT; the parent gets SIGCHLD with CLD_STOPPED and CLD_CONTINUED (unless
 * SA_NOCLDSTOP) and sees the stop with WUNTRACED and the continue with WCONTINUED, each
 * once; SIGKILL ends a stopped process; a SIGCONT handler runs after the resume; a stopped
 * process group that an exit orphans gets SIGHUP and SIGCONT. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include "tap.h"

static volatile sig_atomic_t chld_count, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    (void)context;
    chld_count++;
    chld_code = info->si_code;
    chld_status = info->si_status;
}

static void sleep_ms(int milliseconds)
{
    struct timespec delay = { milliseconds / 1000, (milliseconds % 1000) * 1000000L };
    while (nanosleep(&delay, &delay) == -1 && errno == EINTR)
        ;
}

/* A child that counts up in shared memory for as long as it runs. It gets a process group
 * of its own, whose parent (this process) is in another group of the session: otherwise,
 * run by init, its group would be orphaned, and SIGTSTP does not stop an orphaned group. */
static volatile unsigned long *counter;

static pid_t counting_child(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        for (;;)
            (*counter)++;
    }
    setpgid(pid, pid);
    return pid;
}

static void *count_in_thread(void *unused)
{
    (void)unused;
    for (;;)
        counter[1]++;
    return NULL;
}

/* Up to 5 s: a loaded host may take its time to run the handler; it returns at once when it has. */
static void wait_for_chld(int expected_count)
{
    for (int i = 0; i < 1000 && chld_count < expected_count; i++)
        sleep_ms(5);
}

/* The signals a stopped child saw once continued, in order. */
static volatile sig_atomic_t seen[2], seen_count;

static void on_hup_or_cont(int sig)
{
    if (seen_count < 2)
        seen[seen_count] = sig;
    seen_count++;
}

/* Forks a child that stops itself (in a group of its own if `own_group`), waits until it has
 * stopped, and exits: the child's group is orphaned by that exit. Once continued, the child
 * writes the first two signals it handled to `report`. */
static void stopped_child_then_exit(int report, int own_group)
{
    pid_t child = fork();
    if (child == 0) {
        if (own_group)
            setpgid(0, 0);
        struct sigaction action = { .sa_handler = on_hup_or_cont };
        sigaction(SIGHUP, &action, NULL);
        sigaction(SIGCONT, &action, NULL);
        raise(SIGSTOP);
        for (int i = 0; i < 200 && seen_count < 2; i++)
            sleep_ms(5);
        char order[2] = { (char)seen[0], (char)seen[1] };
        write(report, order, 2);
        _exit(0);
    }
    if (own_group)
        setpgid(child, child);
    int status;
    waitpid(child, &status, WUNTRACED);
    _exit(0);
}

/* POSIX: when a process group becomes orphaned (no member has a parent in another group of
 * its session) and has a stopped member, every member gets SIGHUP, then SIGCONT (Linux:
 * kill_orphaned_pgrp). Each case runs in a session of its own, so that the orphaned
 * child's new parent (init, or the host's reaper) is outside it: `child_group` orphans a
 * child's group when its parent exits; otherwise the exit of a process orphans its own
 * group, where its stopped child remains, its parent being in another group of the session. */
static void orphaned_group(int child_group)
{
    const char *what = child_group ? "a child's group" : "the exiting process's own group";
    int report[2];
    if (!opened_pipe(report, what))
        return;
    pid_t session = fork();
    if (session == 0) {
        setsid();
        if (child_group)
            stopped_child_then_exit(report[1], 1);
        pid_t parent = fork();
        if (parent == 0) {
            setpgid(0, 0);
            stopped_child_then_exit(report[1], 0);
        }
        setpgid(parent, parent);
        waitpid(parent, NULL, 0);
        _exit(0);
    }
    close(report[1]);
    waitpid(session, NULL, 0);
    char order[2] = { 0 };
    struct pollfd ready = { .fd = report[0], .events = POLLIN };
    int got = poll(&ready, 1, 3000) == 1 && read(report[0], order, 2) == 2;
    /* Both are pending when the child resumes; the handlers' order says nothing about the
     * sending's (Linux sets up the SIGHUP frame first, so the SIGCONT handler runs first). */
    int both = (order[0] == SIGHUP && order[1] == SIGCONT) || (order[0] == SIGCONT && order[1] == SIGHUP);
    if (!ok(got && both, "orphaning %s with a stopped member sends it SIGHUP and SIGCONT", what))
        diag("got signals %d, %d", order[0], order[1]);
    close(report[0]);
}

int main(void)
{
    counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct sigaction action = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
    sigemptyset(&action.sa_mask);
    sigaction(SIGCHLD, &action, NULL);

    pid_t pid = counting_child();
    sleep_ms(20);
    chld_count = 0;
    succeeds(kill(pid, SIGSTOP), "kill(child, SIGSTOP)");
    int status = 0;
    is(waitpid(pid, &status, WUNTRACED), pid, "waitpid(WUNTRACED) reports the stop");
    ok(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP, "WIFSTOPPED, WSTOPSIG SIGSTOP (%#x)", status);
    wait_for_chld(1);
    if (!ok(chld_count == 1 && chld_code == CLD_STOPPED && chld_status == SIGSTOP,
            "SIGCHLD with CLD_STOPPED and si_status SIGSTOP"))
        diag("%d SIGCHLD, the last with si_code %d, si_status %d", (int)chld_count, (int)chld_code,
             (int)chld_status);
    unsigned long frozen = *counter;
    sleep_ms(50);
    is(*counter, frozen, "a stopped process does not run");
    is(waitpid(pid, &status, WUNTRACED | WNOHANG), 0, "the stop is reported once");

    chld_count = 0;
    succeeds(kill(pid, SIGCONT), "kill(child, SIGCONT)");
    is(waitpid(pid, &status, WCONTINUED), pid, "waitpid(WCONTINUED) reports the continue");
    ok(WIFCONTINUED(status), "WIFCONTINUED (%#x)", status);
    wait_for_chld(1);
    ok(chld_count == 1 && chld_code == CLD_CONTINUED && chld_status == SIGCONT,
       "SIGCHLD with CLD_CONTINUED and si_status SIGCONT");
    sleep_ms(50);
    ok(*counter != frozen, "the continued process runs again");

    /* SIGTSTP stops too; SIGKILL ends a stopped process. */
    kill(pid, SIGTSTP);
    is(waitpid(pid, &status, WUNTRACED), pid, "SIGTSTP stops the child");
    ok(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTSTP, "WSTOPSIG SIGTSTP");
    kill(pid, SIGKILL);
    killed_by(pid, SIGKILL, "SIGKILL ends a stopped process");

    /* SA_NOCLDSTOP: no SIGCHLD for stops and continues, the wait still sees them. */
    action.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &action, NULL);
    pid = counting_child();
    chld_count = 0;
    kill(pid, SIGSTOP);
    is(waitpid(pid, &status, WUNTRACED), pid, "with SA_NOCLDSTOP the stop is still waitable");
    kill(pid, SIGCONT);
    is(waitpid(pid, &status, WCONTINUED), pid, "and so is the continue");
    sleep_ms(30);
    is(chld_count, 0, "but no SIGCHLD came for them");
    kill(pid, SIGKILL);
    killed_by(pid, SIGKILL, "SIGKILL ends it");
    is(chld_count, 1, "its death does send SIGCHLD");

    /* Every thread stops: a second thread's counter freezes too, and runs again after SIGCONT. */
    pid = fork();
    if (pid == 0) {
        pthread_t thread;
        pthread_create(&thread, NULL, count_in_thread, NULL);
        for (;;)
            (*counter)++;
    }
    sleep_ms(30);
    kill(pid, SIGSTOP);
    waitpid(pid, &status, WUNTRACED);
    unsigned long frozen_thread = counter[1];
    sleep_ms(50);
    ok(counter[1] != 0 && counter[1] == frozen_thread, "a stopped process's second thread stops too");
    kill(pid, SIGCONT);
    sleep_ms(50);
    ok(counter[1] != frozen_thread, "and runs again after SIGCONT");
    kill(pid, SIGKILL);
    killed_by(pid, SIGKILL, "SIGKILL ends the threaded child");

    orphaned_group(1);
    orphaned_group(0);
    return tap_done();
}
