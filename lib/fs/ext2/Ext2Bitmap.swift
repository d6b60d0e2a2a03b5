/// A group's block or inode bitmap (one block on disk): bit `n` set means
/// block or inode `n` of the group is in use, little-endian bit order within
/// each byte as Linux's ext2_test_bit/ext2_set_bit (the `__le` bitops).
/// `bitCount` is the number of blocks or inodes in the group: bits past it
/// (the last group's tail, mke2fs sets them) are never handed out.
public struct Ext2Bitmap: Sendable {
    public private(set) var bytes: [UInt8]
    public let bitCount: Int

    /// `bytes` is the bitmap block; `bitCount` is clamped to the bits it holds.
    public init(_ bytes: [UInt8], bitCount: Int) {
        self.bytes = bytes
        self.bitCount = max(0, min(bitCount, bytes.count * 8))
    }

    // `bit` below `bitCount`: callers index with numbers they have range-checked
    // (a block pointer is checked by Ext2BlockMap.check before it is freed).
    public func isSet(_ bit: Int) -> Bool { bytes[bit >> 3] & (1 << UInt8(bit & 7)) != 0 }

    /// Marks `bit` in use; false if it already was (ext2_set_bit_atomic's
    /// answer, which the allocator uses to detect a race or corruption).
    public mutating func set(_ bit: Int) -> Bool {
        guard !isSet(bit) else { return false }
        bytes[bit >> 3] |= 1 << UInt8(bit & 7)
        return true
    }

    /// Marks `bit` free; false if it already was (Linux: "bit already cleared").
    public mutating func clear(_ bit: Int) -> Bool {
        guard isSet(bit) else { return false }
        bytes[bit >> 3] &= ~(1 << UInt8(bit & 7))
        return true
    }

    /// The clear bits, for checking a descriptor's free count.
    public var freeCount: Int { (0..<bitCount).count(where: { !isSet($0) }) }

    /// The first clear bit in `start ..< end` (find_next_zero_bit).
    public func nextFree(from start: Int, before end: Int) -> Int? {
        var bit = max(start, 0)
        let limit = min(end, bitCount)
        while bit < limit {
            if bit & 7 == 0, bit + 8 <= limit, bytes[bit >> 3] == 0xFF {
                bit += 8
                continue
            }
            if !isSet(bit) { return bit }
            bit += 1
        }
        return nil
    }

    /// A free bit for a new block near `goal` (Linux: ext2_try_to_allocate
    /// with find_next_usable_block): the goal itself; else the next free bit
    /// up to the goal's 64-bit boundary, to stay close; else the start of a
    /// wholly free byte after the goal, backed up over up to 7 free bits
    /// before it so that a free run is used from its start and files stay
    /// contiguous; else any free bit after the goal; else any before it
    /// (Linux wraps by trying the group again from 0).
    public func findFree(near goal: Int) -> Int? {
        let goal = goal >= 0 && goal < bitCount ? goal : 0
        if !isSet(goal) { return goal }
        if let near = nextFree(from: goal, before: (goal + 64) & ~63) { return near }
        var byte = (goal + 7) >> 3
        while byte < (bitCount + 7) >> 3, byte * 8 + 8 <= bitCount {
            if bytes[byte] == 0 {
                var bit = byte * 8
                var backed = 0
                while backed < 7, bit > goal, !isSet(bit - 1) {
                    bit -= 1
                    backed += 1
                }
                return bit
            }
            byte += 1
        }
        return nextFree(from: goal, before: bitCount) ?? nextFree(from: 0, before: goal)
    }
}
