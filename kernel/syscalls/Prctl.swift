import ABI
import Core
import Lib

/// prctl(2) (Linux: kernel/sys.c): operations on the calling thread.
enum PrctlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.prctl, prctl),  // partial: PR_SET_NAME and PR_GET_NAME only; other options are EINVAL
    ]

    static func prctl(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let task = Scheduler.current
        switch Int32(truncatingIfNeeded: arguments.a0) {
        case PrctlOption.PR_SET_NAME:
            // Up to 15 bytes, cut without complaint (Linux: strncpy_from_user into comm).
            let limit = Task.commLength - 1
            let name: [UInt8]
            do throws(Errno) {
                name = try UserAccess.stringFromUser(arguments.a1, limit: limit)
            } catch .ENAMETOOLONG {
                name = try UserAccess.copyFromUser(arguments.a1, count: limit)
            }
            task.setName(String(decoding: name, as: UTF8.self))
            return 0
        case PrctlOption.PR_GET_NAME:
            var buffer = [UInt8](repeating: 0, count: Task.commLength)
            buffer.storeCString(task.comm, at: 0, capacity: Task.commLength)
            try UserAccess.copyToUser(arguments.a1, buffer)
            return 0
        default:
            throw .EINVAL
        }
    }
}
