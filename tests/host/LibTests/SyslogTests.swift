import ABI
import Testing

@testable import Lib

@Suite struct SyslogTests {
    private func log(_ texts: [String], capacity: Int = 4096) -> PrintkLog {
        var log = PrintkLog(capacity: capacity)
        for (index, text) in texts.enumerated() {
            log.append(level: .info, text: text.utf8, timestamp: UInt64(index) * 1_500_000_000)
        }
        return log
    }

    @Test func recordsReadAsSyslogAndKmsgPrintThem() {
        let record = PrintkRecord(
            sequence: 42, timestamp: 3_000_123_456, level: .notice, facility: 1, text: "a\\b\u{01}c\nd")
        #expect(record.syslogText == "<13>[    3.000123] a\\b\u{01}c\n<13>[    3.000123] d\n")
        #expect(String(decoding: record.kmsgText, as: UTF8.self) == "13,42,3000123,-;a\\x5cb\\x01c\\x0ad\n")
        #expect(PrintkRecord(sequence: 0, timestamp: 0, level: .err, text: "k").syslogText == "<3>[    0.000000] k\n")
    }

    @Test func kmsgWritesParseTheirPriority() {
        let plain = KmsgMessage(Array("hello".utf8))
        #expect(plain.level == .warning && plain.facility == 1 && Array(plain.text) == Array("hello".utf8))
        let daemon = KmsgMessage(Array("<30>up".utf8))
        #expect(daemon.level == .info && daemon.facility == 3 && Array(daemon.text) == Array("up".utf8))
        // The kernel's facility cannot be claimed: <2> stays LOG_USER.
        let kernel = KmsgMessage(Array("<2>x".utf8))
        #expect(kernel.level == .crit && kernel.facility == 1)
        // Not a prefix: no digits, no closing bracket.
        #expect(Array(KmsgMessage(Array("<>x".utf8)).text) == Array("<>x".utf8))
        #expect(Array(KmsgMessage(Array("<5x".utf8)).text) == Array("<5x".utf8))
        #expect(KmsgMessage(Array("<5".utf8)).level == .warning)
        #expect(KmsgMessage(Array("x".utf8), defaultLevel: .debug).level == .debug)
        // Huge numbers wrap instead of trapping.
        #expect(KmsgMessage(Array("<99999999999999999999999>y".utf8)).text.count == 1)
    }

    @Test func readAllKeepsTheNewestRecordsThatFit() {
        let log = log(["one", "two", "three"])
        let each = PrintkRecord(sequence: 0, timestamp: 0, level: .info, text: "one").syslogText.utf8.count
        #expect(log.syslogText(from: 0, fitting: 10_000).count == 3 * each + 2)
        let newest = String(decoding: log.syslogText(from: 0, fitting: 2 * each + 2), as: UTF8.self)
        #expect(newest == "<6>[    1.500000] two\n<6>[    3.000000] three\n")
        #expect(log.syslogText(from: 0, fitting: 5).isEmpty)
        // From a later sequence (after CLEAR) only what follows.
        #expect(
            String(decoding: log.syslogText(from: 2, fitting: 10_000), as: UTF8.self) == "<6>[    3.000000] three\n")
    }

    @Test func theSyslogReaderConsumesWholeRecordsOrPiecesOfABigOne() {
        let log = log(["one", "two"])
        var reader = SyslogReader()
        #expect(reader.hasUnread(in: log))
        let total = reader.unreadSize(in: log)
        #expect(total == 2 * 22)
        #expect(String(decoding: reader.read(from: log, size: 30), as: UTF8.self) == "<6>[    0.000000] one\n")
        #expect(reader.unreadSize(in: log) == 22)
        // A buffer smaller than the record takes it in pieces.
        #expect(String(decoding: reader.read(from: log, size: 5), as: UTF8.self) == "<6>[ ")
        #expect(reader.unreadSize(in: log) == 17)
        #expect(String(decoding: reader.read(from: log, size: 100), as: UTF8.self) == "   1.500000] two\n")
        #expect(!reader.hasUnread(in: log))
        #expect(reader.read(from: log, size: 100).isEmpty)
    }

    @Test func theSyslogReaderSkipsOverwrittenRecords() {
        var small = PrintkLog(capacity: 64)
        var reader = SyslogReader()
        for index in 0..<10 { small.append(level: .info, text: "record \(index)".utf8, timestamp: 0) }
        #expect(small.firstSequence > 0)
        let text = String(decoding: reader.read(from: small, size: 1000), as: UTF8.self)
        #expect(text.hasSuffix("record 9\n"))
        #expect(!text.contains("record 0\n"))
    }

    @Test func dmesgRestrictDecidesWhoReads() {
        let root = Credentials.root
        let user = Credentials(uid: IDSet(all: 1000), gid: IDSet(all: 1000))
        for action in [SyslogAction.SYSLOG_ACTION_READ_ALL, .SYSLOG_ACTION_CLEAR, .SYSLOG_ACTION_SIZE_BUFFER] {
            #expect(root.mayUseSyslog(action, dmesgRestrict: true))
            #expect(!user.mayUseSyslog(action, dmesgRestrict: true))
        }
        #expect(user.mayUseSyslog(.SYSLOG_ACTION_READ_ALL, dmesgRestrict: false))
        #expect(user.mayUseSyslog(.SYSLOG_ACTION_SIZE_BUFFER, dmesgRestrict: false))
        #expect(!user.mayUseSyslog(.SYSLOG_ACTION_CLEAR, dmesgRestrict: false))
        #expect(!user.mayUseSyslog(.SYSLOG_ACTION_READ_CLEAR, dmesgRestrict: false))
        #expect(!user.mayUseSyslog(.SYSLOG_ACTION_CONSOLE_LEVEL, dmesgRestrict: false))
    }

    @Test func kptrRestrictDecidesWhoSeesAddresses() {
        let root = Credentials.root
        let user = Credentials(uid: IDSet(all: 1000), gid: IDSet(all: 1000))
        var setuidRoot = Credentials.root
        setuidRoot.uid.real = 1000
        let address: UInt64 = 0x7fff_8012_3456
        #expect(root.seesKernelAddresses(kptrRestrict: 0) && root.seesKernelAddresses(kptrRestrict: 1))
        #expect(!root.seesKernelAddresses(kptrRestrict: 2))
        #expect(!user.seesKernelAddresses(kptrRestrict: 0))
        // %pK: hashed for everyone at 0, the address for an unchanged root at 1, never at 2.
        let hashed = root.shownPointer(address, kptrRestrict: 0, hashKey: 7)
        #expect(hashed == user.shownPointer(address, kptrRestrict: 0, hashKey: 7))
        #expect(hashed != address && hashed <= 0xffff_ffff)
        #expect(hashed != root.shownPointer(address, kptrRestrict: 0, hashKey: 8))
        #expect(root.shownPointer(address, kptrRestrict: 1, hashKey: 7) == address)
        #expect(user.shownPointer(address, kptrRestrict: 1, hashKey: 7) == 0)
        #expect(setuidRoot.shownPointer(address, kptrRestrict: 1, hashKey: 7) == 0)
        #expect(root.shownPointer(address, kptrRestrict: 2, hashKey: 7) == 0)
    }
}
