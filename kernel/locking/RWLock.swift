import Core
import Synchronization

/// A spinning reader-writer lock (Linux: rwlock_t, the queued rwlock in
/// kernel/locking/qrwlock.c): many readers or one writer, for short
/// critical sections where sleeping is not allowed. A waiting writer sets a
/// flag that stops new readers, so a stream of readers cannot starve it.
public struct RWLock: ~Copyable, Sendable {
    /// Bit 0: writer holds; bit 1: writer waiting; the rest: reader count × 4.
    private let state = Atomic<UInt32>(0)
    private static let writerHeld: UInt32 = 1
    private static let writerWaiting: UInt32 = 2
    private static let reader: UInt32 = 4

    public init() {}

    public borrowing func readLock() {
        preemptDisable()
        while true {
            let current = state.load(ordering: .relaxed)
            if current & (RWLock.writerHeld | RWLock.writerWaiting) == 0,
               state.compareExchange(expected: current, desired: current + RWLock.reader, ordering: .acquiring).exchanged {
                return
            }
            CPU.relax()
        }
    }

    public borrowing func readUnlock() {
        state.wrappingSubtract(RWLock.reader, ordering: .releasing)
        preemptEnable()
    }

    public borrowing func writeLock() {
        preemptDisable()
        while true {
            let current = state.load(ordering: .relaxed)
            if current & ~RWLock.writerWaiting == 0 {
                // No readers, no writer: take it, clearing our waiting flag.
                if state.compareExchange(expected: current, desired: RWLock.writerHeld, ordering: .acquiring).exchanged { return }
            } else if current & RWLock.writerWaiting == 0 {
                _ = state.compareExchange(expected: current, desired: current | RWLock.writerWaiting, ordering: .relaxed)
            }
            CPU.relax()
        }
    }

    public borrowing func writeUnlock() {
        state.wrappingSubtract(RWLock.writerHeld, ordering: .releasing)
        preemptEnable()
    }

    public borrowing func withReadLock<T>(_ body: () -> T) -> T {
        readLock()
        defer { readUnlock() }
        return body()
    }

    public borrowing func withWriteLock<T>(_ body: () -> T) -> T {
        writeLock()
        defer { writeUnlock() }
        return body()
    }
}
