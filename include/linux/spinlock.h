/* Apus module SDK: spinlocks (Linux: include/linux/spinlock.h, spinlock_types.h).
 *
 * A spinlock_t is one word, 0 when free, so DEFINE_SPINLOCK and
 * spin_lock_init need no call into the kernel. Holding one disables
 * preemption; the _irqsave/_irq forms also keep interrupts off, the _bh
 * forms softirqs (timer callbacks): take a lock that a timer function also
 * takes with spin_lock_bh, one an interrupt handler takes with _irqsave.
 * Nothing may sleep while holding a spinlock. */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/types.h>

typedef struct spinlock {
    unsigned int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) ((spinlock_t){ .locked = 0 })
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

void _raw_spin_lock(spinlock_t *lock);
void _raw_spin_unlock(spinlock_t *lock);
int _raw_spin_trylock(spinlock_t *lock);
unsigned long _raw_spin_lock_irqsave(spinlock_t *lock);
void _raw_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
void _raw_spin_lock_irq(spinlock_t *lock);
void _raw_spin_unlock_irq(spinlock_t *lock);
void _raw_spin_lock_bh(spinlock_t *lock);
void _raw_spin_unlock_bh(spinlock_t *lock);
void local_bh_disable(void);
void local_bh_enable(void);

static __always_inline void spin_lock_init(spinlock_t *lock) { lock->locked = 0; }
static __always_inline void spin_lock(spinlock_t *lock) { _raw_spin_lock(lock); }
static __always_inline void spin_unlock(spinlock_t *lock) { _raw_spin_unlock(lock); }
static __always_inline int spin_trylock(spinlock_t *lock) { return _raw_spin_trylock(lock); }
static __always_inline void spin_lock_irq(spinlock_t *lock) { _raw_spin_lock_irq(lock); }
static __always_inline void spin_unlock_irq(spinlock_t *lock) { _raw_spin_unlock_irq(lock); }
static __always_inline void spin_lock_bh(spinlock_t *lock) { _raw_spin_lock_bh(lock); }
static __always_inline void spin_unlock_bh(spinlock_t *lock) { _raw_spin_unlock_bh(lock); }
static __always_inline int spin_is_locked(spinlock_t *lock) { return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0; }

/* flags is an unsigned long lvalue, as in Linux. */
#define spin_lock_irqsave(lock, flags) do { (flags) = _raw_spin_lock_irqsave(lock); } while (0)
#define spin_unlock_irqrestore(lock, flags) _raw_spin_unlock_irqrestore((lock), (flags))

#endif
