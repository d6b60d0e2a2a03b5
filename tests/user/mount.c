/* mount(2), umount2(2), statfs, chroot, pivot_root and sethostname (docs/vfs.md, "Mounts").
 *
 * As root: tmpfs with size=, nr_inodes= and mode= (statfs's block and inode counts, ENOSPC at
 * the size and at the inode limit), ramfs, read-only remounts (EROFS for every kind of write)
 * and back, bind mounts with and without MS_REC and a read-only bind, MS_NOEXEC, MS_NODEV and
 * MS_NOSUID, access times (relatime, strictatime, noatime), umount2's EBUSY (open file,
 * working directory, a mount below) and MNT_DETACH, EINVAL and ENODEV for bad requests, the
 * mount's line in /proc/self/mountinfo when /proc is there, chroot, pivot_root, and
 * sethostname/setdomainname as uname shows them. As user 65534: EPERM for all of these.
 *
 * On a host the privileged part runs in new mount and UTS namespaces (unshare), so it changes
 * nothing outside; on Apus, which has one namespace and no unshare (ENOSYS), it runs as it is
 * and undoes what it did. Not run as root (on a host), only the EPERM checks are made.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <time.h>

#define NOBODY 65534
#define TMPFS_MAGIC 0x01021994
#define RAMFS_MAGIC 0x858458f6

static char scratch[512];
static char self[4096];
/* The tmpfs most checks use, and where it is bound. */
static char t[600], b[600];

static const char *at(const char *name) { return path_in(scratch, name); }

static int pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* Writes `size` bytes to a new file; returns how many went in, errno set by the failure. */
static long fill(const char *path, long size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    static char page[4096];
    memset(page, 'x', sizeof page);
    long written = 0;
    int saved = 0;
    while (written < size) {
        ssize_t n = write(fd, page, (size_t)(size - written < 4096 ? size - written : 4096));
        if (n <= 0) {
            saved = errno;
            break;
        }
        written += n;
    }
    close(fd);
    errno = saved;
    return written;
}

static int make_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}


static dev_t device_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_dev : (dev_t)-1;
}

/* Whether /proc/self/mountinfo has a line with every one of the words, in order. */
static int mountinfo_has(const char *first, const char *second, const char *third)
{
    FILE *file = fopen("/proc/self/mountinfo", "r");
    char line[4096];
    int found = 0;
    while (file && !found && fgets(line, sizeof line, file)) {
        char *a = strstr(line, first);
        char *b = a ? strstr(a, second) : NULL;
        found = b && strstr(b, third);
    }
    if (file)
        fclose(file);
    return found;
}

