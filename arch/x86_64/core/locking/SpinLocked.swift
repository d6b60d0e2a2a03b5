/// A value owned by a spinlock (Linux: a spinlock_t beside the data it
/// protects; Asterinas: SpinLock<T>). The value is reached only inside
/// `withLock`, with preemption off. For data that interrupt handlers also
/// touch, use IRQSafeLocked.
public struct SpinLocked<Value>: ~Copyable, Sendable {
    private let lock = SpinLock()
    private let cell: SharedCell<Value>

    public init(_ value: consuming Value) { cell = SharedCell(value) }

    public borrowing func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try unsafe body(&cell.pointer.pointee)
    }
}
