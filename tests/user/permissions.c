/* File permissions and credentials as an unprivileged user (docs/vfs.md, "Permissions").
 *
 * The program starts as root, builds a scratch tree of files with chosen owners and modes,
 * then forks children that drop to the user and group 65534 (nobody, no supplementary
 * groups) and check what Linux's VFS allows them: the mode bits (EACCES), search permission
 * on every directory of a path, write and search permission on the directory for every new
 * or removed name, the sticky bit (EPERM), attribute changes (chmod, chown, utimensat,
 * truncate; EPERM and EACCES), O_NOATIME, mknod of devices, chroot, the owner of new files
 * and set-group-ID directories, set-ID bits cleared by writing and by chown, and exec of
 * set-user-ID and set-group-ID copies of this program, which report their IDs, the
 * auxiliary vector's AT_UID/AT_EUID/AT_GID/AT_EGID/AT_SECURE, and access(2)'s use of the
 * real IDs. Not run as root (on a host), everything is skipped.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define NOBODY 65534

static char scratch[4096];
static char self[4096];

static const char *at(const char *name) { return path_in(scratch, name); }

static void make_file(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
    int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
        write(fd, "data\n", 5);
        close(fd);
    }
    chown(at(name), uid, gid);
    chmod(at(name), mode);
}

static void make_directory(const char *name, mode_t mode, uid_t uid, gid_t gid)
{
    mkdir(at(name), 0700);
    chown(at(name), uid, gid);
    chmod(at(name), mode);
}

/* A copy of this program at scratch/NAME, owned by root:0 with `mode`. */
static void copy_self(const char *name, mode_t mode) { copy_file(self, at(name), mode); }

static mode_t mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void owner_is(const char *path, uid_t uid, gid_t gid, const char *what)
{
    struct stat st;
    int found = stat(path, &st) == 0;
    if (!ok(found && st.st_uid == uid && st.st_gid == gid, "%s", what))
        diag("stat %s, uid %d, gid %d; expected %d, %d", found ? "ok" : strerror(errno),
             found ? (int)st.st_uid : -1, found ? (int)st.st_gid : -1, (int)uid, (int)gid);
}

