/* FIFOs and packet pipes. mkfifo/mknod S_IFIFO make a node whose opens share one pipe: a
 * reader waits for a writer and a writer for a reader (checked with fork: the child opens
 * the other end, the parent's open returns), O_NONBLOCK readers open at once, O_NONBLOCK
 * writers without a reader fail with ENXIO, O_RDWR never waits; data goes through, end of
 * file after the last writer, what is left is dropped when nobody has it open. pipe2's
 * O_DIRECT: each write a packet, each read one packet, the rest of a packet discarded.
 * Works in a fresh directory under $TMPDIR (default /tmp). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include "tap.h"

static char dir[4096];

/* The child opens `path` with `flags`, writes or reads one byte, and exits 0 if all worked. */
static pid_t other_end(const char *path, int flags)
{
    pid_t child = fork();
    if (child == 0) {
        for (volatile long spin = 0; spin < 5000000; spin++) {}
        int fd = open(path, flags);
        if (fd < 0)
            _exit(10);
        char byte = 'c';
        int moved = (flags & O_ACCMODE) == O_WRONLY ? write(fd, &byte, 1) : read(fd, &byte, 1);
        _exit(moved == 1 && byte == 'c' ? 0 : 11);
    }
    return child;
}

static void nodes(const char *path)
{
    is(mkfifo(path, 0600), 0, "mkfifo makes a node");
    struct stat st;
    ok(stat(path, &st) == 0 && S_ISFIFO(st.st_mode), "stat says S_IFIFO");
    is(st.st_mode & 0777, 0600, "with the mode asked for");
    fails_with(mkfifo(path, 0600), EEXIST, "mkfifo of an existing name is EEXIST");
    const char *other = path_in(dir, "node");
    is(mknod(other, S_IFIFO | 0644, 0), 0, "mknod S_IFIFO makes one too");
    ok(stat(other, &st) == 0 && S_ISFIFO(st.st_mode), "and it is a FIFO");
    unlink(other);
}

static void blocking_opens(const char *path)
{
    pid_t child = other_end(path, O_WRONLY);
    int reader = open(path, O_RDONLY);
    ok(reader >= 0, "a reader's open returns once a writer opens");
    char byte = 0;
    is(read(reader, &byte, 1), 1, "the reader gets the writer's byte");
    exits_with(child, 0, "the writer opened and wrote");
    is(read(reader, &byte, 1), 0, "end of file once the writer is gone");
    close(reader);

    child = other_end(path, O_RDONLY);
    int writer = open(path, O_WRONLY);
    ok(writer >= 0, "a writer's open returns once a reader opens");
    is(write(writer, "c", 1), 1, "the writer writes a byte");
    exits_with(child, 0, "the reader opened and read it");
    close(writer);
}

static void nonblocking_opens(const char *path)
{
    fails_with(open(path, O_WRONLY | O_NONBLOCK), ENXIO, "O_NONBLOCK writer without a reader: ENXIO");
    int reader = open(path, O_RDONLY | O_NONBLOCK);
    ok(reader >= 0, "O_NONBLOCK reader without a writer opens at once");
    char byte;
    is(read(reader, &byte, 1), 0, "and reads end of file, no writer having come");
    struct pollfd entry = {reader, POLLIN, 0};
    is(poll(&entry, 1, 0), 0, "poll: no POLLHUP before any writer came");
    int writer = open(path, O_WRONLY | O_NONBLOCK);
    ok(writer >= 0, "O_NONBLOCK writer with a reader opens");
    is(write(writer, "xy", 2), 2, "the writer writes");
    is(read(reader, &byte, 1), 1, "the reader reads");
    close(writer);
    is(read(reader, &byte, 1), 1, "what was written stays after the writer closes");
    is(read(reader, &byte, 1), 0, "then end of file");
    entry.revents = 0;
    is(poll(&entry, 1, 0), 1, "poll: POLLHUP once a writer came and went");
    is(entry.revents, POLLHUP, "poll: POLLHUP alone");
    close(reader);

    int both = open(path, O_RDWR);
    ok(both >= 0, "O_RDWR opens without waiting");
    is(write(both, "z", 1), 1, "writes through O_RDWR");
    is(read(both, &byte, 1), 1, "and reads back through it");
    ok(byte == 'z', "the same byte");
    is(write(both, "left", 4), 4, "four more bytes written");
    close(both);
    both = open(path, O_RDWR | O_NONBLOCK);
    fails_with(read(both, &byte, 1), EAGAIN, "nobody had it open: the old bytes are gone");
    close(both);
}

static void packets(void)
{
    int fds[2];
    is(pipe2(fds, O_DIRECT), 0, "pipe2 O_DIRECT");
    is(write(fds[1], "abc", 3), 3, "packet: write 3 bytes");
    is(write(fds[1], "de", 2), 2, "packet: write 2 bytes");
    char buffer[16];
    is(read(fds[0], buffer, sizeof buffer), 3, "packet: a read returns the first packet alone");
    is(read(fds[0], buffer, sizeof buffer), 2, "packet: the next read the second");
    ok(memcmp(buffer, "de", 2) == 0, "packet: with its bytes");
    is(write(fds[1], "fghij", 5), 5, "packet: write 5 bytes");
    is(write(fds[1], "k", 1), 1, "packet: write 1 byte");
    is(read(fds[0], buffer, 2), 2, "packet: a short read takes 2 of the 5");
    is(read(fds[0], buffer, sizeof buffer), 1, "packet: the other 3 are discarded");
    ok(buffer[0] == 'k', "packet: the next read is the next packet");
    static char big[6000];
    is(write(fds[1], big, sizeof big), sizeof big, "packet: a 6000-byte write");
    is(read(fds[0], big, sizeof big), 4096, "packet: is read as PIPE_BUF bytes first");
    is(read(fds[0], big, sizeof big), 6000 - 4096, "packet: and the rest");
    close(fds[0]);
    close(fds[1]);
    fails_with(pipe2(fds, O_APPEND), EINVAL, "pipe2 with another flag is EINVAL");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fifo.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (!ok(mkdir(dir, 0755) == 0, "mkdir a scratch directory %s", dir))
        return tap_done();
    const char *path = path_in(dir, "fifo");
    nodes(path);
    blocking_opens(path);
    nonblocking_opens(path);
    unlink(path);
    packets();
    is(rmdir(dir), 0, "the scratch directory is empty at the end and is removed");
    return tap_done();
}
