/* Priority-inheritance futexes (docs/locking.md): the raw FUTEX_LOCK_PI, LOCK_PI2,
 * TRYLOCK_PI and UNLOCK_PI calls with their word protocol and errors, PTHREAD_PRIO_INHERIT
 * and the FUTEX_WAIT_REQUEUE_PI / FUTEX_CMP_REQUEUE_PI pair, PTHREAD_PRIO_INHERIT
 * mutexes contended by threads (lock, trylock, timedlock, a condition variable), robust PI
 * mutexes whose owner dies (EOWNERDEAD, pthread_mutex_consistent) in threads and across
 * processes, and a priority inversion on one CPU that inheritance resolves. Built with musl
 * and with glibc. */
#define _GNU_SOURCE
#include "tap.h"
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

/* <linux/futex.h>'s numbers: musl-gcc has no kernel headers. */
enum {
    FUTEX_WAKE = 1, FUTEX_CMP_REQUEUE = 4, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8,
    FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13,
    FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256,
    FUTEX_WAKE_PRIVATE = FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
    FUTEX_CMP_REQUEUE_PRIVATE = FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG,
    FUTEX_WAIT_REQUEUE_PI_PRIVATE = FUTEX_WAIT_REQUEUE_PI | FUTEX_PRIVATE_FLAG,
    FUTEX_CMP_REQUEUE_PI_PRIVATE = FUTEX_CMP_REQUEUE_PI | FUTEX_PRIVATE_FLAG,
    FUTEX_LOCK_PI_PRIVATE = FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG,
    FUTEX_UNLOCK_PI_PRIVATE = FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG,
    FUTEX_TRYLOCK_PI_PRIVATE = FUTEX_TRYLOCK_PI | FUTEX_PRIVATE_FLAG,
    FUTEX_LOCK_PI2_PRIVATE = FUTEX_LOCK_PI2 | FUTEX_PRIVATE_FLAG,
};
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

static long futex(uint32_t *word, int op, uint32_t value, const struct timespec *timeout)
{
    return syscall(SYS_futex, word, op, value, timeout, NULL, 0);
}

static uint32_t tid(void)
{
    return (uint32_t)syscall(SYS_gettid);
}

static uint64_t now_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* `ms` milliseconds from now on `clock`, as an absolute timespec. */
static struct timespec in_ms(clockid_t clock, long ms)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_nsec += (ms % 1000) * 1000000;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    return ts;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Waits (up to 5 s) until thread `id` of this process sleeps: it has reached its futex call
 * even on a loaded machine. */
static void wait_sleeping(uint32_t id)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/self/task/%u/stat", id);
    for (int i = 0; i < 2500; i++) {
        int fd = open(path, O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
        if (fd >= 0)
            close(fd);
        char *state = n > 0 ? (text[n] = 0, strrchr(text, ')')) : NULL;
        if (state && state[1] == ' ' && state[2] == 'S')
            return;
        sleep_ms(2);
    }
}

/* ---- a thread that takes a raw PI futex and holds it until told to let go */

static uint32_t raw_word;
static volatile int holder_has_it, holder_may_release;
static uint32_t holder_tid;

