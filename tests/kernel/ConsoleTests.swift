import ABI
import Kernel
import Lib

/// The serial console's input path end to end: the harness types lines into
/// COM1 (the `console` run in tools/test/kernel_tests.py), the UART
/// interrupts, the line discipline edits, and a reader here gets the lines.
enum ConsoleTests {
    static func run(_ t: inout TestReporter) {
        // The harness types only after this line, and nothing is printed
        // until everything typed has been read: the echo, which the UART
        // interrupt writes as the bytes arrive, never shares a line with a
        // result.
        pr_info("# console: reading typed input")
        let first = try? ConsoleInput.read(count: 100)
        let edited = try? ConsoleInput.read(count: 100)
        let short = try? ConsoleInput.read(count: 3)
        let rest = try? ConsoleInput.read(count: 100)
        let end = try? ConsoleInput.read(count: 100)
        var wouldBlock = false
        do throws(Errno) { _ = try ConsoleInput.read(count: 10, nonBlocking: true) } catch {
            wouldBlock = error == .EAGAIN
        }
        t.check(first == Array("apus console line\n".utf8), "console: a typed line is read whole, CR turned into NL")
        t.check(edited == Array("ac\n".utf8), "console: DEL erases the character before it")
        t.check(
            short == Array("lon".utf8) && rest == Array("g\n".utf8), "console: a short read leaves the rest of the line"
        )
        t.check(end == [], "console: ^D at the start of a line reads as end-of-file")
        t.check(wouldBlock, "console: an O_NONBLOCK read with nothing typed is EAGAIN")
    }
}
