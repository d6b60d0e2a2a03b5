/// A value owned by a spinlock that is always taken with local interrupts
/// off (Linux: spin_lock_irqsave). An interrupt handler on this CPU cannot
/// then spin on a lock its own CPU holds, so this is the lock for anything
/// interrupt handlers and tasks both reach.
public struct IRQSafeLocked<Value>: ~Copyable, Sendable {
    private let lock = SpinLock()
    private let cell: SharedCell<Value>

    public init(_ value: consuming Value) { cell = SharedCell(value) }

    public borrowing func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try lock.withLockIrqSave { () throws(E) -> R in try unsafe body(&cell.pointer.pointee) }
    }

    /// Runs `body` only if the lock is free (Linux: spin_trylock_irqsave);
    /// nil if it was held, for code that must never spin, such as printk.
    public borrowing func withLockIfFree<R>(_ body: (inout Value) -> R) -> R? {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        guard lock.tryLock() else { return nil }
        defer { lock.unlock() }
        return unsafe body(&cell.pointer.pointee)
    }
}
