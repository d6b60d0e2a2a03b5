import Testing

@testable import Lib

@Suite struct PrintkLogTests {
    @Test func levelMarkersAreSpelledLikeLinux() {
        #expect(LogLevel.emerg.marker == "\u{01}0")
        #expect(LogLevel.err.marker == "\u{01}3")
        #expect(LogLevel.debug.marker == "\u{01}7")
        #expect(LogLevel.messageDefault == .warning)
    }

    @Test func parsesTheLeadingLevelMarker() {
        let error = LogLevel.parsePrefix(of: "\u{01}3disk failed".utf8)
        #expect(error.level == .err)
        #expect(error.length == 2)

        let none = LogLevel.parsePrefix(of: "plain".utf8)
        #expect(none.level == nil)
        #expect(none.length == 0)

        // The first level wins; KERN_CONT markers are skipped too.
        let several = LogLevel.parsePrefix(of: "\u{01}c\u{01}6\u{01}2x".utf8)
        #expect(several.level == .info)
        #expect(several.length == 6)

        // Not a marker: "\u{01}9" and a lone SOH are text.
        #expect(LogLevel.parsePrefix(of: "\u{01}9x".utf8).length == 0)
        #expect(LogLevel.parsePrefix(of: "\u{01}".utf8).length == 0)
    }

    @Test func consoleShowsOnlyLevelsBelowTheConsoleLogLevel() {
        #expect(LogLevel.info.isPrinted(onConsoleAt: ConsoleLogLevel.default))
        #expect(!LogLevel.debug.isPrinted(onConsoleAt: ConsoleLogLevel.default))
        #expect(LogLevel.err.isPrinted(onConsoleAt: ConsoleLogLevel.quiet))
        #expect(!LogLevel.warning.isPrinted(onConsoleAt: ConsoleLogLevel.quiet))
        #expect(LogLevel.debug.isPrinted(onConsoleAt: ConsoleLogLevel.debug))
        #expect(!LogLevel.emerg.isPrinted(onConsoleAt: 0))
    }

    @Test func appendParsesLevelAndDropsTheTrailingNewline() throws {
        var log = PrintkLog(capacity: 256)
        #expect(log.append("\u{01}3disk failed\n", timestamp: 5) == 0)
        #expect(log.append("no level", timestamp: 6) == 1)
        #expect(log.append(level: .debug, text: "raw\n".utf8, timestamp: 7) == 2)

        let first = try #require(log.read(from: 0))
        #expect(first.sequence == 0)
        #expect(first.level == .err)
        #expect(first.text == "disk failed")
        #expect(first.timestamp == 5)

        let second = try #require(log.read(from: 1))
        #expect(second.level == .warning)
        #expect(second.text == "no level")

        // The level-and-text form stores the text as given.
        #expect(log.read(from: 2)?.text == "raw\n")
        #expect(log.read(from: 3) == nil)
    }

    @Test func dropsTheOldestWhenTextSpaceRunsOut() throws {
        // 128 bytes of text, room for 4 records.
        var log = PrintkLog(capacity: 128)
        let fifty = String(repeating: "a", count: 50)
        log.append(fifty, timestamp: 0)
        log.append(String(repeating: "b", count: 50), timestamp: 1)
        log.append(String(repeating: "c", count: 50), timestamp: 2)
        #expect(log.firstSequence == 1)
        #expect(log.nextSequence == 3)

        // A reader that wanted record 0 gets record 1 and sees one was lost.
        let next = try #require(log.read(from: 0))
        #expect(next.sequence == 1)
        #expect(next.text == String(repeating: "b", count: 50))
        // The third text wrapped around the end of the byte ring.
        #expect(log.read(from: 2)?.text == String(repeating: "c", count: 50))
    }

    @Test func dropsTheOldestWhenRecordSlotsRunOut() {
        var log = PrintkLog(capacity: 128)
        for number in 0..<6 { log.append("m\(number)", timestamp: UInt64(number)) }
        #expect(log.firstSequence == 2)
        #expect(log.read(from: 0)?.text == "m2")
        #expect(log.read(from: 5)?.text == "m5")
        #expect(log.read(from: 5)?.timestamp == 5)
    }

    @Test func keepsWorkingOverManyWraps() {
        var log = PrintkLog(capacity: 96)
        for number in 0..<1000 { log.append("message \(number)", timestamp: UInt64(number)) }
        #expect(log.nextSequence == 1000)
        var sequence = log.firstSequence
        var expected = Int(log.firstSequence)
        while let record = log.read(from: sequence) {
            #expect(record.text == "message \(expected)")
            sequence = record.sequence + 1
            expected += 1
        }
        #expect(expected == 1000)
    }

    @Test func cutsOverlongMessages() {
        var log = PrintkLog(capacity: 4096)
        log.append(String(repeating: "x", count: 3000), timestamp: 0)
        #expect(log.read(from: 0)?.text.utf8.count == PrintkLog.maxTextLength)

        var tiny = PrintkLog(capacity: 8)
        tiny.append("0123456789", timestamp: 0)
        #expect(tiny.read(from: 0)?.text == "01234567")
    }

    @Test func emptyMessagesAreRecords() {
        var log = PrintkLog(capacity: 64)
        log.append("\n", timestamp: 0)
        #expect(log.read(from: 0)?.text == "")
        #expect(log.nextSequence == 1)
    }

    @Test func consoleLineCarriesSecondsAndMicroseconds() {
        func line(_ nanoseconds: UInt64, _ text: String) -> String {
            PrintkRecord(sequence: 0, timestamp: nanoseconds, level: .info, text: text).consoleText
        }
        #expect(line(12_345_678, "Booting Apus") == "[    0.012345] Booting Apus\n")
        #expect(line(0, "x") == "[    0.000000] x\n")
        #expect(line(3_000_000_999, "x") == "[    3.000000] x\n")
        #expect(line(123_456_789_000_000, "x") == "[123456.789000] x\n")
        // Every line of a multi-line message gets the prefix.
        #expect(line(1_000_000_000, "a\nb") == "[    1.000000] a\n[    1.000000] b\n")
    }
}
