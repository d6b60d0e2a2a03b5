import ABI
import Core
import Lib

/// memfd_create (Linux: mm/memfd.c). The seals are fcntl's; both are in mm/Memfd.swift.
enum MemfdSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.memfd_create, syscall(memfdCreate))  // partial: MFD_HUGETLB is EINVAL; F_SEAL_EXEC not enforced by chmod
    ]

    /// memfd_create(name, flags): EINVAL for an unknown flag, MFD_EXEC with
    /// MFD_NOEXEC_SEAL, or a name over 249 bytes; EFAULT for a bad name.
    static func memfdCreate(_ name: UserString, _ flags: MemfdFlags) throws(Errno) -> Int64 {
        guard flags.subtracting([.MFD_CLOEXEC, .MFD_ALLOW_SEALING, .MFD_NOEXEC_SEAL, .MFD_EXEC]).isEmpty,
            !flags.isSuperset(of: [.MFD_EXEC, .MFD_NOEXEC_SEAL])
        else { throw .EINVAL }
        let bytes: [UInt8]
        do throws(Errno) {
            bytes = try name.read(limit: MemfdFlags.nameMaximum)
        } catch {
            throw error == .ENAMETOOLONG ? .EINVAL : error
        }
        let file = try Memfd.create(name: bytes, flags: flags)
        return Int64(try Scheduler.current.files.install(file, closeOnExec: flags.contains(.MFD_CLOEXEC)))
    }
}
