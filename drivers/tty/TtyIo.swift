import ABI
import Core
import Lib

/// The terminal device nodes (Linux: drivers/tty/tty_io.c): /dev/ttyS0
/// (4,64), the serial line itself; /dev/console (5,1), the terminal the
/// kernel's console is on, the same one here; and /dev/tty (5,0), the
/// caller's controlling terminal, ENXIO without one. Output goes to the
/// kernel's consoles, input comes through `ConsoleInput`'s line
/// discipline, which also keeps the termios; `Tty` keeps the rest.
final class TtyDevice: FileOperations {
    /// Which node was opened: it decides how opening treats the controlling terminal.
    enum Node {
        case serial, console, controlling
    }
    let node: Node
    private init(_ node: Node) { self.node = node }

    /// A serial line's settings as Linux's 8250 console starts them: the
    /// standard termios, not waiting for modem control lines (CLOCAL).
    static var serialTermios: Termios {
        var termios = Termios.standard
        termios.c_cflag |= Termios.CLOCAL
        return termios
    }

    /// Registers the three devices and their nodes (Linux: tty_init and
    /// the 8250 driver's ttyS registration).
    static func initialize() {
        ConsoleInput.termios = serialTermios
        // Node, numbers, node name and mode, and the name /proc/devices shows.
        let nodes: [(Node, UInt32, UInt32, String, UInt32, String)] = [
            (.controlling, 5, 0, "tty", 0o666, "/dev/tty"), (.console, 5, 1, "console", 0o600, "/dev/console"),
            (.serial, 4, 64, "ttyS0", 0o660, "ttyS"),
        ]
        for (node, major, minor, name, mode, driverName) in nodes {
            do throws(Errno) {
                try CharDevices.register(major: major, minor: minor, name: driverName, TtyDevice(node))
            } catch {
                pr_err("tty: cannot register \(name): error -\(error.rawValue)")
                continue
            }
            // The serial port is a platform device; the others are virtual (Linux: serial8250, tty_init).
            let parent = node == .serial ? ["platform", "serial8250"] : []
            DeviceModel.createDevice(name, className: "tty", parent: parent, mode: mode, major: major, minor: minor)
        }
    }

    /// The terminal behind the node: one today, ttyS0.
    private var tty: Tty { Tty.console }

    /// /dev/tty needs a controlling terminal; opening ttyS0 may make it
    /// the caller's, opening /dev/console never does (Linux: tty_open).
    /// The terminal keeps the files of its own nodes, for a hangup.
    func open(_ file: File, flags: OpenFlags) throws(Errno) {
        switch node {
        case .controlling: _ = try Tty.ofCaller()
        case .serial: tty.acquireOnOpen(flags)
        case .console: return
        }
        tty.opened(file)
    }

    func release(_ file: File) { tty.released(file) }

    /// A terminal has no position (Linux: tty_open's nonseekable_open).
    var isStream: Bool { true }
    var canPoll: Bool { true }

    /// Blocks until the line discipline has a line (or, raw, bytes); a
    /// background process gets SIGTTIN instead (Linux: n_tty_read's job_control).
    /// A hung-up file reads end-of-file (Linux: hung_up_tty_read).
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard count > 0, !tty.isHungUp(file) else { return [] }
        try tty.checkChange(.SIGTTIN)
        return try ConsoleInput.read(count: count, nonBlocking: file.isNonBlocking) { tty.isHungUp(file) }
    }

    /// With TOSTOP a background process gets SIGTTOU instead (Linux:
    /// n_tty_write); a hung-up file is EIO (hung_up_tty_write).
    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard !tty.isHungUp(file) else { throw .EIO }
        if ConsoleInput.termios.c_lflag & Termios.TOSTOP != 0 { try tty.checkChange() }
        ConsoleOutput.write(bytes)
        return bytes.count
    }

    /// Readable when the line discipline has input; output never blocks;
    /// a hung-up file is everything at once (Linux: hung_up_tty_poll).
    func poll(_ file: File, _ table: PollTable?) -> PollEvents {
        if tty.isHungUp(file) { return [.POLLIN, .POLLOUT, .POLLERR, .POLLHUP, .POLLRDNORM, .POLLWRNORM] }
        if let table { ConsoleInput.pollWait(table) }
        var events: PollEvents = [.POLLOUT, .POLLWRNORM]
        if ConsoleInput.hasInput { events.formUnion([.POLLIN, .POLLRDNORM]) }
        return events
    }

    /// The terminal ioctls (Linux: tty_ioctl, tty_mode_ioctl, n_tty_ioctl);
    /// anything else is ENOTTY. Changing the settings is for the foreground
    /// (`checkChange`).
    func ioctl(_ file: File, command: UInt32, argument: UInt64) throws(Errno) -> Int64 {
        let request = IoctlCommand(rawValue: command)
        // A hung-up file (Linux: hung_up_tty_ioctl).
        if tty.isHungUp(file) { throw request == .TIOCSPGRP ? .ENOTTY : .EIO }
        guard let request else { throw .ENOTTY }
        switch request {
        case .TCGETS:
            try UserPointer<Termios>(address: argument).write(ConsoleInput.termios)
        case .TCSETS, .TCSETSW, .TCSETSF:
            try tty.checkChange()
            // Output is written synchronously, so there is never any to
            // drain first (TCSETSW); TCSETSF also drops typed-ahead input.
            let termios = try UserPointer<Termios>(address: argument).read()
            if request == .TCSETSF { ConsoleInput.flushInput() }
            ConsoleInput.termios = termios
        case .TCFLSH:
            try tty.checkChange()
            // TCIFLUSH, TCOFLUSH, TCIOFLUSH; output is never queued.
            guard argument <= 2 else { throw .EINVAL }
            if argument != 1 { ConsoleInput.flushInput() }
        case .TCXONC:
            try tty.checkChange()
            // TCOOFF, TCOON, TCIOFF, TCION: accepted, but output is never held back.
            guard argument <= 3 else { throw .EINVAL }
        case .FIONREAD:
            try UserPointer<Int32>(address: argument).write(Int32(ConsoleInput.readableCount))
        case .TIOCGWINSZ:
            try UserPointer<Winsize>(address: argument).write(tty.size)
        case .TIOCSWINSZ:
            if tty.resize(to: try UserPointer<Winsize>(address: argument).read()) { tty.signalForeground(.SIGWINCH) }
        case .TIOCSCTTY:
            try tty.setControllingTerminal(steal: argument, file: file)
        case .TIOCNOTTY:
            try tty.giveUpControllingTerminal()
        case .TIOCGPGRP:
            try UserPointer<Int32>(address: argument).write(try tty.foregroundProcessGroup())
        case .TIOCSPGRP:
            try tty.setForegroundProcessGroup(UserPointer<Int32>(address: argument))
        case .TIOCGSID:
            try UserPointer<Int32>(address: argument).write(try tty.sessionID())
        default:
            throw .ENOTTY
        }
        return 0
    }
}
