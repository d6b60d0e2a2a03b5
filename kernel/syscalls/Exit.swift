import ABI
import Core
import Lib

/// exit and exit_group (Linux: kernel/exit.c). exit ends the calling
/// thread only; exit_group ends every thread of the process. The wait
/// status encodes the code as (code & 0xff) << 8.
enum ExitSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.exit, exit),
        (.exit_group, exitGroup),
    ]

    static func exit(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Scheduler.exitCurrent(status: WaitStatus.exited(code: Int32(truncatingIfNeeded: arguments.a0)))
    }

    static func exitGroup(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Scheduler.exitGroup(status: WaitStatus.exited(code: Int32(truncatingIfNeeded: arguments.a0)))
    }
}