static void tmpfs_limits(void)
{
    mkdir(t, 0755);
    succeeds(mount("scratch-tmpfs", t, "tmpfs", 0, "size=64k,nr_inodes=8,mode=0750"),
             "mount tmpfs with size=64k,nr_inodes=8,mode=0750");
    struct stat st;
    is(stat(t, &st) == 0 ? st.st_mode : 0, S_IFDIR | 0750, "mode= sets the root's mode");
    ok(device_of(t) != device_of(scratch), "the mount point shows the new filesystem");
    struct statfs fs;
    succeeds(statfs(t, &fs), "statfs of the tmpfs");
    is(fs.f_type, TMPFS_MAGIC, "statfs: f_type is TMPFS_MAGIC");
    is(fs.f_bsize, 4096, "statfs: f_bsize is the page size");
    is(fs.f_blocks, 16, "statfs: f_blocks is 64 KiB in pages");
    is(fs.f_bfree, 16, "statfs: an empty tmpfs has every block free");
    is(fs.f_bavail, 16, "statfs: f_bavail as f_bfree");
    is(fs.f_files, 8, "statfs: f_files is nr_inodes");
    is(fs.f_ffree, 7, "statfs: the root takes one inode");
    is(fs.f_namelen, 255, "statfs: f_namelen is NAME_MAX");

    errno = 0;
    long written = fill(at("t/big"), 65536 + 4096);
    is(written, 65536, "a file fills the size and no more");
    is(errno, ENOSPC, "then the write fails with ENOSPC");
    statfs(t, &fs);
    is(fs.f_bfree, 0, "statfs: no block free when full");
    is(fs.f_ffree, 6, "statfs: the file took an inode");
    fails_with(fill(at("t/more"), 1) == 1 ? 0 : -1, ENOSPC, "a full tmpfs refuses another byte");
    unlink(at("t/more"));
    succeeds(unlink(at("t/big")), "unlink the big file");
    statfs(t, &fs);
    is(fs.f_bfree, 16, "statfs: unlinking gives the blocks back");
    is(fs.f_ffree, 7, "statfs: and the inode");

    int made = 0;
    char name[64];
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "t/file%d", i);
        if (make_file(at(name)) != 0)
            break;
        made++;
    }
    is(made, 7, "nr_inodes=8 leaves room for seven files beside the root");
    fails_with(mkdir(at("t/dir"), 0755), ENOSPC, "mkdir with no inode left is ENOSPC");
    for (int i = 0; i < made; i++) {
        snprintf(name, sizeof name, "t/file%d", i);
        unlink(at(name));
    }

    if (access("/proc/self/mountinfo", R_OK) == 0) {
        ok(mountinfo_has(" - tmpfs scratch-tmpfs rw", "size=64k", "mode=750"),
           "/proc/self/mountinfo shows the tmpfs with its source and options");
    } else {
        skip("no /proc", "/proc/self/mountinfo shows the tmpfs with its source and options");
    }
    fails_with(mount("none", t, "tmpfs", 0, "bogus=1"), EINVAL, "an unknown tmpfs option is EINVAL");
    fails_with(mount("none", t, "no-such-fs", 0, NULL), ENODEV, "an unknown type is ENODEV");
    fails_with(mount("none", at("missing"), "tmpfs", 0, NULL), ENOENT, "a missing mount point is ENOENT");
    fails_with(mount("none", t, NULL, 0, NULL), EINVAL, "a new mount without a type is EINVAL");

    mkdir(at("r"), 0755);
    succeeds(mount("none", at("r"), "ramfs", 0, NULL), "mount ramfs");
    succeeds(statfs(at("r"), &fs), "statfs of the ramfs");
    is(fs.f_type, RAMFS_MAGIC, "statfs: f_type is RAMFS_MAGIC");
    is(fs.f_blocks, 0, "statfs: ramfs has no size");
    ok(fs.f_bfree == 0 && fs.f_files == 0 && fs.f_ffree == 0, "statfs: nor block or inode counts");
    succeeds(umount(at("r")), "umount the ramfs");

    /* Without size= and nr_inodes=, half of RAM's pages each (Linux: shmem_default_max_*). */
    struct sysinfo info;
    if (sysinfo(&info) == 0 && mount("none", at("r"), "tmpfs", 0, NULL) == 0) {
        unsigned long long half = (unsigned long long)info.totalram * info.mem_unit / 4096 / 2;
        statfs(at("r"), &fs);
        is(fs.f_blocks, half, "statfs: a tmpfs has half of RAM by default");
        is(fs.f_files, half, "statfs: and half of RAM's pages as inodes");
        fill(at("r/grow"), 3 * 4096);
        struct statfs grown;
        statfs(at("r"), &grown);
        is(fs.f_bfree - grown.f_bfree, 3, "statfs: three pages written take three blocks");
        unlink(at("r/grow"));
        statfs(at("r"), &grown);
        is(grown.f_bfree, fs.f_bfree, "statfs: and unlink gives them back");
        umount(at("r"));
    } else {
        ok(0, "mount a tmpfs without options");
    }
}

static void remount_read_only(void)
{
    make_file(at("t/existing"));
    int writer = open(at("t/existing"), O_WRONLY);
    fails_with(mount(NULL, t, NULL, MS_REMOUNT | MS_RDONLY, NULL), EBUSY,
               "remounting read-only with a file open for writing is EBUSY");
    close(writer);
    succeeds(mount(NULL, t, NULL, MS_REMOUNT | MS_RDONLY, NULL), "remount the tmpfs read-only");
    struct statfs fs;
    statfs(t, &fs);
    ok(fs.f_flags & ST_RDONLY, "statfs: f_flags has ST_RDONLY");
    fails_with(open(at("t/new"), O_WRONLY | O_CREAT, 0644), EROFS, "read-only: creating a file is EROFS");
    fails_with(mkdir(at("t/newdir"), 0755), EROFS, "read-only: mkdir is EROFS");
    fails_with(open(at("t/existing"), O_WRONLY), EROFS, "read-only: opening for writing is EROFS");
    fails_with(unlink(at("t/existing")), EROFS, "read-only: unlink is EROFS");
    fails_with(chmod(at("t/existing"), 0600), EROFS, "read-only: chmod is EROFS");
    fails_with(access(at("t/existing"), W_OK), EROFS, "read-only: access(W_OK) is EROFS");
    int fd = open(at("t/existing"), O_RDONLY);
    ok(fd >= 0, "read-only: opening for reading works");
    close(fd);
    succeeds(mount(NULL, t, NULL, MS_REMOUNT, NULL), "remount it read-write");
    statfs(t, &fs);
    ok(!(fs.f_flags & ST_RDONLY), "statfs: ST_RDONLY is gone");
    succeeds(make_file(at("t/new")), "read-write again: creating works");
    succeeds(statfs(t, &fs) == 0 && fs.f_blocks == 16 ? 0 : -1, "the remount kept size=64k");
}

