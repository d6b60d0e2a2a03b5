/* sysfs (docs/vfs.md, "sysfs"): a fresh mount of it shows /sys/kernel, /sys/devices/system/cpu,
 * /sys/class/tty and /sys/block in Linux's layout, with attribute files whose contents are
 * cross-checked against what the system says otherwise (the CPU count against
 * sched_getaffinity, the terminals' dev numbers against their device nodes), symlinks from the
 * classes to the devices, a writable attribute, and sysfs's refusals (EACCES and EPERM).
 *
 * As root it mounts sysfs on a scratch directory (on a host in a new mount namespace); not run
 * as root, it reads /sys instead if sysfs is mounted there, and skips otherwise.
 */
#define _GNU_SOURCE
#include "tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#define SYSFS_MAGIC 0x62656572

static char sys[600];

static const char *in_sys(const char *name) { return path_in(sys, name); }

/* The file's contents (at most 4095 bytes), or "" if it cannot be read. */
static const char *contents(const char *path)
{
    static char text[2][4096];
    static int next;
    char *buffer = text[next++ % 2];
    buffer[0] = '\0';
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return buffer;
    ssize_t n = read(fd, buffer, 4095);
    buffer[n > 0 ? n : 0] = '\0';
    close(fd);
    return buffer;
}

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The number of CPUs in a list such as "0", "0-3" or "0-1,4". */
static int cpus_in_list(const char *list)
{
    int count = 0;
    const char *p = list;
    while (*p >= '0' && *p <= '9') {
        char *end;
        long first = strtol(p, &end, 10), last = first;
        if (*end == '-')
            last = strtol(end + 1, &end, 10);
        count += (int)(last - first + 1);
        p = *end == ',' ? end + 1 : end;
    }
    return *p == '\n' ? count : -1;
}

static int directory_lists(const char *path, const char *name)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    int found = 0;
    while (dir && (entry = readdir(dir)))
        found |= strcmp(entry->d_name, name) == 0;
    if (dir)
        closedir(dir);
    return found;
}

static void terminal(const char *name, const char *node)
{
    char path[64], expected[32];
    snprintf(path, sizeof path, "class/tty/%s", name);
    struct stat st;
    ok(lstat(in_sys(path), &st) == 0 && S_ISLNK(st.st_mode), "class/tty/%s is a symlink", name);
    char target[256] = "";
    ssize_t n = readlink(in_sys(path), target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    ok(strncmp(target, "../../devices/", 14) == 0, "it points into ../../devices/ (%s)", target);
    snprintf(path, sizeof path, "class/tty/%s/dev", name);
    if (stat(node, &st) == 0 && S_ISCHR(st.st_mode)) {
        snprintf(expected, sizeof expected, "%u:%u\n", major(st.st_rdev), minor(st.st_rdev));
        ok(strcmp(contents(in_sys(path)), expected) == 0, "class/tty/%s/dev is %s's number", name, node);
    } else {
        skip("no device node", "class/tty/%s/dev is %s's number", name, node);
    }
}

static void checks(int writable)
{
    struct statfs fs;
    ok(statfs(sys, &fs) == 0 && fs.f_type == SYSFS_MAGIC, "statfs: f_type is SYSFS_MAGIC");
    ok(directory_lists(sys, "kernel") && directory_lists(sys, "devices") && directory_lists(sys, "class") &&
           directory_lists(sys, "block"), "the top lists kernel, devices, class and block");
    ok(is_directory(in_sys("kernel")), "kernel is a directory");
    const char *seqnum = contents(in_sys("kernel/uevent_seqnum"));
    ok(seqnum[0] >= '0' && seqnum[0] <= '9' && strchr(seqnum, '\n'), "kernel/uevent_seqnum is a number");
    fails_with(open(in_sys("kernel/uevent_seqnum"), O_WRONLY), EACCES,
               "opening a read-only attribute for writing is EACCES, even for root");
    struct stat st;
    ok(stat(in_sys("kernel/uevent_seqnum"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 4096 &&
           (st.st_mode & 0777) == 0444, "an attribute is a 0444 regular file of 4096 bytes");

    cpu_set_t set;
    int cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : -1;
    is(cpus_in_list(contents(in_sys("devices/system/cpu/online"))), cpus,
       "devices/system/cpu/online lists as many CPUs as sched_getaffinity");
    ok(cpus_in_list(contents(in_sys("devices/system/cpu/possible"))) >= cpus,
       "devices/system/cpu/possible lists at least those");
    ok(is_directory(in_sys("devices/system/cpu/cpu0")), "devices/system/cpu/cpu0 is a directory");

    ok(is_directory(in_sys("class/tty")), "class/tty is a directory");
    terminal("ttyS0", "/dev/ttyS0");
    terminal("console", "/dev/console");
    terminal("tty", "/dev/tty");
    ok(is_directory(in_sys("block")), "block is a directory");

    fails_with(open(in_sys("kernel/new"), O_WRONLY | O_CREAT, 0644), EACCES, "creating a file is EACCES");
    fails_with(mkdir(in_sys("kernel/new"), 0755), EPERM, "mkdir is EPERM");

    /* A writable attribute: the same value back on a host, a new one on Apus. */
    if (access(in_sys("kernel/uevent_helper"), F_OK) != 0) {
        skip("no kernel/uevent_helper (CONFIG_UEVENT_HELPER)", "kernel/uevent_helper takes a write and shows it");
        return;
    }
    char before[300];
    snprintf(before, sizeof before, "%s", contents(in_sys("kernel/uevent_helper")));
    const char *value = writable ? "/sbin/apus-test-helper\n" : before;
    int fd = open(in_sys("kernel/uevent_helper"), O_WRONLY | O_TRUNC);
    ssize_t n = fd >= 0 ? write(fd, value, strlen(value)) : -1;
    if (fd >= 0)
        close(fd);
    ok(n == (ssize_t)strlen(value) && strcmp(contents(in_sys("kernel/uevent_helper")), value) == 0,
       "kernel/uevent_helper takes a write and shows it");
    if (writable) {
        fd = open(in_sys("kernel/uevent_helper"), O_WRONLY | O_TRUNC);
        write(fd, before, strlen(before));
        close(fd);
    }
}

int main(void)
{
    if (geteuid() != 0) {
        snprintf(sys, sizeof sys, "/sys");
        struct statfs fs;
        if (statfs(sys, &fs) != 0 || fs.f_type != SYSFS_MAGIC) {
            skip("not root and no sysfs on /sys", "sysfs");
            return tap_done();
        }
        skip("not root", "mount sysfs");
        checks(0);
        return tap_done();
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(sys, sizeof sys, "%.400s/sysfs", tmp && *tmp ? tmp : "/tmp");
    mkdir(sys, 0755);
    /* On a host: a mount namespace of our own; Apus has one namespace (ENOSYS). */
    int own_namespace = unshare(CLONE_NEWNS) == 0;
    if (own_namespace)
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    succeeds(mount("sysfs", sys, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), "mount sysfs");
    checks(!own_namespace);
    succeeds(umount(sys), "umount sysfs");
    rmdir(sys);
    return tap_done();
}