static void *raw_holder(void *unused)
{
    (void)unused;
    holder_tid = tid();
    long taken = futex(&raw_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL);
    holder_has_it = taken == 0 ? 1 : -1;
    while (!holder_may_release)
        sleep_ms(2);
    futex(&raw_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    return NULL;
}

static volatile int raw_waiter_result = 1;
static volatile uint32_t raw_waiter_tid;
static void *raw_waiter(void *unused)
{
    (void)unused;
    raw_waiter_tid = tid();
    raw_waiter_result = futex(&raw_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL) == 0 ? 0 : errno;
    uint32_t seen = __atomic_load_n(&raw_word, __ATOMIC_SEQ_CST);
    if (raw_waiter_result == 0 && (seen & FUTEX_TID_MASK) != tid())
        raw_waiter_result = -1;
    if (raw_waiter_result == 0)
        futex(&raw_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    return NULL;
}

/* Takes `first`, then sleeps for `second`: the other half of a deadlock. */
static uint32_t first_word, second_word;
static volatile uint32_t crossing;
static void *cross(void *unused)
{
    (void)unused;
    futex(&first_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL);
    crossing = tid();
    futex(&second_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL);
    futex(&second_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    futex(&first_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    return NULL;
}

static void deadlock(void)
{
    pthread_t thread;
    is(futex(&second_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), 0, "we hold one lock");
    pthread_create(&thread, NULL, cross, NULL);
    while (!crossing)
        sleep_ms(1);
    wait_sleeping(crossing);
    fails_with(futex(&first_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), EDEADLK,
               "taking the lock of a thread that waits for ours is EDEADLK");
    is(futex(&second_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0, "our unlock lets it go on");
    pthread_join(thread, NULL);
    ok(first_word == 0 && second_word == 0, "both words free afterwards");
}

/* A signal to a thread sleeping in FUTEX_LOCK_PI: the handler runs and the lock is waited
 * for again (Linux restarts it even without SA_RESTART), never EINTR. */
static uint32_t restart_word;
static volatile uint32_t restart_tid;
static volatile int restart_result = 1, handled;

static void on_signal(int signal)
{
    (void)signal;
    handled++;
}

static void *lock_restarting(void *unused)
{
    (void)unused;
    restart_tid = tid();
    restart_result = futex(&restart_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL) == 0 ? 0 : errno;
    if (restart_result == 0)
        futex(&restart_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    return NULL;
}

static void restart_after_signal(void)
{
    struct sigaction action = {.sa_handler = on_signal};
    sigaction(SIGUSR1, &action, NULL);
    futex(&restart_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL);
    pthread_t thread;
    pthread_create(&thread, NULL, lock_restarting, NULL);
    while (!restart_tid)
        sleep_ms(1);
    wait_sleeping(restart_tid);
    pthread_kill(thread, SIGUSR1);
    while (!handled)
        sleep_ms(1);
    wait_sleeping(restart_tid);
    is(restart_result, 1, "a signal's handler ran and FUTEX_LOCK_PI waits again, no EINTR");
    futex(&restart_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    pthread_join(thread, NULL);
    is(restart_result, 0, "the restarted call gets the lock");
    signal(SIGUSR1, SIG_DFL);
}

static void raw_calls(void)
{
    uint32_t word = 0;
    is(futex(&word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), 0, "FUTEX_LOCK_PI takes a free word");
    is(word, tid(), "the word holds the caller's TID");
    fails_with(futex(&word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), EDEADLK, "locking it again is EDEADLK");
    fails_with(futex(&word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL), EDEADLK, "FUTEX_TRYLOCK_PI on it is EDEADLK");
    is(futex(&word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0, "FUTEX_UNLOCK_PI releases it");
    is(word, 0, "the word is 0 again");
    fails_with(futex(&word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), EPERM, "unlocking a free word is EPERM");
    is(futex(&word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL), 0, "FUTEX_TRYLOCK_PI takes a free word");
    is(word, tid(), "with the caller's TID");
    word = FUTEX_OWNER_DIED;
    is(futex(&word, FUTEX_LOCK_PI2_PRIVATE, 0, NULL), 0, "FUTEX_LOCK_PI2 takes a word whose owner died");
    is(word, FUTEX_OWNER_DIED | tid(), "FUTEX_OWNER_DIED stays for the locker to see");
    is(futex(&word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0, "and unlocks it");

    uint32_t *odd = (uint32_t *)((char *)&word + 1);
    fails_with(futex(odd, FUTEX_LOCK_PI_PRIVATE, 0, NULL), EINVAL, "a misaligned word is EINVAL");
    fails_with(futex(&word, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL), ENOSYS,
               "FUTEX_LOCK_PI with FUTEX_CLOCK_REALTIME is ENOSYS");
    struct timespec bad = {0, 1000000000};
    word = 1;
    fails_with(futex(&word, FUTEX_LOCK_PI_PRIVATE, 0, &bad), EINVAL, "a timeout of 10^9 ns is EINVAL");
    fails_with(futex(bad_pointer(0), FUTEX_LOCK_PI_PRIVATE, 0, NULL), EFAULT, "a NULL word is EFAULT");

    /* A TID nobody has: a reaped child's. */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    word = (uint32_t)child;
    fails_with(futex(&word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), ESRCH, "an owner TID of no thread is ESRCH");
    fails_with(futex(&word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), EPERM,
               "unlocking another TID's word is EPERM");

    /* Held by a live thread. */
    pthread_t holder, waiter;
    raw_word = 0;
    pthread_create(&holder, NULL, raw_holder, NULL);
    while (!holder_has_it)
        sleep_ms(1);
    is(holder_has_it, 1, "a thread takes the word");
    fails_with(futex(&raw_word, FUTEX_TRYLOCK_PI_PRIVATE, 0, NULL), EAGAIN,
               "FUTEX_TRYLOCK_PI of a held word is EAGAIN");
    fails_with(futex(&raw_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), EPERM,
               "unlocking another thread's lock is EPERM");

    struct timespec deadline = in_ms(CLOCK_MONOTONIC, 50);
    uint64_t start = now_ns(CLOCK_MONOTONIC);
    fails_with(futex(&raw_word, FUTEX_LOCK_PI2_PRIVATE, 0, &deadline), ETIMEDOUT,
               "FUTEX_LOCK_PI2 with a CLOCK_MONOTONIC deadline is ETIMEDOUT");
    ok(now_ns(CLOCK_MONOTONIC) - start >= 45000000, "after the deadline");
    is(raw_word, FUTEX_WAITERS | holder_tid, "the word keeps FUTEX_WAITERS and the owner");
    deadline = in_ms(CLOCK_REALTIME, 30);
    fails_with(futex(&raw_word, FUTEX_LOCK_PI_PRIVATE, 0, &deadline), ETIMEDOUT,
               "FUTEX_LOCK_PI with a CLOCK_REALTIME deadline is ETIMEDOUT");
    deadline = in_ms(CLOCK_REALTIME, 30);
    fails_with(futex(&raw_word, FUTEX_LOCK_PI2_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &deadline), ETIMEDOUT,
               "FUTEX_LOCK_PI2 with FUTEX_CLOCK_REALTIME is ETIMEDOUT");
    deadline = (struct timespec){0, 0};
    fails_with(futex(&raw_word, FUTEX_LOCK_PI_PRIVATE, 0, &deadline), ETIMEDOUT,
               "a past deadline is ETIMEDOUT");

    /* A waiter sleeps in the kernel: FUTEX_WAKE may not touch it, the unlock hands it the lock. */
    pthread_create(&waiter, NULL, raw_waiter, NULL);
    while (!raw_waiter_tid)
        sleep_ms(1);
    wait_sleeping(raw_waiter_tid);
    fails_with(futex(&raw_word, FUTEX_WAKE_PRIVATE, 1, NULL), EINVAL,
               "FUTEX_WAKE of a PI futex with waiters is EINVAL");
    is(raw_waiter_result, 1, "the waiter still sleeps");
    uint32_t held_word = raw_word;
    raw_word = FUTEX_WAITERS | raw_waiter_tid;
    fails_with(futex(&raw_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), EINVAL,
               "a word naming another owner than the kernel's is EINVAL");
    raw_word = held_word;
    holder_may_release = 1;
    pthread_join(holder, NULL);
    pthread_join(waiter, NULL);
    is(raw_waiter_result, 0, "FUTEX_UNLOCK_PI gave the lock to the waiter, its TID in the word");
    is(raw_word, 0, "which unlocked it");
}

/* ---- FUTEX_WAIT_REQUEUE_PI and FUTEX_CMP_REQUEUE_PI: a condition word and a PI mutex word */

static uint32_t condition, mutex_word, other_mutex;
static volatile int requeue_results[3], requeue_owned;
static volatile uint32_t requeue_tids[3];

static long requeue_pi(uint32_t *from, int wake, long requeue, uint32_t *to, uint32_t expected)
{
    return syscall(SYS_futex, from, FUTEX_CMP_REQUEUE_PI_PRIVATE, wake, (void *)requeue, to, expected);
}

static long wait_requeue_pi(uint32_t *from, uint32_t expected, const struct timespec *timeout, uint32_t *to)
{
    return syscall(SYS_futex, from, FUTEX_WAIT_REQUEUE_PI_PRIVATE, expected, timeout, to, 0);
}

/* Waits on `condition` for a requeue to `mutex_word`; owning it, counts itself and unlocks. */
static void *requeued_waiter(void *slot)
{
    volatile int *result = slot;
    requeue_tids[result - requeue_results] = tid();
    *result = 1;
    if (wait_requeue_pi(&condition, 0, NULL, &mutex_word) != 0) {
        *result = errno;
        return NULL;
    }
    *result = (__atomic_load_n(&mutex_word, __ATOMIC_SEQ_CST) & FUTEX_TID_MASK) == tid() ? 0 : -1;
    __atomic_add_fetch(&requeue_owned, 1, __ATOMIC_SEQ_CST);
    futex(&mutex_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL);
    return NULL;
}

/* The first `count` requeued_waiter threads sleep. */
static void waiters_asleep(int count)
{
    for (int i = 0; i < count; i++) {
        while (!requeue_tids[i])
            sleep_ms(1);
        wait_sleeping(requeue_tids[i]);
    }
}

static void requeue_pi_calls(void)
{
    condition = 1;
    fails_with(wait_requeue_pi(&condition, 0, NULL, &mutex_word), EAGAIN,
               "FUTEX_WAIT_REQUEUE_PI on a changed word is EAGAIN");
    condition = 0;
    fails_with(wait_requeue_pi(&condition, 0, NULL, &condition), EINVAL,
               "FUTEX_WAIT_REQUEUE_PI to its own word is EINVAL");
    struct timespec deadline = in_ms(CLOCK_MONOTONIC, 30);
    fails_with(wait_requeue_pi(&condition, 0, &deadline, &mutex_word), ETIMEDOUT,
               "FUTEX_WAIT_REQUEUE_PI times out");
    fails_with(requeue_pi(&condition, 2, 1, &mutex_word, 0), EINVAL, "FUTEX_CMP_REQUEUE_PI waking 2 is EINVAL");
    fails_with(requeue_pi(&condition, 1, 1, &mutex_word, 5), EAGAIN,
               "FUTEX_CMP_REQUEUE_PI with another value is EAGAIN");
    is(requeue_pi(&condition, 1, 1, &mutex_word, 0), 0, "FUTEX_CMP_REQUEUE_PI with nobody waiting moves 0");

    /* A free mutex: the waiter is woken owning it. */
    pthread_t threads[3];
    requeue_tids[0] = 0;
    pthread_create(&threads[0], NULL, requeued_waiter, (void *)&requeue_results[0]);
    waiters_asleep(1);
    fails_with(futex(&condition, FUTEX_WAKE_PRIVATE, 1, NULL), EINVAL,
               "FUTEX_WAKE of a FUTEX_WAIT_REQUEUE_PI waiter is EINVAL");
    fails_with(syscall(SYS_futex, &condition, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)1, &other_mutex, 0), EINVAL,
               "a plain FUTEX_CMP_REQUEUE of it is EINVAL");
    fails_with(requeue_pi(&condition, 1, 1, &other_mutex, 0), EINVAL,
               "FUTEX_CMP_REQUEUE_PI to another PI futex is EINVAL");
    is(requeue_pi(&condition, 1, 0, &mutex_word, 0), 1, "FUTEX_CMP_REQUEUE_PI gives the free mutex to the waiter");
    pthread_join(threads[0], NULL);
    is(requeue_results[0], 0, "which returns owning it");
    is(mutex_word, 0, "and unlocks it");

    /* A held mutex: all three wait on its rt-mutex and get it in turn. */
    requeue_owned = 0;
    for (int i = 0; i < 3; i++) {
        requeue_tids[i] = 0;
        pthread_create(&threads[i], NULL, requeued_waiter, (void *)&requeue_results[i]);
    }
    waiters_asleep(3);
    is(futex(&mutex_word, FUTEX_LOCK_PI_PRIVATE, 0, NULL), 0, "the mutex is taken");
    is(requeue_pi(&condition, 1, 2, &mutex_word, 0), 3, "FUTEX_CMP_REQUEUE_PI of 1 + 2 moves all three");
    is(mutex_word, FUTEX_WAITERS | tid(), "the mutex word got FUTEX_WAITERS");
    fails_with(futex(&mutex_word, FUTEX_WAKE_PRIVATE, 1, NULL), EINVAL, "FUTEX_WAKE of the PI futex is EINVAL");
    sleep_ms(20);
    is(requeue_owned, 0, "the waiters sleep on the mutex");
    is(futex(&mutex_word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL), 0, "FUTEX_UNLOCK_PI");
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    is(requeue_owned, 3, "each waiter owned the mutex in turn");
    ok(!requeue_results[0] && !requeue_results[1] && !requeue_results[2], "with its TID in the word");
    is(mutex_word, 0, "and the last unlocked it");
}

/* ---- PTHREAD_PRIO_INHERIT mutexes */

static pthread_mutex_t pi_mutex;
static long counter;
enum { THREADS = 4, ROUNDS = 5000 };

static void *increment(void *unused)
{
    (void)unused;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&pi_mutex);
        long seen = counter;
        if (i % 64 == 0)
            sched_yield();
        counter = seen + 1;
        pthread_mutex_unlock(&pi_mutex);
    }
    return NULL;
}

static volatile int held, may_let_go;
static void *hold_until_told(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&pi_mutex);
    held = 1;
    while (!may_let_go)
        sleep_ms(2);
    held = 0;
    pthread_mutex_unlock(&pi_mutex);
    return NULL;
}

static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;
static void *ping(void *unused)
{
    (void)unused;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&pi_mutex);
        while (turn != 1)
            pthread_cond_wait(&cond, &pi_mutex);
        turn = 0;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&pi_mutex);
    }
    return NULL;
}

static void pi_mutexes(void)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    is(pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT), 0,
       "PTHREAD_PRIO_INHERIT is supported");
    pthread_mutex_init(&pi_mutex, &attributes);

    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&threads[i], NULL, increment, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    is(counter, THREADS * ROUNDS, "%d threads x %d PI-mutex increments", THREADS, ROUNDS);

    pthread_t holder;
    pthread_create(&holder, NULL, hold_until_told, NULL);
    while (!held)
        sleep_ms(1);
    is(pthread_mutex_trylock(&pi_mutex), EBUSY, "trylock of a held PI mutex is EBUSY");
    struct timespec deadline = in_ms(CLOCK_REALTIME, 30);
    is(pthread_mutex_timedlock(&pi_mutex, &deadline), ETIMEDOUT, "timedlock runs out while it is held");
    is(held, 1, "before the holder let go");
    may_let_go = 1;
    is(pthread_mutex_lock(&pi_mutex), 0, "lock waits for the holder");
    is(held, 0, "and gets it once the holder let go");
    pthread_mutex_unlock(&pi_mutex);
    pthread_join(holder, NULL);

    pthread_t other;
    pthread_create(&other, NULL, ping, NULL);
    int rounds = 0;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&pi_mutex);
        while (turn != 0)
            pthread_cond_wait(&cond, &pi_mutex);
        turn = 1;
        rounds++;
        pthread_cond_broadcast(&cond);
        pthread_mutex_unlock(&pi_mutex);
    }
    pthread_join(other, NULL);
    is(rounds, 200, "200 condition-variable hand-overs with a PI mutex");
    pthread_mutex_destroy(&pi_mutex);
}

