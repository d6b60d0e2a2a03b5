import ABI
import Core
import Lib

/// prctl(2) (Linux: kernel/sys.c): operations on the calling thread.
enum PrctlSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.prctl, syscall(prctl))  // partial: PR_SET_NAME and PR_GET_NAME only; other options are EINVAL
    ]

    /// prctl(option, arg2, ...): both options take a name pointer.
    static func prctl(_ option: Int32, _ name: UserString) throws(Errno) -> Int64 {
        let task = Scheduler.current
        switch option {
        case PrctlOption.PR_SET_NAME:
            // Up to 15 bytes, cut without complaint (Linux: strncpy_from_user into comm).
            let limit = Task.commLength - 1
            let bytes: [UInt8]
            do throws(Errno) {
                bytes = try name.read(limit: limit)
            } catch .ENAMETOOLONG {
                bytes = try name.pointer.read(count: limit)
            }
            task.setName(String(decoding: bytes, as: UTF8.self))
            return 0
        case PrctlOption.PR_GET_NAME:
            var buffer = [UInt8](repeating: 0, count: Task.commLength)
            buffer.storeCString(task.comm, at: 0, capacity: Task.commLength)
            try name.pointer.write(buffer)
            return 0
        default:
            throw .EINVAL
        }
    }
}
