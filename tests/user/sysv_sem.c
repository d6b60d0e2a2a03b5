/* System V semaphores: semget's rules, semctl's GETVAL/SETVAL/GETALL/SETALL/GETPID/GETNCNT/
 * GETZCNT/IPC_STAT/IPC_SET/IPC_RMID/SEM_STAT/SEM_INFO, semop all or nothing, IPC_NOWAIT,
 * ERANGE at SEMVMX, semtimedop's timeout, sleepers woken from another process, EINTR,
 * EIDRM, SEM_UNDO applied at exit (shared by threads, reset by SETVAL), permissions for
 * uid 65534 and /proc/sysvipc/sem. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <time.h>
#include "tap.h"
#include "sysvipc.h"

#ifndef SEM_STAT_ANY
#define SEM_STAT_ANY 20
#endif

union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

static int value(int set, int number) { return semctl(set, number, GETVAL); }

static int op(int set, int number, int change, int flags)
{
    struct sembuf operation = {(unsigned short)number, (short)change, (short)flags};
    return semop(set, &operation, 1);
}

static void creation(void)
{
    fails_with(semget(IPC_PRIVATE, 0, 0600), EINVAL, "a new set of 0 semaphores is EINVAL");
    fails_with(semget(IPC_PRIVATE, (int)sysctl_number("sem") + 1, 0600), EINVAL, "more than SEMMSL is EINVAL");
    int key = test_key(0x53);
    int set = semget(key, 3, IPC_CREAT | 0600);
    ok(set >= 0, "semget(key, 3, IPC_CREAT) makes a set");
    is(semget(key, 2, 0), set, "semget of the key with fewer semaphores finds it");
    is(semget(key, 0, 0), set, "and with 0");
    fails_with(semget(key, 4, 0), EINVAL, "with more than it has: EINVAL");
    fails_with(semget(key, 3, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_EXCL: EEXIST");
    is(value(set, 0), 0, "semaphores start at 0");
    is(semctl(set, 0, IPC_RMID), 0, "IPC_RMID");
    fails_with(value(set, 0), EINVAL, "then GETVAL is EINVAL");
    fails_with(semget(key, 3, 0), ENOENT, "and the key is unknown");
}

static void control(void)
{
    int set = semget(IPC_PRIVATE, 3, 0640);
    is(semctl(set, 1, SETVAL, (union semun){.val = 5}), 0, "SETVAL 5");
    is(value(set, 1), 5, "GETVAL reads 5");
    is(semctl(set, 1, GETPID), getpid(), "GETPID: SETVAL's caller");
    fails_with(semctl(set, 1, SETVAL, (union semun){.val = 32768}), ERANGE, "SETVAL past SEMVMX: ERANGE");
    fails_with(semctl(set, 1, SETVAL, (union semun){.val = -1}), ERANGE, "SETVAL -1: ERANGE");
    fails_with(semctl(set, 3, SETVAL, (union semun){.val = 1}), EINVAL, "SETVAL of semaphore 3 of 3: EINVAL");
    fails_with(semctl(set, 3, GETVAL), EINVAL, "GETVAL of it: EINVAL");
    unsigned short values[3] = {7, 8, 9};
    is(semctl(set, 0, SETALL, (union semun){.array = values}), 0, "SETALL 7 8 9");
    unsigned short read_back[3] = {0};
    is(semctl(set, 0, GETALL, (union semun){.array = read_back}), 0, "GETALL");
    ok(read_back[0] == 7 && read_back[1] == 8 && read_back[2] == 9, "reads 7 8 9");
    unsigned short too_big[3] = {1, 40000, 1};
    fails_with(semctl(set, 0, SETALL, (union semun){.array = too_big}), ERANGE, "SETALL past SEMVMX: ERANGE");
    is(value(set, 0), 7, "and changes nothing");

    struct semid_ds status;
    is(semctl(set, 0, IPC_STAT, (union semun){.buf = &status}), 0, "IPC_STAT");
    ok(status.sem_nsems == 3 && (status.sem_perm.mode & 0777) == 0640 && status.sem_perm.uid == geteuid(),
       "sem_nsems, mode and owner");
    ok(status.sem_otime == 0 && status.sem_ctime >= time(NULL) - 5, "no semop yet; sem_ctime set");
    op(set, 0, -1, 0);
    semctl(set, 0, IPC_STAT, (union semun){.buf = &status});
    ok(status.sem_otime >= time(NULL) - 5, "semop sets sem_otime");
    status.sem_perm.mode = 0600;
    is(semctl(set, 0, IPC_SET, (union semun){.buf = &status}), 0, "IPC_SET mode 0600");
    semctl(set, 0, IPC_STAT, (union semun){.buf = &status});
    is(status.sem_perm.mode & 0777, 0600, "the mode changed");

    long long fields[12];
    int count = sysvipc_fields("sem", set, fields, 12);
    ok(count == 10 && fields[2] == 0600 && fields[3] == 3 && fields[4] == geteuid() && fields[8] > 0,
       "/proc/sysvipc/sem: perms, nsems, uid, otime");
    char header[256];
    sysvipc_header("sem", header, sizeof header);
    ok(!strcmp(header, "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"),
       "/proc/sysvipc/sem's header is Linux's");

    struct seminfo info;
    int highest = semctl(0, 0, IPC_INFO, (union semun){.__buf = &info});
    ok(highest >= set % 32768, "IPC_INFO returns the highest slot in use");
    ok((unsigned)info.semmsl == sysctl_number("sem") && info.semvmx == 32767, "IPC_INFO: semmsl and semvmx");
    is(semctl(0, 0, SEM_INFO, (union semun){.__buf = &info}), highest, "SEM_INFO returns the same");
    ok(info.semusz >= 1 && info.semaem >= 3, "SEM_INFO counts sets and semaphores");
    is(semctl(set % 32768, 0, SEM_STAT, (union semun){.buf = &status}), set, "SEM_STAT of the slot: the id");
    fails_with(semctl(set, 0, 99), EINVAL, "an unknown command is EINVAL");
    semctl(set, 0, IPC_RMID);
}

static void operations(void)
{
    int set = semget(IPC_PRIVATE, 2, 0600);
    semctl(set, 0, SETVAL, (union semun){.val = 1});
    struct sembuf both[2] = {{0, -1, IPC_NOWAIT}, {1, -1, IPC_NOWAIT}};
    fails_with(semop(set, both, 2), EAGAIN, "two decrements, the second would block: EAGAIN");
    is(value(set, 0), 1, "and the first did not happen");
    struct sembuf inc_dec[2] = {{1, 2, 0}, {1, -1, 0}};
    is(semop(set, inc_dec, 2), 0, "operations see the ones before them: +2 then -1");
    is(value(set, 1), 1, "leaving 1");
    fails_with(op(set, 0, 0, IPC_NOWAIT), EAGAIN, "wait-for-zero of 1 with IPC_NOWAIT: EAGAIN");
    semctl(set, 0, SETVAL, (union semun){.val = 32767});
    fails_with(op(set, 0, 1, 0), ERANGE, "past SEMVMX: ERANGE");
    fails_with(op(set, 2, 1, 0), EFBIG, "semaphore 2 of 2: EFBIG");
    fails_with(semop(set, both, 0), EINVAL, "no operations: EINVAL");
    static struct sembuf many[600];
    fails_with(semop(set, many, 600), E2BIG, "more than SEMOPM operations: E2BIG");
    fails_with(semop(set, bad_pointer(16), 1), EFAULT, "a bad pointer: EFAULT");
    is(op(set, 1, -1, 0), 0, "decrement to 0");
    is(semctl(set, 1, GETPID), getpid(), "GETPID: the last semop's caller");

    struct timespec before, after, timeout = {0, 50000000};
    struct sembuf wait_op = {1, -1, 0};
    clock_gettime(CLOCK_MONOTONIC, &before);
    fails_with(semtimedop(set, &wait_op, 1, &timeout), EAGAIN, "semtimedop runs out: EAGAIN");
    clock_gettime(CLOCK_MONOTONIC, &after);
    long elapsed = (after.tv_sec - before.tv_sec) * 1000 + (after.tv_nsec - before.tv_nsec) / 1000000;
    ok(elapsed >= 40 && elapsed < 2000, "after the 50 ms timeout (%ld ms)", elapsed);
    timeout.tv_nsec = 2000000000;
    fails_with(semtimedop(set, &wait_op, 1, &timeout), EINVAL, "a malformed timeout is EINVAL");
    semctl(set, 0, IPC_RMID);
}

static void on_alarm(int signal) { (void)signal; }

/* Polls GETNCNT or GETZCNT of semaphore 0 until it is `want`, for up to 2 s. */
static int waits_until(int set, int command, int want)
{
    for (int i = 0; i < 200; i++) {
        if (semctl(set, 0, command) == want)
            return 1;
        usleep(10000);
    }
    return 0;
}