/* ---- robust PI mutexes whose owner dies */

static pthread_mutex_t *robust;
static volatile int robust_taken;

static void *take_and_die(void *delay)
{
    pthread_mutex_lock(robust);
    robust_taken = 1;
    if (delay)
        sleep_ms(100);
    return NULL; /* ends holding the mutex */
}

static void init_robust(pthread_mutex_t *mutex, int shared)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    if (shared)
        pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(mutex, &attributes);
}

static void robust_pi(void)
{
    static pthread_mutex_t in_process;
    robust = &in_process;
    init_robust(robust, 0);
    pthread_t thread;
    pthread_create(&thread, NULL, take_and_die, NULL);
    pthread_join(thread, NULL);
    is(pthread_mutex_lock(robust), EOWNERDEAD, "a robust PI mutex whose owner thread ended: EOWNERDEAD");
    is(pthread_mutex_consistent(robust), 0, "pthread_mutex_consistent");
    is(pthread_mutex_unlock(robust), 0, "unlock");
    is(pthread_mutex_lock(robust), 0, "and it locks normally again");
    pthread_mutex_unlock(robust);

    /* The owner ends while we sleep in the kernel for the mutex. */
    robust_taken = 0;
    pthread_create(&thread, NULL, take_and_die, (void *)1);
    while (!robust_taken)
        sleep_ms(1);
    is(pthread_mutex_lock(robust), EOWNERDEAD, "a waiter gets the mutex when its owner ends: EOWNERDEAD");
    pthread_join(thread, NULL);
    is(pthread_mutex_consistent(robust), 0, "pthread_mutex_consistent");
    pthread_mutex_unlock(robust);

    /* Across processes, in shared memory: the owner is killed, a waiter sleeps. */
    pthread_mutex_t *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    init_robust(shared, 1);
    volatile int *taken = (volatile int *)(shared + 1);
    pid_t child = fork();
    if (child == 0) {
        pthread_mutex_lock(shared);
        *taken = 1;
        pause();
        _exit(0);
    }
    while (!*taken)
        sleep_ms(1);
    pid_t killer = fork();
    if (killer == 0) {
        sleep_ms(100);
        kill(child, SIGKILL);
        _exit(0);
    }
    is(pthread_mutex_lock(shared), EOWNERDEAD,
       "a process-shared robust PI mutex of a killed process: EOWNERDEAD");
    is(pthread_mutex_consistent(shared), 0, "made consistent");
    is(pthread_mutex_unlock(shared), 0, "and unlocked");
    killed_by(child, SIGKILL, "the owner was killed");
    exits_with(killer, 0, "the killer exited");
    munmap(shared, 4096);
}

