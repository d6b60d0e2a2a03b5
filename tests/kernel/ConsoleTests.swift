import ABI
import Kernel
import Lib

/// The serial console's input path end to end: the harness types lines into
/// COM1 (the `console` run in tools/test/kernel_tests.py), the UART
/// interrupts, the line discipline edits, and a reader here gets the lines.
enum ConsoleTests {
    static func run(_ t: inout TestReporter) {
        let first = try? ConsoleInput.read(count: 100)
        t.check(first == Array("apus console line\n".utf8), "console: a typed line is read whole, CR turned into NL")
        let edited = try? ConsoleInput.read(count: 100)
        t.check(edited == Array("ac\n".utf8), "console: DEL erases the character before it")
        let short = try? ConsoleInput.read(count: 3)
        let rest = try? ConsoleInput.read(count: 100)
        t.check(short == Array("lon".utf8) && rest == Array("g\n".utf8), "console: a short read leaves the rest of the line")
        let end = try? ConsoleInput.read(count: 100)
        t.check(end == [], "console: ^D at the start of a line reads as end-of-file")
        var wouldBlock = false
        do throws(Errno) { _ = try ConsoleInput.read(count: 10, nonBlocking: true) } catch { wouldBlock = error == .EAGAIN }
        t.check(wouldBlock, "console: an O_NONBLOCK read with nothing typed is EAGAIN")
    }
}
