import ABI
import Core
import Lib

/// dup, dup2 and dup3 (Linux: fs/file.c). Descriptors of O_PATH files may
/// be duplicated too.
enum FileDescriptorSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.dup, syscall(dup)),
        (.dup2, syscall(dup2)),
        (.dup3, syscall(dup3)),
    ]

    static func dup(_ fd: FileDescriptor) throws(Errno) -> Int64 {
        Int64(try Scheduler.current.files.duplicate(fd.rawValue))
    }

    /// dup2(old, new): `new` names old's file, closed first if open; for
    /// old == new only checks that it is open.
    static func dup2(_ oldFD: FileDescriptor, _ newFD: FileDescriptor) throws(Errno) -> Int64 {
        let old = oldFD.rawValue, new = newFD.rawValue
        let files = Scheduler.current.files
        if old == new {
            _ = try files.file(old, allowingPathOnly: true)
            return Int64(new)
        }
        try files.duplicate(old, onto: new, closeOnExec: false)
        return Int64(new)
    }

    /// dup3(old, new, flags): dup2 with O_CLOEXEC as the only flag, and
    /// old == new an error (EINVAL).
    static func dup3(_ oldFD: FileDescriptor, _ newFD: FileDescriptor, _ flags: OpenFlags) throws(Errno) -> Int64 {
        let old = oldFD.rawValue, new = newFD.rawValue
        guard flags.subtracting(.O_CLOEXEC).isEmpty, old != new else { throw .EINVAL }
        try Scheduler.current.files.duplicate(old, onto: new, closeOnExec: flags.contains(.O_CLOEXEC))
        return Int64(new)
    }
}