/* ---- a priority inversion on one CPU */

static pthread_mutex_t inversion;
static volatile int low_locked, low_tid, medium_created;
static volatile uint64_t high_got_it, medium_done;

/* The calling thread's policy, by the system call: musl's wrappers only say ENOSYS. */
static int set_policy(int policy, int priority)
{
    struct sched_param parameter = {.sched_priority = priority};
    return (int)syscall(SYS_sched_setscheduler, 0, policy, &parameter);
}

static void set_fifo(int priority)
{
    set_policy(SCHED_FIFO, priority);
}

static void *low(void *unused)
{
    (void)unused;
    set_fifo(10);
    low_tid = (int)tid();
    pthread_mutex_lock(&inversion);
    low_locked = 1;
    while (!medium_created) {
    }
    pthread_mutex_unlock(&inversion);
    return NULL;
}

static volatile uint32_t high_tid;
static void *high(void *unused)
{
    (void)unused;
    set_fifo(30);
    high_tid = tid();
    pthread_mutex_lock(&inversion);
    high_got_it = now_ns(CLOCK_MONOTONIC);
    pthread_mutex_unlock(&inversion);
    return NULL;
}

static void *medium(void *unused)
{
    (void)unused;
    set_fifo(20);
    uint64_t end = now_ns(CLOCK_MONOTONIC) + 300000000;
    while (now_ns(CLOCK_MONOTONIC) < end) {
    }
    medium_done = now_ns(CLOCK_MONOTONIC);
    return NULL;
}

