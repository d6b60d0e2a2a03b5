import ABI
import Core
import Lib

/// A terminal (Linux: struct tty_struct) and what job control keeps on it:
/// the session whose controlling terminal it is, that session's foreground
/// process group, and the window size. Apus has one, the serial line COM1
/// (ttyS0), which /dev/console also reaches; its input and termios are in
/// `ConsoleInput`'s line discipline.
///
/// Locking: the fields under `lock`; a process's `controllingTerminal`
/// under `TaskList.lock`, which is taken first where both are needed.
public final class Tty {
    public let name: String
    private let lock = SpinLock()
    private var session: Int32? = nil
    private var foreground: Int32? = nil
    private var windowSize = Winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
    /// Files open on the terminal's own nodes (ttyS0, /dev/tty), and those
    /// a hangup cut off, until their last close (Linux: tty->tty_files, and
    /// the hung_up_tty_fops __tty_hangup gives them).
    private var files: [ObjectIdentifier] = []
    private var hungUpFiles: [ObjectIdentifier] = []

    init(name: String) { self.name = name }

    /// The terminal behind the console: ttyS0.
    public static var console: Tty { serial.value }
    private static let serial = BootOnce(Tty(name: "ttyS0"))

    /// The session and foreground group, as one consistent pair.
    var owner: (session: Int32?, foreground: Int32?) { locked { (session, foreground) } }

    /// Makes this the controlling terminal of `group`'s session, with its
    /// process group in the foreground (Linux: __proc_set_tty). Called
    /// with `TaskList.lock` held.
    func becomeControllingTerminal(of group: ThreadGroup) {
        locked {
            session = group.session
            foreground = group.processGroup
        }
        group.controllingTerminal = self
    }

    /// No session owns the terminal any more (Linux: the end of disassociate_ctty).
    func clearOwner() { locked { (session, foreground) = (nil, nil) } }

    func setForeground(_ id: Int32) { locked { foreground = id } }

    func opened(_ file: File) { locked { files.append(ObjectIdentifier(file)) } }

    func released(_ file: File) {
        let id = ObjectIdentifier(file)
        locked {
            files.removeAll { $0 == id }
            hungUpFiles.removeAll { $0 == id }
        }
    }

    /// Whether a hangup cut `file` off: it reads end-of-file and fails
    /// writes with EIO (Linux: tty_hung_up_p).
    func isHungUp(_ file: File) -> Bool { locked { hungUpFiles.contains(ObjectIdentifier(file)) } }

    /// Every file open on the terminal now is hung up.
    func hangUpFiles() {
        locked {
            hungUpFiles += files
            files = []
        }
    }

    var size: Winsize { locked { windowSize } }

    /// TIOCSWINSZ: a new size; whether it differs from the old one (Linux: tty_do_resize).
    func resize(to new: Winsize) -> Bool {
        locked { () -> Bool in
            let old = windowSize
            windowSize = new
            return old.ws_row != new.ws_row || old.ws_col != new.ws_col || old.ws_xpixel != new.ws_xpixel
                || old.ws_ypixel != new.ws_ypixel
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.withLockIrqSave(body)
    }
}
