/* Sessions, the controlling terminal and the terminal's side of job control (docs/tty.md):
 * a session leader acquires the terminal it opens (not with O_NOCTTY), /dev/tty is ENXIO
 * without one, tcgetpgrp/tcsetpgrp/tcgetsid and their errors, TIOCSCTTY, background reads
 * (SIGTTIN ignored or blocked: EIO) and writes with TOSTOP (SIGTTOU blocked: written),
 * SIGWINCH, FIONREAD, VMIN/VTIME, TCFLSH/TCXONC, TIOCNOTTY, and SIGHUP to the foreground
 * group when the session leader exits; background reads and TOSTOP writes stopping the
 * group, and SIGHUP with SIGCONT for a group orphaned with a stopped member; hangups:
 * vhangup(2), and on a serial line the leader's exit, leave the open files reading
 * end-of-file and failing writes with EIO.
 *
 * On Linux the terminal is a pseudo-terminal, whose master side also types ^C into it. Apus
 * has no pty driver yet: there the terminal is the serial line /dev/ttyS0, which no session
 * owns while init.sh runs the tests, and nothing can be typed into it; the keyboard's side
 * (^C, ^Z, ^D, raw mode) is checked by tools/test/make_run_session.py driving `make run`.
 * Every check runs in a child that made itself a session leader (setsid). */
#define _GNU_SOURCE
#include "tap.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

static char terminal[64];   /* the slave's name, or /dev/ttyS0 */
static int master = -1;     /* the pty's master, -1 on Apus */

static void find_terminal(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0 && ptsname(master)) {
        snprintf(terminal, sizeof terminal, "%s", ptsname(master));
        return;
    }
    if (master >= 0)
        close(master);
    master = -1;
    snprintf(terminal, sizeof terminal, "/dev/ttyS0");
}

static int signal_pending(int sig)
{
    sigset_t pending;
    sigpending(&pending);
    return sigismember(&pending, sig);
}

