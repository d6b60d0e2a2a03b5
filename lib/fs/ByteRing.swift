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

    /// Appends as many of `bytes` as fit; returns how many that was. They
    /// go in at most two bulk copies, up to the end of the storage and on
    /// from its start.
    @discardableResult
    public mutating func append(_ bytes: ArraySlice<UInt8>) -> Int {
        if storage.isEmpty { storage = [UInt8](repeating: 0, count: capacity) }
        let taken = min(bytes.count, freeSpace)
        let tail = (head + count) % capacity
        let first = min(taken, capacity - tail)
        let source = bytes.startIndex
        storage.replaceSubrange(tail..<tail + first, with: bytes[source..<source + first])
        storage.replaceSubrange(0..<taken - first, with: bytes[(source + first)..<(source + taken)])
        count += taken
        return taken
    }

    /// Removes and returns up to `limit` of the oldest bytes, in at most
    /// two bulk copies.
    public mutating func removeFirst(upTo limit: Int) -> [UInt8] {
        let taken = min(max(limit, 0), count)
        let first = min(taken, capacity - head)
        var result: [UInt8] = []
        result.reserveCapacity(taken)
        result.append(contentsOf: storage[head..<head + first])
        result.append(contentsOf: storage[0..<taken - first])
        head = (head + taken) % capacity
        count -= taken
        return result
    }
}
