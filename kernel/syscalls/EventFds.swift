import ABI
import Core
import Lib

/// eventfd and eventfd2 (Linux: fs/eventfd.c). The counter is fs/EventFd.swift.
enum EventFdSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.eventfd, syscall(eventfd)),
        (.eventfd2, syscall(eventfd2)),
    ]

    static func eventfd(_ initial: UInt32) throws(Errno) -> Int64 {
        try eventfd2(initial, [])
    }

    /// eventfd2(initval, flags): EINVAL for an unknown flag.
    static func eventfd2(_ initial: UInt32, _ flags: EventFdFlags) throws(Errno) -> Int64 {
        guard flags.subtracting([.EFD_SEMAPHORE, .EFD_NONBLOCK, .EFD_CLOEXEC]).isEmpty else { throw .EINVAL }
        let counter = EventFd(initial: UInt64(initial), semaphore: flags.contains(.EFD_SEMAPHORE))
        let status = OpenFlags(rawValue: flags.rawValue).intersection(.O_NONBLOCK)
        let file = AnonInodes.file(name: "[eventfd]", operations: counter, flags: status.union(.O_RDWR))
        return Int64(try Scheduler.current.files.install(file, closeOnExec: flags.contains(.EFD_CLOEXEC)))
    }
}
