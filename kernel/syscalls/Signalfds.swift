import ABI
import Core
import Lib

/// signalfd and signalfd4 (Linux: fs/signalfd.c). The file is fs/Signalfd.swift.
enum SignalfdSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.signalfd, syscall(signalfd)),
        (.signalfd4, syscall(signalfd4)),
    ]

    static func signalfd(_ descriptor: Int32, _ mask: UserPointer<UInt64>, _ setSize: UInt64) throws(Errno) -> Int64 {
        try signalfd4(descriptor, mask, setSize, [])
    }

    /// signalfd4(fd, mask, sizemask, flags): a new signalfd for fd -1, else
    /// fd's set replaced (EINVAL if fd is no signalfd). SIGKILL and SIGSTOP
    /// are dropped from the set, as they can never be blocked.
    static func signalfd4(_ descriptor: Int32, _ mask: UserPointer<UInt64>, _ setSize: UInt64, _ flags: SignalfdFlags)
        throws(Errno) -> Int64
    {
        guard flags.subtracting([.SFD_NONBLOCK, .SFD_CLOEXEC]).isEmpty, setSize == SignalSyscalls.signalSetSize else {
            throw .EINVAL
        }
        let signals = SignalSet(rawValue: try mask.read()).removingUnblockable()
        let files = Scheduler.current.files
        if descriptor != -1 {
            guard let existing = try files.file(descriptor).operations as? Signalfd else { throw .EINVAL }
            existing.mask = signals
            // A reader waiting for the old set may want one of the new.
            Scheduler.current.sighand.signalfdWait.wakeUpAll()
            return Int64(descriptor)
        }
        let status = OpenFlags(rawValue: flags.rawValue).intersection(.O_NONBLOCK)
        let file = AnonInodes.file(
            name: "[signalfd]", operations: Signalfd(mask: signals), flags: status.union(.O_RDWR))
        return Int64(try files.install(file, closeOnExec: flags.contains(.SFD_CLOEXEC)))
    }
}