/* Becomes nobody:nobody with no supplementary groups, as login programs drop root. */
static int drop_to_nobody(void)
{
    return setgroups(0, NULL) == 0 && setresgid(NOBODY, NOBODY, NOBODY) == 0 &&
           setresuid(NOBODY, NOBODY, NOBODY) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------------------------------
 * An exec'd copy: `permissions --ids UID EUID GID EGID SECURE` checks its IDs. */

static int report_ids(char **argv)
{
    uid_t uid = (uid_t)atoi(argv[2]), euid = (uid_t)atoi(argv[3]);
    gid_t gid = (gid_t)atoi(argv[4]), egid = (gid_t)atoi(argv[5]);
    int secure = atoi(argv[6]);
    uid_t r, e, s;
    is(getuid(), uid, "getuid()");
    is(geteuid(), euid, "geteuid()");
    is(getgid(), gid, "getgid()");
    is(getegid(), egid, "getegid()");
    getresuid(&r, &e, &s);
    is(s, euid, "the saved user ID is the effective one");
    is(getauxval(AT_UID), uid, "AT_UID");
    is(getauxval(AT_EUID), euid, "AT_EUID");
    is(getauxval(AT_GID), gid, "AT_GID");
    is(getauxval(AT_EGID), egid, "AT_EGID");
    is(getauxval(AT_SECURE), secure, "AT_SECURE");
    struct rlimit stack;
    getrlimit(RLIMIT_STACK, &stack);
    is(stack.rlim_cur, secure ? 8 << 20 : 16 << 20,
       secure ? "a secure exec lowers a 16 MiB stack limit to 8 MiB" : "the 16 MiB stack limit is kept");
    if (euid == 0 && uid != 0) {
        /* access(2) asks with the real IDs, open with the effective ones. */
        int fd = open(argv[7], O_RDONLY);
        ok(fd >= 0, "a set-user-ID-root program opens a root-only file");
        close(fd);
        fails_with(access(argv[7], R_OK), EACCES, "access(R_OK) of it uses the real user ID: EACCES");
        is(faccessat(AT_FDCWD, argv[7], R_OK, AT_EACCESS), 0, "faccessat(AT_EACCESS) uses the effective one");
    }
    return tap_done();
}

static void exec_argv(void *argument)
{
    char **argv = argument;
    char *envp[] = { NULL };
    execve(argv[0], argv, envp);
    ok(0, "execve(%s) failed: %s", argv[0], strerror(errno));
}

/* As nobody: execve(scratch/NAME --ids ...) in a child, relayed under `label`. */
static void exec_copy(const char *label, const char *name, uid_t euid, gid_t egid, int secure)
{
    char ids[5][16];
    snprintf(ids[0], sizeof ids[0], "%d", NOBODY);
    snprintf(ids[1], sizeof ids[1], "%d", (int)euid);
    snprintf(ids[2], sizeof ids[2], "%d", NOBODY);
    snprintf(ids[3], sizeof ids[3], "%d", (int)egid);
    snprintf(ids[4], sizeof ids[4], "%d", secure);
    char *argv[] = { (char *)at(name), "--ids", ids[0], ids[1], ids[2], ids[3], ids[4],
                     (char *)at("secret"), NULL };
    relayed_child(label, exec_argv, argv);
}

/* ------------------------------------------------------------------------------------------
 * As nobody */

static void reading_and_writing(void)
{
    fails_with(open(at("secret"), O_RDONLY), EACCES, "open(O_RDONLY) of a root 0600 file is EACCES");
    fails_with(open(at("public"), O_WRONLY), EACCES, "open(O_WRONLY) of a root 0644 file is EACCES");
    fails_with(open(at("public"), O_RDONLY | O_TRUNC), EACCES, "O_RDONLY|O_TRUNC needs write permission");
    int fd = open(at("public"), O_RDONLY);
    ok(fd >= 0, "open(O_RDONLY) of a root 0644 file works");
    fails_with(fcntl(fd, F_SETFL, O_NOATIME), EPERM, "F_SETFL O_NOATIME on it is EPERM");
    close(fd);
    fails_with(open(at("public"), O_RDONLY | O_NOATIME), EPERM, "O_NOATIME on another's file is EPERM");
    struct stat st;
    is(stat(at("secret"), &st), 0, "stat of an unreadable file works");
    is(access(at("public"), R_OK), 0, "access(R_OK) of a 0644 file");
    fails_with(access(at("public"), W_OK), EACCES, "access(W_OK) of another's 0644 file is EACCES");
    fails_with(access(at("public"), X_OK), EACCES, "access(X_OK) without x bits is EACCES");
    fails_with(truncate(at("public"), 0), EACCES, "truncate without write permission is EACCES");
    is(truncate(at("writable"), 2), 0, "truncate of a 0666 file works");
    fails_with(open(at("closed"), O_RDONLY | O_DIRECTORY), EACCES, "opendir of a root 0700 directory is EACCES");
    fails_with(stat(at("closed/inside"), &st), EACCES, "stat through a directory without search is EACCES");
    fails_with(open(at("closed/inside"), O_RDONLY), EACCES, "open through it is EACCES");
    is(stat(at("search-only/inside"), &st), 0, "stat through a 0711 directory works");
    fails_with(open(at("search-only"), O_RDONLY | O_DIRECTORY), EACCES, "but listing it is EACCES");
    fails_with(chdir(at("closed")), EACCES, "chdir into a directory without search is EACCES");
    fd = open(at("closed"), O_PATH);
    fails_with(fchdir(fd), EACCES, "fchdir to it is EACCES");
    close(fd);
    fails_with(chroot(at("ro")), EPERM, "chroot is EPERM");
    fails_with(chroot(at("closed")), EACCES, "chroot of an unsearchable directory is EACCES first");
}

static void names(void)
{
    fails_with(open(at("ro/new"), O_WRONLY | O_CREAT, 0644), EACCES, "creat in a root 0755 directory is EACCES");
    fails_with(mkdir(at("ro/new"), 0755), EACCES, "mkdir there is EACCES");
    fails_with(mkdir(at("ro/file"), 0755), EEXIST, "mkdir of an existing name there is EEXIST");
    fails_with(mknod(at("ro/fifo"), S_IFIFO | 0644, 0), EACCES, "mknod of a FIFO there is EACCES");
    fails_with(symlink("x", at("ro/link")), EACCES, "symlink there is EACCES");
    fails_with(unlink(at("ro/file")), EACCES, "unlink there is EACCES");
    fails_with(rmdir(at("ro/sub")), EACCES, "rmdir there is EACCES");
    fails_with(rename(at("ro/file"), at("ro/other")), EACCES, "rename within it is EACCES");
    fails_with(rename(at("ro/file"), at("open/file")), EACCES, "rename out of it is EACCES");

    int fd = open(at("open/mine"), O_WRONLY | O_CREAT | O_EXCL, 0644);
    ok(fd >= 0, "creat in a 0777 directory works");
    close(fd);
    owner_is(at("open/mine"), NOBODY, NOBODY, "the new file belongs to nobody:nobody");
    is(mode_of(at("open/mine")), 0644, "with the mode asked for (umask 0)");
    fails_with(link(at("open/mine"), at("ro/link")), EACCES, "link into the root 0755 directory is EACCES");
    is(mkdir(at("open/dir"), 0755), 0, "mkdir in a 0777 directory works");
    owner_is(at("open/dir"), NOBODY, NOBODY, "the new directory belongs to nobody:nobody");
    fails_with(rename(at("open/rootdir"), at("open/dir/rootdir")), EACCES,
               "moving another's directory to a new parent (its ..) is EACCES");
    is(rename(at("open/rootdir"), at("open/renamed")), 0, "renaming it within its directory works");
    is(unlink(at("open/rootfile")), 0, "unlink of root's file in a 0777 directory works");
    fails_with(mknod(at("open/null"), S_IFCHR | 0666, makedev(1, 3)), EPERM, "mknod of a device is EPERM");
    is(mknod(at("open/fifo"), S_IFIFO | 0600, 0), 0, "mknod of a FIFO works");
    int ends[2];
    struct stat st;
    if (opened_pipe(ends, "a pipe's owner")) {
        ok(fstat(ends[0], &st) == 0 && st.st_uid == NOBODY && st.st_gid == NOBODY,
           "a new pipe belongs to its creator");
        close(ends[0]);
        close(ends[1]);
    }

    fails_with(unlink(at("sticky/rootfile")), EPERM, "unlink of root's file in a sticky directory is EPERM");
    fails_with(rename(at("sticky/rootfile"), at("sticky/x")), EPERM, "rename of it is EPERM");
    fails_with(rename(at("open/mine"), at("sticky/rootfile")), EPERM, "replacing it is EPERM");
    fd = open(at("sticky/mine"), O_WRONLY | O_CREAT, 0644);
    close(fd);
    is(unlink(at("sticky/mine")), 0, "unlink of one's own file in a sticky directory works");

    fd = open(at("setgid/file"), O_WRONLY | O_CREAT, 02755);
    close(fd);
    owner_is(at("setgid/file"), NOBODY, 0, "a file in a set-group-ID directory takes its group");
    is(mode_of(at("setgid/file")), 0755, "and loses a set-group-ID bit for a group it is not in");
    is(mkdir(at("setgid/dir"), 0755), 0, "mkdir in a set-group-ID directory works");
    owner_is(at("setgid/dir"), NOBODY, 0, "the new directory takes its group");
    is(mode_of(at("setgid/dir")), 02755, "and its set-group-ID bit");
}

static void attributes(void)
{
    fails_with(chmod(at("public"), 0666), EPERM, "chmod of another's file is EPERM");
    fails_with(chown(at("open/mine"), 0, -1), EPERM, "chown to another owner is EPERM");
    fails_with(chown(at("open/mine"), -1, 0), EPERM, "chgrp to a group one is not in is EPERM");
    is(chown(at("open/mine"), NOBODY, NOBODY), 0, "chown of one's own file to oneself works");
    fails_with(chown(at("public"), NOBODY, -1), EPERM, "chown of another's file is EPERM");
    is(chmod(at("open/grouped"), 02755), 0, "chmod of one's own file works");
    is(mode_of(at("open/grouped")), 0755, "but drops set-group-ID for a group one is not in");
    is(chmod(at("open/mine"), 02755), 0, "chmod 02755 in one's own group");
    is(mode_of(at("open/mine")), 02755, "keeps set-group-ID");

    struct timespec explicit[2] = { { 1, 0 }, { 2, 0 } };
    struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
    fails_with(utimensat(AT_FDCWD, at("writable"), explicit, 0), EPERM,
               "utimensat with explicit times on another's writable file is EPERM");
    is(utimensat(AT_FDCWD, at("writable"), NULL, 0), 0, "utimensat(NULL) on it works (write permission)");
    is(utimensat(AT_FDCWD, at("writable"), now, 0), 0, "so does UTIME_NOW for both");
    fails_with(utimensat(AT_FDCWD, at("public"), NULL, 0), EACCES, "utimensat(NULL) without write permission is EACCES");
    is(utimensat(AT_FDCWD, at("open/mine"), explicit, 0), 0, "explicit times on one's own file work");

    int fd = open(at("open/setid"), O_WRONLY);
    ok(fd >= 0 && write(fd, "x", 1) == 1, "writing root's 06777 file");
    close(fd);
    is(mode_of(at("open/setid")), 0777, "took its set-user-ID and set-group-ID bits off");
}

static void as_nobody(void)
{
    umask(0);
    reading_and_writing();
    names();
    attributes();
    struct rlimit stack = { 16 << 20, RLIM_INFINITY };
    setrlimit(RLIMIT_STACK, &stack);
    exec_copy("set-user-ID root copy", "setuid", 0, NOBODY, 1);
    exec_copy("set-group-ID root copy", "setgid-copy", NOBODY, 0, 1);
    exec_copy("plain copy", "plain", NOBODY, NOBODY, 0);
    exec_copy("execute-only copy", "execute-only", NOBODY, NOBODY, 0);
    char *argv[] = { "private", NULL };
    fails_with(execve(at("private"), argv, argv + 1), EACCES, "execve of a root 0700 program is EACCES");
}

/* ------------------------------------------------------------------------------------------
 * As root */

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/permissions", tmp && *tmp ? tmp : "/tmp");
    char command[4400];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    system(command);
    umask(0);
    make_directory("", 0755, 0, 0);
    make_file("secret", 0600, 0, 0);
    make_file("public", 0644, 0, 0);
    make_file("writable", 0666, 0, 0);
    make_directory("closed", 0700, 0, 0);
    make_file("closed/inside", 0644, 0, 0);
    make_directory("search-only", 0711, 0, 0);
    make_file("search-only/inside", 0644, 0, 0);
    make_directory("ro", 0755, 0, 0);
    make_file("ro/file", 0666, 0, 0);
    make_directory("ro/sub", 0777, 0, 0);
    make_directory("open", 0777, 0, 0);
    make_directory("open/rootdir", 0755, 0, 0);
    make_file("open/rootfile", 0644, 0, 0);
    make_file("open/setid", 06777, 0, 0);
    make_file("open/grouped", 0755, NOBODY, 0);
    make_directory("sticky", 01777, 0, 0);
    make_file("sticky/rootfile", 0666, 0, 0);
    make_directory("setgid", 02777, 0, 0);
    copy_self("setuid", 04755);
    copy_self("setgid-copy", 02755);
    copy_self("plain", 0755);
    copy_self("execute-only", 0711);
    copy_self("private", 0700);
}

