// Terminals: the termios flags and defaults (the structure, and struct
// winsize, are C in include/uapi/linux/termios.h), and the ioctl numbers a
// shell uses on its terminal.

/// The flags are named as in C, so `c_lflag & Termios.ICANON` reads as it
/// does in Linux's n_tty.c. (The structure is C: include/uapi/linux/termios.h.)
extension Termios {
    /// NCCS: the number of control characters.
    public static let controlCharacterCount = Int(__KERNEL_NCCS)

    /// The control character at `index` (VINTR, VQUIT, ...).
    public subscript(cc index: Int) -> UInt8 {
        get { controlCharacter(UInt32(index)) }
        set { self = setting(controlCharacter: UInt32(index), to: newValue) }
    }

    // MARK: c_cc indices

    /// Sends SIGINT (^C by default).
    public static let VINTR = 0
    /// Sends SIGQUIT (^\).
    public static let VQUIT = 1
    /// Erases the last character (DEL).
    public static let VERASE = 2
    /// Erases the line (^U).
    public static let VKILL = 3
    /// Ends input: a read returns what is buffered, or 0 at line start (^D).
    public static let VEOF = 4
    /// Non-canonical reads: timeout in tenths of a second.
    public static let VTIME = 5
    /// Non-canonical reads: how many bytes a read waits for.
    public static let VMIN = 6
    public static let VSWTC = 7
    /// Resumes output (^Q).
    public static let VSTART = 8
    /// Stops output (^S).
    public static let VSTOP = 9
    /// Sends SIGTSTP (^Z).
    public static let VSUSP = 10
    public static let VEOL = 11
    public static let VREPRINT = 12
    public static let VDISCARD = 13
    /// Erases the last word (^W).
    public static let VWERASE = 14
    /// Takes the next character literally (^V).
    public static let VLNEXT = 15
    public static let VEOL2 = 16

    // MARK: c_iflag: input processing

    public static let IGNBRK: UInt32 = 0x001
    public static let BRKINT: UInt32 = 0x002
    public static let IGNPAR: UInt32 = 0x004
    public static let PARMRK: UInt32 = 0x008
    public static let INPCK: UInt32 = 0x010
    public static let ISTRIP: UInt32 = 0x020
    /// Translate NL to CR on input.
    public static let INLCR: UInt32 = 0x040
    /// Discard CR on input.
    public static let IGNCR: UInt32 = 0x080
    /// Translate CR to NL on input: the Enter key sends CR, programs expect NL.
    public static let ICRNL: UInt32 = 0x100
    public static let IUCLC: UInt32 = 0x200
    /// VSTART/VSTOP control output (XON/XOFF flow control).
    public static let IXON: UInt32 = 0x400
    public static let IXANY: UInt32 = 0x800
    public static let IXOFF: UInt32 = 0x1000
    public static let IMAXBEL: UInt32 = 0x2000
    /// Input is UTF-8: VERASE removes a whole character, not a byte.
    public static let IUTF8: UInt32 = 0x4000

    // MARK: c_oflag: output processing

    /// Enables the output translations below.
    public static let OPOST: UInt32 = 0x01
    public static let OLCUC: UInt32 = 0x02
    /// Translate NL to CR NL on output, so a newline also returns the carriage.
    public static let ONLCR: UInt32 = 0x04
    public static let OCRNL: UInt32 = 0x08
    public static let ONOCR: UInt32 = 0x10
    public static let ONLRET: UInt32 = 0x20
    public static let OFILL: UInt32 = 0x40
    public static let OFDEL: UInt32 = 0x80

    // MARK: c_cflag: the line's hardware settings

    /// Mask of the output speed field; the speeds are codes, not rates.
    public static let CBAUD: UInt32 = 0x0000_100f
    public static let B0: UInt32 = 0x0000_0000
    public static let B9600: UInt32 = 0x0000_000d
    public static let B19200: UInt32 = 0x0000_000e
    public static let B38400: UInt32 = 0x0000_000f
    public static let B57600: UInt32 = 0x0000_1001
    public static let B115200: UInt32 = 0x0000_1002
    /// Mask of the character size field.
    public static let CSIZE: UInt32 = 0x0000_0030
    public static let CS5: UInt32 = 0x0000_0000
    public static let CS6: UInt32 = 0x0000_0010
    public static let CS7: UInt32 = 0x0000_0020
    public static let CS8: UInt32 = 0x0000_0030
    public static let CSTOPB: UInt32 = 0x0000_0040
    /// Enable the receiver.
    public static let CREAD: UInt32 = 0x0000_0080
    public static let PARENB: UInt32 = 0x0000_0100
    public static let PARODD: UInt32 = 0x0000_0200
    /// Hang up (drop modem control lines) on last close.
    public static let HUPCL: UInt32 = 0x0000_0400
    /// Ignore modem control lines.
    public static let CLOCAL: UInt32 = 0x0000_0800
    public static let CRTSCTS: UInt32 = 0x8000_0000

    // MARK: c_lflag: the line discipline's behaviour

