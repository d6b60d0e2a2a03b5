import Core
import Lib
import Synchronization

/// The kernel log (Linux: kernel/printk/printk.c). Every message is stored
/// with a timestamp in the log buffer, which `dmesg` reads through
/// syslog(2) or /dev/kmsg, and printed on the registered consoles when its
/// level is below the console log level (`loglevel=`, `quiet`, `dmesg -n`).
public enum Printk {
    /// The ring and the places its readers keep in it.
    struct State {
        var records: PrintkLog
        /// syslog's consuming reader (Linux: syslog_seq, syslog_partial).
        var syslog = SyslogReader()
        /// Where READ_ALL starts: CLEAR moves it to the end (Linux: clear_seq).
        var clearSequence: UInt64 = 0
    }
    private static let log = IRQSafeLocked<State?>(nil)
    private static let consoles = IRQSafeLocked<[any Console]>([])
    public static let consoleLogLevel = Atomic<Int>(ConsoleLogLevel.default)
    /// The console level CONSOLE_OFF saved for CONSOLE_ON, -1 when none
    /// (Linux: saved_console_loglevel, LOGLEVEL_DEFAULT).
    static let savedConsoleLogLevel = Atomic<Int>(-1)
    /// The level of a /dev/kmsg write without `<N>`, and the least console
    /// level syslog may set: the second and third numbers of
    /// /proc/sys/kernel/printk (Linux: default_message_loglevel,
    /// minimum_console_loglevel).
    public static let defaultMessageLogLevel = Atomic<Int>(Int(LogLevel.messageDefault.rawValue))
    public static let minimumConsoleLogLevel = Atomic<Int>(1)
    /// The console level a boot starts with, kernel.printk's fourth number
    /// (Linux: default_console_loglevel).
    public static let defaultConsoleLogLevel = Atomic<Int>(ConsoleLogLevel.default)

    /// kernel.printk's four numbers: console, default message, minimum
    /// console and default console log level.
    public static var sysctlLevels: [Int] {
        [
            consoleLogLevel.load(ordering: .relaxed), defaultMessageLogLevel.load(ordering: .relaxed),
            minimumConsoleLogLevel.load(ordering: .relaxed), defaultConsoleLogLevel.load(ordering: .relaxed),
        ]
    }

    /// A write of kernel.printk: the numbers given, in order, replace the
    /// first ones; the rest stay (Linux: proc_dointvec).
    public static func setSysctlLevels(_ values: [Int]) {
        if values.count > 0 { consoleLogLevel.store(values[0], ordering: .relaxed) }
        if values.count > 1 { defaultMessageLogLevel.store(values[1], ordering: .relaxed) }
        if values.count > 2 { minimumConsoleLogLevel.store(values[2], ordering: .relaxed) }
        if values.count > 3 { defaultConsoleLogLevel.store(values[3], ordering: .relaxed) }
    }

    /// Readers of syslog and /dev/kmsg sleeping for the next record (Linux: log_wait).
    static var readers: WaitQueue { readerQueue.value }
    private static let readerQueue = BootOnce(WaitQueue())
    /// Wakes the readers from softirq context: printk runs anywhere, even
    /// under the scheduler's locks that a wakeup takes (Linux: wake_up_klogd
    /// through irq_work).
    private static let readerWakeup = BootOnce(Tasklet { Printk.readers.wakeUpAll() })
    /// Allocates the log buffer (Linux: __log_buf, 128 KiB by default).
    public static func initialize() {
        let buffer = State(records: PrintkLog())
        log.withLock { $0 = buffer }
    }

    public static func register(console: any Console) {
        consoles.withLock { $0.append(console) }
    }

    public static func forEachConsole(_ body: (any Console) -> Void) {
        for console in consoles.withLock({ $0 }) { body(console) }
    }

    public static func emit(_ level: LogLevel, _ text: String) {
        emit(level, facility: 0, text.utf8)
    }

    /// Logs `text` from `facility`: /dev/kmsg's writes come with LOG_USER's.
    static func emit(_ level: LogLevel, facility: UInt8, _ text: some Collection<UInt8>) {
        let timestamp = Clock.nanosecondsSinceBoot()
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        // printk must never spin: the lock's holder may be the code that just
        // faulted. Then the console gets the line and the buffer does not; an
        // oops is otherwise logged like any line, for dmesg (Linux does too).
        guard let stored = store(level, facility, text, timestamp) else {
            write(
                PrintkRecord(
                    sequence: 0, timestamp: timestamp, level: level, facility: facility,
                    text: String(decoding: text, as: UTF8.self)))
            return
        }
        if let stored { write(stored) }
        if !readers.isEmpty { readerWakeup.value.schedule() }
    }

    /// Appends to the log and reads the record back; nil when the log cannot
    /// be used now (not allocated yet, its lock held).
    private static func store(
        _ level: LogLevel, _ facility: UInt8, _ text: some Collection<UInt8>, _ timestamp: UInt64
    ) -> PrintkRecord?? {
        let stored = log.withLockIfFree { log -> PrintkRecord?? in
            // Mutating through `log!` appends in place; copying the buffer out would duplicate 128 KiB.
            guard log != nil else { return nil }
            let sequence = log!.records.append(level: level, facility: facility, text: text, timestamp: timestamp)
            DebugInfo.logRecord(
                sequence: sequence, timestamp: timestamp, level: level.rawValue, facility: facility,
                text: text.prefix(PrintkLog.maxTextLength))
            return .some(log!.records.read(from: sequence))
        }
        return stored ?? nil
    }

    /// Runs `body` on the log and its readers' places, under the log's
    /// lock; nil before the log exists.
    static func withLog<R>(_ body: (inout State) -> R) -> R? {
        log.withLock { state -> R? in
            guard state != nil else { return nil }
            return body(&state!)
        }
    }

    private static func write(_ record: PrintkRecord) {
        guard record.level.isPrinted(onConsoleAt: consoleLogLevel.load(ordering: .relaxed)) else { return }
        let line = record.consoleText
        forEachConsole { $0.write(line) }
    }

    /// Records from `sequence` onward, for dmesg-style readers.
    public static func records(from sequence: UInt64) -> [PrintkRecord] {
        log.withLock { log -> [PrintkRecord] in
            guard let buffer = log?.records else { return [] }
            var result: [PrintkRecord] = []
            var next = max(sequence, buffer.firstSequence)
            while let record = buffer.read(from: next) {
                result.append(record)
                next = record.sequence + 1
            }
            return result
        }
    }
}

// Linux's pr_* helpers, one per level.
public func pr_emerg(_ text: String) { Printk.emit(.emerg, text) }
public func pr_alert(_ text: String) { Printk.emit(.alert, text) }
public func pr_crit(_ text: String) { Printk.emit(.crit, text) }
public func pr_err(_ text: String) { Printk.emit(.err, text) }
public func pr_warn(_ text: String) { Printk.emit(.warning, text) }
public func pr_notice(_ text: String) { Printk.emit(.notice, text) }
public func pr_info(_ text: String) { Printk.emit(.info, text) }
public func pr_debug(_ text: String) { Printk.emit(.debug, text) }