static void bind_mounts(void)
{
    mkdir(b, 0755);
    mkdir(at("t/sub"), 0755);
    succeeds(mount("none", at("t/sub"), "tmpfs", 0, NULL), "mount a tmpfs on t/sub");
    succeeds(mount(t, b, NULL, MS_BIND, NULL), "bind t on b");
    struct stat st1, st2;
    ok(stat(at("t/new"), &st1) == 0 && stat(at("b/new"), &st2) == 0 && st1.st_ino == st2.st_ino &&
           st1.st_dev == st2.st_dev, "the bind shows the same file");
    is(device_of(at("b/sub")), device_of(b), "without MS_REC the mount on sub is not in the bind");
    fails_with(umount2(t, 0), EBUSY, "umount2 of a mount with a mount on it is EBUSY");
    succeeds(mount(NULL, b, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), "remount the bind read-only");
    fails_with(make_file(at("b/through-bind")), EROFS, "creating through the read-only bind is EROFS");
    succeeds(make_file(at("t/through-t")), "the original mount stays writable");
    if (access("/proc/self/mountinfo", R_OK) == 0)
        ok(mountinfo_has("/b ro,", " - tmpfs scratch-tmpfs", " rw"),
           "/proc/self/mountinfo: the bind is ro, the filesystem rw");
    else
        skip("no /proc", "/proc/self/mountinfo: the bind is ro, the filesystem rw");
    succeeds(umount2(b, 0), "umount the bind");

    succeeds(mount(t, b, NULL, MS_BIND | MS_REC, NULL), "bind t on b with MS_REC");
    ok(device_of(at("b/sub")) == device_of(at("t/sub")) && device_of(at("b/sub")) != device_of(b),
       "with MS_REC the mount on sub comes along");
    fails_with(umount2(b, 0), EBUSY, "umount2 of the recursive bind is EBUSY: a mount is on it");
    succeeds(umount2(b, MNT_DETACH), "MNT_DETACH takes it and what is below it");
    is(device_of(b), device_of(scratch), "b is the plain directory again");
    succeeds(umount2(at("t/sub"), 0), "umount t/sub");
}

static void busy_and_detach(void)
{
    int fd = open(at("t/new"), O_RDONLY);
    fails_with(umount2(t, 0), EBUSY, "umount2 with a file open on the mount is EBUSY");
    close(fd);
    char cwd[4096];
    getcwd(cwd, sizeof cwd);
    chdir(t);
    fails_with(umount2(t, 0), EBUSY, "umount2 of the working directory's mount is EBUSY");
    chdir(cwd);
    fails_with(umount2(scratch, 0), EINVAL, "umount2 of a directory that is no mount's root is EINVAL");
    fails_with(umount2(t, 0x100), EINVAL, "umount2 with an unknown flag is EINVAL");

    fd = open(at("t/new"), O_WRONLY);
    succeeds(umount2(t, MNT_DETACH), "MNT_DETACH with a file open");
    is(write(fd, "kept", 4), 4, "the open file still works after the detach");
    close(fd);
    is(device_of(t), device_of(scratch), "the mount point is a plain directory again");
    fails_with(umount2(t, 0), EINVAL, "umount2 of what is no longer mounted is EINVAL");
}

