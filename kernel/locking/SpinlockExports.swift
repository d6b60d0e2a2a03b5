import Core

// <linux/spinlock.h> for C modules (Linux: kernel/locking/spinlock.c's
// _raw_spin_* functions, which the spin_lock macros call). A spinlock_t is
// one 32-bit word in the module's memory, 0 when free, so DEFINE_SPINLOCK
// needs no call. Holding it disables preemption as the kernel's SpinLock
// does; the _irqsave, _irq and _bh forms also keep interrupts or softirqs
// (timer callbacks) off this CPU, so code they interrupt cannot hold it.

private func acquire(_ lock: UInt64) {
    preemptDisable()
    while ModuleCode.exchange32(at: lock, 1) != 0 { CPU.relax() }
}

private func releaseLock(_ lock: UInt64) {
    ModuleCode.store32(0, at: lock)
    preemptEnable()
}

/// RFLAGS.IF, what spin_lock_irqsave keeps in its `unsigned long flags`.
private let interruptFlag: UInt64 = 0x200

@c(_raw_spin_lock)
func rawSpinLock(lock: UInt64) { acquire(lock) }

@c(_raw_spin_unlock)
func rawSpinUnlock(lock: UInt64) { releaseLock(lock) }

/// 1 if the lock was free and is now held, else 0.
@c(_raw_spin_trylock)
func rawSpinTrylock(lock: UInt64) -> Int32 {
    preemptDisable()
    if ModuleCode.exchange32(at: lock, 1) == 0 { return 1 }
    preemptEnable()
    return 0
}

@c(_raw_spin_lock_irqsave)
func rawSpinLockIrqsave(lock: UInt64) -> UInt64 {
    let interruptsWereOn = CPU.saveAndDisableInterrupts()
    acquire(lock)
    return interruptsWereOn ? interruptFlag : 0
}

@c(_raw_spin_unlock_irqrestore)
func rawSpinUnlockIrqrestore(lock: UInt64, flags: UInt64) {
    releaseLock(lock)
    CPU.restoreInterrupts(flags & interruptFlag != 0)
}

@c(_raw_spin_lock_irq)
func rawSpinLockIrq(lock: UInt64) {
    CPU.disableInterrupts()
    acquire(lock)
}

@c(_raw_spin_unlock_irq)
func rawSpinUnlockIrq(lock: UInt64) {
    releaseLock(lock)
    CPU.enableInterrupts()
}

@c(_raw_spin_lock_bh)
func rawSpinLockBh(lock: UInt64) {
    BottomHalves.disable()
    acquire(lock)
}

@c(_raw_spin_unlock_bh)
func rawSpinUnlockBh(lock: UInt64) {
    releaseLock(lock)
    BottomHalves.enable()
}
