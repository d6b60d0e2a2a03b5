import ABI
import Core
import Lib

/// flock(2): whole-file advisory locks of an open file (Linux: fs/locks.c
/// SYSCALL_DEFINE2(flock)); the locking is fs/FileLocks.swift's.
enum FlockSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.flock, syscall(flock))
    ]

    /// flock's operations (include/uapi/asm-generic/fcntl.h).
    static let LOCK_SH: Int32 = 1
    static let LOCK_EX: Int32 = 2
    static let LOCK_NB: Int32 = 4
    static let LOCK_UN: Int32 = 8

    static func flock(_ fd: FileDescriptor, _ operation: Int32) throws(Errno) -> Int64 {
        let file = try fd.file()
        let kind = operation & ~LOCK_NB
        guard kind == LOCK_SH || kind == LOCK_EX || kind == LOCK_UN else { throw .EINVAL }
        try FileLocks.setFlock(
            file, exclusive: kind == LOCK_EX, unlock: kind == LOCK_UN, wait: operation & LOCK_NB == 0)
        return 0
    }
}
