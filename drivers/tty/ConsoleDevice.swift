import ABI
import Core
import Lib

/// The console as a terminal device: /dev/console (5,1) and, until
/// sessions and controlling terminals exist, /dev/tty (5,0) as well
/// (Linux: drivers/tty/tty_io.c's console and tty devices). Output goes
/// to the kernel's consoles, input comes through `ConsoleInput`'s line
/// discipline, which also keeps the termios; the window size and the
/// foreground process group are kept here.
final class ConsoleDevice: FileOperations {
    static let major: UInt32 = 5
    static var shared: ConsoleDevice { instance.value }
    private static let instance = BootOnce(ConsoleDevice())

    private let lock = SpinLock()
    private var windowSize = Winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    /// Set by TIOCSPGRP. Unset, TIOCGPGRP is ENOTTY, Linux's answer for a
    /// terminal that is no session's controlling terminal, which
    /// /dev/console never becomes: a shell turns job control off.
    private var foregroundProcessGroup: Int32? = nil

    /// A serial line's settings as Linux's 8250 console starts them: the
    /// standard termios, not waiting for modem control lines (CLOCAL).
    static var serialTermios: Termios {
        var termios = Termios.standard
        termios.c_cflag |= Termios.CLOCAL
        return termios
    }

    /// Registers both devices and their nodes (Linux: tty_init).
    static func initialize() {
        ConsoleInput.termios = serialTermios
        for (minor, name, mode) in [(UInt32(0), "tty", UInt32(0o666)), (1, "console", 0o600)] {
            do throws(Errno) {
                try CharDevices.register(major: major, minor: minor, shared)
            } catch {
                pr_err("tty: cannot register \(name): error -\(error.rawValue)")
                continue
            }
            Devtmpfs.createNode(name, mode: mode, major: major, minor: minor)
        }
    }

    /// A terminal has no position (Linux: tty_open's nonseekable_open).
    var isStream: Bool { true }

    /// Blocks until the line discipline has a line (or, raw, bytes).
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard count > 0 else { return [] }
        return try ConsoleInput.read(count: count, nonBlocking: file.isNonBlocking)
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        ConsoleOutput.write(bytes)
        return bytes.count
    }

    /// Readable when the line discipline has input; output never blocks.
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        if let table { ConsoleInput.pollWait(table) }
        var events: PollEvents = [.POLLOUT, .POLLWRNORM]
        if ConsoleInput.hasInput { events.formUnion([.POLLIN, .POLLRDNORM]) }
        return events
    }

    /// The terminal ioctls a shell and its line editor use (Linux:
    /// tty_ioctl, tty_mode_ioctl); anything else is ENOTTY.
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 {
        guard let request = IoctlCommand(rawValue: command) else { throw .ENOTTY }
        switch request {
        case .TCGETS:
            try UserPointer<Termios>(address: argument).write(ConsoleInput.termios)
        case .TCSETS, .TCSETSW, .TCSETSF:
            // Output is written synchronously, so there is never any to
            // drain first (TCSETSW); TCSETSF also drops typed-ahead input.
            let termios = try UserPointer<Termios>(address: argument).read()
            if request == .TCSETSF { ConsoleInput.flushInput() }
            ConsoleInput.termios = termios
        case .TIOCGWINSZ:
            try UserPointer<Winsize>(address: argument).write(locked { windowSize })
        case .TIOCSWINSZ:
            let size = try UserPointer<Winsize>(address: argument).read()
            locked { windowSize = size }
        case .TIOCGPGRP:
            guard let group = locked({ foregroundProcessGroup }) else { throw .ENOTTY }
            try UserPointer<Int32>(address: argument).write(group)
        case .TIOCSPGRP:
            let group = try UserPointer<Int32>(address: argument).read()
            guard group >= 0 else { throw .EINVAL }
            locked { foregroundProcessGroup = group }
        default:
            throw .ENOTTY
        }
        return 0
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}
