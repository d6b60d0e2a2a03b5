import ABI
import Foundation
import Testing

@testable import Lib

/// One member of a hand-made archive, every header field settable, so tests
/// can write what no archiver would.
struct TestCpioMember {
    var name: String
    var mode: UInt32 = 0o100644
    var data: [UInt8] = []
    var inode: UInt32 = 1
    var linkCount: UInt32 = 1
    var devMajor: UInt32 = 8
    var devMinor: UInt32 = 1
    var rdevMajor: UInt32 = 0
    var rdevMinor: UInt32 = 0
    var magic = "070701"
    var check: UInt32 = 0
    /// Replaces `name` and its NUL as written, and `namesize` if set.
    var rawName: [UInt8]?
    var nameSize: UInt32?

    static let trailer = TestCpioMember(name: "TRAILER!!!", mode: 0, inode: 0, linkCount: 1)

    /// Header, name, padding, data, padding; the member starts on a
    /// four-byte boundary, so padding is to a multiple of four.
    func bytes() -> [UInt8] {
        let nameBytes = rawName ?? Array(name.utf8) + [0]
        let fields: [UInt32] = [
            inode, mode, 1000, 100, linkCount, 0x6500_0000, UInt32(data.count),
            devMajor, devMinor, rdevMajor, rdevMinor, nameSize ?? UInt32(nameBytes.count), check,
        ]
        var bytes = Array(magic.utf8)
        for field in fields { bytes += Array(String(format: "%08X", field).utf8) }
        bytes += nameBytes
        while bytes.count % 4 != 0 { bytes.append(0) }
        bytes += data
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }
}

func testArchive(_ members: [TestCpioMember], trailer: Bool = true) -> [UInt8] {
    (members + (trailer ? [.trailer] : [])).flatMap { $0.bytes() }
}

/// Every entry until the end or the first error.
func readAll<Source: ByteSource>(_ source: Source) -> (entries: [CpioEntry], error: CpioError?) {
    var reader = CpioNewcReader(source)
    var entries: [CpioEntry] = []
    do {
        while let entry = try reader.next() { entries.append(entry) }
        return (entries, nil)
    } catch {
        return (entries, error)
    }
}

