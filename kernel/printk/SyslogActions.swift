import ABI
import Core
import Lib
import Synchronization

/// syslog(2)'s actions on the kernel log, and who may take them (Linux:
/// do_syslog and check_syslog_permissions in kernel/printk/printk.c).
public enum Syslog {
    /// kernel.dmesg_restrict: only CAP_SYSLOG may read the log. On, as in
    /// Debian's kernels (CONFIG_SECURITY_DMESG_RESTRICT=y); Linux's own
    /// default is off.
    public static let dmesgRestrict = Atomic<Bool>(true)

    /// The sysctl's write: 0 or 1, by CAP_SYS_ADMIN.
    public static func setDmesgRestrict(_ value: Int, by credentials: Credentials) throws(Errno) {
        try credentials.checkSysadminSysctl(value, in: 0...1)
        dmesgRestrict.store(value != 0, ordering: .relaxed)
    }

    /// EPERM unless the caller may take `action` now.
    static func checkPermission(_ action: SyslogAction) throws(Errno) {
        let restrict = dmesgRestrict.load(ordering: .relaxed)
        guard Scheduler.current.credentials.mayUseSyslog(action, dmesgRestrict: restrict) else { throw .EPERM }
    }

    /// Runs `action`; `size` is the size of `buffer` (READ*) or the level
    /// (CONSOLE_LEVEL). Returns the action's result: bytes read, a size, or 0.
    static func run(_ action: SyslogAction, buffer: UserPointer<UInt8>, size: Int) throws(Errno) -> Int {
        try checkPermission(action)
        func deliver(_ text: [UInt8]) throws(Errno) { try buffer.write(text) }
        switch action {
        case .SYSLOG_ACTION_CLOSE, .SYSLOG_ACTION_OPEN:
            return 0
        case .SYSLOG_ACTION_READ:
            guard !buffer.isNull, size >= 0 else { throw .EINVAL }
            guard size > 0 else { return 0 }
            // Wait for a record, then take what fits; another reader may
            // have taken it first, so loop until something is read.
            while true {
                try Printk.readers.waitInterruptible { Printk.withLog { $0.syslog.hasUnread(in: $0.records) } ?? false }
                let text = Printk.withLog { $0.syslog.read(from: $0.records, size: size) } ?? []
                if !text.isEmpty {
                    try deliver(text)
                    return text.count
                }
            }
        case .SYSLOG_ACTION_READ_ALL, .SYSLOG_ACTION_READ_CLEAR:
            guard !buffer.isNull, size >= 0 else { throw .EINVAL }
            guard size > 0 else { return 0 }
            let text =
                Printk.withLog { state -> [UInt8] in
                    let text = state.records.syslogText(from: state.clearSequence, fitting: size)
                    if action == .SYSLOG_ACTION_READ_CLEAR { state.clearSequence = state.records.nextSequence }
                    return text
                } ?? []
            try deliver(text)
            return text.count
        case .SYSLOG_ACTION_CLEAR:
            Printk.withLog { $0.clearSequence = $0.records.nextSequence }
            return 0
        case .SYSLOG_ACTION_CONSOLE_OFF:
            if Printk.savedConsoleLogLevel.load(ordering: .relaxed) == -1 {
                Printk.savedConsoleLogLevel.store(Printk.consoleLogLevel.load(ordering: .relaxed), ordering: .relaxed)
            }
            Printk.consoleLogLevel.store(Printk.minimumConsoleLogLevel.load(ordering: .relaxed), ordering: .relaxed)
            return 0
        case .SYSLOG_ACTION_CONSOLE_ON:
            let saved = Printk.savedConsoleLogLevel.exchange(-1, ordering: .relaxed)
            if saved != -1 { Printk.consoleLogLevel.store(saved, ordering: .relaxed) }
            return 0
        case .SYSLOG_ACTION_CONSOLE_LEVEL:
            guard size >= 1, size <= 8 else { throw .EINVAL }
            Printk.consoleLogLevel.store(
                max(size, Printk.minimumConsoleLogLevel.load(ordering: .relaxed)), ordering: .relaxed)
            // An explicit level forgets what CONSOLE_OFF saved.
            Printk.savedConsoleLogLevel.store(-1, ordering: .relaxed)
            return 0
        case .SYSLOG_ACTION_SIZE_UNREAD:
            return Printk.withLog { $0.syslog.unreadSize(in: $0.records) } ?? 0
        case .SYSLOG_ACTION_SIZE_BUFFER:
            return Printk.withLog { $0.records.capacity } ?? 0
        }
    }
}
