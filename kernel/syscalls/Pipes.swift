import ABI
import Core
import Lib

/// pipe and pipe2 (Linux: fs/pipe.c).
enum PipeSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.pipe, syscall(pipe)),
        (.pipe2, syscall(pipe2)),
    ]

    static func pipe(_ descriptors: UserPointer<Int32>) throws(Errno) -> Int64 {
        try makePipe(at: descriptors, flags: [])
    }

    /// pipe2(fds, flags): O_CLOEXEC, O_NONBLOCK and O_DIRECT (packet mode).
    static func pipe2(_ descriptors: UserPointer<Int32>, _ flags: OpenFlags) throws(Errno) -> Int64 {
        guard flags.subtracting([.O_CLOEXEC, .O_NONBLOCK, .O_DIRECT]).isEmpty else { throw .EINVAL }
        return try makePipe(at: descriptors, flags: flags)
    }

    /// Installs both ends and stores their descriptors, read end first, as
    /// two ints (Linux: do_pipe2). If they cannot be stored, both are closed.
    private static func makePipe(at descriptors: UserPointer<Int32>, flags: OpenFlags) throws(Errno) -> Int64 {
        let files = Scheduler.current.files
        let ends = createPipeFiles(flags: flags)
        let closeOnExec = flags.contains(.O_CLOEXEC)
        let reader = try files.install(ends.reader, closeOnExec: closeOnExec)
        let writer: Int32
        do throws(Errno) {
            writer = try files.install(ends.writer, closeOnExec: closeOnExec)
        } catch {
            try? files.close(reader)
            throw error
        }
        do throws(Errno) {
            try descriptors.write([reader, writer])
        } catch {
            try? files.close(reader)
            try? files.close(writer)
            throw error
        }
        return 0
    }
}
