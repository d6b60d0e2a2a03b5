/// A fixed-capacity first-in first-out queue of bytes: a pipe's buffer
/// (Linux keeps a ring of page-sized pipe_buffers in pipe_inode_info; one
/// ring of bytes behaves the same to readers and writers). The storage is
/// allocated on the first write, so an unused pipe costs nothing.
public struct ByteRing {
    public let capacity: Int
    private var storage: [UInt8] = []
    /// Where the oldest byte is.
    private var head = 0
    public private(set) var count = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a ring holds at least one byte")
        self.capacity = capacity
    }

    public var isEmpty: Bool { count == 0 }
    public var freeSpace: Int { capacity - count }

    /// Appends as many of `bytes` as fit; returns how many that was.
    @discardableResult
    public mutating func append(_ bytes: ArraySlice<UInt8>) -> Int {
        if storage.isEmpty { storage = [UInt8](repeating: 0, count: capacity) }
        let taken = min(bytes.count, freeSpace)
        var tail = (head + count) % capacity
        var source = bytes.startIndex
        for _ in 0..<taken {
            storage[tail] = bytes[source]
            source += 1
            tail = tail + 1 == capacity ? 0 : tail + 1
        }
        count += taken
        return taken
    }

    /// Removes and returns up to `limit` of the oldest bytes.
    public mutating func removeFirst(upTo limit: Int) -> [UInt8] {
        let taken = min(max(limit, 0), count)
        var result: [UInt8] = []
        result.reserveCapacity(taken)
        for _ in 0..<taken {
            result.append(storage[head])
            head = head + 1 == capacity ? 0 : head + 1
        }
        count -= taken
        return result
    }
}
