import Synchronization

/// A ticket spinlock (Linux: the x86 ticket locks that preceded qspinlock,
/// include/linux/spinlock.h). Tickets make waiters take turns in arrival
/// order, so no CPU starves under contention. Written for SMP; with one CPU
/// the spinning never happens, but the irqsave discipline already matters:
/// a lock that an interrupt handler also takes must be held with interrupts off.
///
/// A non-copyable struct, not a class: a lock lives inside what it protects
/// and needs no heap, which matters because the heap's own locks are SpinLocks.
public struct SpinLock: ~Copyable, Sendable {
    private let nextTicket = Atomic<UInt32>(0)
    private let nowServing = Atomic<UInt32>(0)

    public init() {}

    public borrowing func lock() {
        preemptDisable()
        let ticket = nextTicket.wrappingAdd(1, ordering: .relaxed).oldValue
        while nowServing.load(ordering: .acquiring) != ticket { CPU.relax() }
    }

    public borrowing func unlock() {
        nowServing.wrappingAdd(1, ordering: .releasing)
        preemptEnable()
    }

    /// Takes the lock only if nobody holds it (Linux: spin_trylock).
    public borrowing func tryLock() -> Bool {
        preemptDisable()
        let serving = nowServing.load(ordering: .relaxed)
        if nextTicket.compareExchange(expected: serving, desired: serving &+ 1, ordering: .acquiring).exchanged {
            return true
        }
        preemptEnable()
        return false
    }

    public var isLocked: Bool {
        nextTicket.load(ordering: .relaxed) != nowServing.load(ordering: .relaxed)
    }

    /// Like Linux's spin_lock, holding the lock disables preemption: the holder
    /// must not be switched away from while others spin on it.
    ///
    /// Runs `body` with the lock held and local interrupts off, restoring
    /// the previous interrupt state afterwards (Linux: spin_lock_irqsave).
    public borrowing func withLockIrqSave<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        lock()
        defer {
            unlock()
            CPU.restoreInterrupts(interruptsWereOn)
        }
        return try body()
    }
}
