import ABI
import Core

/// read/write and friends (Linux: fs/read_write.c). Until the VFS and its
/// file table arrive, descriptors 1 and 2 are the console and nothing else
/// is open.
enum ReadWriteSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.write, write),  // partial: descriptors 1 and 2 (the console) only, until the VFS and file table
    ]

    /// Bytes longer than this are written in pieces (Linux caps a single
    /// transfer at MAX_RW_COUNT; the console needs no more per copy).
    static let chunk = 4096

    static func write(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let descriptor = Int32(truncatingIfNeeded: arguments.a0)
        guard descriptor == 1 || descriptor == 2 else { throw .EBADF }
        let count = Int(min(arguments.a2, UInt64(Int32.max)))
        var written = 0
        while written < count {
            let piece = min(chunk, count - written)
            let bytes = try UserAccess.copyFromUser(arguments.a1 + UInt64(written), count: piece)
            ConsoleOutput.write(bytes)
            written += piece
        }
        return Int64(written)
    }
}
