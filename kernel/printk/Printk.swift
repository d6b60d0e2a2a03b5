import Core
import Lib
import Synchronization

/// The kernel log (Linux: kernel/printk/printk.c). Every message is stored
/// with a timestamp in the log buffer, which `dmesg` will read later, and
/// printed on the registered consoles when its level is below the console
/// log level (`loglevel=`, `quiet`).
public enum Printk {
    private static let log = IRQSafeLocked<PrintkLog?>(nil)
    private static let consoles = IRQSafeLocked<[any Console]>([])
    public static let consoleLogLevel = Atomic<Int>(ConsoleLogLevel.default)
    /// Set while an oops is being reported: the lock may be held by the code
    /// that faulted, so the report bypasses it (Linux: oops_in_progress).
    public static let oopsInProgress = Atomic<Bool>(false)

    /// Allocates the log buffer (Linux: __log_buf, 128 KiB by default).
    public static func initialize() {
        let buffer = PrintkLog()
        log.withLock { $0 = buffer }
    }

    public static func register(console: any Console) {
        consoles.withLock { $0.append(console) }
    }

    public static func forEachConsole(_ body: (any Console) -> Void) {
        for console in consoles.withLock({ $0 }) { body(console) }
    }

    public static func emit(_ level: LogLevel, _ text: String) {
        let timestamp = Clock.nanosecondsSinceBoot()
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        // printk must never spin: the lock's holder may be the code that just
        // faulted. Then, or during an oops, the console gets the line and the
        // buffer does not.
        guard let stored = store(level, text, timestamp) else {
            write(PrintkRecord(sequence: 0, timestamp: timestamp, level: level, text: text))
            return
        }
        if let stored { write(stored) }
    }

    /// Appends to the log and reads the record back; nil when the log cannot
    /// be used now (not allocated yet, an oops in progress, its lock held).
    private static func store(_ level: LogLevel, _ text: String, _ timestamp: UInt64) -> PrintkRecord?? {
        guard !oopsInProgress.load(ordering: .relaxed) else { return nil }
        let stored = log.withLockIfFree { log -> PrintkRecord?? in
            // Mutating through `log!` appends in place; copying the buffer out would duplicate 128 KiB.
            guard log != nil else { return nil }
            let sequence = log!.append(level: level, text: text.utf8, timestamp: timestamp)
            return .some(log!.read(from: sequence))
        }
        return stored ?? nil
    }

    private static func write(_ record: PrintkRecord) {
        guard record.level.isPrinted(onConsoleAt: consoleLogLevel.load(ordering: .relaxed)) else { return }
        let line = record.consoleText
        forEachConsole { $0.write(line) }
    }

    /// Records from `sequence` onward, for dmesg-style readers.
    public static func records(from sequence: UInt64) -> [PrintkRecord] {
        log.withLock { log -> [PrintkRecord] in
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
