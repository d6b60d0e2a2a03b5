/* inotify: a watched directory reports IN_CREATE, IN_OPEN, IN_MODIFY, IN_CLOSE_WRITE,
 * IN_CLOSE_NOWRITE, IN_ATTRIB, IN_MOVED_FROM/IN_MOVED_TO with one cookie, IN_DELETE and
 * IN_ISDIR with the child's name; a watched file reports without a name, then
 * IN_DELETE_SELF and IN_IGNORED; IN_ONESHOT, IN_MASK_ADD, IN_MASK_CREATE, IN_ONLYDIR,
 * inotify_rm_watch's IN_IGNORED; read's packed records and EINVAL for a small buffer;
 * EAGAIN, FIONREAD, poll; the error cases. Works in a fresh directory under $TMPDIR. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "tap.h"

static char dir[4096];

/* The events waiting on `fd`, read at once into `buffer`; returns the byte count. */
static char buffer[8192] __attribute__((aligned(8)));
static int take(int fd)
{
    int n = read(fd, buffer, sizeof buffer);
    return n < 0 ? 0 : n;
}

/* Whether the events in buffer[0..n) are, in order, the `count` masks given, with `name`
 * for each (or "" for none); prints what came if not. */
static int events_are(int n, int wd, const char *name, int count, const uint32_t *masks)
{
    int index = 0, good = 1;
    for (int offset = 0; offset < n; index++) {
        struct inotify_event *event = (struct inotify_event *)(buffer + offset);
        const char *got = event->len ? event->name : "";
        if (index >= count || event->mask != masks[index] || event->wd != wd || strcmp(got, name) != 0)
            good = 0;
        offset += sizeof *event + event->len;
    }
    good = good && index == count;
    for (int offset = 0; !good && offset < n;) {
        struct inotify_event *event = (struct inotify_event *)(buffer + offset);
        diag("event wd %d mask %#x cookie %u name '%s'", event->wd, event->mask, event->cookie,
             event->len ? event->name : "");
        offset += sizeof *event + event->len;
    }
    return good;
}

static void directory_events(int fd)
{
    int wd = inotify_add_watch(fd, dir, IN_ALL_EVENTS);
    ok(wd > 0, "dir: add a watch on the scratch directory");
    is(read(fd, buffer, sizeof buffer), -1, "dir: nothing to read yet");
    ok(errno == EAGAIN, "dir: EAGAIN with IN_NONBLOCK");

    const char *file = path_in(dir, "file");
    int out = open(file, O_WRONLY | O_CREAT, 0644);
    write(out, "abc", 3);
    close(out);
    uint32_t created[] = {IN_CREATE, IN_OPEN, IN_MODIFY, IN_CLOSE_WRITE};
    ok(events_are(take(fd), wd, "file", 4, created), "dir: create, open, write, close: four events with the name");

    int in = open(file, O_RDONLY);
    char byte;
    read(in, &byte, 1);
    close(in);
    uint32_t opened[] = {IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE};
    ok(events_are(take(fd), wd, "file", 3, opened), "dir: open, read, close: IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE");

    chmod(file, 0600);
    uint32_t attrib[] = {IN_ATTRIB};
    ok(events_are(take(fd), wd, "file", 1, attrib), "dir: chmod is IN_ATTRIB");

    int length = 0;
    const char *moved = path_in(dir, "moved");
    rename(file, moved);
    ioctl(fd, FIONREAD, &length);
    is(length, 2 * (sizeof(struct inotify_event) + 16), "dir: FIONREAD counts two records of 16-byte names");
    int n = take(fd);
    struct inotify_event *from = (struct inotify_event *)buffer;
    struct inotify_event *to = (struct inotify_event *)(buffer + sizeof *from + from->len);
    ok(n == length && from->mask == IN_MOVED_FROM && strcmp(from->name, "file") == 0, "dir: IN_MOVED_FROM file");
    ok(to->mask == IN_MOVED_TO && strcmp(to->name, "moved") == 0, "dir: IN_MOVED_TO moved");
    ok(from->cookie != 0 && from->cookie == to->cookie, "dir: both with one cookie");
    is(from->len, 16, "dir: the name is NUL-padded to 16 bytes");

    unlink(moved);
    uint32_t deleted[] = {IN_DELETE};
    ok(events_are(take(fd), wd, "moved", 1, deleted), "dir: unlink is IN_DELETE");

    const char *sub = path_in(dir, "sub");
    mkdir(sub, 0755);
    rmdir(sub);
    uint32_t directory[] = {IN_CREATE | IN_ISDIR, IN_DELETE | IN_ISDIR};
    ok(events_are(take(fd), wd, "sub", 2, directory), "dir: mkdir and rmdir with IN_ISDIR");

    is(inotify_rm_watch(fd, wd), 0, "dir: inotify_rm_watch");
    uint32_t ignored[] = {IN_IGNORED};
    ok(events_are(take(fd), wd, "", 1, ignored), "dir: IN_IGNORED follows");
    fails_with(inotify_rm_watch(fd, wd), EINVAL, "dir: a second rm_watch is EINVAL");
}

