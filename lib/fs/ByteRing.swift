/// The positions of a fixed-capacity first-in first-out queue of bytes
/// kept in a row of equal pieces of storage: a pipe's buffer, whose pieces
/// are pages (Linux: the head and tail of pipe_inode_info's ring of
/// page-sized pipe_buffers). The ring says where bytes lie; its owner moves
/// them, so that a copy from or to user memory that stops at a fault
/// commits exactly the bytes that moved.
public struct ByteRing {
    public let capacity: Int
    public let pieceSize: Int
    /// Where the oldest byte is; back to the start whenever the ring
    /// empties, so that light traffic stays in the first piece.
    private var head = 0
    public private(set) var count = 0

    public init(pieces: Int, pieceSize: Int) {
        precondition(pieces > 0 && pieceSize > 0, "a ring holds at least one byte")
        capacity = pieces * pieceSize
        self.pieceSize = pieceSize
    }

    public var isEmpty: Bool { count == 0 }
    public var freeSpace: Int { capacity - count }

    /// Calls `move(piece, offset, length)` for each run of storage that
    /// holds bytes `start..<start + length` of the queue, counted from the
    /// oldest byte (so the free space begins at `count`), a run ending
    /// where a piece does; stops after a run that `move` could not finish.
    /// Returns the bytes moved.
    public func forEachRun(from start: Int, count length: Int, _ move: (Int, Int, Int) -> Int) -> Int {
        precondition(start >= 0 && length >= 0 && start + length <= capacity, "a run outside the ring")
        var done = 0
        var position = (head + start) % capacity
        while done < length {
            let offset = position % pieceSize
            let run = min(length - done, pieceSize - offset)
            let moved = move(position / pieceSize, offset, run)
            done += moved
            if moved < run { break }
            position = (position + run) % capacity
        }
        return done
    }

    /// The `length` bytes after the last were stored: they join the queue.
    public mutating func append(count length: Int) {
        precondition(length >= 0 && length <= freeSpace, "more bytes than room")
        count += length
    }

    /// The `length` oldest bytes were taken: they leave the queue.
    public mutating func removeFirst(_ length: Int) {
        precondition(length >= 0 && length <= count, "more bytes than the ring holds")
        count -= length
        head = count == 0 ? 0 : (head + length) % capacity
    }
}
