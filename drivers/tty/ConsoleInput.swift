import ABI
import Core
import Lib

/// Keyboard input of the serial console (Linux: the 8250 receive path into
/// the tty flip buffer and N_TTY). The UART interrupts on every received
/// byte; the line discipline edits and echoes it; readers of /dev/console
/// sleep until it has a line (or, in raw mode, bytes) for them.
public enum ConsoleInput {
    /// COM1's ISA interrupt line.
    static let isaLine = 4

    private static let discipline = IRQSafeLocked(LineDiscipline())
    private static let readers = BootOnce(WaitQueue())
    private static let uart = BootOnce<Serial8250>()
    private static var port: Serial8250? { uart.valueIfSet }

    /// Takes COM1's receive interrupt. Without an APIC route the console
    /// stays output-only and reads see end-of-file.
    public static func initialize(port: Serial8250) {
        guard Irq.request(isaLine: isaLine, name: "serial", receive) else { return }
        uart.set(port)
        port.enableReceiveInterrupt()
    }

    /// Signals typed with ISIG (^C, ^\, ^Z) waiting to go to the
    /// foreground process group. They are sent from a worker, in process
    /// context, as Linux's receive path runs in one (flush_to_ldisc).
    private static let typedSignals = IRQSafeLocked<[Signal]>([])
    private static let signalWork = BootOnce(WorkItem { sendTypedSignals() })

    /// Hard-interrupt context: drain the UART, echo, wake readers.
    private static func receive() {
        guard let port else { return }
        var echo: [UInt8] = []
        var signals: [Signal] = []
        discipline.withLock { discipline in
            while let byte = port.receivedByte() {
                let reaction = discipline.receive(byte)
                echo += reaction.echo
                if let signal = reaction.signal { signals.append(signal) }
            }
        }
        if !echo.isEmpty { ConsoleOutput.write(echo) }
        if !signals.isEmpty {
            typedSignals.withLock { $0 += signals }
            Workqueues.system?.queue(signalWork.value)
        }
        readers.value.wakeUpAll()
    }

    private static func sendTypedSignals() {
        let signals = typedSignals.withLock { typed in
            defer { typed = [] }
            return typed
        }
        for signal in signals { Tty.console.signalForeground(signal) }
    }

    /// read(2) on the console: blocks until the line discipline has input
    /// for it; an empty result is end-of-file (^D at the start of a line).
    /// With `nonBlocking` (O_NONBLOCK) a read that would wait is EAGAIN. A
    /// sleeping reader whose file `hungUp` says was hung up gets end-of-file.
    public static func read(count: Int, nonBlocking: Bool = false, hungUp: () -> Bool = { false }) throws(Errno)
        -> [UInt8]
    {
        guard port != nil else { return [] }
        var result: [UInt8]? = nil
        if nonBlocking {
            guard let ready = discipline.withLock({ $0.read(count: count) }) else { throw .EAGAIN }
            return ready
        }
        func take(timerExpired: Bool) -> Bool {
            if hungUp() {
                result = []
                return true
            }
            result = discipline.withLock { $0.read(count: count, timerExpired: timerExpired) }
            return result != nil
        }
        guard let timeout = discipline.withLock({ $0.readTimeout(hz: Jiffies.hz) }) else {
            try readers.value.waitInterruptible { take(timerExpired: false) }
            return result ?? []
        }
        // VTIME: the timer starts again with every byte that arrives.
        while true {
            let seen = readableCount
            let arrived = try readers.value.waitInterruptible(timeout: timeout) {
                take(timerExpired: false) || readableCount != seen
            }
            if let result { return result }
            if !arrived && take(timerExpired: true) { return result ?? [] }
        }
    }

    /// Queues a poller on the readers' queue, which every arrival wakes.
    public static func pollWait(_ table: PollTable) { table.wait(on: readers.value) }

    /// The bytes a read could take now (FIONREAD).
    public static var readableCount: Int { discipline.withLock { $0.readableCount } }

    /// Whether a read would return at once (poll's POLLIN).
    public static var hasInput: Bool { discipline.withLock { $0.hasInput } }

    /// The terminal settings (TCGETS / TCSETS).
    public static var termios: Termios {
        get { discipline.withLock { $0.termios } }
        set {
            discipline.withLock { $0.setTermios(newValue) }
            readers.value.wakeUpAll()
        }
    }

    /// Drops typed-ahead input (TCFLSH, TCSETSF).
    public static func flushInput() { discipline.withLock { $0.flushInput() } }

    /// Wakes every sleeping reader and poller to look again (a hangup).
    static func wakeReaders() { readers.value.wakeUpAll() }
}