static void file_events(int fd)
{
    const char *file = path_in(dir, "self");
    close(open(file, O_WRONLY | O_CREAT, 0644));
    int wd = inotify_add_watch(fd, file, IN_MODIFY | IN_DELETE_SELF | IN_ATTRIB);
    ok(wd > 0, "self: watch a file");
    int out = open(file, O_WRONLY);
    write(out, "x", 1);
    close(out);
    uint32_t modified[] = {IN_MODIFY};
    ok(events_are(take(fd), wd, "", 1, modified), "self: only the asked-for IN_MODIFY, no name");
    unlink(file);
    uint32_t gone[] = {IN_ATTRIB, IN_DELETE_SELF, IN_IGNORED};
    ok(events_are(take(fd), wd, "", 3, gone), "self: unlink: IN_ATTRIB, IN_DELETE_SELF, IN_IGNORED");
    fails_with(inotify_rm_watch(fd, wd), EINVAL, "self: the watch is gone");
}

static void watch_flags(int fd)
{
    const char *file = path_in(dir, "flags");
    close(open(file, O_WRONLY | O_CREAT, 0644));
    int wd = inotify_add_watch(fd, file, IN_ATTRIB | IN_ONESHOT);
    chmod(file, 0600);
    chmod(file, 0644);
    uint32_t once[] = {IN_ATTRIB, IN_IGNORED};
    ok(events_are(take(fd), wd, "", 2, once), "flags: IN_ONESHOT reports once, then IN_IGNORED");

    wd = inotify_add_watch(fd, file, IN_ATTRIB);
    is(inotify_add_watch(fd, file, IN_MODIFY | IN_MASK_ADD), wd, "flags: IN_MASK_ADD keeps the descriptor");
    chmod(file, 0600);
    uint32_t both[] = {IN_ATTRIB};
    ok(events_are(take(fd), wd, "", 1, both), "flags: the old bit still reports after IN_MASK_ADD");
    is(inotify_add_watch(fd, file, IN_MODIFY), wd, "flags: a plain add replaces the mask");
    chmod(file, 0644);
    is(take(fd), 0, "flags: IN_ATTRIB no longer reported");
    fails_with(inotify_add_watch(fd, file, IN_MODIFY | IN_MASK_CREATE), EEXIST, "flags: IN_MASK_CREATE on a watched file is EEXIST");
    fails_with(inotify_add_watch(fd, file, IN_MODIFY | IN_MASK_CREATE | IN_MASK_ADD), EINVAL,
               "flags: IN_MASK_CREATE with IN_MASK_ADD is EINVAL");
    fails_with(inotify_add_watch(fd, file, IN_MODIFY | IN_ONLYDIR), ENOTDIR, "flags: IN_ONLYDIR on a file is ENOTDIR");
    inotify_rm_watch(fd, wd);
    take(fd);
    unlink(file);
}

static void errors(int fd)
{
    fails_with(inotify_init1(0x1), EINVAL, "errors: inotify_init1 with an unknown flag");
    fails_with(inotify_add_watch(fd, dir, 0), EINVAL, "errors: an empty mask is EINVAL");
    fails_with(inotify_add_watch(fd, path_in(dir, "none"), IN_ALL_EVENTS), ENOENT, "errors: a missing path is ENOENT");
    fails_with(inotify_add_watch(0 + 999, dir, IN_ALL_EVENTS), EBADF, "errors: a closed descriptor is EBADF");
    int fds[2];
    if (opened_pipe(fds, "errors")) {
        fails_with(inotify_add_watch(fds[0], dir, IN_ALL_EVENTS), EINVAL, "errors: a pipe is no inotify (EINVAL)");
        close(fds[0]);
        close(fds[1]);
    }
    int blocking = inotify_init();
    ok(blocking >= 0, "errors: inotify_init works");
    int wd = inotify_add_watch(blocking, dir, IN_CREATE);
    close(open(path_in(dir, "small"), O_WRONLY | O_CREAT, 0644));
    char small[sizeof(struct inotify_event) + 4];
    fails_with(read(blocking, small, sizeof small), EINVAL, "errors: a buffer too small for the record is EINVAL");
    struct pollfd entry = {blocking, POLLIN, 0};
    is(poll(&entry, 1, 0), 1, "errors: poll says readable meanwhile");
    ok(read(blocking, buffer, sizeof buffer) == sizeof(struct inotify_event) + 16, "errors: a big enough buffer gets it");
    inotify_rm_watch(blocking, wd);
    close(blocking);
    unlink(path_in(dir, "small"));
    int cloexec = inotify_init1(IN_CLOEXEC);
    is(fcntl(cloexec, F_GETFD), FD_CLOEXEC, "errors: IN_CLOEXEC sets FD_CLOEXEC");
    close(cloexec);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/inotify.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (!ok(mkdir(dir, 0755) == 0, "mkdir a scratch directory %s", dir))
        return tap_done();
    int fd = inotify_init1(IN_NONBLOCK);
    ok(fd >= 0, "inotify_init1(IN_NONBLOCK)");
    directory_events(fd);
    file_events(fd);
    watch_flags(fd);
    errors(fd);
    close(fd);
    is(rmdir(dir), 0, "the scratch directory is empty at the end and is removed");
    return tap_done();
}