/* The kernel priority /proc shows for thread `id` (stat field 18). */
static int stat_priority(int id)
{
    char path[64], text[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", id);
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return 1000;
    text[n] = 0;
    char *field = strrchr(text, ')');
    for (int i = 2; field && i < 18; i++)
        field = strchr(field + 1, ' ');
    return field ? atoi(field + 1) : 1000;
}

/* Low (FIFO 10) holds the mutex, high (FIFO 30) waits for it, medium (FIFO 20) spins 300 ms.
 * Returns whether high got the mutex before medium finished; `boosted` gets low's priority in
 * /proc while high waits, `reboosted` after high moved to FIFO 35. */
static int inversion_resolved(int protocol, int *boosted, int *reboosted)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setprotocol(&attributes, protocol);
    pthread_mutex_init(&inversion, &attributes);
    low_locked = medium_created = 0;
    high_got_it = medium_done = 0;
    pthread_t threads[3];
    pthread_create(&threads[0], NULL, low, NULL);
    while (!low_locked)
        sleep_ms(1);
    high_tid = 0;
    pthread_create(&threads[1], NULL, high, NULL);
    while (!high_tid)
        sleep_ms(1);
    wait_sleeping(high_tid);
    *boosted = stat_priority(low_tid);
    /* The waiter's own priority rises: so does what it lends (Linux: rt_mutex_adjust_pi). */
    struct sched_param stronger = {.sched_priority = 35};
    syscall(SYS_sched_setscheduler, high_tid, SCHED_FIFO, &stronger);
    *reboosted = stat_priority(low_tid);
    pthread_create(&threads[2], NULL, medium, NULL);
    medium_created = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    pthread_mutex_destroy(&inversion);
    return high_got_it < medium_done;
}

