/// Integers in byte images the kernel builds or parses itself (an ELF file,
/// a new process's initial stack): x86-64 stores the least significant byte
/// first. (Structures that cross the user boundary are C structures in
/// include/uapi/linux, copied whole; they need none of this.)
extension Array where Element == UInt8 {
    /// Stores `value` in `T.bitWidth / 8` bytes, least significant first.
    /// Signed values are stored as their two's-complement bit pattern, as C does.
    public mutating func storeLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for index in 0..<(T.bitWidth / 8) {
            self[offset + index] = UInt8(truncatingIfNeeded: value >> (index * 8))
        }
    }

    /// Reads a `T` stored least significant byte first.
    public func loadLittleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        var value: T = 0
        for index in 0..<(T.bitWidth / 8) {
            value |= T(truncatingIfNeeded: self[offset + index]) << (index * 8)
        }
        return value
    }

    /// Zeroes `count` bytes, so nothing the buffer held before leaks.
    public mutating func storeZeros(count: Int, at offset: Int) {
        for index in offset..<(offset + count) { self[index] = 0 }
    }

    /// Stores `bytes` verbatim.
    public mutating func storeBytes(_ bytes: [UInt8], at offset: Int) {
        for (index, byte) in bytes.enumerated() { self[offset + index] = byte }
    }

    /// Stores `string` as a C string in a fixed `capacity`-byte field: the
    /// UTF-8 bytes, cut to leave room for the terminating NUL, then zeros to
    /// the end of the field (like the kernel's strscpy_pad).
    public mutating func storeCString(_ string: String, at offset: Int, capacity: Int) {
        storeZeros(count: capacity, at: offset)
        for (index, byte) in string.utf8.prefix(capacity - 1).enumerated() {
            self[offset + index] = byte
        }
    }
}
