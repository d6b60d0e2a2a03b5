import ABI

/// execve and execveat (Linux: fs/exec.c). The work is in fs/exec/.
enum ExecSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.execve, execve),  // partial: static programs only (no PT_INTERP); no set-ID programs or ETXTBSY
        (.execveat, execveat),  // partial: as execve
    ]

    /// execve(path, argv, envp). Returns only on failure.
    static func execve(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try Exec.execveFromUser(directory: AtFlags.AT_FDCWD, path: arguments.a0, arguments: arguments.a1,
                                environment: arguments.a2, followFinalSymlink: true, allowEmptyPath: false)
        return 0
    }

    /// execveat(dirfd, path, argv, envp, flags): AT_SYMLINK_NOFOLLOW makes a
    /// final symlink ELOOP, AT_EMPTY_PATH runs dirfd's own file.
    static func execveat(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = Int32(truncatingIfNeeded: arguments.a4)
        guard flags & ~(AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        try Exec.execveFromUser(directory: Int32(truncatingIfNeeded: arguments.a0), path: arguments.a1,
                                arguments: arguments.a2, environment: arguments.a3,
                                followFinalSymlink: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0,
                                allowEmptyPath: flags & AtFlags.AT_EMPTY_PATH != 0)
        return 0
    }
}
