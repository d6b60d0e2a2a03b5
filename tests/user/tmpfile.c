/* open(O_TMPFILE): an unnamed regular file in a directory (a tmpfs of its own when run as
 * root), linkat(fd, "", ..., AT_EMPTY_PATH) giving it a name unless O_EXCL, the inode and
 * blocks it takes in statfs until closed, and the EINVAL/ENOTDIR/ENOENT/EOPNOTSUPP cases.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#define NOBODY 65534

static char dir[512];

static char *at(const char *name)
{
    static char paths[2][600];
    static int next;
    char *path = paths[next++ % 2];
    snprintf(path, sizeof paths[0], "%s/%s", dir, name);
    return path;
}

/* Entries in `dir` besides . and .. */
static int entries(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            count++;
    closedir(d);
    return count;
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/tmpfile-test", tmp ? tmp : "/tmp");
    mkdir(dir, 0755);
    int root = getuid() == 0;
    int mounted = root && mount("tmpfile-tmpfs", dir, "tmpfs", 0, "size=1m,nr_inodes=16") == 0;
    umask(022);

    struct statfs before, during, after;
    statfs(dir, &before);
    int fd = open(dir, O_TMPFILE | O_RDWR, 0666);
    if (!ok(fd >= 0, "open(dir, O_TMPFILE | O_RDWR)")) {
        diag("errno %d (%s)", errno, strerror(errno));
        return tap_done();
    }
    struct stat st;
    ok(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "it is a regular file");
    is(st.st_nlink, 0, "with no link");
    is(st.st_mode & 07777, 0644, "its mode loses the umask's bits");
    is(entries(), 0, "the directory does not list it");
    char text[] = "temporary";
    is(pwrite(fd, text, sizeof text, 8192), sizeof text, "write to it");
    char back[sizeof text] = "";
    ok(pread(fd, back, sizeof back, 8192) == sizeof back && memcmp(back, text, sizeof text) == 0,
       "read it back");
    statfs(dir, &during);
    if (mounted) {
        is(before.f_ffree - during.f_ffree, 1, "statfs: it takes an inode");
        is(before.f_bfree - during.f_bfree, 1, "statfs: and the page written");
    } else {
        skip("not root: no tmpfs of its own", "statfs: it takes an inode");
        skip("not root: no tmpfs of its own", "statfs: and the page written");
    }

    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
            _exit(2);
        errno = 0;
        int linked = linkat(fd, "", AT_FDCWD, at("nobody"), AT_EMPTY_PATH);
        _exit(linked == -1 && errno == ENOENT ? 0 : 1);
    }
    if (root)
        exits_with(pid, 0, "linkat AT_EMPTY_PATH without CAP_DAC_READ_SEARCH: ENOENT");
    else
        waitpid(pid, NULL, 0), skip("not root", "linkat AT_EMPTY_PATH without CAP_DAC_READ_SEARCH: ENOENT");

    if (root) {
        is(linkat(fd, "", AT_FDCWD, at("named"), AT_EMPTY_PATH), 0, "linkat(fd, \"\", AT_EMPTY_PATH) names it");
        struct stat named;
        ok(stat(at("named"), &named) == 0 && named.st_ino == st.st_ino && named.st_nlink == 1,
           "the name is the same inode, with one link");
        ok(fstat(fd, &st) == 0 && st.st_nlink == 1, "fstat sees the link");
        is(entries(), 1, "the directory lists it");
        int again = open(at("named"), O_RDONLY);
        memset(back, 0, sizeof back);
        ok(again >= 0 && pread(again, back, sizeof back, 8192) == sizeof back && strcmp(back, text) == 0,
           "opening the name reads what was written");
        close(again);
        is(unlink(at("named")), 0, "unlink the name");
    } else {
        for (int i = 0; i < 6; i++)
            skip("not root", "linkat AT_EMPTY_PATH (CAP_DAC_READ_SEARCH)");
    }
    close(fd);
    statfs(dir, &after);
    if (mounted)
        ok(after.f_ffree == before.f_ffree && after.f_bfree == before.f_bfree,
           "statfs: closing gives the inode and blocks back");
    else
        skip("not root: no tmpfs of its own", "statfs: closing gives the inode and blocks back");

    fd = open(dir, O_TMPFILE | O_WRONLY | O_EXCL, 0600);
    ok(fd >= 0, "O_TMPFILE | O_EXCL");
    if (root)
        fails_with(linkat(fd, "", AT_FDCWD, at("excl"), AT_EMPTY_PATH), ENOENT,
                   "O_EXCL: linkat cannot name it (ENOENT)");
    else
        skip("not root", "O_EXCL: linkat cannot name it (ENOENT)");
    close(fd);

    fails_with(open(dir, O_TMPFILE | O_RDONLY, 0600), EINVAL, "O_TMPFILE read-only: EINVAL");
    fails_with(open(dir, O_TMPFILE | O_CREAT | O_RDWR, 0600), EINVAL, "O_TMPFILE with O_CREAT: EINVAL");
    fails_with(open(dir, (O_TMPFILE & ~O_DIRECTORY) | O_RDWR, 0600), EINVAL,
               "__O_TMPFILE without O_DIRECTORY: EINVAL");
    fails_with(open(at("missing"), O_TMPFILE | O_RDWR, 0600), ENOENT, "a missing directory: ENOENT");
    int plain = open(at("plain"), O_CREAT | O_WRONLY, 0600);
    close(plain);
    fails_with(open(at("plain"), O_TMPFILE | O_RDWR, 0600), ENOTDIR, "a regular file: ENOTDIR");
    unlink(at("plain"));
    if (root)
        fails_with(open("/proc", O_TMPFILE | O_RDWR, 0600), EOPNOTSUPP,
                   "a filesystem without tmpfiles (/proc): EOPNOTSUPP");
    else
        skip("not root", "a filesystem without tmpfiles (/proc): EOPNOTSUPP");

    if (mounted)
        umount(dir);
    rmdir(dir);
    return tap_done();
}