/* A chain: low holds A; middle holds B and waits for A; high waits for B. High's priority
 * reaches low through middle. */
static pthread_mutex_t chain_a, chain_b;
static volatile uint32_t chain_tids[3];
static volatile int chain_release;

static void *chain_low(void *unused)
{
    (void)unused;
    set_fifo(10);
    pthread_mutex_lock(&chain_a);
    chain_tids[0] = tid();
    while (!chain_release)
        sleep_ms(2);
    pthread_mutex_unlock(&chain_a);
    return NULL;
}

static void *chain_middle(void *unused)
{
    (void)unused;
    set_fifo(20);
    pthread_mutex_lock(&chain_b);
    chain_tids[1] = tid();
    pthread_mutex_lock(&chain_a);
    pthread_mutex_unlock(&chain_a);
    pthread_mutex_unlock(&chain_b);
    return NULL;
}

static void *chain_high(void *unused)
{
    (void)unused;
    set_fifo(30);
    chain_tids[2] = tid();
    pthread_mutex_lock(&chain_b);
    pthread_mutex_unlock(&chain_b);
    return NULL;
}

static void chained_boost(void)
{
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setprotocol(&attributes, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&chain_a, &attributes);
    pthread_mutex_init(&chain_b, &attributes);
    void *(*bodies[3])(void *) = {chain_low, chain_middle, chain_high};
    pthread_t threads[3];
    int seen[3];
    for (int i = 0; i < 3; i++) {
        pthread_create(&threads[i], NULL, bodies[i], NULL);
        while (!chain_tids[i])
            sleep_ms(1);
        wait_sleeping(chain_tids[i]);
        seen[i] = stat_priority(chain_tids[0]);
    }
    int middle = stat_priority(chain_tids[1]);
    chain_release = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(threads[i], NULL);
    is(seen[0], -11, "a chain: low holds A at its own priority");
    is(seen[1], -21, "middle, holding B, waits for A: low runs at middle's priority");
    is(seen[2], -31, "high waits for B: its priority reaches low through middle");
    is(middle, -31, "and middle's too");
}

