import ABI
import Lib

/// A NUL-terminated string in user memory (Linux: `const char __user *`,
/// read with strncpy_from_user). A path, a name or an exec argument: the
/// reader gives the limit, the bytes come back without the NUL.
public struct UserString: SyscallArgument, Sendable {
    public let pointer: UserPointer<UInt8>

    public init(_ pointer: UserPointer<UInt8>) { self.pointer = pointer }

    public init(syscallArgument raw: UInt64) { pointer = UserPointer(address: raw) }

    public var isNull: Bool { pointer.isNull }

    /// At most `limit` bytes before the NUL: ENAMETOOLONG if no NUL comes
    /// within them (Linux's getname rules), EFAULT for memory that cannot be read.
    public func read(limit: Int) throws(Errno) -> [UInt8] {
        try UserAccess.stringFromUser(pointer.address, limit: limit)
    }
}
