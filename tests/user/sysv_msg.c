/* System V message queues: msgget's key rules, msgsnd and msgrcv by type (0, >0, <0,
 * MSG_EXCEPT), E2BIG and MSG_NOERROR, IPC_NOWAIT, the byte limit, blocking senders and
 * receivers woken from another process, EINTR, EIDRM, MSG_COPY, msgctl's STAT, SET, RMID
 * and INFO commands, permissions for uid 65534, /proc/sysvipc/msg and the msg sysctls. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>
#include "tap.h"
#include "sysvipc.h"

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif
#ifndef MSG_STAT_ANY
#define MSG_STAT_ANY 13
#endif

struct message {
    long type;
    char text[64];
};

static int send(int queue, long type, const char *text, int flags)
{
    struct message message = {type, ""};
    strncpy(message.text, text, sizeof message.text - 1);
    return msgsnd(queue, &message, strlen(text), flags);
}

/* The text of the message msgrcv takes for `type`, or "" (errno says why). */
static const char *receive(int queue, long type, int flags)
{
    static struct message message;
    memset(&message, 0, sizeof message);
    ssize_t length = msgrcv(queue, &message, sizeof message.text - 1, type, flags | IPC_NOWAIT);
    return length < 0 ? "" : message.text;
}

static void keys(void)
{
    int key = test_key(0x4d);
    fails_with(msgget(key, 0600), ENOENT, "msgget of an unknown key without IPC_CREAT is ENOENT");
    int queue = msgget(key, IPC_CREAT | 0600);
    ok(queue >= 0, "msgget(key, IPC_CREAT) makes a queue");
    is(msgget(key, 0), queue, "msgget of the key again finds it");
    is(msgget(key, IPC_CREAT | 0600), queue, "and with IPC_CREAT too");
    fails_with(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_CREAT | IPC_EXCL of it is EEXIST");
    int other = msgget(IPC_PRIVATE, 0600);
    ok(other >= 0 && other != queue, "IPC_PRIVATE always makes a new queue");
    is(msgctl(queue, IPC_RMID, NULL), 0, "IPC_RMID removes the keyed queue");
    fails_with(msgget(key, 0), ENOENT, "after which its key is unknown");
    fails_with(msgsnd(queue, &(struct message){1, "x"}, 1, 0), EINVAL, "and its id is EINVAL");
    fails_with(msgctl(queue, IPC_STAT, &(struct msqid_ds){0}), EINVAL, "IPC_STAT of it too");
    msgctl(other, IPC_RMID, NULL);
}

static void types(void)
{
    int queue = msgget(IPC_PRIVATE, 0600);
    send(queue, 3, "three", 0);
    send(queue, 1, "one-a", 0);
    send(queue, 2, "two", 0);
    send(queue, 1, "one-b", 0);
    send(queue, 5, "five", 0);
    ok(!strcmp(receive(queue, 1, 0), "one-a"), "msgtyp 1: the first message of type 1");
    ok(!strcmp(receive(queue, -2, 0), "one-b"), "msgtyp -2: the first of the lowest type up to 2");
    ok(!strcmp(receive(queue, 3, MSG_EXCEPT), "two"), "MSG_EXCEPT 3: the first of another type");
    ok(!strcmp(receive(queue, 0, 0), "three"), "msgtyp 0: the first message");
    ok(!strcmp(receive(queue, 4, 0), "") && errno == ENOMSG, "no message of type 4: ENOMSG");
    ok(!strcmp(receive(queue, -4, 0), "") && errno == ENOMSG, "none up to 4 left: ENOMSG");
    ok(!strcmp(receive(queue, -5, 0), "five"), "msgtyp -5 takes the five");
    fails_with(msgrcv(queue, &(struct message){0}, 10, 0, IPC_NOWAIT), ENOMSG, "an empty queue: ENOMSG");

    send(queue, 7, "0123456789", 0);
    struct message message = {0, ""};
    fails_with(msgrcv(queue, &message, 4, 0, IPC_NOWAIT), E2BIG, "a 10-byte message into 4 bytes: E2BIG");
    is(msgrcv(queue, &message, 4, 0, IPC_NOWAIT | MSG_NOERROR), 4, "MSG_NOERROR cuts it to 4 bytes");
    ok(message.type == 7 && !memcmp(message.text, "0123", 4), "type and the first 4 bytes arrive");
    fails_with(msgrcv(queue, &message, 10, 0, IPC_NOWAIT), ENOMSG, "and the rest is gone");

    fails_with(send(queue, 0, "x", 0), EINVAL, "mtype 0 is EINVAL");
    fails_with(send(queue, -1, "x", 0), EINVAL, "a negative mtype is EINVAL");
    fails_with(msgsnd(queue, &message, (size_t)-1, 0), EINVAL, "a negative size is EINVAL");
    long maximum = sysctl_number("msgmax");
    static char big[70000];
    fails_with(msgsnd(queue, big, (size_t)maximum + 1, 0), EINVAL, "a message over msgmax is EINVAL");
    fails_with(msgrcv(queue, &message, (size_t)-1, 0, IPC_NOWAIT), EINVAL, "msgrcv of a negative size: EINVAL");
    fails_with(msgsnd(queue, bad_pointer(16), 1, 0), EFAULT, "a bad message pointer is EFAULT");
    fails_with(msgsnd(-1, &message, 1, 0), EINVAL, "a negative id is EINVAL");
    fails_with(msgsnd(-1, bad_pointer(16), 1, 0), EFAULT, "mtype is read first: EFAULT before EINVAL");
    msgctl(queue, IPC_RMID, NULL);
}

static void status_and_limits(void)
{
    int queue = msgget(IPC_PRIVATE, 0640);
    send(queue, 1, "hello", 0);
    send(queue, 2, "abc", 0);
    struct msqid_ds status;
    is(msgctl(queue, IPC_STAT, &status), 0, "IPC_STAT");
    is(status.msg_qnum, 2, "msg_qnum: 2 messages");
    is(status.__msg_cbytes, 8, "msg_cbytes: 8 bytes");
    is(status.msg_qbytes, sysctl_number("msgmnb"), "msg_qbytes is msgmnb");
    is(status.msg_perm.mode & 0777, 0640, "the mode is msgget's");
    is(status.msg_perm.uid, geteuid(), "owned by the caller");
    is(status.msg_lspid, getpid(), "msg_lspid: the sender");
    is(status.msg_lrpid, 0, "msg_lrpid: nobody received yet");
    ok(status.msg_stime >= time(NULL) - 5 && status.msg_rtime == 0, "msg_stime set, msg_rtime 0");
    receive(queue, 0, 0);
    msgctl(queue, IPC_STAT, &status);
    ok(status.msg_lrpid == getpid() && status.msg_rtime > 0, "msgrcv sets msg_lrpid and msg_rtime");

    long long fields[16];
    int count = sysvipc_fields("msg", queue, fields, 16);
    ok(count == 14 && fields[2] == 0640 && fields[3] == 3 && fields[4] == 1 && fields[5] == getpid() &&
           fields[6] == getpid() && fields[7] == geteuid(),
       "/proc/sysvipc/msg: perms, cbytes, qnum, lspid, lrpid, uid");
    char header[256];
    sysvipc_header("msg", header, sizeof header);
    ok(!strcmp(header, "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
                       "      stime      rtime      ctime\n"),
       "/proc/sysvipc/msg's header is Linux's");

    status.msg_qbytes = 20;
    status.msg_perm.mode = 0600;
    is(msgctl(queue, IPC_SET, &status), 0, "IPC_SET msg_qbytes 20, mode 0600");
    msgctl(queue, IPC_STAT, &status);
    ok(status.msg_qbytes == 20 && (status.msg_perm.mode & 0777) == 0600, "both changed");
    is(send(queue, 1, "0123456789abcdef", IPC_NOWAIT), 0, "16 more bytes fit in 20");
    fails_with(send(queue, 1, "0123456789abcdef", IPC_NOWAIT), EAGAIN, "16 more do not: EAGAIN");

    struct msginfo info;
    int highest = msgctl(0, IPC_INFO, (struct msqid_ds *)&info);
    ok(highest >= queue % 32768, "IPC_INFO returns the highest slot in use");
    ok((unsigned)info.msgmax == sysctl_number("msgmax") && (unsigned)info.msgmnb == sysctl_number("msgmnb") &&
           (unsigned)info.msgmni == sysctl_number("msgmni"),
       "IPC_INFO reports msgmax, msgmnb and msgmni");
    is(msgctl(0, MSG_INFO, (struct msqid_ds *)&info), highest, "MSG_INFO returns the same");
    ok(info.msgpool >= 1 && info.msgmap >= 2 && info.msgtql >= 19, "MSG_INFO counts queues, messages, bytes");
    is(msgctl(queue % 32768, MSG_STAT, &status), queue, "MSG_STAT of the slot returns the id");
    fails_with(msgctl(queue, 99, &status), EINVAL, "an unknown command is EINVAL");
    msgctl(queue, IPC_RMID, NULL);
}

static void sysctls(void)
{
    char old[32], old_mnb[32];
    sysctl_text("msgmax", old, sizeof old);
    sysctl_text("msgmnb", old_mnb, sizeof old_mnb);
    if (set_sysctl("msgmax", "16\n") != 0) {
        skip("kernel.msgmax is not writable here", "msgmax limits msgsnd");
        return;
    }
    int queue = msgget(IPC_PRIVATE, 0600);
    is(send(queue, 1, "0123456789abcdef", IPC_NOWAIT), 0, "with msgmax 16 a 16-byte message is sent");
    fails_with(send(queue, 1, "0123456789abcdefg", IPC_NOWAIT), EINVAL, "and a 17-byte one is EINVAL");
    set_sysctl("msgmax", old);
    is(sysctl_number("msgmax"), strtoull(old, NULL, 10), "msgmax restored");
    set_sysctl("msgmnb", "100\n");
    int small = msgget(IPC_PRIVATE, 0600);
    struct msqid_ds status;
    msgctl(small, IPC_STAT, &status);
    is(status.msg_qbytes, 100, "a queue made with msgmnb 100 holds 100 bytes");
    set_sysctl("msgmnb", old_mnb);
    msgctl(queue, IPC_RMID, NULL);
    msgctl(small, IPC_RMID, NULL);
}

static void on_alarm(int signal) { (void)signal; }

static void blocking(void)
{
    int queue = msgget(IPC_PRIVATE, 0600);
    pid_t child = fork();
    if (child == 0) {
        struct message message;
        ssize_t length = msgrcv(queue, &message, sizeof message.text, 9, 0);
        _exit(length == 4 && message.type == 9 && !memcmp(message.text, "wake", 4) ? 0 : 1);
    }
    usleep(100000);
    send(queue, 8, "other", 0);
    send(queue, 9, "wake", 0);
    exits_with(child, 0, "a receiver sleeps until a message of its type comes");
    ok(!strcmp(receive(queue, 0, 0), "other"), "the other message stays");

    struct msqid_ds status;
    msgctl(queue, IPC_STAT, &status);
    status.msg_qbytes = 8;
    msgctl(queue, IPC_SET, &status);
    send(queue, 1, "12345678", 0);
    child = fork();
    if (child == 0)
        _exit(send(queue, 2, "abcd", 0) == 0 ? 0 : 1);
    usleep(100000);
    msgctl(queue, IPC_STAT, &status);
    is(status.msg_qnum, 1, "a sender waits while the queue is full");
    ok(!strcmp(receive(queue, 1, 0), "12345678"), "a receive makes room");
    exits_with(child, 0, "and the sender finishes");
    ok(!strcmp(receive(queue, 2, 0), "abcd"), "its message arrived");

    child = fork();
    if (child == 0) {
        struct message message;
        _exit(msgrcv(queue, &message, sizeof message.text, 0, 0) == -1 && errno == EIDRM ? 0 : 1);
    }
    usleep(100000);
    msgctl(queue, IPC_RMID, NULL);
    exits_with(child, 0, "a receiver sleeping when the queue is removed gets EIDRM");

    queue = msgget(IPC_PRIVATE, 0600);
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    action.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &action, NULL);
    ualarm(50000, 0);
    struct message message;
    fails_with(msgrcv(queue, &message, sizeof message.text, 0, 0), EINTR,
               "a signal ends a sleeping msgrcv with EINTR, SA_RESTART or not");
    msgctl(queue, IPC_RMID, NULL);
}