private func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Suite struct CpioReaderTests {
    static let kinds = [
        TestCpioMember(name: "dev", mode: 0o040755, inode: 2, linkCount: 2),
        TestCpioMember(name: "init", mode: 0o100755, data: Array("#!/bin/sh\n".utf8), inode: 3),
        TestCpioMember(name: "bin/sh", mode: 0o120777, data: Array("busybox".utf8), inode: 4),
        TestCpioMember(name: "dev/null", mode: 0o020666, inode: 5, rdevMajor: 1, rdevMinor: 3),
        TestCpioMember(name: "dev/sda", mode: 0o060660, inode: 6, rdevMajor: 8, rdevMinor: 0),
        TestCpioMember(name: "run/fifo", mode: 0o010600, inode: 7),
        TestCpioMember(name: "run/socket", mode: 0o140755, inode: 8),
        TestCpioMember(name: "sbin/su", mode: 0o104755, inode: 9),
    ]

    @Test func readsEveryKindOfFile() throws {
        let archive = testArchive(Self.kinds)
        let (entries, error) = readAll(archive)
        #expect(error == nil)
        #expect(entries.map { string($0.name) } == Self.kinds.map(\.name))
        #expect(
            entries.map(\.fileType) == [
                .directory, .regular, .symbolicLink, .characterDevice,
                .blockDevice, .fifo, .socket, .regular,
            ])
        #expect(entries.map(\.permissions) == [0o755, 0o755, 0o777, 0o666, 0o660, 0o600, 0o755, 0o4755])
        #expect(Array(archive[entries[1].data]) == Array("#!/bin/sh\n".utf8))
        #expect(Array(archive[entries[2].data]) == Array("busybox".utf8))
        #expect((entries[3].rdevMajor, entries[3].rdevMinor) == (1, 3))
        #expect((entries[4].rdevMajor, entries[4].rdevMinor) == (8, 0))
        #expect(
            entries.allSatisfy {
                $0.userID == 1000 && $0.groupID == 100 && $0.modificationTime == 0x6500_0000
                    && $0.checksum == nil && $0.archiveIndex == 0 && $0.headerOffset % 4 == 0
            })
        #expect(entries.map(\.inode) == Array(2...9))
        #expect(entries[0].hardLinkKey == nil)
    }

    @Test func staysFinishedAfterTheEnd() throws {
        var reader = CpioNewcReader(testArchive(Self.kinds))
        while try reader.next() != nil {}
        #expect(try reader.next() == nil)
    }

    @Test func emptyInputOrPaddingAloneHoldsNoEntries() {
        for input in [[], [UInt8](repeating: 0, count: 1), [UInt8](repeating: 0, count: 4096)] {
            let (entries, error) = readAll(input)
            #expect(entries.isEmpty && error == nil)
        }
    }

    @Test func acceptsLowercaseHex() {
        let uppercase = testArchive([TestCpioMember(name: "f", mode: 0o100644, inode: 0xABCDEF)])
        let lowercase = string(uppercase).lowercased().utf8.map { $0 }
        #expect(readAll(lowercase).entries.first?.inode == 0xABCDEF)
    }

    // MARK: - Several archives

    @Test func readsConcatenatedArchivesAndTheirPadding() {
        let link = TestCpioMember(name: "a", data: [1, 2, 3], inode: 5, linkCount: 2)
        var other = link
        other.name = "b"
        let first = testArchive([link, TestCpioMember(name: "dir", mode: 0o040755)])
        let second = testArchive([other])
        let input = first + [UInt8](repeating: 0, count: 16) + second + [UInt8](repeating: 0, count: 101)
        let (entries, error) = readAll(input)
        #expect(error == nil)
        #expect(entries.map { string($0.name) } == ["a", "dir", "b"])
        #expect(entries.map(\.archiveIndex) == [0, 0, 1])
        #expect(Array(input[entries[2].data]) == [1, 2, 3])
        // The same inode in another archive is another file: Linux forgets
        // hard links at each trailer.
        let keys = entries.compactMap(\.hardLinkKey)
        #expect(keys.count == 2 && keys[0] != keys[1])
        #expect(keys[0].inode == keys[1].inode)
    }

    @Test func nextArchiveMustStartOnAFourByteBoundary() {
        let archive = testArchive([TestCpioMember(name: "a")])
        let input = archive + [0, 0, 0] + archive
        let (entries, error) = readAll(input)
        #expect(entries.count == 1)
        #expect(error == CpioError(.brokenPadding, at: archive.count + 3))
    }

    // MARK: - Hard links

    @Test func hardLinksShareAKey() {
        let members = [
            TestCpioMember(name: "x", inode: 9, linkCount: 2),
            TestCpioMember(name: "y", mode: 0o100600, inode: 9, linkCount: 3),
            TestCpioMember(name: "z", data: [7], inode: 9, linkCount: 2),
            TestCpioMember(name: "other-device", inode: 9, linkCount: 2, devMinor: 2),
            TestCpioMember(name: "fifo", mode: 0o010644, inode: 9, linkCount: 2),
            TestCpioMember(name: "dir", mode: 0o040755, inode: 9, linkCount: 2),
            TestCpioMember(name: "symlink", mode: 0o120777, data: [0x78], inode: 9, linkCount: 2),
            TestCpioMember(name: "single", inode: 9, linkCount: 1),
        ]
        let entries = readAll(testArchive(members)).entries
        let keys = entries.map(\.hardLinkKey)
        #expect(keys[0] != nil && keys[0] == keys[1] && keys[1] == keys[2])
        #expect(keys[3] != nil && keys[3] != keys[0])
        #expect(keys[4] != nil && keys[4] != keys[0])
        #expect(keys[5] == nil && keys[6] == nil && keys[7] == nil)
    }

    // MARK: - Damaged input

    @Test func missingTrailerKeepsTheEntriesRead() throws {
        let archive = testArchive(Self.kinds, trailer: false)
        var reader = CpioNewcReader(archive)
        var count = 0
        do {
            while try reader.next() != nil { count += 1 }
            Issue.record("an archive without trailer was accepted")
        } catch {
            #expect(error == CpioError(.missingTrailer, at: archive.count))
        }
        #expect(count == Self.kinds.count)
        #expect(try reader.next() == nil)
    }

    @Test func refusesBadHeaders() {
        func error(_ member: TestCpioMember) -> CpioError.Reason? {
            readAll(testArchive([member])).error?.reason
        }
        var member = TestCpioMember(name: "file")
        member.magic = "070703"
        #expect(error(member) == .badMagic)
        member.magic = "070707"
        #expect(error(member) == .oldPortableFormat)
        #expect(
            readAll(Array("\u{1F}\u{8B}\u{08}".utf8) + [UInt8](repeating: 0, count: 200)).error?.reason == .badMagic)

        member = TestCpioMember(name: "file")
        member.nameSize = 0
        #expect(error(member) == .invalidNameSize(0))
        member.nameSize = 4097
        #expect(error(member) == .invalidNameSize(4097))
        member.nameSize = nil
        member.rawName = Array("file!".utf8)
        #expect(error(member) == .nameNotTerminated)
        member.rawName = Array("fi\0le\0".utf8)
        #expect(error(member) == .nameContainsNUL)

        member = TestCpioMember(name: "file", mode: 0o170644)
        #expect(error(member) == .unknownFileType(0o170644))
        member.mode = 0o644
        #expect(error(member) == .unknownFileType(0o644))

        member = TestCpioMember(name: "link", mode: 0o120777, data: [UInt8](repeating: 0x61, count: 4097))
        #expect(error(member) == .symlinkTargetTooLong)
        member.data.removeLast()
        #expect(error(member) == nil)
    }

    @Test func refusesNonHexDigitsInEveryField() {
        let archive = testArchive([TestCpioMember(name: "file")])
        for field in 0..<13 {
            for bad in ["g", " ", "-", "\0", "x"] {
                var corrupted = archive
                corrupted[6 + 8 * field + 3] = UInt8(ascii: bad.unicodeScalars.first!)
                #expect(readAll(corrupted).error == CpioError(.invalidHexDigit, at: 0))
            }
        }
    }

    @Test func refusesDataPastTheEnd() {
        var member = TestCpioMember(name: "file", data: [1, 2, 3, 4])
        var archive = member.bytes()
        archive.removeLast()
        #expect(readAll(archive).error == CpioError(.truncated, at: 0))
        member.data = []
        archive = member.bytes()
        for size in ["00000001", "FFFFFFFF"] {
            archive.replaceSubrange(6 + 6 * 8..<6 + 7 * 8, with: Array(size.utf8))
            #expect(readAll(archive).error == CpioError(.truncated, at: 0))
        }
    }

    @Test func everyTruncationEndsInAnErrorAfterTheEntriesBeforeIt() {
        let archive = testArchive(Self.kinds)
        let complete = readAll(archive).entries
        for length in 1..<archive.count {
            let (entries, error) = readAll(Array(archive[..<length]))
            #expect(error != nil, "length \(length)")
            #expect(entries == Array(complete.prefix(entries.count)))
            #expect(entries.allSatisfy { $0.data.upperBound <= length })
        }
    }

    @Test func readErrorsStopTheReader() {
        let archive = testArchive(Self.kinds)
        let source = RecordingSource(archive)
        let third = readAll(archive).entries[2].headerOffset
        source.failingOffset = third
        let (entries, error) = readAll(source)
        #expect(entries.count == 2)
        #expect(error == CpioError(.readFailed(.EIO), at: third))
        let short = RecordingSource(archive)
        short.returnsShortReads = true
        #expect(readAll(short).error?.reason == .readFailed(.EIO))
    }

    @Test func leavesTheDataWhereItIs() {
        let big = TestCpioMember(name: "big", data: [UInt8](repeating: 0xAA, count: 1 << 20))
        let source = RecordingSource(testArchive([big, TestCpioMember(name: "small")]))
        let (entries, error) = readAll(source)
        #expect(error == nil && entries.count == 2)
        #expect(entries[0].data.count == 1 << 20)
        #expect(source.bytesRead < 1000)
    }

    // MARK: - Checksums

    @Test func verifiesCRCChecksums() throws {
        let data = Array("checksummed\n".utf8)
        let sum = data.reduce(UInt32(0)) { $0 &+ UInt32($1) }
        var member = TestCpioMember(name: "f", data: data, magic: "070702", check: sum)
        var archive = testArchive([member])
        var reader = CpioNewcReader(archive)
        let entry = try #require(try reader.next())
        #expect(entry.checksum == sum)
        try reader.verifyChecksum(of: entry)

        member.check = sum + 1
        archive = testArchive([member])
        reader = CpioNewcReader(archive)
        let wrong = try #require(try reader.next())
        #expect(throws: CpioError(.checksumMismatch(expected: sum + 1, actual: sum), at: 0)) {
            try reader.verifyChecksum(of: wrong)
        }
        // Plain newc has no checksum to check.
        member.magic = "070701"
        reader = CpioNewcReader(testArchive([member]))
        try reader.verifyChecksum(of: try #require(try reader.next()))
    }

    // MARK: - Fuzzing

    /// Random damage to headers and names: the reader must stop with an
    /// error or finish, and everything it returned must be consistent.
    @Test(arguments: [11, 12, 13])
    func survivesRandomCorruption(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let original = testArchive(Self.kinds) + [0, 0, 0, 0] + testArchive([Self.kinds[1]])
        let hexDigits = Array("0123456789abcdefF".utf8)
        for _ in 0..<4000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let offset = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[offset] = hexDigits.randomElement(using: &random)!
                case 1: bytes[offset] = UInt8.random(in: 0...255, using: &random)
                default: bytes[offset] = 0
                }
            }
            if Bool.random(using: &random) {
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random))
            }
            let (entries, _) = readAll(bytes)
            #expect(entries.count <= 10)
            for entry in entries {
                #expect(entry.data.lowerBound >= entry.headerOffset + CpioNewcReader<[UInt8]>.headerSize)
                #expect(entry.data.upperBound <= bytes.count)
                #expect(entry.headerOffset % 4 == 0)
                #expect(!entry.name.contains(0) && entry.name.count < 4096)
                #expect(entry.fileType != .symbolicLink || entry.data.count <= 4096)
            }
        }
    }
}

