import Testing

@testable import Lib

@Suite struct GzipTests {
    static let text = CompressTestData.text(count: 20_000, seed: 21)

    /// A member of `data` with every optional header field.
    static func memberWithAllFields(_ data: [UInt8], headerCRC: UInt16? = nil) throws -> [UInt8] {
        let plain = try HostGzip.compress(data)
        let flags: UInt8 = 0x1f  // FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT
        var header: [UInt8] = [0x1f, 0x8b, 8, flags, 0x78, 0x56, 0x34, 0x12, 0, 3]
        // XLEN 6: subfield "AP" with two data bytes, the first a NUL, which
        // ends nothing here.
        header += [6, 0, UInt8(ascii: "A"), UInt8(ascii: "P"), 2, 0, 0, UInt8(ascii: "x")]
        header += Array("initramfs.cpio".utf8) + [0]
        header += Array("built by the tests".utf8) + [0]
        let crc = headerCRC ?? UInt16(truncatingIfNeeded: CRC32.checksum(header))
        header += [UInt8(crc & 0xff), UInt8(crc >> 8)]
        return header + plain[10...]
    }

    // MARK: Valid files

    @Test(arguments: [1, 9])
    func decompressesWhatHostGzipCompressed(level: Int) throws {
        for data in [
            Self.text,
            CompressTestData.repetitive(count: 100_000),
            CompressTestData.random(count: 70_000, seed: 22),
            [],
        ] {
            #expect(try Gzip.decompress(try HostGzip.compress(data, level: level)) == data)
        }
    }

    @Test func decompressesAnEmptyFile() throws {
        let compressed = try HostGzip.compress([])
        #expect(compressed.count == 20, "header, an empty fixed block, trailer")
        #expect(try Gzip.decompress(compressed) == [])
    }

    @Test func skipsEveryOptionalHeaderField() throws {
        #expect(try Gzip.decompress(try Self.memberWithAllFields(Self.text)) == Self.text)
    }

    @Test func joinsConcatenatedMembers() throws {
        let first = CompressTestData.text(count: 5000, seed: 23)
        let second = CompressTestData.random(count: 3000, seed: 24)
        let third = Array("third".utf8)
        let file =
            try HostGzip.compress(first, level: 1) + HostGzip.compress(second, level: 9)
            + Self.memberWithAllFields(third) + HostGzip.compress([])
        #expect(try Gzip.decompress(file) == first + second + third)
    }

