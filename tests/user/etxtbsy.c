/* ETXTBSY: a file open for writing cannot be executed, and a running program's file cannot be
 * opened for writing or truncated (docs/vfs.md, "Writers and running programs").
 *
 * The test runs a copy of itself: with --hold it tells its parent it is running (a byte on
 * fd 3) and waits until fd 4 reaches end of file.
 */
#include "tap.h"

#include <fcntl.h>
#include <sys/stat.h>

static char copy[256];

static int copy_self(const char *self)
{
    int in = open(self, O_RDONLY), out = open(copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char buffer[65536];
    ssize_t n;
    while (in >= 0 && out >= 0 && (n = read(in, buffer, sizeof buffer)) > 0)
        if (write(out, buffer, (size_t)n) != n)
            return 0;
    int done = in >= 0 && out >= 0;
    close(in);
    close(out);
    return done;
}

/* Execs the copy in a child; returns the child's exit status (the errno of a failed exec). */
static int exec_status(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { copy, "--exit", NULL };
        execv(copy, argv);
        _exit(errno);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    if (argc > 1 && strcmp(argv[1], "--hold") == 0) {
        char byte = 'r';
        if (write(3, &byte, 1) != 1)
            return 1;
        while (read(4, &byte, 1) > 0) {}
        return 0;
    }
    const char *directory = getenv("TMPDIR");
    snprintf(copy, sizeof copy, "%s/etxtbsy-copy", directory ? directory : "/tmp");
    if (!ok(copy_self(argv[0]), "copy %s to %s", argv[0], copy))
        return tap_done();

    is(exec_status(), 0, "the copy runs");
    int writer = open(copy, O_WRONLY);
    is(exec_status(), ETXTBSY, "while a descriptor may write it, execve fails with ETXTBSY");
    close(writer);
    is(exec_status(), 0, "once it is closed the copy runs again");

    int ready[2], hold[2];
    if (!opened_pipe(ready, "ready") || !opened_pipe(hold, "hold"))
        return tap_done();
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(hold[1]);
        dup2(ready[1], 3);
        dup2(hold[0], 4);
        char *hold_argv[] = { copy, "--hold", NULL };
        execv(copy, hold_argv);
        _exit(127);
    }
    close(ready[1]);
    close(hold[0]);
    char byte;
    if (!ok(read(ready[0], &byte, 1) == 1, "a child runs the copy"))
        return tap_done();
    off_t size = size_of(copy);
    fails_with(open(copy, O_WRONLY), ETXTBSY, "opening the running program for writing: ETXTBSY");
    fails_with(open(copy, O_RDWR | O_TRUNC), ETXTBSY, "O_RDWR|O_TRUNC: ETXTBSY");
    is(size_of(copy), size, "and nothing was truncated");
    fails_with(truncate(copy, 0), ETXTBSY, "truncate(2): ETXTBSY");
    int reader = open(copy, O_RDONLY);
    ok(reader >= 0, "reading it is fine");
    close(reader);
    is(exec_status(), 0, "and so is running it again");
    close(hold[1]);
    exits_with(pid, 0, "the child ends");
    writer = open(copy, O_WRONLY);
    ok(writer >= 0, "then the file can be opened for writing again");
    close(writer);
    close(ready[0]);
    unlink(copy);
    return tap_done();
}