// MARK: - Archives made by GNU cpio

@Suite(.enabled(if: HostTool.isInstalled("cpio"), "needs GNU cpio"))
struct CpioHostArchiveTests {
    /// A tree with a file, an empty file, a directory, a symbolic link and
    /// two names for one file, archived with `format`.
    static func archive(format: String) throws -> [UInt8] {
        let directory = try HostTool.temporaryDirectory("cpio")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = FileManager.default
        try files.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        func write(_ name: String, _ text: String, permissions: Int) throws {
            let path = directory.appendingPathComponent(name).path
            #expect(
                files.createFile(
                    atPath: path, contents: Data(text.utf8),
                    attributes: [.posixPermissions: permissions]))
        }
        try write("hello.txt", "hello, initramfs\n", permissions: 0o640)
        try write("empty", "", permissions: 0o600)
        try write("hard1", "shared\n", permissions: 0o644)
        try files.linkItem(
            atPath: directory.appendingPathComponent("hard1").path,
            toPath: directory.appendingPathComponent("sub/hard2").path)
        try files.createSymbolicLink(
            atPath: directory.appendingPathComponent("link").path,
            withDestinationPath: "hello.txt")
        return try HostTool.run(
            "sh",
            [
                "-c", "find . -mindepth 1 -printf '%P\\n' | LC_ALL=C sort | cpio -o -H \(format) --quiet",
            ], in: directory)
    }

    @Test func readsANewcArchive() throws {
        let archive = try Self.archive(format: "newc")
        let (entries, error) = readAll(archive)
        #expect(error == nil)
        func entry(_ name: String) throws -> CpioEntry {
            try #require(entries.first { string($0.name) == name }, "no \(name)")
        }
        #expect(
            entries.map { string($0.name) }.sorted()
                == ["empty", "hard1", "hello.txt", "link", "sub", "sub/hard2"])

        let hello = try entry("hello.txt")
        #expect(hello.fileType == .regular && hello.permissions == 0o640)
        #expect(string(Array(archive[hello.data])) == "hello, initramfs\n")
        #expect(hello.modificationTime > 0 && hello.hardLinkKey == nil)
        let empty = try entry("empty")
        #expect(empty.fileType == .regular && empty.data.isEmpty && empty.permissions == 0o600)
        let link = try entry("link")
        #expect(link.fileType == .symbolicLink && string(Array(archive[link.data])) == "hello.txt")
        let sub = try entry("sub")
        #expect(sub.fileType == .directory && sub.hardLinkKey == nil)

        // GNU cpio writes the data once, with the last name of the file.
        let first = try entry("hard1"), second = try entry("sub/hard2")
        #expect(first.linkCount == 2 && second.linkCount == 2)
        #expect(first.hardLinkKey != nil && first.hardLinkKey == second.hardLinkKey)
        #expect([first, second].map { string(Array(archive[$0.data])) }.sorted() == ["", "shared\n"])
    }

    @Test func verifiesACRCArchive() throws {
        let archive = try Self.archive(format: "crc")
        var reader = CpioNewcReader(archive)
        var hello: CpioEntry?
        while let entry = try reader.next() {
            #expect(entry.checksum != nil)
            try reader.verifyChecksum(of: entry)
            if string(entry.name) == "hello.txt" { hello = entry }
        }
        let damaged = try #require(hello)
        var corrupted = archive
        corrupted[damaged.data.lowerBound] ^= 0x01
        #expect(throws: CpioError.self) { try CpioNewcReader(corrupted).verifyChecksum(of: damaged) }
    }

    @Test func readsConcatenatedArchives() throws {
        let archive = try Self.archive(format: "newc")
        let (entries, error) = readAll(archive + archive)
        #expect(error == nil)
        #expect(entries.count == 12)
        #expect(entries.filter { $0.archiveIndex == 1 }.count == 6)
    }

    @Test func namesTheWrongFormat() throws {
        let archive = try Self.archive(format: "odc")
        #expect(readAll(archive).error == CpioError(.oldPortableFormat, at: 0))
    }
}