static void copy(void)
{
    int queue = msgget(IPC_PRIVATE, 0600);
    send(queue, 1, "first", 0);
    send(queue, 2, "second", 0);
    struct message message = {0, ""};
    fails_with(msgrcv(queue, &message, sizeof message.text, 0, MSG_COPY), EINVAL,
               "MSG_COPY without IPC_NOWAIT is EINVAL");
    errno = 0;
    ssize_t length = msgrcv(queue, &message, sizeof message.text, 1, MSG_COPY | IPC_NOWAIT);
    if (length < 0 && errno == ENOSYS) {
        skip("no CONFIG_CHECKPOINT_RESTORE", "MSG_COPY copies message number msgtyp");
    } else {
        ok(length == 6 && !memcmp(message.text, "second", 6), "MSG_COPY 1 copies the second message");
        struct msqid_ds status;
        msgctl(queue, IPC_STAT, &status);
        is(status.msg_qnum, 2, "and leaves it on the queue");
        fails_with(msgrcv(queue, &message, sizeof message.text, 2, MSG_COPY | IPC_NOWAIT), ENOMSG,
                   "MSG_COPY past the last message is ENOMSG");
    }
    msgctl(queue, IPC_RMID, NULL);
}

static void permissions(void)
{
    int key = test_key(0x4e);
    int queue = msgget(key, IPC_CREAT | 0600);
    int readable = msgget(IPC_PRIVATE, 0644);
    send(readable, 1, "x", 0);
    pid_t child = fork();
    if (child == 0) {
        int step = 0;
        struct msqid_ds status;
        struct message message;
        if (++step, become_nobody() != 0)
            _exit(step);
        if (++step, send(queue, 1, "x", IPC_NOWAIT) != -1 || errno != EACCES)
            _exit(step);
        if (++step, msgrcv(queue, &message, 10, 0, IPC_NOWAIT) != -1 || errno != EACCES)
            _exit(step);
        if (++step, msgctl(queue, IPC_STAT, &status) != -1 || errno != EACCES)
            _exit(step);
        if (++step, msgctl(queue, IPC_RMID, NULL) != -1 || errno != EPERM)
            _exit(step);
        if (++step, msgget(key, 0400) != -1 || errno != EACCES)
            _exit(step);
        if (++step, msgget(key, 0) != queue)
            _exit(step);
        if (++step, msgctl(readable, IPC_STAT, &status) != 0)
            _exit(step);
        if (++step, send(readable, 1, "y", IPC_NOWAIT) != -1 || errno != EACCES)
            _exit(step);
        if (++step, msgrcv(readable, &message, 10, 0, IPC_NOWAIT) != 1)
            _exit(step);
        if (++step, msgctl(queue % 32768, MSG_STAT_ANY, &status) != queue)
            _exit(step);
        _exit(0);
    }
    exits_with(child, 0, "uid 65534: EACCES without the rwx bits, EPERM for IPC_RMID, reads of 0644");
    msgctl(queue, IPC_RMID, NULL);
    msgctl(readable, IPC_RMID, NULL);
}

int main(void)
{
    keys();
    types();
    status_and_limits();
    sysctls();
    blocking();
    copy();
    permissions();
    return tap_done();
}