static void block(int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* A pid that names nothing: a child's, once it is reaped. */
static pid_t unused_pid(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    waitpid(pid, NULL, 0);
    return pid;
}

/* The session leader's checks, up to taking the terminal and giving it up. */
static void controlling_terminal(void *unused)
{
    (void)unused;
    pid_t me = getpid();
    is(setsid(), me, "setsid makes a session named by the caller's pid");
    fails_with(open("/dev/tty", O_RDWR), ENXIO, "/dev/tty without a controlling terminal is ENXIO");

    int quiet = open(terminal, O_RDWR | O_NOCTTY);
    if (!ok(quiet >= 0, "open the terminal with O_NOCTTY"))
        diag("%s: %s", terminal, strerror(errno));
    fails_with(tcgetpgrp(quiet), ENOTTY, "tcgetpgrp on a terminal that is not ours is ENOTTY");
    fails_with(tcgetsid(quiet), ENOTTY, "tcgetsid on it too");
    fails_with(open("/dev/tty", O_RDWR), ENXIO, "O_NOCTTY took no controlling terminal");

    int fd = open(terminal, O_RDWR);
    ok(fd >= 0, "open the terminal again, without O_NOCTTY");
    is(tcgetsid(fd), me, "opening it made it the session's controlling terminal (tcgetsid)");
    is(tcgetpgrp(fd), me, "with the leader's group in the foreground (tcgetpgrp)");
    is(tcgetpgrp(quiet), me, "through the O_NOCTTY descriptor as well");
    int tty = open("/dev/tty", O_RDWR);
    ok(tty >= 0, "/dev/tty opens now");
    is(tcgetpgrp(tty), me, "and is the same terminal");
    is(ioctl(fd, TIOCSCTTY, 0), 0, "TIOCSCTTY on our own controlling terminal succeeds");

    fails_with(tcsetpgrp(fd, -1), EINVAL, "tcsetpgrp(-1) is EINVAL");
    fails_with(tcsetpgrp(fd, unused_pid()), ESRCH, "tcsetpgrp to a group that does not exist: ESRCH");
    fails_with(tcsetpgrp(fd, getpgid(getppid())), EPERM, "tcsetpgrp to another session's group: EPERM");

    /* The window size, and SIGWINCH for the foreground group when it changes. */
    struct winsize old, size;
    ok(ioctl(fd, TIOCGWINSZ, &old) == 0, "TIOCGWINSZ");
    block(SIGWINCH);
    size = old;
    size.ws_row = old.ws_row == 33 ? 34 : 33;
    size.ws_col = 101;
    ok(ioctl(fd, TIOCSWINSZ, &size) == 0, "TIOCSWINSZ");
    struct winsize got = { 0 };
    ioctl(tty, TIOCGWINSZ, &got);
    ok(got.ws_row == size.ws_row && got.ws_col == 101, "TIOCGWINSZ reads the new size back");
    ok(signal_pending(SIGWINCH), "the foreground group got SIGWINCH");
    ioctl(fd, TIOCSWINSZ, &old);

    /* Non-canonical reads with VMIN 0: at once, or after VTIME tenths of a second. */
    struct termios saved, raw;
    ok(tcgetattr(fd, &saved) == 0, "tcgetattr");
    tcflush(fd, TCIFLUSH);
    raw = saved;
    raw.c_lflag &= ~(ICANON | ECHO);
    raw.c_cc[VMIN] = 0;
    raw.c_cc[VTIME] = 0;
    ok(tcsetattr(fd, TCSAFLUSH, &raw) == 0, "tcsetattr TCSAFLUSH to raw mode");
    char buffer[16];
    is(read(fd, buffer, sizeof buffer), 0, "VMIN 0, VTIME 0: a read with nothing typed returns 0 at once");
    raw.c_cc[VTIME] = 3;
    tcsetattr(fd, TCSADRAIN, &raw);
    double start = now();
    is(read(fd, buffer, sizeof buffer), 0, "VMIN 0, VTIME 3: a read returns 0 ...");
    double waited = now() - start;
    if (!ok(waited > 0.2 && waited < 3, "... after about 0.3 s"))
        diag("after %.3f s", waited);
    int count = -1;
    is(ioctl(fd, FIONREAD, &count), 0, "FIONREAD");
    is(count, 0, "nothing is waiting to be read");
    if (master >= 0) {
        ssize_t typed = write(master, "abc", 3);
        usleep(100000);
        ioctl(fd, FIONREAD, &count);
        is(count, typed, "FIONREAD counts typed bytes");
        raw.c_cc[VMIN] = 2;
        raw.c_cc[VTIME] = 0;
        tcsetattr(fd, TCSANOW, &raw);
        is(read(fd, buffer, sizeof buffer), 3, "VMIN 2: a read takes all three");
    } else {
        skip("no pty master to type with", "FIONREAD counts typed bytes");
        skip("no pty master to type with", "VMIN 2: a read takes all three");
    }
    ok(tcsetattr(fd, TCSANOW, &saved) == 0, "back to canonical mode");
    is(tcflush(fd, TCIOFLUSH), 0, "TCFLSH TCIOFLUSH");
    fails_with(ioctl(fd, TCFLSH, 7), EINVAL, "TCFLSH with an unknown queue is EINVAL");
    is(tcflow(fd, TCOON), 0, "TCXONC TCOON");

    /* ^C from the keyboard: SIGINT for the foreground group. */
    if (master >= 0) {
        block(SIGINT);
        ssize_t typed = write(master, "\003", 1);
        usleep(100000);
        ok(typed == 1 && signal_pending(SIGINT), "^C typed sends SIGINT to the foreground group");
    } else {
        skip("typed by make_run_session.py on Apus", "^C typed sends SIGINT to the foreground group");
    }

    /* Giving the terminal up: the foreground group (ours) is hung up. */
    block(SIGHUP);
    block(SIGCONT);
    is(ioctl(fd, TIOCNOTTY), 0, "TIOCNOTTY");
    ok(signal_pending(SIGHUP), "the foreground group got SIGHUP");
    fails_with(open("/dev/tty", O_RDWR), ENXIO, "no controlling terminal after TIOCNOTTY");
    fails_with(tcgetpgrp(fd), ENOTTY, "tcgetpgrp is ENOTTY again");
    fails_with(ioctl(fd, TIOCNOTTY), ENOTTY, "TIOCNOTTY without a controlling terminal is ENOTTY");
    is(ioctl(fd, TIOCSCTTY, 0), 0, "TIOCSCTTY takes it back");
    is(tcgetsid(fd), me, "tcgetsid agrees");
}

/* A child of the session leader in a group of its own, in the background; then the
 * leader itself in the background. */
static void background(void *unused)
{
    (void)unused;
    setsid();
    int fd = open(terminal, O_RDWR);
    int go[2], done[2];
    if (!opened_pipe(go, "background") || !opened_pipe(done, "background"))
        return;
    pid_t child = fork();
    if (child == 0) {
        char byte;
        setpgid(0, 0);
        read(go[0], &byte, 1);
        struct sigaction ignore = { .sa_handler = SIG_IGN };
        sigaction(SIGTTIN, &ignore, NULL);
        char buffer[8];
        errno = 0;
        char ignored_read = read(fd, buffer, sizeof buffer) == -1 && errno == EIO;
        ignore.sa_handler = SIG_DFL;
        sigaction(SIGTTIN, &ignore, NULL);
        block(SIGTTIN);
        errno = 0;
        char blocked_read = read(fd, buffer, sizeof buffer) == -1 && errno == EIO;
        block(SIGTTOU);
        struct termios mode;
        tcgetattr(fd, &mode);
        mode.c_lflag |= TOSTOP;
        int changed = tcsetattr(fd, TCSANOW, &mode) == 0;
        int wrote = write(fd, "# tty: a background write\n", 26) == 26;
        mode.c_lflag &= ~TOSTOP;
        tcsetattr(fd, TCSANOW, &mode);
        char handed = tcsetpgrp(fd, getpid()) == 0 && tcgetpgrp(fd) == getpid();
        char results[4] = { ignored_read, blocked_read, changed && wrote, handed };
        write(done[1], results, 4);
        read(go[0], &byte, 1);               /* its group stays until the leader is done */
        _exit(0);
    }
    setpgid(child, child);
    is(tcgetpgrp(fd), getpid(), "the leader's group is in the foreground, the child's is not");
    write(go[1], "g", 1);
    char results[4] = { 0 };
    read(done[0], results, 4);
    ok(results[0], "a background read with SIGTTIN ignored is EIO");
    ok(results[1], "a background read with SIGTTIN blocked is EIO");
    ok(results[2], "with TOSTOP, a background write with SIGTTOU blocked is written");
    ok(results[3], "a background tcsetpgrp with SIGTTOU blocked succeeds");

    /* The leader is now in the background of its own session, and its group is orphaned
     * (its parent is in another session): a read is EIO rather than a stop. */
    char buffer[8];
    fails_with(read(fd, buffer, sizeof buffer), EIO, "a background read by an orphaned group is EIO");
    struct sigaction ignore = { .sa_handler = SIG_IGN };
    sigaction(SIGTTOU, &ignore, NULL);
    ok(tcsetpgrp(fd, getpid()) == 0, "the leader takes the foreground back (SIGTTOU ignored)");
    write(go[1], "g", 1);
    waitpid(child, NULL, 0);
}

/* Background reads and TOSTOP writes stop the group with SIGTTIN and SIGTTOU by default. */
static void stops(void *unused)
{
    (void)unused;
    setsid();
    int fd = open(terminal, O_RDWR);
    struct termios mode;
    tcgetattr(fd, &mode);
    mode.c_lflag |= TOSTOP;
    tcsetattr(fd, TCSANOW, &mode);
    for (int writing = 0; writing <= 1; writing++) {
        pid_t child = fork();
        if (child == 0) {
            setpgid(0, 0);
            char buffer[8];
            if (writing)
                write(fd, "# tty: this write must wait\n", 28);
            else
                read(fd, buffer, sizeof buffer);
            _exit(0);
        }
        setpgid(child, child);
        int status = 0;
        pid_t waited = waitpid(child, &status, WUNTRACED);
        int expected = writing ? SIGTTOU : SIGTTIN;
        if (!ok(waited == child && WIFSTOPPED(status) && WSTOPSIG(status) == expected,
                "a background %s stops the child with %s", writing ? "write with TOSTOP" : "read",
                writing ? "SIGTTOU" : "SIGTTIN"))
            diag("waitpid returned %d, status %#x", (int)waited, status);
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
    }
    mode.c_lflag &= ~TOSTOP;
    tcsetattr(fd, TCSANOW, &mode);
}

static int hangup_report = -1;

static void report_hangup(int sig)
{
    (void)sig;
    write(hangup_report, "h", 1);
}

/* A process whose exit orphans a process group with a stopped member: the group gets
 * SIGHUP and SIGCONT, so it is not left stopped for ever. */
static void orphaned_stopped(void *unused)
{
    (void)unused;
    int report[2];
    if (!opened_pipe(report, "orphaned"))
        return;
    pid_t leader = fork();
    if (leader == 0) {
        setsid();
        pid_t child = fork();
        if (child == 0) {
            hangup_report = report[1];
            signal(SIGHUP, report_hangup);
            setpgid(0, 0);
            raise(SIGSTOP);
            _exit(0);
        }
        setpgid(child, child);
        waitpid(child, NULL, WUNTRACED);
        write(report[1], &child, sizeof child);
        _exit(0);
    }
    close(report[1]);
    waitpid(leader, NULL, 0);
    pid_t child = 0;
    read(report[0], &child, sizeof child);
    struct pollfd answer = { .fd = report[0], .events = POLLIN };
    char got = 0;
    ok(poll(&answer, 1, 5000) == 1 && read(report[0], &got, 1) == 1 && got == 'h',
       "an exit that orphans a group with a stopped member sends it SIGHUP and SIGCONT");
    if (got != 'h' && child > 0)
        kill(child, SIGKILL);      /* still stopped: not left behind */
}

/* The session leader exits: its foreground group gets SIGHUP. */
static void leader_exit(void *unused)
{
    (void)unused;
    int report[2];
    if (!opened_pipe(report, "leader exit"))
        return;
    pid_t leader = fork();
    if (leader == 0) {
        setsid();
        int fd = open(terminal, O_RDWR);
        int ready[2];
        pipe(ready);
        pid_t child = fork();
        if (child == 0) {
            block(SIGHUP);
            setpgid(0, 0);
            write(ready[1], "r", 1);
            char got[3] = { 0 };
            for (int i = 0; i < 200 && !got[0]; i++) {   /* 2 s at most */
                got[0] = signal_pending(SIGHUP);
                usleep(10000);
            }
            /* Non-blocking, so that a file that was not hung up cannot hold the test. */
            fcntl(fd, F_SETFL, O_NONBLOCK);
            char byte;
            got[1] = read(fd, &byte, 1) == 0;
            got[2] = write(fd, "x", 1) == -1 && errno == EIO;
            write(report[1], got, 3);
            _exit(0);
        }
        setpgid(child, child);
        char byte;
        read(ready[0], &byte, 1);
        tcsetpgrp(fd, child);
        _exit(0);
    }
    close(report[1]);
    waitpid(leader, NULL, 0);
    char got[3] = { 0 };
    ok(read(report[0], got, 3) == 3 && got[0], "the session leader's exit sends SIGHUP to the foreground group");
    if (master < 0) {
        ok(got[1], "the serial line is hung up: a read of the open file is end-of-file");
        ok(got[2], "and a write is EIO");
    } else {
        /* Linux: disassociate_ctty hangs up every terminal but a pseudo-terminal. */
        skip("a pseudo-terminal is not hung up", "the serial line is hung up: a read of the open file is end-of-file");
        skip("a pseudo-terminal is not hung up", "and a write is EIO");
    }
}

/* vhangup(2) by the session leader: the files open on the terminal are hung up, the
 * session loses it, and the leader gets SIGHUP and SIGCONT; a new open is a working file. */
static void hangup(void *unused)
{
    (void)unused;
    if (geteuid() != 0) {
        skip("not root", "vhangup");
        return;
    }
    setsid();
    int fd = open(terminal, O_RDWR);
    int other = open(terminal, O_RDWR | O_NOCTTY);
    is(tcgetsid(fd), getpid(), "the terminal is the session's");
    block(SIGHUP);
    block(SIGCONT);
    is(vhangup(), 0, "vhangup");
    ok(signal_pending(SIGHUP) && signal_pending(SIGCONT), "the session leader got SIGHUP and SIGCONT");
    char byte;
    is(read(fd, &byte, 1), 0, "a read of a hung-up file is end-of-file");
    is(read(other, &byte, 1), 0, "so is one of another file of the terminal");
    fails_with(write(fd, "x", 1), EIO, "a write is EIO");
    struct pollfd events = { .fd = fd, .events = POLLIN | POLLOUT };
    ok(poll(&events, 1, 0) == 1 && (events.revents & POLLHUP), "poll reports POLLHUP");
    fails_with(tcgetpgrp(fd), EIO, "an ioctl is EIO");
    fails_with(tcsetpgrp(fd, getpid()), ENOTTY, "TIOCSPGRP is ENOTTY");
    fails_with(open("/dev/tty", O_RDWR), ENXIO, "the session has no controlling terminal any more");
    int fresh = open(terminal, O_RDWR | O_NOCTTY);
    ok(fresh >= 0 && write(fresh, "", 0) == 0 && tcgetattr(fresh, &(struct termios){ 0 }) == 0,
       "a new open of the terminal works");
}

int main(void)
{
    find_terminal();
    diag("terminal: %s", terminal);
    if (master < 0 && access(terminal, R_OK | W_OK) != 0) {
        skip("no terminal", "%s", terminal);
        return tap_done();
    }
    relayed_child("controlling terminal", controlling_terminal, NULL);
    relayed_child("background", background, NULL);
    relayed_child("leader exit", leader_exit, NULL);
    relayed_child("stops", stops, NULL);
    relayed_child("orphaned", orphaned_stopped, NULL);
    relayed_child("hangup", hangup, NULL);
    return tap_done();
}
