/* /dev/kmsg: one record per read as "priority,sequence,microseconds,flags;text\n", writes
 * from user space with a "<N>" prefix, lseek's three places, poll, and EPIPE for a reader
 * whose records were overwritten (docs/klog.md; Linux's Documentation/ABI/testing/dev-kmsg).
 *
 * Opening for reading needs CAP_SYSLOG under dmesg_restrict: run as root the test checks
 * everything, as a user only that the open fails. Records are logged at level 7 so that no
 * console shows them. Linux rate-limits each open file to 10 writes in 5 seconds, so every
 * burst of writes uses a fresh descriptor.
 */
#include "tap.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/klog.h>

/* Writes `text` through a descriptor of its own; the byte count or -1. */
static ssize_t log_text(const char *text)
{
    int fd = open("/dev/kmsg", O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t written = write(fd, text, strlen(text));
    close(fd);
    return written;
}

/* Reads one record into `record` (NUL-terminated); its length, or -1 with errno. */
static ssize_t next_record(int fd, char *record, size_t size)
{
    ssize_t got = read(fd, record, size - 1);
    record[got < 0 ? 0 : got] = 0;
    return got;
}

/* The text of a record: what follows the first ';'. */
static const char *body(const char *record)
{
    const char *semicolon = strchr(record, ';');
    return semicolon ? semicolon + 1 : "";
}

static void records(int fd)
{
    char record[2048];
    is(lseek(fd, 0, SEEK_END), 0, "lseek(SEEK_END) returns 0");

    struct pollfd waiting = { fd, POLLIN | POLLPRI, 0 };
    is(poll(&waiting, 1, 0), 0, "at the end, poll finds nothing to read");
    fails_with(next_record(fd, record, sizeof record), EAGAIN, "and a non-blocking read is EAGAIN");

    is(log_text("<5>apus-kmsg first\n"), 19, "a write returns its length");
    is(poll(&waiting, 1, 0), 1, "then poll says readable");
    is(waiting.revents, POLLIN, "with POLLIN only");
    ssize_t got = next_record(fd, record, sizeof record);
    ok(got > 0 && record[got - 1] == '\n', "a read returns one line");
    unsigned priority = 0;
    unsigned long long sequence = 0, microseconds = 0;
    char flag = 0;
    is(sscanf(record, "%u,%llu,%llu,%c;", &priority, &sequence, &microseconds, &flag), 4,
       "as priority,sequence,microseconds,flags;");
    is(priority, 13, "<5> from user space is LOG_USER|5");
    is(flag, '-', "flags '-'");
    ok(strcmp(body(record), "apus-kmsg first\n") == 0, "the text follows, newline-ended");

    /* Linux keeps a record without a newline open for continuation, unreadable until the
     * next one: each write ends its line. */
    log_text("apus-kmsg plain\n");
    log_text("<30>apus-kmsg daemon\n");
    log_text("<2>apus-kmsg kernel?\n");
    log_text("a\\b\x01" "c<7>\n");
    unsigned long long previous = sequence;
    const char *expected[][2] = {
        { "12", "apus-kmsg plain\n" },
        { "30", "apus-kmsg daemon\n" },
        { "10", "apus-kmsg kernel?\n" },
        { "12", "a\\x5cb\\x01c<7>\n" },
    };
    for (int i = 0; i < 4; i++) {
        next_record(fd, record, sizeof record);
        char want[32];
        snprintf(want, sizeof want, "%s,%llu,", expected[i][0], previous + 1);
        ok(strncmp(record, want, strlen(want)) == 0, "record %d starts %s", i + 2, want);
        ok(strcmp(body(record), expected[i][1]) == 0, "record %d has the text written", i + 2);
        if (strncmp(record, want, strlen(want)) != 0 || strcmp(body(record), expected[i][1]) != 0)
            diag("got %s", record);
        previous++;
    }

    log_text("<7>apus-kmsg too long for the buffer\n");
    fails_with(read(fd, record, 8), EINVAL, "a buffer too small for the record: EINVAL");
    fails_with(next_record(fd, record, sizeof record), EAGAIN, "and that record is gone for this reader");

    is(lseek(fd, 0, SEEK_SET), 0, "lseek(SEEK_SET) goes back to the oldest record");
    got = next_record(fd, record, sizeof record);
    ok(got > 0 && strstr(record, "apus-kmsg first") == NULL, "which is older than ours");
    is(lseek(fd, 0, SEEK_DATA), 0, "lseek(SEEK_DATA): from where syslog last cleared");
    fails_with(lseek(fd, 0, SEEK_CUR), EINVAL, "lseek(SEEK_CUR): EINVAL");
    fails_with(lseek(fd, 1, SEEK_SET), ESPIPE, "a non-zero offset: ESPIPE");

    char big[2000];
    memset(big, 'x', sizeof big);
    big[sizeof big - 1] = 0;
    fails_with(log_text(big), EINVAL, "a write longer than a record: EINVAL");
}

/* A reader left at the oldest record while more than the whole ring is written after it. */
static void overwritten(void)
{
    char record[2048];
    int size = klogctl(10, NULL, 0);
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (!ok(fd >= 0 && size > 0, "a second reader (log of %d bytes)", size))
        return;
    char line[1000];
    memset(line, 'y', sizeof line);
    memcpy(line, "<7>", 3);
    line[sizeof line - 2] = '\n';
    line[sizeof line - 1] = 0;
    int writer = -1, written = 0;
    for (int i = 0; written <= 2 * size; i++) {
        if (i % 10 == 0) {
            if (writer >= 0)
                close(writer);
            writer = open("/dev/kmsg", O_WRONLY);
        }
        ssize_t n = write(writer, line, strlen(line));
        if (n <= 0)
            break;
        written += (int)n;
    }
    close(writer);
    struct pollfd waiting = { fd, POLLIN | POLLPRI, 0 };
    poll(&waiting, 1, 0);
    is(waiting.revents, POLLIN | POLLPRI | POLLERR, "poll adds POLLPRI and POLLERR for overwritten records");
    fails_with(next_record(fd, record, sizeof record), EPIPE, "the next read is EPIPE");
    ok(next_record(fd, record, sizeof record) > 0, "the one after goes on from the oldest left");
    close(fd);
}

int main(void)
{
    if (geteuid() != 0) {
        fails_with(open("/dev/kmsg", O_RDONLY), EPERM, "a user cannot open /dev/kmsg for reading");
        return tap_done();
    }
    int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
    if (!ok(fd >= 0, "root opens /dev/kmsg for reading"))
        return tap_done();
    records(fd);
    close(fd);
    overwritten();
    return tap_done();
}
