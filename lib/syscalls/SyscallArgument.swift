import ABI

/// A type a system-call argument register decodes into (Linux: the types
/// SYSCALL_DEFINEx names, and the casts its __SC_CAST applies to each
/// register). A handler's parameters say what the call takes, and the
/// syscall table's adapters decode the registers into them, so no handler
/// reads a raw register. Decoding never traps on any 64-bit value; only a
/// type that must reject a value throws, and then where its handler asks.
public protocol SyscallArgument: SendableMetatype {
    init(syscallArgument raw: UInt64) throws(Errno)
}

// C's integer arguments: `int` and `unsigned int` are the register's low
// 32 bits (the upper half is ignored, as the C cast does); `long`,
// `unsigned long`, `size_t` and `loff_t` are the whole register.

extension Int32: SyscallArgument {
    public init(syscallArgument raw: UInt64) { self.init(truncatingIfNeeded: raw) }
}

extension UInt32: SyscallArgument {
    public init(syscallArgument raw: UInt64) { self.init(truncatingIfNeeded: raw) }
}

extension Int64: SyscallArgument {
    public init(syscallArgument raw: UInt64) { self.init(bitPattern: raw) }
}

extension UInt64: SyscallArgument {
    public init(syscallArgument raw: UInt64) { self = raw }
}

/// Flag words decode as their raw type does; unknown bits are the
/// handler's to reject, each with its own rule.
extension SyscallArgument where Self: OptionSet, RawValue: SyscallArgument {
    public init(syscallArgument raw: UInt64) throws(Errno) {
        self.init(rawValue: try RawValue(syscallArgument: raw))
    }
}

extension OpenFlags: SyscallArgument {}
extension AccessMode: SyscallArgument {}
extension RenameFlags: SyscallArgument {}
extension StatxMask: SyscallArgument {}
extension MapFlags: SyscallArgument {}
extension MemoryProtection: SyscallArgument {}
extension MsyncFlags: SyscallArgument {}
extension WaitOptions: SyscallArgument {}
extension MremapFlags: SyscallArgument {}
extension GetrandomFlags: SyscallArgument {}
extension MountFlags: SyscallArgument {}
extension UnmountFlags: SyscallArgument {}
extension EventFdFlags: SyscallArgument {}
extension SignalfdFlags: SyscallArgument {}
extension MemfdFlags: SyscallArgument {}
extension InotifyMask: SyscallArgument {}
extension InotifyFlags: SyscallArgument {}
extension IPCFlags: SyscallArgument {}

/// A 32-bit argument whose register must hold nothing above it: the calls
/// that take one refuse set upper bits with EINVAL, where Linux's C cast
/// would drop them. The check runs when the handler asks for the value,
/// so it comes in the order the handler's other checks do.
public struct ZeroExtended<Value: SyscallArgument>: SyscallArgument {
    private let raw: UInt64

    public init(syscallArgument raw: UInt64) { self.raw = raw }

    /// The value; EINVAL if the upper half of the register was not zero.
    public func value() throws(Errno) -> Value {
        guard raw >> 32 == 0 else { throw .EINVAL }
        return try Value(syscallArgument: raw)
    }
}

/// A file descriptor argument (C's `int fd`): the register's low 32 bits.
/// The open file it names is looked up by the handler, so EBADF comes
/// where Linux's fdget does.
public struct FileDescriptor: SyscallArgument, Equatable, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    public init(syscallArgument raw: UInt64) { rawValue = Int32(truncatingIfNeeded: raw) }

    /// The *at calls' "relative to the working directory".
    public static let currentDirectory = FileDescriptor(rawValue: AtFlags.AT_FDCWD)
}
