import ABI
import Core
import Lib

/// syslog(2), which glibc calls klogctl and busybox's `dmesg` uses (Linux:
/// kernel/printk/printk.c SYSCALL_DEFINE3(syslog)); the actions are in
/// kernel/printk/Syslog.swift.
enum SyslogSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.syslog, syscall(syslog))
    ]

    static func syslog(_ type: Int32, _ buffer: UserPointer<UInt8>, _ length: Int32) throws(Errno) -> Int64 {
        guard let action = SyslogAction(rawValue: type) else {
            // An unknown action is as restricted as any but READ_ALL: EPERM comes first.
            try Syslog.checkPermission(.SYSLOG_ACTION_CLOSE)
            throw .EINVAL
        }
        return Int64(try Syslog.run(action, buffer: buffer, size: Int(length)))
    }
}