static void priority_inversion(void)
{
    const char *what = "SCHED_FIFO pinned to CPU 0";
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0 || set_policy(SCHED_FIFO, 40) != 0) {
        /* Only the host's harness may lack the privilege. */
        if (errno == EPERM && getenv("APUS_TEST_ROOT")) {
            skip("no privilege for SCHED_FIFO here", "%s", what);
            return;
        }
        ok(0, "%s", what);
        diag("errno %d (%s)", errno, strerror(errno));
        return;
    }
    ok(1, "%s", what);
    int boosted, reboosted;
    ok(!inversion_resolved(PTHREAD_PRIO_NONE, &boosted, &reboosted),
       "without inheritance, medium runs before high gets the mutex");
    ok(boosted == -11 && reboosted == -11, "the owner keeps its priority (/proc stat prio)");
    ok(inversion_resolved(PTHREAD_PRIO_INHERIT, &boosted, &reboosted),
       "with PTHREAD_PRIO_INHERIT, high gets it before medium ends");
    is(boosted, -31, "the owner runs at the waiter's priority (/proc stat prio)");
    is(reboosted, -36, "and follows the waiter's new priority");
    chained_boost();
    is(set_policy(SCHED_OTHER, 0), 0, "back to SCHED_OTHER");
}

int main(void)
{
    raw_calls();
    deadlock();
    restart_after_signal();
    requeue_pi_calls();
    pi_mutexes();
    robust_pi();
    priority_inversion();
    return tap_done();
}
