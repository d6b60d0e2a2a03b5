/* Job control's signals: SIGSTOP and SIGTSTP stop every thread of a process until
 * SIGCONT; the parent gets SIGCHLD with CLD_STOPPED and CLD_CONTINUED (unless
 * SA_NOCLDSTOP) and sees the stop with WUNTRACED and the continue with WCONTINUED, each
 * once; SIGKILL ends a stopped process; a SIGCONT handler runs after the resume. */
#define _GNU_SOURCE
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

static void wait_for_chld(int expected_count)
{
    for (int i = 0; i < 200 && chld_count < expected_count; i++)
        sleep_ms(5);
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
    ok(chld_count == 1 && chld_code == CLD_STOPPED && chld_status == SIGSTOP,
       "SIGCHLD with CLD_STOPPED and si_status SIGSTOP");
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
    return tap_done();
}