/* Child: exits with EACCES if exec of a copy of this program is refused, 0 if it ran. */
static void exec_copy(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { (char *)path, "--exit", NULL };
        execv(path, argv);
        _exit(errno);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    errno = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

static void mount_flags(void)
{
    char n[600];
    snprintf(n, sizeof n, "%s/n", scratch);
    mkdir(n, 0755);
    succeeds(mount("none", n, "tmpfs", MS_NOEXEC | MS_NODEV | MS_NOSUID, NULL),
             "mount a tmpfs noexec,nodev,nosuid");
    struct statfs fs;
    statfs(n, &fs);
    ok((fs.f_flags & (ST_NOEXEC | ST_NODEV | ST_NOSUID)) == (ST_NOEXEC | ST_NODEV | ST_NOSUID),
       "statfs: f_flags has ST_NOEXEC, ST_NODEV and ST_NOSUID");
    copy_file(self, path_in(n, "program"), 04755);
    exec_copy(path_in(n, "program"));
    is(errno, EACCES, "noexec: exec is EACCES");
    int fd = open(path_in(n, "program"), O_RDONLY);
    void *mapped = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
    int mmap_errno = errno;
    ok(mapped == MAP_FAILED && mmap_errno == EPERM, "noexec: mmap with PROT_EXEC is EPERM");
    if (mapped != MAP_FAILED)
        munmap(mapped, 4096);
    close(fd);
    succeeds(mknod(path_in(n, "null"), S_IFCHR | 0666, makedev(1, 3)), "nodev: mknod still makes the node");
    fails_with(open(path_in(n, "null"), O_RDWR), EACCES, "nodev: opening the device is EACCES");

    /* nosuid: a set-user-ID root copy run by nobody keeps nobody's IDs. */
    succeeds(mount(NULL, n, NULL, MS_REMOUNT | MS_NOSUID, NULL), "remount without noexec");
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
            _exit(100);
        char *argv[] = { (char *)path_in(n, "program"), "--euid", NULL };
        execv(argv[0], argv);
        _exit(101);
    }
    exits_with(pid, 0, "nosuid: the set-user-ID program runs with the caller's user ID");
    succeeds(umount(n), "umount the nosuid tmpfs");
}

/* Reads a byte of `path` and returns its access time, after setting atime to now + `ahead`
 * seconds and mtime to a day ago. */
static time_t atime_after_read(const char *path, long ahead)
{
    struct timespec now, times[2];
    clock_gettime(CLOCK_REALTIME, &now);
    times[0].tv_sec = now.tv_sec + ahead;
    times[0].tv_nsec = 0;
    times[1].tv_sec = now.tv_sec - 86400;
    times[1].tv_nsec = 0;
    utimensat(AT_FDCWD, path, times, 0);
    char byte;
    int fd = open(path, O_RDONLY);
    read(fd, &byte, 1);
    close(fd);
    struct stat st;
    stat(path, &st);
    return st.st_atime - now.tv_sec;
}

static void access_times(void)
{
    static const struct {
        unsigned long flags;
        const char *name;
        long future_kept;       /* a future atime after a read: kept (1) or now (0) */
        long past_kept;         /* an atime older than mtime after a read */
    } cases[] = {
        { 0, "relatime (the default)", 1, 0 },
        { MS_STRICTATIME, "strictatime", 0, 0 },
        { MS_NOATIME, "noatime", 1, 1 },
    };
    char a[600], file[700];
    snprintf(a, sizeof a, "%s/a", scratch);
    snprintf(file, sizeof file, "%s/file", a);
    mkdir(a, 0755);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (mount("none", a, "tmpfs", cases[i].flags, NULL) != 0) {
            ok(0, "%s: mount failed (%s)", cases[i].name, strerror(errno));
            continue;
        }
        fill(file, 10);
        time_t future = atime_after_read(file, 3600);
        ok(cases[i].future_kept ? future >= 3599 : future < 5,
           "%s: a read %s an access time after the change time", cases[i].name,
           cases[i].future_kept ? "keeps" : "updates");
        time_t past = atime_after_read(file, -7200);
        ok(cases[i].past_kept ? past <= -7199 : past > -5,
           "%s: a read %s an access time before the modification time", cases[i].name,
           cases[i].past_kept ? "keeps" : "updates");
        umount(a);
    }
}

