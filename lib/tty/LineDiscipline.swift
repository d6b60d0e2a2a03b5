import ABI

/// The terminal line discipline (Linux: drivers/tty/n_tty.c, N_TTY): what
/// happens between the characters a terminal sends and what read(2) returns.
/// In canonical mode (ICANON) input is edited a line at a time — erase, kill,
/// word erase, end-of-file — and a read returns at most one finished line; in
/// non-canonical mode bytes are readable as they arrive. Echo is computed
/// here and written by the caller. Pure logic, so it is host-tested; the tty
/// driver feeds it bytes from interrupts and puts readers to sleep.
public struct LineDiscipline {
    /// N_TTY_BUF_SIZE: a line longer than this takes no more characters.
    public static let lineCapacity = 4095

    public private(set) var termios: Termios
    /// The line being typed (canonical mode only).
    private var editing: [UInt8] = []
    /// Input a read may take: whole lines in canonical mode (an empty one
    /// marks end-of-file), single arrivals otherwise.
    private var ready: [[UInt8]] = []
    /// The next byte is taken literally (after VLNEXT, ^V).
    private var quoteNext = false

    /// What one received byte did: the bytes to echo, and the signal it
    /// asks for, if it was an interrupt, quit or suspend character.
    public struct Reaction: Equatable {
        public var echo: [UInt8] = []
        public var signal: Signal? = nil
    }

    public init(termios: Termios = .standard) {
        self.termios = termios
    }

    /// New settings (TCSETS). Leaving canonical mode makes the partial line readable.
    public mutating func setTermios(_ new: Termios) {
        if isCanonical && new.c_lflag & Termios.ICANON == 0 && !editing.isEmpty {
            ready.append(editing)
            editing = []
        }
        termios = new
    }

    private var isCanonical: Bool { termios.c_lflag & Termios.ICANON != 0 }
    private func flag(_ bit: UInt32) -> Bool { termios.c_lflag & bit != 0 }
    private func isControl(_ byte: UInt8, _ index: Int) -> Bool {
        let character = termios[cc: index]
        return character != 0 && byte == character  // _POSIX_VDISABLE is 0
    }

    /// Whether a read would return without waiting (also what poll reports).
    public var hasInput: Bool {
        if isCanonical { return !ready.isEmpty }
        return readableCount > 0 || (termios[cc: Termios.VMIN] == 0 && termios[cc: Termios.VTIME] == 0)
    }

    /// The bytes a read could take now (FIONREAD, Linux: n_tty's TIOCINQ):
    /// in canonical mode those of finished lines only.
    public var readableCount: Int { ready.reduce(0) { $0 + $1.count } }

    /// Non-canonical mode's VTIME in jiffies at `hz` ticks a second, nil if
    /// reads have no timer: with VMIN 0 a read waits that long for a first
    /// byte, otherwise that long after each byte for the next one.
    public func readTimeout(hz: UInt64) -> UInt64? {
        let tenths = UInt64(termios[cc: Termios.VTIME])
        guard !isCanonical, tenths > 0 else { return nil }
        return max(1, tenths * hz / 10)
    }

    /// Up to `count` bytes for read(2), or nil if the reader must wait. A
    /// canonical read stops at the end of a line; an empty result is
    /// end-of-file. `timerExpired`: the VTIME timer ran out, so a
    /// non-canonical read takes what there is, even nothing with VMIN 0
    /// (Linux: n_tty_read's minimum and time).
    public mutating func read(count: Int, timerExpired: Bool = false) -> [UInt8]? {
        guard count > 0 else { return [] }
        if isCanonical {
            guard !ready.isEmpty else { return nil }
            let line = ready[0]
            if line.count <= count {
                ready.removeFirst()
                return line
            }
            ready[0] = Array(line[count...])
            return Array(line[..<count])
        }
        let available = readableCount
        let minimum = min(Int(termios[cc: Termios.VMIN]), count)
        let untimed = termios[cc: Termios.VTIME] == 0
        let expired = timerExpired && (available > 0 || minimum == 0)
        guard available >= max(minimum, 1) || (minimum == 0 && untimed) || expired else { return nil }
        var taken: [UInt8] = []
        while !ready.isEmpty && taken.count < count {
            let wanted = count - taken.count
            if ready[0].count <= wanted {
                taken += ready.removeFirst()
            } else {
                taken += ready[0][..<wanted]
                ready[0] = Array(ready[0][wanted...])
            }
        }
        return taken
    }

    /// Drops all pending input (TCFLSH, and what an interrupt character does).
    public mutating func flushInput() {
        editing = []
        ready = []
    }

