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

    /// Hard-interrupt context: drain the UART, echo, wake readers.
    private static func receive() {
        guard let port else { return }
        var echo: [UInt8] = []
        discipline.withLock { discipline in
            while let byte = port.receivedByte() {
                // The signal an interrupt character asks for is not sent
                // yet: signal delivery arrives with the next issue.
                echo += discipline.receive(byte).echo
            }
        }
        if !echo.isEmpty { ConsoleOutput.write(echo) }
        readers.value.wakeUpAll()
    }

    /// read(2) on the console: blocks until the line discipline has input
    /// for it; an empty result is end-of-file (^D at the start of a line).
    /// With `nonBlocking` (O_NONBLOCK) a read that would wait is EAGAIN.
    public static func read(count: Int, nonBlocking: Bool = false) throws(Errno) -> [UInt8] {
        guard port != nil else { return [] }
        var result: [UInt8]? = nil
        if nonBlocking {
            guard let ready = discipline.withLock({ $0.read(count: count) }) else { throw .EAGAIN }
            return ready
        }
        try readers.value.waitInterruptible {
            result = discipline.withLock { $0.read(count: count) }
            return result != nil
        }
        return result ?? []
    }

    /// Queues a poller on the readers' queue, which every arrival wakes.
    public static func pollWait(_ table: PollTable) { table.wait(on: readers.value) }

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
}