static void chroot_and_pivot_root(void)
{
    char p[600];
    snprintf(p, sizeof p, "%s/p", scratch);
    mkdir(p, 0755);
    succeeds(mount("none", p, "tmpfs", 0, NULL), "mount a tmpfs to be the new root");
    mkdir(path_in(p, "new"), 0755);
    mkdir(path_in(p, "plain"), 0755);
    struct stat root_before;
    stat(p, &root_before);
    pid_t pid = fork();
    if (pid == 0) {
        struct stat st;
        char cwd[256];
        if (chroot(p) != 0 || chdir("/") != 0)
            _exit(1);
        if (stat("/", &st) != 0 || st.st_ino != root_before.st_ino || st.st_dev != root_before.st_dev)
            _exit(2);
        if (stat("/..", &st) != 0 || st.st_ino != root_before.st_ino)
            _exit(3);
        if (pivot_root("/plain", "/plain") != -1 || errno != EBUSY)
            _exit(4);
        if (mount("none", "/new", "tmpfs", 0, NULL) != 0 || mkdir("/new/old", 0755) != 0)
            _exit(5);
        if (pivot_root("/new", "/new/old") != 0)
            _exit(6);
        if (stat("/old/plain", &st) != 0 || !getcwd(cwd, sizeof cwd) || strcmp(cwd, "/") != 0)
            _exit(7);
        if (stat("/plain", &st) == 0)
            _exit(8);
        if (umount2("/old", MNT_DETACH) != 0 || stat("/old/plain", &st) == 0)
            _exit(9);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "chroot into a tmpfs, then pivot_root to a mount in it and detach the old root"))
        diag("step %d failed (1 chroot, 2-3 the root, 4 EBUSY, 5 mount, 6 pivot_root, 7-8 the "
             "new tree, 9 detach)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    succeeds(umount2(p, MNT_DETACH), "umount what pivot_root left on p");
}

static void host_names(void)
{
    struct utsname before, after;
    uname(&before);
    succeeds(sethostname("apus-test", 9), "sethostname");
    succeeds(setdomainname("example.org", 11), "setdomainname");
    uname(&after);
    ok(strcmp(after.nodename, "apus-test") == 0, "uname shows the host name");
    ok(strcmp(after.domainname, "example.org") == 0, "uname shows the domain name");
    char long_name[80];
    memset(long_name, 'a', sizeof long_name);
    fails_with(sethostname(long_name, 65), EINVAL, "a host name of 65 bytes is EINVAL");
    sethostname(before.nodename, strlen(before.nodename));
    setdomainname(before.domainname, strlen(before.domainname));
}

static void as_root(void *unused)
{
    (void)unused;
    /* On a host: new mount and UTS namespaces, where nothing reaches the rest of the system. */
    if (unshare(CLONE_NEWNS | CLONE_NEWUTS) == 0)
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    else if (errno != ENOSYS && errno != EINVAL) {
        skip("unshare failed", "mount tests as root");
        return;
    }
    tmpfs_limits();
    remount_read_only();
    bind_mounts();
    busy_and_detach();
    mount_flags();
    access_times();
    chroot_and_pivot_root();
    host_names();
}

static void as_nobody(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (getuid() == 0 && (setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
            _exit(100);
        int step = 0;
        if (++step, mount("none", "/", "tmpfs", 0, NULL) != -1 || errno != EPERM)
            _exit(step);
        if (++step, umount2("/", 0) != -1 || errno != EPERM)
            _exit(step);
        if (++step, umount2("/", MNT_DETACH) != -1 || errno != EPERM)
            _exit(step);
        if (++step, mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) != -1 || errno != EPERM)
            _exit(step);
        if (++step, pivot_root("/", "/") != -1 || errno != EPERM)
            _exit(step);
        if (++step, chroot("/") != -1 || errno != EPERM)
            _exit(step);
        if (++step, sethostname("x", 1) != -1 || errno != EPERM)
            _exit(step);
        if (++step, setdomainname("x", 1) != -1 || errno != EPERM)
            _exit(step);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "as a user: mount, umount2, remount, pivot_root, chroot, sethostname and "
            "setdomainname are EPERM"))
        diag("check %d failed (%s)", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
             wait_status_text(status));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    if (argc > 1 && strcmp(argv[1], "--euid") == 0)
        return geteuid() == NOBODY ? 0 : 1;
    if (!realpath(argv[0], self))
        snprintf(self, sizeof self, "%s", argv[0]);
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%.400s/mount", tmp && *tmp ? tmp : "/tmp");
    snprintf(t, sizeof t, "%s/t", scratch);
    snprintf(b, sizeof b, "%s/b", scratch);
    char command[4400];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    system(command);
    mkdir(scratch, 0755);

    if (geteuid() == 0)
        relayed_child("root", as_root, NULL);     /* its namespaces are its own */
    else
        skip("not root", "mount tests as root");
    as_nobody();
    return tap_done();
}
