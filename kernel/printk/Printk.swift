import Core
import Lib

/// The kernel log (Linux: kernel/printk/printk.c). Every message is stored
/// with a timestamp in the log buffer, which `dmesg` will read later, and
/// printed on the registered consoles when its level is below the console
/// log level (`loglevel=`, `quiet`).
public enum Printk {
    nonisolated(unsafe) private static var log: PrintkLog? = nil
    nonisolated(unsafe) private static var consoles: [any Console] = []
    nonisolated(unsafe) public static var consoleLogLevel = ConsoleLogLevel.default
    /// Set while an oops is being reported: the lock may be held by the code
    /// that faulted, so the report bypasses it (Linux: oops_in_progress).
    nonisolated(unsafe) public static var oopsInProgress = false
    private static let lock = SpinLock()

    /// Allocates the log buffer (Linux: __log_buf, 128 KiB by default).
    public static func initialize() {
        log = PrintkLog()
    }

    public static func register(console: any Console) {
        consoles.append(console)
    }

    public static func forEachConsole(_ body: (any Console) -> Void) {
        for console in consoles { body(console) }
    }

    public static func emit(_ level: LogLevel, _ text: String) {
        let timestamp = Clock.nanosecondsSinceBoot()
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        // printk must never spin: the lock's holder may be the code that just
        // faulted. Then, or during an oops, the console gets the line and the
        // buffer does not.
        guard !oopsInProgress, log != nil, lock.tryLock() else {
            write(PrintkRecord(sequence: 0, timestamp: timestamp, level: level, text: text))
            return
        }
        // Mutating through `log!` appends in place; copying the buffer out would duplicate 128 KiB.
        let sequence = log!.append(level: level, text: text.utf8, timestamp: timestamp)
        let record = log!.read(from: sequence)
        lock.unlock()
        if let record { write(record) }
    }

    private static func write(_ record: PrintkRecord) {
        guard record.level.isPrinted(onConsoleAt: consoleLogLevel) else { return }
        let line = record.consoleText
        for console in consoles { console.write(line) }
    }

    /// Records from `sequence` onward, for dmesg-style readers.
    public static func records(from sequence: UInt64) -> [PrintkRecord] {
        lock.withLockIrqSave { () -> [PrintkRecord] in
            guard let buffer = log else { return [] }
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
