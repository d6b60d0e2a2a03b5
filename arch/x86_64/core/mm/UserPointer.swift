import ABI
import Lib

/// The address of a `Pointee` in user memory (Linux: `T __user *`;
/// SerenityOS: Userspace<T*>). It is only a number until read or written,
/// and every read or write is checked and throws EFAULT for memory the
/// program may not touch, so a bad pointer from user space is an error,
/// never a kernel fault. Integers and ABI structures (the C structures of
/// include/uapi/linux: any BitwiseCopyable value) can be read and written,
/// straight from and into the value's own bytes.
public struct UserPointer<Pointee>: SyscallArgument, Equatable, Sendable {
    public let address: UInt64

    public init(address: UInt64) { self.address = address }

    /// A pointer argument: the whole register.
    public init(syscallArgument raw: UInt64) { address = raw }

    public static var null: UserPointer { UserPointer(address: 0) }

    public var isNull: Bool { address == 0 }

    /// `count` elements of `size` bytes on (Linux's pointer arithmetic).
    /// An address beyond the 64-bit space becomes one no access accepts
    /// (EFAULT), rather than trapping or wrapping around into user memory.
    fileprivate func advanced(by count: Int, size: Int) -> UserPointer {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        let distance = UInt64(bytes.magnitude)
        let (result, outside) =
            bytes >= 0
            ? address.addingReportingOverflow(distance)
            : address.subtractingReportingOverflow(distance)
        return UserPointer(address: overflow || outside ? UInt64.max : result)
    }
}

extension UserPointer where Pointee: BitwiseCopyable {
    /// Linux: get_user, or copy_from_user of a structure.
    public func read() throws(Errno) -> Pointee {
        try UserAccess.copyFromUser(Pointee.self, at: address)
    }

    /// Linux: put_user, or copy_to_user of a structure.
    public func write(_ value: Pointee) throws(Errno) {
        try UserAccess.copyToUser(address, value)
    }

    /// `count` consecutive values (an int array, a byte buffer, a pollfd or
    /// iovec array); EFAULT for a negative or oversized count.
    public func read(count: Int) throws(Errno) -> [Pointee] {
        try UserAccess.copyFromUser(Pointee.self, count: count, at: address)
    }

    public func write(_ values: [Pointee]) throws(Errno) {
        try UserAccess.copyToUser(address, values)
    }

    public func advanced(by count: Int) -> UserPointer {
        advanced(by: count, size: MemoryLayout<Pointee>.stride)
    }
}