    /// One byte from the terminal (Linux: n_tty_receive_char).
    public mutating func receive(_ received: UInt8) -> Reaction {
        var byte = received
        if termios.c_iflag & Termios.ISTRIP != 0 { byte &= 0x7f }
        if quoteNext {
            quoteNext = false
            return accept(byte, literal: true)
        }
        if byte == UInt8(ascii: "\r") {
            if termios.c_iflag & Termios.IGNCR != 0 { return Reaction() }
            if termios.c_iflag & Termios.ICRNL != 0 { byte = UInt8(ascii: "\n") }
        } else if byte == UInt8(ascii: "\n") && termios.c_iflag & Termios.INLCR != 0 {
            byte = UInt8(ascii: "\r")
        }
        if flag(Termios.ISIG) {
            for (index, signal) in [
                (Termios.VINTR, Signal.SIGINT), (Termios.VQUIT, .SIGQUIT), (Termios.VSUSP, .SIGTSTP),
            ]
            where isControl(byte, index) {
                if !flag(Termios.NOFLSH) { flushInput() }
                return Reaction(echo: flag(Termios.ECHO) ? echoed(byte) : [], signal: signal)
            }
        }
        if isCanonical && flag(Termios.IEXTEN) && isControl(byte, Termios.VLNEXT) {
            quoteNext = true
            return Reaction(echo: flag(Termios.ECHO) && flag(Termios.ECHOCTL) ? [UInt8(ascii: "^"), 0x08] : [])
        }
        return accept(byte, literal: false)
    }

    private mutating func accept(_ byte: UInt8, literal: Bool) -> Reaction {
        guard isCanonical else {
            ready.append([byte])
            return Reaction(echo: flag(Termios.ECHO) ? echoed(byte) : [])
        }
        if !literal {
            if isControl(byte, Termios.VERASE) { return Reaction(echo: erase(characters: 1)) }
            if isControl(byte, Termios.VKILL) { return Reaction(echo: kill(byte)) }
            if flag(Termios.IEXTEN) && isControl(byte, Termios.VWERASE) {
                return Reaction(echo: erase(characters: lastWordLength()))
            }
            if isControl(byte, Termios.VEOF) {
                ready.append(editing)
                editing = []
                return Reaction()
            }
            if byte == UInt8(ascii: "\n") || isControl(byte, Termios.VEOL)
                || (flag(Termios.IEXTEN) && isControl(byte, Termios.VEOL2))
            {
                editing.append(byte)
                ready.append(editing)
                editing = []
                let echoNewline = flag(Termios.ECHO) || (byte == UInt8(ascii: "\n") && flag(Termios.ECHONL))
                return Reaction(echo: echoNewline ? echoed(byte) : [])
            }
        }
        guard editing.count < LineDiscipline.lineCapacity else { return Reaction() }
        editing.append(byte)
        return Reaction(echo: flag(Termios.ECHO) ? echoed(byte) : [])
    }

    /// How a byte is echoed: control characters as ^X with ECHOCTL (except
    /// tab and newline), everything else as itself.
    private func echoed(_ byte: UInt8) -> [UInt8] {
        if isShownAsCaret(byte) { return [UInt8(ascii: "^"), byte ^ 0x40] }
        return [byte]
    }

    private func isShownAsCaret(_ byte: UInt8) -> Bool {
        flag(Termios.ECHOCTL) && (byte < 0x20 || byte == 0x7f)
            && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n")
    }

    /// Removes the last `characters` of the line; with ECHOE the echo rubs
    /// them out on screen ("\b \b" per column).
    private mutating func erase(characters: Int) -> [UInt8] {
        var echo: [UInt8] = []
        for _ in 0..<min(characters, editing.count) {
            let removed = editing.removeLast()
            guard flag(Termios.ECHO) else { continue }
            if flag(Termios.ECHOE) {
                let columns = isShownAsCaret(removed) ? 2 : 1
                for _ in 0..<columns { echo += [0x08, UInt8(ascii: " "), 0x08] }
            } else {
                echo += echoed(termios[cc: Termios.VERASE])
            }
        }
        return echo
    }

    /// The line kill character: ECHOKE rubs the line out, ECHOK echoes the
    /// kill character and a newline.
    private mutating func kill(_ byte: UInt8) -> [UInt8] {
        if flag(Termios.ECHO) && flag(Termios.ECHOKE) && flag(Termios.ECHOE) {
            return erase(characters: editing.count)
        }
        editing = []
        guard flag(Termios.ECHO) else { return [] }
        return echoed(byte) + (flag(Termios.ECHOK) ? [UInt8(ascii: "\n")] : [])
    }

    /// VWERASE takes trailing blanks and then the word before them.
    private func lastWordLength() -> Int {
        var length = 0
        var index = editing.count - 1
        while index >= 0 && (editing[index] == UInt8(ascii: " ") || editing[index] == UInt8(ascii: "\t")) {
            length += 1; index -= 1
        }
        while index >= 0 && editing[index] != UInt8(ascii: " ") && editing[index] != UInt8(ascii: "\t") {
            length += 1; index -= 1
        }
        return length
    }
}
