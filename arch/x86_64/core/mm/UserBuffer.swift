import ABI
import Lib

/// `count` bytes of user memory from `start` (Linux: a `void __user *buf`
/// with its `size_t count`, checked by access_ok before any data moves).
/// The range is checked once, for any 64-bit count without trapping;
/// data then moves in pieces at offsets into it, so a huge buffer never
/// needs a huge kernel copy (`piece(at:length:)`).
public struct UserBuffer: Sendable {
    public let start: UserPointer<UInt8>
    public let count: Int

    /// EFAULT unless the whole range lies in user space.
    public init(_ start: UserPointer<UInt8>, count: UInt64) throws(Errno) {
        guard count <= UInt64(Int.max), UserAccess.isUserRange(start.address, count: Int(count)) else { throw .EFAULT }
        self.start = start
        self.count = Int(count)
    }

    private init(checked start: UserPointer<UInt8>, count: Int) {
        self.start = start
        self.count = count
    }

    /// The first `maximum` bytes, or all of them if there are fewer.
    public func prefix(_ maximum: Int) -> UserBuffer {
        UserBuffer(checked: start, count: min(count, max(maximum, 0)))
    }

    /// The part `offset..<offset + length`, which must lie inside (EFAULT).
    public func piece(at offset: Int, length: Int) throws(Errno) -> UserBuffer {
        guard offset >= 0, length >= 0, offset <= count, length <= count - offset else { throw .EFAULT }
        return UserBuffer(checked: start.advanced(by: offset), count: length)
    }

    /// The whole buffer's bytes.
    public func read() throws(Errno) -> [UInt8] {
        try start.read(count: count)
    }

    /// Stores `bytes` at the start of the buffer; they must fit (EFAULT).
    public func write(_ bytes: [UInt8]) throws(Errno) {
        try piece(at: 0, length: bytes.count).start.write(bytes)
    }
}
