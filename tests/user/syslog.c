/* syslog(2), the system call behind klogctl(3) and busybox's dmesg: every action, with the
 * records this test logs itself through /dev/kmsg as markers (docs/klog.md).
 *
 * Reading and clearing the log needs CAP_SYSLOG where dmesg_restrict is set (Debian's default
 * and Apus's): run as root, the test checks the actions themselves; a child that drops to
 * uid/gid 65534 checks that the restricted ones fail with EPERM. Run by a user, the root
 * checks are skipped. The test clears the log of the machine it runs on (dmesg -c).
 */
#include "tap.h"

#include <fcntl.h>
#include <sys/klog.h>

enum {
    ACTION_CLOSE, ACTION_OPEN, ACTION_READ, ACTION_READ_ALL, ACTION_READ_CLEAR, ACTION_CLEAR,
    ACTION_CONSOLE_OFF, ACTION_CONSOLE_ON, ACTION_CONSOLE_LEVEL, ACTION_SIZE_UNREAD,
    ACTION_SIZE_BUFFER,
};

#define NOBODY 65534

static char everything[1 << 20];

/* Logs `text` as one record at level 7 (debug: kept, not shown on a console). */
static void log_marker(const char *text)
{
    int fd = open("/dev/kmsg", O_WRONLY);
    char line[128];
    int length = snprintf(line, sizeof line, "<7>%s\n", text);
    if (fd < 0 || write(fd, line, (size_t)length) != length)
        diag("cannot log %s: %s", text, strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* The whole log as READ_ALL returns it, NUL-terminated; its length, or -1. */
static int read_all(void)
{
    int length = klogctl(ACTION_READ_ALL, everything, sizeof everything - 1);
    everything[length < 0 ? 0 : length] = 0;
    return length;
}

/* /proc/sys/kernel/dmesg_restrict, or Debian's 1 where it cannot be read. */
static int dmesg_restrict(void)
{
    int fd = open("/proc/sys/kernel/dmesg_restrict", O_RDONLY);
    char value = '1';
    if (fd >= 0) {
        if (read(fd, &value, 1) != 1)
            value = '1';
        close(fd);
    }
    return value != '0';
}

static void actions_as_root(void)
{
    int size = klogctl(ACTION_SIZE_BUFFER, NULL, 0);
    ok(size >= 4096 && (size & (size - 1)) == 0, "SIZE_BUFFER is a power of two (%d)", size);
    is(klogctl(ACTION_OPEN, NULL, 0), 0, "OPEN does nothing");
    is(klogctl(ACTION_CLOSE, NULL, 0), 0, "CLOSE does nothing");

    log_marker("apus-syslog-before-clear");
    int length = read_all();
    ok(length > 0 && strstr(everything, "apus-syslog-before-clear") != NULL,
       "READ_ALL holds a record just logged");
    ok(strncmp(everything, "<", 1) == 0 && strstr(everything, ">[") != NULL,
       "records read as <priority>[seconds.micros] text");
    ok(strstr(everything, "<15>[") != NULL, "a user debug record has priority 15 (LOG_USER|7)");

    char small[16];
    is(klogctl(ACTION_READ_ALL, small, sizeof small), 0,
       "READ_ALL into a buffer smaller than any record returns nothing");
    is(klogctl(ACTION_READ_ALL, small, 0), 0, "READ_ALL of 0 bytes is 0");
    fails_with(klogctl(ACTION_READ_ALL, NULL, 16), EINVAL, "READ_ALL without a buffer: EINVAL");
    fails_with(klogctl(ACTION_READ_ALL, small, -1), EINVAL, "READ_ALL of -1 bytes: EINVAL");
    fails_with(klogctl(ACTION_READ, NULL, 16), EINVAL, "READ without a buffer: EINVAL");
    fails_with(klogctl(ACTION_READ_ALL, bad_pointer(8), 4096), EFAULT, "READ_ALL to a bad buffer: EFAULT");
    fails_with(klogctl(11, NULL, 0), EINVAL, "an unknown action: EINVAL");

    is(klogctl(ACTION_CLEAR, NULL, 0), 0, "CLEAR");
    log_marker("apus-syslog-after-clear");
    read_all();
    ok(strstr(everything, "apus-syslog-before-clear") == NULL, "READ_ALL no longer shows older records");
    ok(strstr(everything, "apus-syslog-after-clear") != NULL, "but shows newer ones");

    log_marker("apus-syslog-read-clear");
    length = klogctl(ACTION_READ_CLEAR, everything, sizeof everything - 1);
    everything[length < 0 ? 0 : length] = 0;
    ok(strstr(everything, "apus-syslog-read-clear") != NULL, "READ_CLEAR returns the records");
    read_all();
    ok(strstr(everything, "apus-syslog-read-clear") == NULL, "and clears them");

    /* READ consumes: the unread size drops by what was read. */
    log_marker("apus-syslog-unread");
    int unread = klogctl(ACTION_SIZE_UNREAD, NULL, 0);
    ok(unread > 0, "SIZE_UNREAD counts unread bytes (%d)", unread);
    char piece[64];
    int got = klogctl(ACTION_READ, piece, sizeof piece);
    ok(got > 0 && got <= (int)sizeof piece, "READ takes what fits (%d bytes)", got);
    int after = klogctl(ACTION_SIZE_UNREAD, NULL, 0);
    ok(after <= unread - got + 512, "SIZE_UNREAD shrinks by it (%d -> %d)", unread, after);
    while (klogctl(ACTION_SIZE_UNREAD, NULL, 0) > 0)
        if (klogctl(ACTION_READ, everything, sizeof everything) <= 0)
            break;
    is(klogctl(ACTION_SIZE_UNREAD, NULL, 0), 0, "READ until nothing is unread");
    is(klogctl(ACTION_READ, piece, 0), 0, "READ of 0 bytes returns at once");

    fails_with(klogctl(ACTION_CONSOLE_LEVEL, NULL, 0), EINVAL, "CONSOLE_LEVEL 0: EINVAL");
    fails_with(klogctl(ACTION_CONSOLE_LEVEL, NULL, 9), EINVAL, "CONSOLE_LEVEL 9: EINVAL");
    is(klogctl(ACTION_CONSOLE_OFF, NULL, 0), 0, "CONSOLE_OFF");
    is(klogctl(ACTION_CONSOLE_ON, NULL, 0), 0, "CONSOLE_ON");
    /* The level is restored to what /proc/sys/kernel/printk said, where it can be read. */
    int level = 7;
    int fd = open("/proc/sys/kernel/printk", O_RDONLY);
    if (fd >= 0) {
        char text[32] = "";
        if (read(fd, text, sizeof text - 1) > 0)
            level = atoi(text);
        close(fd);
    }
    is(klogctl(ACTION_CONSOLE_LEVEL, NULL, level), 0, "CONSOLE_LEVEL %d", level);
}

static void restricted_as_nobody(void)
{
    int restrict_ = dmesg_restrict();
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
            _exit(100);
        char buffer[64];
        int failures = 0;
        failures += klogctl(ACTION_CLEAR, NULL, 0) != -1 || errno != EPERM;
        failures += klogctl(ACTION_READ_CLEAR, buffer, sizeof buffer) != -1 || errno != EPERM;
        failures += klogctl(ACTION_READ, buffer, sizeof buffer) != -1 || errno != EPERM;
        failures += klogctl(ACTION_CONSOLE_LEVEL, NULL, 7) != -1 || errno != EPERM;
        failures += klogctl(ACTION_SIZE_UNREAD, NULL, 0) != -1 || errno != EPERM;
        failures += klogctl(ACTION_OPEN, NULL, 0) != -1 || errno != EPERM;
        failures += klogctl(11, NULL, 0) != -1 || errno != EPERM;
        if (restrict_) {
            failures += klogctl(ACTION_READ_ALL, buffer, sizeof buffer) != -1 || errno != EPERM;
            failures += klogctl(ACTION_SIZE_BUFFER, NULL, 0) != -1 || errno != EPERM;
            failures += open("/dev/kmsg", O_RDONLY) != -1 || errno != EPERM;
        } else {
            failures += klogctl(ACTION_READ_ALL, buffer, sizeof buffer) < 0;
        }
        /* Writing to the log is not restricted (the node is 0644, though: root's to open). */
        _exit(failures);
    }
    exits_with(pid, 0, "as nobody (dmesg_restrict=%d): clearing, reading and the console level are EPERM",
               restrict_);
}

int main(void)
{
    if (geteuid() == 0)
        actions_as_root();
    else
        skip("not root", "syslog actions need CAP_SYSLOG");
    if (geteuid() == 0)
        restricted_as_nobody();
    else
        skip("not root", "dropping to nobody needs root");
    return tap_done();
}
