/* POSIX threads (clone with CLONE_VM|CLONE_THREAD..., futex, set_tid_address, TLS through
 * FS): shared memory, mutexes, condition variables, thread-local storage, join values, and
 * exit() from one thread ending them all. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "tap.h"

#define THREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_value = -1;
static __thread char tls_block[256];

struct worker {
    int index;
    pthread_t self;
    pid_t pid, tid;
    int *tls_address;
    int tls_kept;
};

static void *work(void *argument)
{
    struct worker *w = argument;
    w->self = pthread_self();
    w->pid = getpid();
    w->tid = (pid_t)syscall(SYS_gettid);
    w->tls_address = &tls_value;
    int fresh = tls_value == -1 && tls_block[100] == 0;
    tls_value = w->index;
    memset(tls_block, w->index, sizeof tls_block);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        if (i % 1000 == 0)
            sched_yield();
    }
    int kept = tls_value == w->index;
    for (unsigned i = 0; i < sizeof tls_block; i++)
        kept &= tls_block[i] == w->index;
    w->tls_kept = fresh && kept;
    return (void *)(intptr_t)(w->index * 3);
}

static void counter_and_identity(void)
{
    struct worker workers[THREADS];
    pthread_t threads[THREADS];
    int created = 1;
    tls_value = 1000;
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){ .index = i + 1 };
        int error = pthread_create(&threads[i], NULL, work, &workers[i]);
        if (error) {
            diag("pthread_create %d: %s", i, strerror(error));
            created = 0;
            break;
        }
    }
    if (!ok(created, "pthread_create starts %d threads", THREADS))
        return;
    int values_right = 1;
    for (int i = 0; i < THREADS; i++) {
        void *value = NULL;
        values_right &= pthread_join(threads[i], &value) == 0 && (intptr_t)value == (i + 1) * 3;
    }
    ok(values_right, "pthread_join returns each thread's return value");
    is(counter, (long)THREADS * ROUNDS, "%d threads x %d mutex-protected increments", THREADS, ROUNDS);

    int distinct = 1, same_pid = 1, tls_kept = 1, tls_distinct = 1, tid_distinct = 1;
    for (int i = 0; i < THREADS; i++) {
        same_pid &= workers[i].pid == getpid();
        tls_kept &= workers[i].tls_kept;
        tid_distinct &= workers[i].tid != getpid() && workers[i].tid > 0;
        distinct &= !pthread_equal(workers[i].self, pthread_self());
        tls_distinct &= workers[i].tls_address != &tls_value;
        for (int j = 0; j < i; j++) {
            distinct &= !pthread_equal(workers[i].self, workers[j].self);
            tls_distinct &= workers[i].tls_address != workers[j].tls_address;
            tid_distinct &= workers[i].tid != workers[j].tid;
        }
    }
    ok(distinct, "pthread_self differs in every thread");
    ok(same_pid, "getpid is the same in every thread");
    ok(tid_distinct, "gettid differs in every thread and from the process id");
    ok(tls_kept, "each thread starts with its own fresh thread-local storage and keeps its values");
    ok(tls_distinct, "a __thread variable has a different address in every thread");
    is(tls_value, 1000, "the main thread's __thread variable kept its value");
}

/* One thread writes, the other waits for it without a lock: plain shared memory. */
static volatile int flag;
static volatile long message;

static void *publisher(void *unused)
{
    (void)unused;
    message = 0x1234;
    __atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) != 2)
        sched_yield();
    return (void *)(long)message;
}

static void shared_memory(void)
{
    flag = 0;
    pthread_t t;
    if (!ok(pthread_create(&t, NULL, publisher, NULL) == 0, "start a publishing thread"))
        return;
    long spins = 0;
    while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) != 1 && spins++ < 100000000)
        sched_yield();
    ok(flag == 1 && message == 0x1234, "the main thread sees the other thread's writes");
    message = 0x5678;
    __atomic_store_n(&flag, 2, __ATOMIC_RELEASE);
    void *value = NULL;
    pthread_join(t, &value);
    is((long)value, 0x5678, "and the other thread sees the main thread's");
}

/* A bounded queue of one slot: producer and consumer sleep on condition variables. */
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int slot, slot_full, consumed_sum;

static void *consumer(void *unused)
{
    (void)unused;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&lock);
        while (!slot_full)
            pthread_cond_wait(&changed, &lock);
        consumed_sum += slot;
        slot_full = 0;
        pthread_cond_signal(&changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void condition_variables(void)
{
    pthread_t t;
    if (!ok(pthread_create(&t, NULL, consumer, NULL) == 0, "start a consumer thread"))
        return;
    for (int i = 1; i <= 1000; i++) {
        pthread_mutex_lock(&lock);
        while (slot_full)
            pthread_cond_wait(&changed, &lock);
        slot = i;
        slot_full = 1;
        pthread_cond_signal(&changed);
        pthread_mutex_unlock(&lock);
    }
    pthread_join(t, NULL);
    is(consumed_sum, 500500, "1000 values handed over one at a time with a condition variable");
}

static void *deep_stack(void *unused)
{
    (void)unused;
    volatile char big[512 * 1024];
    for (unsigned i = 0; i < sizeof big; i += 4096)
        big[i] = (char)i;
    return (void *)(long)big[4096];
}

static void *exits_process(void *unused)
{
    (void)unused;
    exit(42);
}

static pthread_mutex_t never_released = PTHREAD_MUTEX_INITIALIZER;

static void *blocks_forever(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&never_released);       /* the main thread holds it: a futex wait */
    return NULL;
}

static void process_exit(void)
{
    pthread_t t;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 1 << 20);
    void *value = NULL;
    ok(pthread_create(&t, &attributes, deep_stack, NULL) == 0 && pthread_join(t, &value) == 0 &&
       (long)value == (char)4096, "a thread with a 1 MiB stack can use 512 KiB of it");

    pid_t pid = fork();
    if (pid == 0) {
        pthread_t sleeper, exiter;
        pthread_mutex_lock(&never_released);
        pthread_create(&sleeper, NULL, blocks_forever, NULL);
        pthread_create(&exiter, NULL, exits_process, NULL);
        pthread_join(sleeper, NULL);
        _exit(1);
    }
    exits_with(pid, 42, "exit(42) in one thread ends the process, a thread blocked on a mutex included");

    pid = fork();
    if (pid == 0) {
        pthread_t t2;
        pthread_create(&t2, &attributes, deep_stack, NULL);
        pthread_join(t2, NULL);
        _exit(7);
    }
    exits_with(pid, 7, "a forked child can start and join a thread of its own");
}

int main(void)
{
    counter_and_identity();
    shared_memory();
    condition_variables();
    process_exit();
    return tap_done();
}
