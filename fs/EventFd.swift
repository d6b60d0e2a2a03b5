import ABI
import Core

/// An eventfd (Linux: fs/eventfd.c): a 64-bit counter that writes add to
/// and reads take from, for one thread or process to tell another that
/// something happened. A read waits while the counter is 0 and returns all
/// of it, or 1 with EFD_SEMAPHORE; a write waits while adding would take
/// the counter past 2^64 - 2. Both move exactly 8 bytes, little-endian.
final class EventFd: FileOperations {
    /// The largest value the counter holds; 2^64 - 1 is refused by write.
    private static let maximum = UInt64.max - 1
    private let lock = SpinLock()
    private var counter: UInt64
    private let isSemaphore: Bool
    /// Readers and writers wait here; each change wakes both.
    private let wait = WaitQueue()

    init(initial: UInt64, semaphore: Bool) {
        counter = initial
        isSemaphore = semaphore
    }

    var isStream: Bool { true }
    var canPoll: Bool { true }

    /// Linux: eventfd_read. EINVAL for a buffer under 8 bytes.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard count >= 8 else { throw .EINVAL }
        var value: UInt64 = 0
        try transfer(file) { () -> Bool in
            guard counter > 0 else { return false }
            value = isSemaphore ? 1 : counter
            counter -= value
            return true
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    /// Linux: eventfd_write. EINVAL for under 8 bytes or the value 2^64 - 1.
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard bytes.count >= 8 else { throw .EINVAL }
        let value = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard value != UInt64.max else { throw .EINVAL }
        try transfer(file) { () -> Bool in
            guard Self.maximum - counter >= value else { return false }
            counter += value
            return true
        }
        return 8
    }

    /// Runs `change` under the lock until it succeeds, sleeping in between
    /// (EAGAIN instead for O_NONBLOCK), then wakes the other side.
    private func transfer(_ file: File, _ change: () -> Bool) throws(Errno) {
        var wouldBlock = false
        try wait.waitInterruptible { () -> Bool in
            lock.lock()
            defer { lock.unlock() }
            if change() { return true }
            wouldBlock = file.isNonBlocking
            return wouldBlock
        }
        if wouldBlock { throw .EAGAIN }
        wait.wakeUpAll()
    }

    /// Linux: eventfd_poll. Readable above 0, writable below the maximum.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        table?.wait(on: wait)
        lock.lock()
        defer { lock.unlock() }
        var events: PollEvents = []
        if counter > 0 { events.formUnion([.POLLIN, .POLLRDNORM]) }
        if counter < Self.maximum { events.formUnion([.POLLOUT, .POLLWRNORM]) }
        return events
    }
}
