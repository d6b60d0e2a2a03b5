/* File descriptors: dup/dup2/dup3/F_DUPFD share one open file (and its offset), the lowest
 * free number is used, FD_CLOEXEC and O_CLOEXEC close across execve and nothing else does.
 *
 * The program runs itself: with APUS_FD_CHECK in the environment it is the exec'd image that
 * checks the descriptors it inherited, printing TAP that the parent relays. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "tap.h"

extern char **environ;

/* After execve: 5 (a dup2 copy) and 10 (a dup2 copy of an O_CLOEXEC descriptor) are open,
 * 5 at offset 3 of "0123456789"; 4 (open with O_CLOEXEC), 6 (F_SETFD FD_CLOEXEC), 7 (dup3
 * with O_CLOEXEC) and 8, 9 (pipe2 with O_CLOEXEC) are closed. */
static void check_inherited(void)
{
    errno = 0;
    int flags = fcntl(5, F_GETFD);
    if (!ok(flags == 0, "fd 5 (no FD_CLOEXEC) is open after execve, its FD_CLOEXEC clear"))
        diag("fcntl(5, F_GETFD) = %d, errno %s", flags, strerror(errno));
    char buffer[8] = "";
    ok(read(5, buffer, 3) == 3 && memcmp(buffer, "345", 3) == 0,
       "fd 5 reads on from the offset the parent left (\"345\")");
    ok(fcntl(10, F_GETFD) == 0, "fd 10 (dup2 of an O_CLOEXEC descriptor) is open");
    fails_with(fcntl(4, F_GETFD), EBADF, "fd 4 (open with O_CLOEXEC) is closed: EBADF");
    fails_with(fcntl(6, F_GETFD), EBADF, "fd 6 (FD_CLOEXEC set with F_SETFD) is closed: EBADF");
    fails_with(fcntl(7, F_GETFD), EBADF, "fd 7 (dup3 with O_CLOEXEC) is closed: EBADF");
    fails_with(fcntl(8, F_GETFD), EBADF, "fd 8 (pipe2 with O_CLOEXEC) is closed: EBADF");
    fails_with(fcntl(9, F_GETFD), EBADF, "fd 9 (pipe2 with O_CLOEXEC) is closed: EBADF");
    fails_with(read(6, buffer, 1), EBADF, "read from fd 6 is EBADF");
    ok(fcntl(0, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0, "standard input and error are still open");
}

static char path[2048];

static void sharing(int fd)
{
    int copy = dup(fd);
    ok(copy > fd, "dup returns a new descriptor");
    char buffer[8] = "";
    lseek(fd, 0, SEEK_SET);
    read(fd, buffer, 2);
    is(lseek(copy, 0, SEEK_CUR), 2, "a read through the original moves the duplicate's offset");
    lseek(copy, 7, SEEK_SET);
    ok(read(fd, buffer, 1) == 1 && buffer[0] == '7', "an lseek through the duplicate moves the original's");
    close(copy);

    int reopened = open(path, O_RDONLY);
    lseek(fd, 0, SEEK_SET);
    ok(read(reopened, buffer, 1) == 1 && lseek(fd, 0, SEEK_CUR) == 0,
       "a second open() of the same file has an offset of its own");
    close(reopened);
}

static void numbering(int fd)
{
    int a = dup(fd), b = dup(fd);
    close(a);
    is(dup(fd), a, "dup reuses the lowest free descriptor");
    close(a);
    close(b);
    is(fcntl(fd, F_DUPFD, 20), 20, "F_DUPFD 20 returns 20 when it is free");
    is(fcntl(fd, F_DUPFD, 20), 21, "F_DUPFD 20 again returns 21");
    int cloexec = fcntl(fd, F_DUPFD_CLOEXEC, 20);
    ok(cloexec == 22 && fcntl(cloexec, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC gives 22 with FD_CLOEXEC");
    close(20), close(21), close(22);
    is(dup2(fd, fd), fd, "dup2 of a descriptor onto itself returns it");
    fails_with(dup3(fd, fd, O_CLOEXEC), EINVAL, "dup3 onto itself is EINVAL");
    fails_with(dup(-1), EBADF, "dup(-1) is EBADF");
    fails_with(dup(100), EBADF, "dup of a closed descriptor is EBADF");
    fails_with(dup2(100, 30), EBADF, "dup2 from a closed descriptor is EBADF");
    fails_with(dup2(fd, 1 << 20), EBADF, "dup2 to a number past RLIMIT_NOFILE is EBADF");
    fails_with(close(100), EBADF, "close of a closed descriptor is EBADF");
    fails_with(fcntl(100, F_GETFD), EBADF, "fcntl of a closed descriptor is EBADF");
    int flags = fcntl(fd, F_GETFL);
    ok(flags >= 0 && (flags & O_ACCMODE) == O_RDWR, "F_GETFL reports O_RDWR");
    is(fcntl(fd, F_SETFL, flags | O_APPEND), 0, "F_SETFL sets O_APPEND");
    ok(fcntl(fd, F_GETFL) & O_APPEND, "F_GETFL then shows O_APPEND");
    fcntl(fd, F_SETFL, flags);
}

static void across_exec(int fd, const char *self)
{
    lseek(fd, 3, SEEK_SET);
    int opened = open(path, O_RDONLY | O_CLOEXEC);
    ok(opened == 4 && fcntl(4, F_GETFD) == FD_CLOEXEC, "open with O_CLOEXEC: fd 4, FD_CLOEXEC set");
    ok(dup2(4, 10) == 10 && fcntl(10, F_GETFD) == 0, "a dup2 copy of it, fd 10, has FD_CLOEXEC clear");
    ok(dup2(fd, 5) == 5 && fcntl(5, F_GETFD) == 0, "dup2 to fd 5: FD_CLOEXEC clear");
    ok(dup2(fd, 6) == 6 && fcntl(6, F_SETFD, FD_CLOEXEC) == 0 && fcntl(6, F_GETFD) == FD_CLOEXEC,
       "dup2 to fd 6, then F_SETFD FD_CLOEXEC");
    ok(fcntl(5, F_GETFD) == 0, "setting FD_CLOEXEC on fd 6 leaves fd 5 alone (a per-descriptor flag)");
    ok(dup3(fd, 7, O_CLOEXEC) == 7 && fcntl(7, F_GETFD) == FD_CLOEXEC, "dup3 to fd 7 with O_CLOEXEC");
    int p[2];
    ok(pipe2(p, O_CLOEXEC) == 0 && p[0] == 8 && p[1] == 9 && fcntl(8, F_GETFD) == FD_CLOEXEC &&
       fcntl(9, F_GETFD) == FD_CLOEXEC, "pipe2 with O_CLOEXEC: fds 8 and 9, both FD_CLOEXEC");

    int out[2];
    pipe(out);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        char *argv[] = { (char *)self, NULL };
        char *envp[] = { "APUS_FD_CHECK=1", NULL };
        execve(self, argv, envp);
        tap_printf("not ok 1 - execve(%s) failed: %s\n1..1\n", self, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    relay_tap("after execve", pid, out[0]);
    is(lseek(fd, 0, SEEK_CUR), 6, "the child's read moved the parent's offset too (one open file)");
    for (int i = 4; i <= 10; i++)
        close(i);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (getenv("APUS_FD_CHECK")) {
        check_inherited();
        return tap_done();
    }
    for (int i = 3; i < 64; i++)       /* start from a known table, whatever we inherited */
        close(i);
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/dup_cloexec.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    if (!ok(fd == 3, "the first open gets descriptor 3")) {
        diag("open(%s): %d, %s", path, fd, strerror(errno));
        if (fd < 0)
            return tap_done();
    }
    write(fd, "0123456789", 10);
    sharing(fd);
    numbering(fd);
    char self[4096];
    snprintf(self, sizeof self, "%s", argv[0]);
    across_exec(fd, self);
    close(fd);
    unlink(path);
    return tap_done();
}