static void sleeping(void)
{
    int set = semget(IPC_PRIVATE, 1, 0600);
    pid_t child = fork();
    if (child == 0)
        _exit(op(set, 0, -2, 0) == 0 ? 0 : 1);
    ok(waits_until(set, GETNCNT, 1), "GETNCNT: one process waits to decrement");
    is(semctl(set, 0, GETZCNT), 0, "GETZCNT: none waits for zero");
    op(set, 0, 1, 0);
    usleep(50000);
    is(semctl(set, 0, GETNCNT), 1, "one is not enough for -2: still waiting");
    op(set, 0, 1, 0);
    exits_with(child, 0, "two are: the sleeper's semop completes");
    is(value(set, 0), 0, "and took both");

    semctl(set, 0, SETVAL, (union semun){.val = 1});
    child = fork();
    if (child == 0)
        _exit(op(set, 0, 0, 0) == 0 ? 0 : 1);
    ok(waits_until(set, GETZCNT, 1), "GETZCNT: one process waits for zero");
    op(set, 0, -1, 0);
    exits_with(child, 0, "the wait for zero ends when it is 0");

    child = fork();
    if (child == 0)
        _exit(op(set, 0, -1, 0) == -1 && errno == EIDRM ? 0 : 1);
    waits_until(set, GETNCNT, 1);
    semctl(set, 0, IPC_RMID);
    exits_with(child, 0, "a sleeper whose set is removed gets EIDRM");

    set = semget(IPC_PRIVATE, 1, 0600);
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    action.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &action, NULL);
    ualarm(50000, 0);
    fails_with(op(set, 0, -1, 0), EINTR, "a signal ends a sleeping semop with EINTR, SA_RESTART or not");
    is(semctl(set, 0, GETNCNT), 0, "and it no longer counts as waiting");
    semctl(set, 0, IPC_RMID);
}

