/* Process creation (LMbench's lat_proc): fork_exit_wait, fork+_exit+waitpid; fork_exec_wait,
 * fork+execve of a tiny static program (this one, told to exit at once)+waitpid; sh_c_true,
 * fork+execve of busybox's `sh -c true`+waitpid. */
#include "bench.h"

static char *self;

static void fork_exit_wait(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t pid = must_fork();
        if (pid == 0)
            _exit(0);
        wait_child(pid);
    }
}

static void fork_exec_wait(long n)
{
    char *argv[] = {self, "exit", NULL};
    for (long i = 0; i < n; i++)
        run_program(argv);
}

static void sh_c_true(long n)
{
    char *argv[] = {(char *)env_text("BENCH_BUSYBOX", "/bin/busybox"), "sh", "-c", "true", NULL};
    for (long i = 0; i < n; i++)
        run_program(argv);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        return 0;
    self = argv[0];
    report("fork_exit_wait", measure(fork_exit_wait) / 1000, "us");
    report("fork_exec_wait", measure(fork_exec_wait) / 1000, "us");
    report("sh_c_true", measure(sh_c_true) / 1000, "us");
    return 0;
}
