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

    private static let lock = SpinLock()
    nonisolated(unsafe) private static var discipline = LineDiscipline()
    private static let readers = WaitQueue()
    nonisolated(unsafe) private static var port: Serial8250? = nil

    /// Takes COM1's receive interrupt. Without an APIC route the console
    /// stays output-only and reads see end-of-file.
    public static func initialize(port: Serial8250) {
        guard Irq.request(isaLine: isaLine, name: "serial", receive) else { return }
        self.port = port
        port.enableReceiveInterrupt()
    }

    /// Hard-interrupt context: drain the UART, echo, wake readers.
    private static func receive() {
        guard let port else { return }
        var echo: [UInt8] = []
        lock.withLockIrqSave {
            while let byte = port.receivedByte() {
                // The signal an interrupt character asks for is not sent
                // yet: signal delivery arrives with the next issue.
                echo += discipline.receive(byte).echo
            }
        }
        if !echo.isEmpty { ConsoleOutput.write(echo) }
        readers.wakeUpAll()
    }

    /// read(2) on the console: blocks until the line discipline has input
    /// for it; an empty result is end-of-file (^D at the start of a line).
    /// With `nonBlocking` (O_NONBLOCK) a read that would wait is EAGAIN.
    public static func read(count: Int, nonBlocking: Bool = false) throws(Errno) -> [UInt8] {
        guard port != nil else { return [] }
        var result: [UInt8]? = nil
        if nonBlocking {
            guard let ready = lock.withLockIrqSave({ discipline.read(count: count) }) else { throw .EAGAIN }
            return ready
        }
        try readers.waitInterruptible {
            result = lock.withLockIrqSave { discipline.read(count: count) }
            return result != nil
        }
        return result ?? []
    }

    /// Queues a poller on the readers' queue, which every arrival wakes.
    public static func pollWait(_ table: PollTable) { table.wait(on: readers) }

    /// Whether a read would return at once (poll's POLLIN).
    public static var hasInput: Bool { lock.withLockIrqSave { discipline.hasInput } }

    /// The terminal settings (TCGETS / TCSETS).
    public static var termios: Termios {
        get { lock.withLockIrqSave { discipline.termios } }
        set {
            lock.withLockIrqSave { discipline.setTermios(newValue) }
            readers.wakeUpAll()
        }
    }

    /// Drops typed-ahead input (TCFLSH, TCSETSF).
    public static func flushInput() { lock.withLockIrqSave { discipline.flushInput() } }
}
