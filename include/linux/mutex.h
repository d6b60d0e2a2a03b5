/* Apus module SDK: sleeping locks (Linux: include/linux/mutex.h).
 *
 * A struct mutex is one word, its owner (0: unlocked), so DEFINE_MUTEX
 * needs no call into the kernel; contenders sleep in the kernel, keyed by
 * the mutex's address. Only the task that locked a mutex may unlock it, it
 * is not recursive, and it may not be taken in atomic context (timer
 * functions, under a spinlock): the kernel reports each misuse. */
#ifndef _LINUX_MUTEX_H
#define _LINUX_MUTEX_H

#include <linux/types.h>

struct mutex {
    atomic_long_t owner;
};

#define __MUTEX_INITIALIZER(lockname) { .owner = { 0 } }
#define DEFINE_MUTEX(mutexname) struct mutex mutexname = __MUTEX_INITIALIZER(mutexname)

void __mutex_init(struct mutex *lock, const char *name, void *key);
#define mutex_init(mutex) __mutex_init((mutex), #mutex, NULL)
static __always_inline void mutex_destroy(struct mutex *lock) { (void)lock; }

void mutex_lock(struct mutex *lock);
/* 0 once locked, -EINTR if a signal arrived first. */
int __must_check mutex_lock_interruptible(struct mutex *lock);
/* 0 once locked, -EINTR if a fatal signal (SIGKILL) arrived first. */
int __must_check mutex_lock_killable(struct mutex *lock);
/* 1 if locked, 0 if another task holds it. */
int mutex_trylock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);

static __always_inline bool mutex_is_locked(struct mutex *lock)
{
    return __atomic_load_n(&lock->owner.counter, __ATOMIC_RELAXED) != 0;
}

#endif
