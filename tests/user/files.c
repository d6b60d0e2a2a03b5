/* File semantics: O_APPEND, O_EXCL, O_TRUNC, holes, unlink while open, rename over a file,
 * getdents64, ftruncate, stat of symbolic links, directories, working directory, pipes (and
 * their bad buffers).
 * Works in a fresh directory under $TMPDIR (default /tmp). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "tap.h"

static char dir[1024];

static const char *at(const char *name) { return path_in(dir, name); }

/* The whole content of `path` (at most `size` - 1 bytes) as a string; -1 if unreadable. */
static ssize_t slurp(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t total = 0, n;
    while ((size_t)total < size - 1 && (n = read(fd, buffer + total, size - 1 - total)) > 0)
        total += n;
    close(fd);
    buffer[total] = '\0';
    return total;
}

#define content_is(path, expected, ...) do { \
        char ci_buffer_[256]; \
        ssize_t ci_n_ = slurp((path), ci_buffer_, sizeof ci_buffer_); \
        if (!ok(ci_n_ >= 0 && strcmp(ci_buffer_, (expected)) == 0, __VA_ARGS__)) \
            diag("read %zd bytes: \"%s\", expected \"%s\"", ci_n_, ci_n_ >= 0 ? ci_buffer_ : "", \
                 (expected)); \
    } while (0)

static void write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        write(fd, text, strlen(text));
        close(fd);
    }
}

static void append_and_excl(void)
{
    const char *path = at("append");
    int a = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int b = open(path, O_WRONLY | O_APPEND);
    ok(a >= 0 && b >= 0, "open one file twice with O_APPEND");
    write(a, "aaa", 3);
    write(b, "bb", 2);
    write(a, "c", 1);
    content_is(path, "aaabbc", "writes through two O_APPEND descriptors all land at the end");
    is(lseek(a, 0, SEEK_CUR), 6, "after an O_APPEND write the offset is the end of file");
    close(a);
    close(b);

    fails_with(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST, "O_CREAT|O_EXCL on an existing file is EEXIST");
    int fresh = open(at("excl"), O_WRONLY | O_CREAT | O_EXCL, 0600);
    succeeds(fresh, "O_CREAT|O_EXCL on a new name creates it");
    close(fresh);
    struct stat st;
    ok(stat(at("excl"), &st) == 0 && (st.st_mode & 07777) == 0600 && S_ISREG(st.st_mode),
       "the new file is a regular file with mode 0600");
    fails_with(open(at("nothing"), O_RDONLY), ENOENT, "opening a missing file is ENOENT");

    write_text(at("trunc"), "some old content");
    int t = open(at("trunc"), O_WRONLY | O_TRUNC);
    ok(t >= 0 && fstat(t, &st) == 0 && st.st_size == 0, "O_TRUNC empties an existing file");
    write(t, "new", 3);
    close(t);
    content_is(at("trunc"), "new", "and what is written afterwards is all there is");
}