    @Test func backReferencesStayInsideTheirMember() throws {
        // The second member starts with a match one byte back: legal only
        // if it could see the first member's output, which it may not.
        var writer = DeflateBitWriter()
        writer.writeBlockHeader(isFinal: true, type: 1)
        writer.writeFixedLengthAndDistance(length: 3, distance: 1)
        writer.writeFixedSymbol(256)
        let badMember: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] + writer.bytes + [UInt8](repeating: 0, count: 8)
        #expect(throws: GzipError.deflate(.distanceTooFarBack)) {
            try Gzip.decompress(try HostGzip.compress(Array("abc".utf8)) + badMember)
        }
    }

    @Test func acceptsZeroPadding() throws {
        let member = try HostGzip.compress(Self.text)
        #expect(try Gzip.decompress(member + [0]) == Self.text)
        #expect(try Gzip.decompress(member + [UInt8](repeating: 0, count: 4096)) == Self.text)
        #expect(try Gzip.decompress(member + [0, 0, 0] + member + [0]) == Self.text + Self.text)
    }

    @Test func rejectsAnythingElseAfterAMember() throws {
        let member = try HostGzip.compress(Self.text)
        #expect(throws: GzipError.trailingGarbage) { try Gzip.decompress(member + [0x30]) }
        #expect(throws: GzipError.trailingGarbage) { try Gzip.decompress(member + [0, 0, 0, 0xff, 0, 0]) }
        #expect(throws: GzipError.trailingGarbage) { try Gzip.decompress(member + [0x1f]) }
        #expect(throws: GzipError.truncatedHeader) { try Gzip.decompress(member + [0x1f, 0x8b]) }
    }

    @Test func decompressMemberReportsWhereItEnded() throws {
        let member = try HostGzip.compress(Self.text)
        let input = Array("070701".utf8) + member + Array("070701".utf8)
        var output = Array("before".utf8)
        let end = try Gzip.decompressMember(input, at: 6, appendingTo: &output)
        #expect(end == 6 + member.count)
        #expect(output == Array("before".utf8) + Self.text)
    }

    @Test func recognisesTheMagic() {
        #expect(Gzip.isGzip([0x1f, 0x8b]))
        #expect(Gzip.isGzip([0, 0x1f, 0x8b, 8], at: 1))
        #expect(!Gzip.isGzip([0x1f, 0x8b], at: 1))
        #expect(!Gzip.isGzip([0x1f]))
        #expect(!Gzip.isGzip([]))
        #expect(!Gzip.isGzip(Array("070701".utf8)))
        #expect(!Gzip.isGzip([0x8b, 0x1f]))
    }

    // MARK: Malformed files

    @Test func rejectsWhatIsNotGzip() {
        #expect(throws: GzipError.notGzip) { try Gzip.decompress([]) }
        #expect(throws: GzipError.notGzip) { try Gzip.decompress([0x1f]) }
        #expect(throws: GzipError.notGzip) { try Gzip.decompress([UInt8](repeating: 0, count: 64)) }
        #expect(throws: GzipError.notGzip) { try Gzip.decompress(Array("070701 a cpio archive".utf8)) }
    }

    @Test func rejectsUnknownMethodsAndFlags() throws {
        var member = try HostGzip.compress(Self.text)
        member[2] = 7
        #expect(throws: GzipError.unsupportedCompressionMethod(7)) { try Gzip.decompress(member) }
        member[2] = 8
        for bit in 5..<8 {
            var flagged = member
            flagged[3] |= 1 << bit
            #expect(throws: GzipError.reservedFlagsSet) { try Gzip.decompress(flagged) }
        }
    }

    @Test func checksTheHeaderCRC() throws {
        let member = try Self.memberWithAllFields(Self.text)
        let crcOffset = member.count - (try HostGzip.compress(Self.text).count - 10) - 2
        var corrupted = member
        corrupted[crcOffset] ^= 1
        #expect(throws: GzipError.headerChecksumMismatch) { try Gzip.decompress(corrupted) }
    }

    @Test func rejectsTruncatedHeaders() throws {
        let member = try Self.memberWithAllFields(Self.text)
        let headerSize = member.count - (try HostGzip.compress(Self.text).count - 10)
        for length in 2..<headerSize {
            #expect(throws: GzipError.truncatedHeader) { try Gzip.decompress(Array(member[..<length])) }
        }
        // An extra field longer than the file.
        let hugeExtra: [UInt8] = [0x1f, 0x8b, 8, 0x04, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 1, 2, 3]
        #expect(throws: GzipError.truncatedHeader) { try Gzip.decompress(hugeExtra) }
    }

    @Test func verifiesTheTrailer() throws {
        let member = try HostGzip.compress(Self.text)
        var wrongCRC = member
        wrongCRC[member.count - 8] ^= 0x01
        #expect(throws: GzipError.checksumMismatch) { try Gzip.decompress(wrongCRC) }
        var wrongSize = member
        wrongSize[member.count - 4] ^= 0x01
        #expect(throws: GzipError.sizeMismatch) { try Gzip.decompress(wrongSize) }
        // An ISIZE of 4 GiB - 1 is no reason to reserve 4 GiB.
        var hugeSize = member
        hugeSize.replaceSubrange((member.count - 4)..., with: [0xff, 0xff, 0xff, 0xff])
        #expect(throws: GzipError.sizeMismatch) { try Gzip.decompress(hugeSize) }
        for missing in 1...8 {
            #expect(throws: GzipError.truncatedTrailer) { try Gzip.decompress(Array(member.dropLast(missing))) }
        }
    }

    @Test func reportsDeflateErrors() {
        let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
        #expect(throws: GzipError.deflate(.invalidBlockType)) {
            try Gzip.decompress(header + [0x07, 0, 0, 0, 0, 0, 0, 0, 0])
        }
        #expect(throws: GzipError.deflate(.truncatedInput)) { try Gzip.decompress(header) }
    }

    @Test func enforcesTheOutputLimitAcrossMembers() throws {
        let member = try HostGzip.compress(Self.text)
        let twice = member + member
        #expect(try Gzip.decompress(twice, maxOutputSize: 2 * Self.text.count) == Self.text + Self.text)
        #expect(throws: GzipError.deflate(.outputLimitExceeded)) {
            try Gzip.decompress(twice, maxOutputSize: 2 * Self.text.count - 1)
        }
    }

    @Test func rejectsEveryTruncation() throws {
        let file =
            try Self.memberWithAllFields(CompressTestData.text(count: 2000, seed: 25))
            + HostGzip.compress(CompressTestData.random(count: 100, seed: 25))
        let firstEnd = file.count - (try HostGzip.compress(CompressTestData.random(count: 100, seed: 25)).count)
        for length in 0..<file.count where length != firstEnd {
            #expect(throws: GzipError.self) { try Gzip.decompress(Array(file[..<length])) }
        }
    }

    /// Every flipped bit is caught: by the header checks, by the DEFLATE
    /// decoder, or at the latest by the CRC-32. A few bits do not matter
    /// (MTIME, XFL, OS, FTEXT, the final byte's padding); then the output
    /// is the original.
    @Test func catchesEveryFlippedBit() throws {
        let data = CompressTestData.text(count: 1500, seed: 26)
        for level in [1, 9] {
            let member = try HostGzip.compress(data, level: level)
            var ignoredFlips = 0
            for index in member.indices {
                for bit in 0..<8 {
                    var corrupted = member
                    corrupted[index] ^= 1 << bit
                    do {
                        let output = try Gzip.decompress(corrupted, maxOutputSize: 1 << 20)
                        #expect(output == data, "flip of bit \(bit) at \(index) changed the output")
                        ignoredFlips += 1
                    } catch {}
                }
            }
            #expect(ignoredFlips < 64)
        }
    }

    @Test func catchesFlippedBitsInALargeFile() throws {
        let data = CompressTestData.text(count: 40_000, seed: 27) + CompressTestData.random(count: 5000, seed: 27)
        let member = try HostGzip.compress(data, level: 6)
        var random = TestRandom(seed: 27)
        for index in stride(from: 10, to: member.count - 9, by: 53) {
            var corrupted = member
            corrupted[index] ^= 1 << Int.random(in: 0..<8, using: &random)
            #expect(throws: GzipError.self) { try Gzip.decompress(corrupted, maxOutputSize: 1 << 22) }
        }
    }
}
