import ABI
import Core

/// pipe and pipe2 (Linux: fs/pipe.c).
enum PipeSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.pipe, pipe),
        (.pipe2, pipe2),  // partial: O_DIRECT (packet mode) is EINVAL
    ]

    static func pipe(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try makePipe(at: arguments.a0, flags: [])
    }

    static func pipe2(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = OpenFlags(rawValue: Int32(truncatingIfNeeded: arguments.a1))
        guard flags.subtracting([.O_CLOEXEC, .O_NONBLOCK]).isEmpty else { throw .EINVAL }
        return try makePipe(at: arguments.a0, flags: flags)
    }

    /// Installs both ends and stores their descriptors, read end first, as
    /// two ints (Linux: do_pipe2). If they cannot be stored, both are closed.
    private static func makePipe(at address: UInt64, flags: OpenFlags) throws(Errno) -> Int64 {
        let files = Scheduler.current.files
        let ends = Pipe.makeEnds(flags: flags)
        let closeOnExec = flags.contains(.O_CLOEXEC)
        let reader = try files.install(ends.reader, closeOnExec: closeOnExec)
        let writer: Int32
        do throws(Errno) {
            writer = try files.install(ends.writer, closeOnExec: closeOnExec)
        } catch {
            try? files.close(reader)
            throw error
        }
        var descriptors = [UInt8](repeating: 0, count: 8)
        descriptors.storeLittleEndian(reader, at: 0)
        descriptors.storeLittleEndian(writer, at: 4)
        do throws(Errno) {
            try UserAccess.copyToUser(address, descriptors)
        } catch {
            try? files.close(reader)
            try? files.close(writer)
            throw error
        }
        return 0
    }
}