static int undo_set;

static void *undo_thread(void *argument)
{
    (void)argument;
    op(undo_set, 0, 1, SEM_UNDO);
    return NULL;
}

static void undo(void)
{
    int set = semget(IPC_PRIVATE, 2, 0600);
    pid_t child = fork();
    if (child == 0)
        _exit(op(set, 0, 2, SEM_UNDO) == 0 && op(set, 1, 3, 0) == 0 ? 0 : 1);
    exits_with(child, 0, "a child adds 2 with SEM_UNDO and 3 without");
    is(value(set, 0), 0, "its exit undoes the 2");
    is(value(set, 1), 3, "not the 3");
    is(semctl(set, 0, GETPID), child, "GETPID: the exiting process applied the undo");

    semctl(set, 0, SETVAL, (union semun){.val = 5});
    child = fork();
    if (child == 0)
        _exit(op(set, 0, -1, SEM_UNDO) == 0 && op(set, 0, -1, SEM_UNDO) == 0 ? 0 : 1);
    exits_with(child, 0, "a child takes 2 with SEM_UNDO");
    is(value(set, 0), 5, "its exit gives them back");

    int ready[2], go[2];
    if (!opened_pipe(ready, "SETVAL resets undo") || !opened_pipe(go, "SETVAL resets undo"))
        return;
    child = fork();
    if (child == 0) {
        char byte = 0;
        int done = op(set, 1, 4, SEM_UNDO) == 0;
        write(ready[1], "r", 1);
        read(go[0], &byte, 1);
        _exit(done ? 0 : 1);
    }
    char byte;
    read(ready[0], &byte, 1);
    semctl(set, 1, SETVAL, (union semun){.val = 10});
    write(go[1], "g", 1);
    exits_with(child, 0, "a child adds 4 with SEM_UNDO, then the parent does SETVAL 10");
    is(value(set, 1), 10, "SETVAL cleared the adjustment: nothing is undone");

    semctl(set, 0, SETVAL, (union semun){.val = 0});
    child = fork();
    if (child == 0) {
        pthread_t thread;
        undo_set = set;
        pthread_create(&thread, NULL, undo_thread, NULL);
        pthread_join(thread, NULL);
        _exit(value(set, 0) == 1 ? 0 : 1);
    }
    exits_with(child, 0, "a thread's SEM_UNDO stays while its process lives (CLONE_SYSVSEM)");
    is(value(set, 0), 0, "the process's exit undoes it");

    semctl(set, 0, SETVAL, (union semun){.val = 1});
    child = fork();
    if (child == 0) {
        op(set, 0, -1, SEM_UNDO);
        semctl(set, 0, IPC_RMID);
        _exit(0);
    }
    exits_with(child, 0, "a child with an undo record removes the set and exits");
}

static void permissions(void)
{
    int private = semget(IPC_PRIVATE, 1, 0600);
    int readable = semget(IPC_PRIVATE, 1, 0604);
    pid_t child = fork();
    if (child == 0) {
        int step = 0;
        struct semid_ds status;
        if (++step, become_nobody() != 0)
            _exit(step);
        if (++step, op(private, 0, 1, IPC_NOWAIT) != -1 || errno != EACCES)
            _exit(step);
        if (++step, value(private, 0) != -1 || errno != EACCES)
            _exit(step);
        if (++step, semctl(private, 0, SETVAL, (union semun){.val = 1}) != -1 || errno != EACCES)
            _exit(step);
        if (++step, semctl(private, 0, IPC_STAT, (union semun){.buf = &status}) != -1 || errno != EACCES)
            _exit(step);
        if (++step, semctl(private, 0, IPC_RMID) != -1 || errno != EPERM)
            _exit(step);
        if (++step, value(readable, 0) != 0)
            _exit(step);
        if (++step, op(readable, 0, 0, IPC_NOWAIT) != 0)
            _exit(step);
        if (++step, op(readable, 0, 1, IPC_NOWAIT) != -1 || errno != EACCES)
            _exit(step);
        if (++step, semctl(private % 32768, 0, SEM_STAT_ANY, (union semun){.buf = &status}) != private)
            _exit(step);
        _exit(0);
    }
    exits_with(child, 0, "uid 65534: EACCES without the bits, EPERM for IPC_RMID, reads of 0604");
    semctl(private, 0, IPC_RMID);
    semctl(readable, 0, IPC_RMID);
}

int main(void)
{
    creation();
    control();
    operations();
    sleeping();
    undo();
    permissions();
    return tap_done();
}