static void as_root(void *unused)
{
    (void)unused;
    make_file("root-setuid", 04755, 0, 0);
    int fd = open(at("root-setuid"), O_WRONLY);
    ok(fd >= 0 && write(fd, "x", 1) == 1, "root writes a 04755 file");
    close(fd);
    is(mode_of(at("root-setuid")), 04755, "which keeps its set-user-ID bit");
    is(chown(at("root-setuid"), NOBODY, -1), 0, "root chowns it");
    is(mode_of(at("root-setuid")), 0755, "which takes the set-user-ID bit off");
    is(chroot("/"), 0, "root may chroot");
    is(mknod(at("root-fifo"), S_IFIFO | 0600, 0), 0, "root makes a FIFO");
    is(access(at("private"), X_OK), 0, "access(X_OK) is granted to root for a file with an x bit");
    fails_with(access(at("public"), X_OK), EACCES, "but not for one without");
}

/* Root with setfsuid(nobody): the filesystem ID alone decides, and root's overrides go. */
static void as_fsuid_nobody(void *unused)
{
    (void)unused;
    setfsuid(NOBODY);
    fails_with(open(at("secret"), O_RDONLY), EACCES, "setfsuid(nobody): a root 0600 file is EACCES");
    int fd = open(at("open/by-fsuid"), O_WRONLY | O_CREAT, 0644);
    ok(fd >= 0, "setfsuid(nobody): creat in a 0777 directory works");
    close(fd);
    owner_is(at("open/by-fsuid"), NOBODY, 0, "the new file belongs to the filesystem user, group root");
}

static void nobody(void *unused)
{
    (void)unused;
    if (drop_to_nobody() != 0)
        ok(0, "becoming nobody failed: %s", strerror(errno));
    else
        as_nobody();
}

int main(int argc, char **argv)
{
    if (argc >= 8 && strcmp(argv[1], "--ids") == 0)
        return report_ids(argv);
    if (geteuid() != 0) {
        skip("not run as root", "permission checks as an unprivileged user");
        return tap_done();
    }
    snprintf(self, sizeof self, "%s", argv[0]);
    setup();
    relayed_child("nobody", nobody, NULL);
    relayed_child("root", as_root, NULL);
    relayed_child("root", as_fsuid_nobody, NULL);
    char command[4400];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    system(command);
    return tap_done();
}