    /// VINTR, VQUIT and VSUSP send their signals to the foreground process group.
    public static let ISIG: UInt32 = 0x00001
    /// Canonical mode: input is edited and delivered a line at a time.
    public static let ICANON: UInt32 = 0x00002
    public static let XCASE: UInt32 = 0x00004
    /// Echo input characters.
    public static let ECHO: UInt32 = 0x00008
    /// VERASE visibly erases (backspace, space, backspace).
    public static let ECHOE: UInt32 = 0x00010
    /// Echo NL after VKILL.
    public static let ECHOK: UInt32 = 0x00020
    /// Echo NL even when ECHO is off.
    public static let ECHONL: UInt32 = 0x00040
    /// Do not flush queues when a signal character is typed.
    public static let NOFLSH: UInt32 = 0x00080
    /// Background writes to the terminal get SIGTTOU.
    public static let TOSTOP: UInt32 = 0x00100
    /// Echo control characters as ^X.
    public static let ECHOCTL: UInt32 = 0x00200
    public static let ECHOPRT: UInt32 = 0x00400
    /// VKILL visibly erases the whole line.
    public static let ECHOKE: UInt32 = 0x00800
    public static let FLUSHO: UInt32 = 0x01000
    public static let PENDIN: UInt32 = 0x04000
    /// Implementation-defined input processing: VWERASE, VLNEXT, VREPRINT.
    public static let IEXTEN: UInt32 = 0x08000
    public static let EXTPROC: UInt32 = 0x10000

    // MARK: Linux's defaults

    /// The control characters every new terminal starts with: ^C ^\ DEL ^U
    /// ^D, VTIME 0 and VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V, and zero elsewhere.
    /// Linux: INIT_C_CC in include/linux/termios_internal.h.
    private static let defaultControlCharacters: [(Int, UInt8)] = [
        (VINTR, 0x03),  // ^C
        (VQUIT, 0x1c),  // ^\
        (VERASE, 0x7f),  // DEL
        (VKILL, 0x15),  // ^U
        (VEOF, 0x04),  // ^D
        (VMIN, 1),
        (VSTART, 0x11),  // ^Q
        (VSTOP, 0x13),  // ^S
        (VSUSP, 0x1a),  // ^Z
        (VREPRINT, 0x12),  // ^R
        (VDISCARD, 0x0f),  // ^O
        (VWERASE, 0x17),  // ^W
        (VLNEXT, 0x16),  // ^V
    ]

    /// The settings a terminal has before anyone changes them: a cooked,
    /// echoing, signal-generating line at 38400 baud, 8 bits.
    /// Linux: tty_std_termios in drivers/tty/tty_io.c.
    public static var standard: Termios {
        var termios = Termios()
        termios.c_iflag = ICRNL | IXON
        termios.c_oflag = OPOST | ONLCR
        termios.c_cflag = B38400 | CS8 | CREAD | HUPCL
        termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
        for (index, character) in defaultControlCharacters { termios[cc: index] = character }
        return termios
    }
}

/// ioctl request numbers for terminals and for descriptors in general.
/// Linux: include/uapi/asm-generic/ioctls.h, which x86 uses. These old
/// numbers predate the _IOR/_IOW encoding: 0x54 is 'T', then a counter.
public enum IoctlCommand: UInt32, Sendable {
    /// Read the termios.
    case TCGETS = 0x5401
    /// Set it now...
    case TCSETS = 0x5402
    /// ...after pending output has drained...
    case TCSETSW = 0x5403
    /// ...after draining, and discard pending input.
    case TCSETSF = 0x5404
    case TCSBRK = 0x5409
    case TCXONC = 0x540A
    case TCFLSH = 0x540B
    /// Make this terminal the caller's controlling terminal.
    case TIOCSCTTY = 0x540E
    /// Read the terminal's foreground process group.
    case TIOCGPGRP = 0x540F
    /// Set it: how a shell hands the terminal to a job.
    case TIOCSPGRP = 0x5410
    case TIOCOUTQ = 0x5411
    case TIOCSTI = 0x5412
    case TIOCGWINSZ = 0x5413
    case TIOCSWINSZ = 0x5414
    /// Bytes waiting to be read (also called TIOCINQ).
    case FIONREAD = 0x541B
    case TIOCLINUX = 0x541C
    case TIOCCONS = 0x541D
    /// Set or clear O_NONBLOCK, like fcntl(F_SETFL).
    case FIONBIO = 0x5421
    /// Give up the controlling terminal.
    case TIOCNOTTY = 0x5422
    case TIOCSETD = 0x5423
    case TIOCGETD = 0x5424
    /// Read the terminal's session ID.
    case TIOCGSID = 0x5429
    case TIOCVHANGUP = 0x5437
    /// Clear close-on-exec, like fcntl(F_SETFD, 0).
    case FIONCLEX = 0x5450
    /// Set close-on-exec, like fcntl(F_SETFD, FD_CLOEXEC).
    case FIOCLEX = 0x5451
    case FIOASYNC = 0x5452
}
