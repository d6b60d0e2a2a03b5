import ABI
import Testing

@testable import Lib

@Suite struct LineDisciplineTests {
    private func type(_ text: String, into discipline: inout LineDiscipline) -> [UInt8] {
        var echo: [UInt8] = []
        for byte in text.utf8 { echo += discipline.receive(byte).echo }
        return echo
    }
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func canonicalReadWaitsForTheLineAndReturnsOneLineAtATime() {
        var tty = LineDiscipline()
        _ = type("ls -l", into: &tty)
        #expect(tty.read(count: 100) == nil)
        #expect(!tty.hasInput)
        _ = type("\rpwd\r", into: &tty)
        #expect(tty.read(count: 100) == bytes("ls -l\n"))
        #expect(tty.read(count: 2) == bytes("pw"))
        #expect(tty.read(count: 100) == bytes("d\n"))
        #expect(tty.read(count: 100) == nil)
    }

    @Test func echoTurnsCarriageReturnIntoNewlineAndShowsControlCharacters() {
        var tty = LineDiscipline()
        #expect(type("a\u{01}\r", into: &tty) == bytes("a^A\n"))
    }

    @Test func eraseRemovesTheLastCharacterAndRubsItOut() {
        var tty = LineDiscipline()
        let echo = type("cat\u{7f}r\n", into: &tty)
        #expect(tty.read(count: 100) == bytes("car\n"))
        #expect(echo == bytes("cat") + [8, 32, 8] + bytes("r\n"))
    }

    @Test func eraseOfACaretCharacterRubsOutTwoColumns() {
        var tty = LineDiscipline()
        let echo = type("\u{01}\u{7f}", into: &tty)
        #expect(echo == bytes("^A") + [8, 32, 8, 8, 32, 8])
    }

    @Test func killAndWordEraseEditTheLine() {
        var tty = LineDiscipline()
        _ = type("junk\u{15}echo one two\u{17}\n", into: &tty)
        #expect(tty.read(count: 100) == bytes("echo one \n"))
    }

    @Test func endOfFileAtLineStartReadsAsZeroBytesAndAfterTextEndsTheLine() {
        var tty = LineDiscipline()
        _ = type("abc\u{04}\u{04}", into: &tty)
        #expect(tty.read(count: 100) == bytes("abc"))
        #expect(tty.read(count: 100) == [])
        #expect(tty.read(count: 100) == nil)
    }

    @Test func interruptCharacterFlushesInputAndAsksForSIGINT() {
        var tty = LineDiscipline()
        _ = type("partial", into: &tty)
        let reaction = tty.receive(0x03)
        #expect(reaction.signal == .SIGINT)
        #expect(reaction.echo == bytes("^C"))
        _ = type("x\n", into: &tty)
        #expect(tty.read(count: 100) == bytes("x\n"))
    }

    @Test func literalNextTakesAControlCharacterIntoTheLine() {
        var tty = LineDiscipline()
        _ = type("\u{16}\u{03}\n", into: &tty)
        #expect(tty.read(count: 100) == [3, 10])
    }

    @Test func nonCanonicalModeReturnsBytesAsTheyArriveWithoutEcho() {
        var tty = LineDiscipline()
        var raw = Termios.standard
        raw.c_lflag &= ~(Termios.ICANON | Termios.ECHO)
        tty.setTermios(raw)
        #expect(tty.read(count: 10) == nil)
        #expect(type("ab\u{7f}", into: &tty) == [])
        #expect(tty.read(count: 2) == bytes("ab"))
        #expect(tty.read(count: 10) == [0x7f])
    }

    @Test func nonCanonicalWithVMINZeroNeverWaits() {
        var tty = LineDiscipline()
        var raw = Termios.standard
        raw.c_lflag &= ~Termios.ICANON
        raw[cc: Termios.VMIN] = 0
        tty.setTermios(raw)
        #expect(tty.read(count: 10) == [])
        #expect(tty.hasInput)
    }

    @Test func vtimeLetsAReadEndWithFewerThanVMINBytesWhenTheTimerExpires() {
        var tty = LineDiscipline()
        var raw = Termios.standard
        raw.c_lflag &= ~Termios.ICANON
        raw[cc: Termios.VMIN] = 3
        raw[cc: Termios.VTIME] = 5
        tty.setTermios(raw)
        #expect(tty.readTimeout(hz: 250) == 125)
        #expect(tty.read(count: 10, timerExpired: true) == nil)  // VMIN > 0: the timer waits for a byte
        _ = type("a", into: &tty)
        #expect(tty.read(count: 10) == nil)
        #expect(tty.read(count: 10, timerExpired: true) == bytes("a"))
        raw[cc: Termios.VMIN] = 0
        tty.setTermios(raw)
        #expect(!tty.hasInput)
        #expect(tty.read(count: 10) == nil)
        #expect(tty.read(count: 10, timerExpired: true) == [])  // VMIN 0: nothing came in time
    }

    @Test func readableCountIsFinishedLinesInCanonicalModeAndEverythingOtherwise() {
        var tty = LineDiscipline()
        _ = type("one\ntw", into: &tty)
        #expect(tty.readableCount == 4)
        #expect(tty.readTimeout(hz: 250) == nil)
        var raw = Termios.standard
        raw.c_lflag &= ~Termios.ICANON
        tty.setTermios(raw)
        #expect(tty.readableCount == 6)
    }

    @Test func leavingCanonicalModeMakesThePartialLineReadable() {
        var tty = LineDiscipline()
        _ = type("half", into: &tty)
        var raw = Termios.standard
        raw.c_lflag &= ~Termios.ICANON
        tty.setTermios(raw)
        #expect(tty.read(count: 10) == bytes("half"))
    }

    @Test func aLineStopsGrowingAtCapacityButNewlineStillEndsIt() {
        var tty = LineDiscipline()
        for _ in 0..<(LineDiscipline.lineCapacity + 10) { _ = tty.receive(UInt8(ascii: "x")) }
        _ = tty.receive(UInt8(ascii: "\n"))
        #expect(tty.read(count: 10_000)?.count == LineDiscipline.lineCapacity + 1)
    }
}
