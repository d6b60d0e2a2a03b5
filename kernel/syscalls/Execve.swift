import ABI
import Core
import Lib

/// execve and execveat (Linux: fs/exec.c). The work is in fs/exec/.
enum ExecSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.execve, syscall(execve)),  // partial: static programs only (no PT_INTERP); no ETXTBSY
        (.execveat, syscall(execveat)),  // partial: as execve
    ]

    /// execve(path, argv, envp). On success none of the old program's
    /// registers go back: the new program starts from its entry (Linux:
    /// start_thread).
    static func execve(
        _ registers: inout TrapFrame, _ path: UserString, _ arguments: UserPointer<UInt64>,
        _ environment: UserPointer<UInt64>
    ) throws(Errno) -> Int64 {
        try Exec.execveFromUser(
            directory: .currentDirectory, path: path, arguments: arguments,
            environment: environment, followFinalSymlink: true, allowEmptyPath: false)
        startNewProgram(&registers)
        return 0
    }

    /// execveat(dirfd, path, argv, envp, flags): AT_SYMLINK_NOFOLLOW makes a
    /// final symlink ELOOP, AT_EMPTY_PATH runs dirfd's own file.
    static func execveat(
        _ registers: inout TrapFrame, _ dirfd: FileDescriptor, _ path: UserString, _ arguments: UserPointer<UInt64>,
        _ environment: UserPointer<UInt64>, _ flags: Int32
    ) throws(Errno) -> Int64 {
        guard flags & ~(AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        try Exec.execveFromUser(
            directory: dirfd, path: path, arguments: arguments, environment: environment,
            followFinalSymlink: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0,
            allowEmptyPath: flags & AtFlags.AT_EMPTY_PATH != 0)
        startNewProgram(&registers)
        return 0
    }

    /// The registers exec set for the new program (Task.startUserProgram).
    private static func startNewProgram(_ registers: inout TrapFrame) {
        if let start = Scheduler.current.takeUserEntry() { registers = start }
    }
}
