/// A C structure that crosses the user/kernel boundary, written exactly as
/// x86-64 Linux lays it out in memory.
///
/// User space never sees a Swift value: it sees bytes at an address, with
/// fields at the offsets its C headers promise, padding included. Each
/// conforming type names the Linux header it mirrors and encodes itself
/// field by field at Linux's offsets, so a change of Swift field order
/// can never move a byte.
public protocol ByteLayout {
    /// `sizeof(struct ...)` on x86-64, tail padding included.
    static var size: Int { get }

    /// Writes all `size` bytes of the structure, padding zeroed, starting
    /// at `offset` in `buffer`.
    func write(into buffer: inout [UInt8], at offset: Int)
}

/// A structure user space also hands *to* the kernel (sigaction, termios,
/// timespec, ...), so it can be read back from the bytes copied in.
public protocol ByteLayoutDecodable: ByteLayout {
    /// Reads the structure from the `size` bytes at `offset` in `buffer`.
    init(from buffer: [UInt8], at offset: Int)
}

extension ByteLayout {
    /// The structure as a fresh buffer of exactly `size` bytes.
    public func bytes() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Self.size)
        write(into: &buffer, at: 0)
        return buffer
    }
}

// MARK: - Little-endian primitives

/// x86-64 stores the least significant byte first; these are the only
/// places in the ABI module that know it. Every structure above is built
/// from them rather than from its own shifting code.
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

    /// Zeroes `count` bytes: padding and reserved fields must never leak
    /// whatever the buffer held before (Linux clears them for the same reason).
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