static void holes_and_seek(void)
{
    int fd = open(at("holes"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "head", 4);
    is(lseek(fd, 10000, SEEK_SET), 10000, "lseek past the end of file");
    write(fd, "tail", 4);
    struct stat st;
    fstat(fd, &st);
    is(st.st_size, 10004, "a write there makes st_size 10004");
    static char buffer[10004];
    is(pread(fd, buffer, sizeof buffer, 0), 10004, "pread of the whole file");
    int zeros = 1;
    for (int i = 4; i < 10000; i++)
        zeros &= buffer[i] == 0;
    ok(memcmp(buffer, "head", 4) == 0 && zeros && memcmp(buffer + 10000, "tail", 4) == 0,
       "the gap reads as zeros between the two writes");
    is(lseek(fd, 0, SEEK_CUR), 10004, "pread does not move the offset");
    is(lseek(fd, -4, SEEK_END), 10000, "SEEK_END with -4");
    is(lseek(fd, 2, SEEK_CUR), 10002, "SEEK_CUR with +2");
    fails_with(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset is EINVAL");
    is(pwrite(fd, "HE", 2, 0), 2, "pwrite at offset 0");
    is(lseek(fd, 0, SEEK_CUR), 10002, "pwrite does not move the offset");
    char small[5] = "";
    pread(fd, small, 4, 0);
    ok(memcmp(small, "HEad", 4) == 0, "pwrite's bytes are there");
    close(fd);
}

static void ftruncate_sizes(void)
{
    int fd = open(at("sizes"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "abcdef", 6);
    struct stat st;
    is(ftruncate(fd, 8192), 0, "ftruncate grows a file to 8192 bytes");
    fstat(fd, &st);
    is(st.st_size, 8192, "st_size is 8192");
    char buffer[8192];
    pread(fd, buffer, sizeof buffer, 0);
    int zeros = 1;
    for (int i = 6; i < 8192; i++)
        zeros &= buffer[i] == 0;
    ok(memcmp(buffer, "abcdef", 6) == 0 && zeros, "the grown part reads as zeros");
    is(ftruncate(fd, 3), 0, "ftruncate shrinks it to 3 bytes");
    fstat(fd, &st);
    is(st.st_size, 3, "st_size is 3");
    ftruncate(fd, 6);
    memset(buffer, 'x', 6);
    pread(fd, buffer, 6, 0);
    ok(memcmp(buffer, "abc\0\0\0", 6) == 0, "growing again gives zeros, not the old bytes");
    fails_with(ftruncate(fd, -1), EINVAL, "ftruncate to a negative size is EINVAL");
    close(fd);
    int ro = open(at("sizes"), O_RDONLY);
    fails_with(ftruncate(ro, 0), EINVAL, "ftruncate of a read-only descriptor is EINVAL");
    close(ro);
}

static void unlink_while_open(void)
{
    const char *path = at("doomed");
    write_text(path, "data");
    int fd = open(path, O_RDWR);
    is(unlink(path), 0, "unlink a file that is open");
    struct stat st;
    fails_with(stat(path, &st), ENOENT, "its name is gone");
    ok(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 4,
       "fstat of the open file: nlink 0, size 4");
    char buffer[16] = "";
    ok(read(fd, buffer, sizeof buffer) == 4 && memcmp(buffer, "data", 4) == 0,
       "the open file still reads its data");
    ok(write(fd, "more", 4) == 4 && pread(fd, buffer, sizeof buffer, 0) == 8 &&
       memcmp(buffer, "datamore", 8) == 0, "and can still be written and read back");
    close(fd);
}

static void rename_over(void)
{
    write_text(at("new"), "new contents");
    write_text(at("old"), "old contents");
    int old_fd = open(at("old"), O_RDONLY);
    struct stat before, after;
    stat(at("new"), &before);
    is(rename(at("new"), at("old")), 0, "rename a file over an existing one");
    content_is(at("old"), "new contents", "the target name now has the renamed file's contents");
    ok(stat(at("old"), &after) == 0 && after.st_ino == before.st_ino,
       "and the renamed file's inode number");
    fails_with(access(at("new"), F_OK), ENOENT, "the source name is gone");
    char buffer[32] = "";
    ok(read(old_fd, buffer, sizeof buffer) == 12 && memcmp(buffer, "old contents", 12) == 0,
       "a descriptor open on the replaced file still reads the old contents");
    close(old_fd);
    mkdir(at("rdir"), 0755);
    fails_with(rename(at("old"), at("rdir")), EISDIR, "renaming a file over a directory is EISDIR");
    fails_with(rename(at("nothing"), at("x")), ENOENT, "renaming a missing file is ENOENT");
    rmdir(at("rdir"));
}

/* A getdents64 record, as the kernel writes it. */
struct dirent64_record {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

static void directory_listing(void)
{
    const char *list = at("list");
    mkdir(list, 0755);
    static const char *const names[] = { "one", "two", "three", "a-much-longer-name-than-the-others" };
    char path[2200];
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", list, names[i]);
        write_text(path, "x");
    }
    snprintf(path, sizeof path, "%s/sub", list);
    mkdir(path, 0755);

    int fd = open(list, O_RDONLY | O_DIRECTORY);
    char buffer[4096] __attribute__((aligned(8)));
    long n = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
    int seen = 0, unexpected = 0, aligned = 1, types_right = 1;
    for (long pos = 0; pos < n;) {
        struct dirent64_record *d = (struct dirent64_record *)(buffer + pos);
        aligned &= d->d_reclen % 8 == 0 && d->d_reclen > 0;
        int found = 0;
        if (strcmp(d->d_name, ".") == 0) found = 1 << 5, types_right &= d->d_type == DT_DIR;
        else if (strcmp(d->d_name, "..") == 0) found = 1 << 6, types_right &= d->d_type == DT_DIR;
        else if (strcmp(d->d_name, "sub") == 0) found = 1 << 4, types_right &= d->d_type == DT_DIR;
        for (int i = 0; i < 4; i++)
            if (strcmp(d->d_name, names[i]) == 0)
                found = 1 << i, types_right &= d->d_type == DT_REG;
        if (!found || (seen & found)) {
            unexpected++;
            diag("unexpected or repeated entry \"%s\"", d->d_name);
        }
        seen |= found;
        if (d->d_reclen == 0)
            break;
        pos += d->d_reclen;
    }
    ok(n > 0 && seen == 0x7f && !unexpected,
       "getdents64 lists exactly ., .., the 4 files and the subdirectory");
    if (seen != 0x7f)
        diag("getdents64 returned %ld, entries seen %#x of 0x7f", n, seen);
    ok(aligned, "every record's d_reclen is a multiple of 8");
    ok(types_right, "d_type is DT_DIR for ., .. and sub and DT_REG for the files");
    is(syscall(SYS_getdents64, fd, buffer, sizeof buffer), 0, "the next getdents64 returns 0 at the end");
    is(lseek(fd, 0, SEEK_SET), 0, "lseek to 0 rewinds the directory");
    fails_with(syscall(SYS_getdents64, fd, buffer, 8), EINVAL, "a buffer too small for one record is EINVAL");
    close(fd);
    int file = open(at("append"), O_RDONLY);
    fails_with(syscall(SYS_getdents64, file, buffer, sizeof buffer), ENOTDIR, "getdents64 of a file is ENOTDIR");
    close(file);

    DIR *d = opendir(list);
    int count = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;)
        count++;
    if (d)
        closedir(d);
    is(count, 7, "readdir sees the same 7 entries");

    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", list, names[i]);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/sub", list);
    rmdir(path);
    rmdir(list);
}

static void symlinks(void)
{
    write_text(at("target"), "target!");
    is(symlink("target", at("link")), 0, "symlink link -> target");
    struct stat ls, ts, fs;
    ok(lstat(at("link"), &ls) == 0 && S_ISLNK(ls.st_mode) && ls.st_size == 6,
       "lstat of the link: S_IFLNK, st_size 6 (the length of \"target\")");
    ok(stat(at("link"), &ts) == 0 && S_ISREG(ts.st_mode) && ts.st_size == 7,
       "stat of the link follows it: a regular file of 7 bytes");
    int fd = open(at("link"), O_RDONLY);
    ok(fd >= 0 && fstat(fd, &fs) == 0 && fs.st_ino == ts.st_ino && fs.st_ino != ls.st_ino,
       "fstat of the opened link is the target's inode, not the link's");
    close(fd);
    char buffer[64];
    memset(buffer, '#', sizeof buffer);
    ssize_t n = readlink(at("link"), buffer, sizeof buffer);
    ok(n == 6 && memcmp(buffer, "target", 6) == 0 && buffer[6] == '#',
       "readlink gives \"target\" without a terminating NUL");
    fails_with(readlink(at("target"), buffer, sizeof buffer), EINVAL, "readlink of a regular file is EINVAL");
    symlink("nowhere", at("dangling"));
    fails_with(stat(at("dangling"), &ts), ENOENT, "stat through a dangling link is ENOENT");
    ok(lstat(at("dangling"), &ls) == 0 && S_ISLNK(ls.st_mode), "lstat of a dangling link works");
    fails_with(open(at("link"), O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a link is ELOOP");
    is(link(at("target"), at("hard")), 0, "link makes a second name");
    ok(stat(at("hard"), &ts) == 0 && ts.st_nlink == 2, "both names: st_nlink 2");
    unlink(at("hard"));
    unlink(at("dangling"));
    unlink(at("link"));
}

static void directories(void)
{
    const char *d = at("d");
    is(mkdir(d, 0750), 0, "mkdir");
    struct stat st;
    ok(stat(d, &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0750,
       "it is a directory with mode 0750");
    fails_with(mkdir(d, 0755), EEXIST, "mkdir of an existing name is EEXIST");
    char inner[2200];
    snprintf(inner, sizeof inner, "%s/f", d);
    write_text(inner, "x");
    fails_with(rmdir(d), ENOTEMPTY, "rmdir of a non-empty directory is ENOTEMPTY");
    fails_with(rmdir(inner), ENOTDIR, "rmdir of a file is ENOTDIR");
    fails_with(unlink(d), EISDIR, "unlink of a directory is EISDIR");
    fails_with(open(d, O_WRONLY), EISDIR, "opening a directory for writing is EISDIR");
    fails_with(open(inner, O_RDONLY | O_DIRECTORY), ENOTDIR, "O_DIRECTORY on a file is ENOTDIR");
    snprintf(inner, sizeof inner, "%s/f/g", d);
    fails_with(mkdir(inner, 0755), ENOTDIR, "mkdir below a file is ENOTDIR");
    snprintf(inner, sizeof inner, "%s/f", d);
    unlink(inner);
    is(rmdir(d), 0, "rmdir once it is empty");
    fails_with(stat(d, &st), ENOENT, "then it is gone");

    char cwd[2048] = "", before[2048] = "";
    getcwd(before, sizeof before);
    mkdir(d, 0755);
    ok(chdir(d) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, d) == 0,
       "chdir into it, and getcwd names it");
    write_text("relative", "here");
    content_is(at("d/relative"), "here", "a relative name is created in the working directory");
    unlink("relative");
    ok(chdir("..") == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0, "chdir .. goes back up");
    chdir(before);
    rmdir(d);
}

static void pipes(void)
{
    int p[2];
    if (!ok(pipe(p) == 0, "pipe"))
        return;
    char buffer[16] = "";
    ok(write(p[1], "hello", 5) == 5 && read(p[0], buffer, sizeof buffer) == 5 &&
       memcmp(buffer, "hello", 5) == 0, "what is written to a pipe is read from it");
    struct stat st;
    ok(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat of a pipe end is S_IFIFO");
    close(p[1]);
    is(read(p[0], buffer, sizeof buffer), 0, "with the write end closed, read returns 0 (end of file)");
    close(p[0]);

    /* 1 MiB through a pipe between two processes: the writer blocks when it is full. */
    pipe(p);
    pid_t writer = fork();
    if (writer == 0) {
        close(p[0]);
        static uint8_t chunk[10000];
        for (unsigned total = 0; total < (1u << 20);) {
            unsigned n = sizeof chunk;
            if (n > (1u << 20) - total)
                n = (1u << 20) - total;
            for (unsigned i = 0; i < n; i++)
                chunk[i] = (uint8_t)((total + i) * 7);
            ssize_t w = write(p[1], chunk, n);
            if (w <= 0)
                _exit(1);
            total += (unsigned)w;
        }
        _exit(0);
    }
    close(p[1]);
    static uint8_t in[65536];
    unsigned total = 0, wrong = 0;
    for (ssize_t n; (n = read(p[0], in, sizeof in)) > 0;) {
        for (ssize_t i = 0; i < n; i++)
            wrong += in[i] != (uint8_t)((total + i) * 7);
        total += (unsigned)n;
    }
    close(p[0]);
    ok(total == (1u << 20) && wrong == 0, "1 MiB passes through a pipe from a child, in order");
    if (total != (1u << 20) || wrong)
        diag("read %u bytes, %u wrong", total, wrong);
    exits_with(writer, 0, "the writing child exits 0");

    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    fails_with(write(p[1], "x", 1), EPIPE, "writing to a pipe without readers is EPIPE (SIGPIPE ignored)");
    signal(SIGPIPE, SIG_DFL);
    pid_t child = fork();
    if (child == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    killed_by(child, SIGPIPE, "and kills the writer with SIGPIPE by default");
    close(p[1]);
}

/* A bad buffer moves nothing through a pipe: a write from it is EFAULT and puts nothing in, a
 * read into it is EFAULT and leaves the bytes for the next read. */
static void pipe_faults(void)
{
    int p[2];
    if (!ok(pipe(p) == 0, "pipe for bad buffers"))
        return;
    void *bad = bad_pointer(8);
    int waiting = -1;
    fails_with(write(p[1], bad, 16), EFAULT, "a pipe write from a bad address is EFAULT");
    ok(ioctl(p[0], FIONREAD, &waiting) == 0 && waiting == 0, "and puts nothing in (FIONREAD %d)", waiting);
    is(write(p[1], "kept", 4), 4, "four bytes written");
    fails_with(read(p[0], bad, 16), EFAULT, "a pipe read into a bad address is EFAULT");
    ok(ioctl(p[0], FIONREAD, &waiting) == 0 && waiting == 4, "and leaves the bytes (FIONREAD %d)", waiting);
    char buffer[8] = "";
    ok(read(p[0], buffer, sizeof buffer) == 4 && memcmp(buffer, "kept", 4) == 0, "for the next read");
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/files.%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    if (!ok(mkdir(dir, 0755) == 0, "mkdir a scratch directory %s", dir))
        return tap_done();
    append_and_excl();
    holes_and_seek();
    ftruncate_sizes();
    unlink_while_open();
    rename_over();
    directory_listing();
    symlinks();
    directories();
    pipes();
    pipe_faults();
    static const char *const made[] = { "append", "excl", "trunc", "holes", "sizes", "old", "target" };
    for (unsigned i = 0; i < sizeof made / sizeof made[0]; i++)
        unlink(at(made[i]));
    is(rmdir(dir), 0, "the scratch directory is empty at the end and is removed");
    return tap_done();
}
