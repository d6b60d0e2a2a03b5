import Foundation
import Testing

@testable import Lib

@Suite struct InflateTests {
    // MARK: Streams from the host's gzip

    /// gzip's output without its 10-byte header (gzip -n writes no name) is
    /// a raw DEFLATE stream followed by the 8-byte trailer.
    static func rawDeflate(_ data: [UInt8], level: Int) throws -> [UInt8] {
        let compressed = try HostGzip.compress(data, level: level)
        #expect(compressed[3] == 0, "gzip -n writes no optional header fields")
        return Array(compressed[10...])
    }

    @Test(arguments: [1, 9])
    func decompressesWhatHostGzipCompressed(level: Int) throws {
        for data in [
            CompressTestData.text(count: 200_000, seed: 1),
            CompressTestData.repetitive(count: 100_000),
            CompressTestData.random(count: 70_000, seed: 2),
            Array("short".utf8),
        ] {
            let stream = try Self.rawDeflate(data, level: level)
            var output: [UInt8] = []
            let end = try Inflate.decompress(stream, from: 0, appendingTo: &output)
            #expect(output == data)
            #expect(end == stream.count - 8, "the stream ends where the gzip trailer starts")
        }
    }

    @Test func everyBlockTypeOccursInTheHostStreams() throws {
        func firstBlockType(_ data: [UInt8]) throws -> UInt8 {
            (try Self.rawDeflate(data, level: 6)[0] >> 1) & 3
        }
        #expect(try firstBlockType(CompressTestData.random(count: 10_000, seed: 5)) == 0, "stored")
        #expect(try firstBlockType(Array("hello, hello".utf8)) == 1, "fixed")
        #expect(try firstBlockType(CompressTestData.text(count: 10_000, seed: 5)) == 2, "dynamic")
    }

    @Test func backReferencesReachAcrossTheWholeWindow() throws {
        // A random 32000-byte run, three times: gzip can only compress the
        // repeats with distances near its 32 KiB limit, and they land more
        // than 32 KiB into the output.
        let run = CompressTestData.random(count: 32_000, seed: 7)
        let data = run + run + run
        let stream = try Self.rawDeflate(data, level: 9)
        #expect(stream.count < 40_000, "the repeats were back-references")
        #expect(try Inflate.decompress(stream) == data)
    }

    @Test func appendsWithoutReferencingEarlierOutput() throws {
        let stream = try Self.rawDeflate(Array("abcabcabcabc".utf8), level: 9)
        var output = Array("earlier".utf8)
        _ = try Inflate.decompress(stream, from: 0, appendingTo: &output)
        #expect(output == Array("earlierabcabcabcabc".utf8))

        // A stream whose first match points one byte back: the byte before
        // it in `output` belongs to someone else.
        var writer = DeflateBitWriter()
        writer.writeBlockHeader(isFinal: true, type: 1)
        writer.writeFixedLengthAndDistance(length: 3, distance: 1)
        writer.writeFixedSymbol(256)
        var prefilled: [UInt8] = [1, 2, 3]
        #expect(throws: InflateError.distanceTooFarBack) {
            try Inflate.decompress(writer.bytes, from: 0, appendingTo: &prefilled)
        }
    }

    @Test func returnsTheOffsetAfterTheStream() throws {
        var writer = DeflateBitWriter()
        writer.writeBlockHeader(isFinal: true, type: 1)
        writer.writeFixedSymbol(Int(UInt8(ascii: "x")))
        writer.writeFixedSymbol(256)
        let input = [0xaa] + writer.bytes + [0xbb, 0xcc]
        var output: [UInt8] = []
        let end = try Inflate.decompress(input, from: 1, appendingTo: &output)
        #expect(output == [UInt8(ascii: "x")])
        #expect(end == 1 + writer.bytes.count)
    }

    // MARK: Hand-made streams

    @Test func copiesStoredBlocks() throws {
        // BFINAL=0 BTYPE=00, LEN 5, NLEN ~5, "hello"; then a final empty one.
        let stream: [UInt8] =
            [0x00, 0x05, 0x00, 0xfa, 0xff] + Array("hello".utf8)
            + [0x01, 0x00, 0x00, 0xff, 0xff]
        #expect(try Inflate.decompress(stream) == Array("hello".utf8))
    }

    @Test func decodesAnEmptyFixedBlock() throws {
        // BFINAL=1 BTYPE=01, then end-of-block (seven zero bits).
        #expect(try Inflate.decompress([0x03, 0x00]) == [])
    }

    @Test func overlappingMatchRepeatsItsOwnOutput() throws {
        var writer = DeflateBitWriter()
        writer.writeBlockHeader(isFinal: true, type: 1)
        writer.writeFixedSymbol(Int(UInt8(ascii: "a")))
        writer.writeFixedSymbol(Int(UInt8(ascii: "b")))
        writer.writeFixedLengthAndDistance(length: 258, distance: 2)
        writer.writeFixedSymbol(256)
        let expected = Array(repeating: Array("ab".utf8), count: 130).flatMap { $0 }
        #expect(try Inflate.decompress(writer.bytes) == expected)
    }

    @Test func matchesReachTheLargestDistance() throws {
        // A stored block of 32768 bytes, then a fixed block that copies
        // from its very first byte: distance 32768 (symbol 29, extra 8191).
        let window = CompressTestData.random(count: 32_768, seed: 11)
        var writer = DeflateBitWriter()
        writer.writeStoredBlock(window, isFinal: false)
        writer.writeBlockHeader(isFinal: true, type: 1)
        writer.writeFixedLengthAndDistance(length: 10, distance: 32_768)
        writer.writeFixedSymbol(256)
        #expect(try Inflate.decompress(writer.bytes) == window + window[..<10])

        var tooFar = DeflateBitWriter()
        tooFar.writeStoredBlock(window[1...], isFinal: false)
        tooFar.writeBlockHeader(isFinal: true, type: 1)
        tooFar.writeFixedLengthAndDistance(length: 10, distance: 32_768)
        tooFar.writeFixedSymbol(256)
        #expect(throws: InflateError.distanceTooFarBack) { try Inflate.decompress(tooFar.bytes) }
    }

    @Test func decodesCodesOfEveryLength() throws {
        // Literal i has an (i + 1)-bit code; 14 and end-of-block share the
        // 15-bit codes. Everything past 9 bits goes through a sub-table.
        var literalLengths = [UInt8](repeating: 0, count: 257)
        for symbol in 0..<15 { literalLengths[symbol] = UInt8(min(symbol + 1, 15)) }
        literalLengths[256] = 15
        var writer = DeflateBitWriter()
        writer.writeDynamicBlockHeader(literalLengths: literalLengths, distanceLengths: [1, 1])
        let text: [Int] = [14, 0, 9, 10, 13, 1, 12, 2, 3, 11, 4, 5, 6, 7, 8, 14]
        for symbol in text { writer.writeHuffman(symbol, lengths: literalLengths) }
        writer.writeHuffman(256, lengths: literalLengths)
        #expect(try Inflate.decompress(writer.bytes) == text.map { UInt8($0) })
    }

    @Test func acceptsTheSingleCodeAndNoCodeCases() throws {
        // Only end-of-block, with a one-bit code; no distance code at all.
        var literalLengths = [UInt8](repeating: 0, count: 257)
        literalLengths[256] = 1
        var writer = DeflateBitWriter()
        writer.writeDynamicBlockHeader(literalLengths: literalLengths, distanceLengths: [0])
        var valid = writer
        valid.writeBits(0, count: 1)
        #expect(try Inflate.decompress(valid.bytes) == [])

        // The one bit pattern no code has.
        var unusedPattern = writer
        unusedPattern.writeBits(1, count: 1)
        #expect(throws: InflateError.invalidCode) { try Inflate.decompress(unusedPattern.bytes) }
    }

    @Test func rejectsALengthWhenThereIsNoDistanceCode() throws {
        var literalLengths = [UInt8](repeating: 0, count: 258)
        literalLengths[256] = 1
        literalLengths[257] = 1
        var writer = DeflateBitWriter()
        writer.writeDynamicBlockHeader(literalLengths: literalLengths, distanceLengths: [0])
        writer.writeHuffman(257, lengths: literalLengths)
        writer.writeBits(0, count: 16)
        #expect(throws: InflateError.invalidCode) { try Inflate.decompress(writer.bytes) }
    }

    // MARK: Malformed streams

    @Test func rejectsTheReservedBlockType() {
        #expect(throws: InflateError.invalidBlockType) { try Inflate.decompress([0x07, 0x00]) }
    }

    @Test func rejectsStoredLengthsThatDisagree() {
        #expect(throws: InflateError.storedLengthMismatch) {
            try Inflate.decompress([0x01, 0x05, 0x00, 0xfb, 0xff] + Array("hello".utf8))
        }
    }

    @Test func rejectsStoredBlocksLongerThanTheInput() {
        // LEN 65535 with three bytes of data.
        #expect(throws: InflateError.truncatedInput) {
            try Inflate.decompress([0x01, 0xff, 0xff, 0x00, 0x00, 1, 2, 3])
        }
    }

    @Test func rejectsMeaninglessFixedSymbols() {
        var length286 = DeflateBitWriter()
        length286.writeBlockHeader(isFinal: true, type: 1)
        length286.writeFixedSymbol(286)
        length286.writeBits(0, count: 16)
        #expect(throws: InflateError.invalidSymbol) { try Inflate.decompress(length286.bytes) }

        var distance30 = DeflateBitWriter()
        distance30.writeBlockHeader(isFinal: true, type: 1)
        distance30.writeFixedSymbol(Int(UInt8(ascii: "a")))
        distance30.writeFixedSymbol(257)
        distance30.writeHuffmanCode(30, length: 5)
        distance30.writeBits(0, count: 16)
        #expect(throws: InflateError.invalidSymbol) { try Inflate.decompress(distance30.bytes) }
    }

    @Test func rejectsADistanceBeforeTheStart() {
        var writer = DeflateBitWriter()
        writer.writeBlockHeader(isFinal: true, type: 1)
        writer.writeFixedSymbol(Int(UInt8(ascii: "a")))
        writer.writeFixedLengthAndDistance(length: 3, distance: 2)
        writer.writeFixedSymbol(256)
        #expect(throws: InflateError.distanceTooFarBack) { try Inflate.decompress(writer.bytes) }
    }

    @Test func rejectsTooManyLengthOrDistanceSymbols() {
        for (literalCount, distanceCount) in [(287, 1), (288, 1), (257, 31), (257, 32)] {
            var writer = DeflateBitWriter()
            writer.writeBlockHeader(isFinal: true, type: 2)
            writer.writeBits(literalCount - 257, count: 5)
            writer.writeBits(distanceCount - 1, count: 5)
            writer.writeBits(0, count: 32)
            #expect(throws: InflateError.tooManyLengthOrDistanceSymbols) { try Inflate.decompress(writer.bytes) }
        }
    }

    @Test func rejectsBadCodeLengthCodes() {
        // Three one-bit codes: more codes than patterns.
        var overSubscribed = DeflateBitWriter()
        overSubscribed.writeDynamicCounts(literalCount: 257, distanceCount: 1, codeLengthCodeLengths: [1, 1, 1])
        overSubscribed.writeBits(0, count: 32)
        #expect(throws: InflateError.overSubscribedCode) { try Inflate.decompress(overSubscribed.bytes) }

        // A single code: code-length codes must be complete.
        var incomplete = DeflateBitWriter()
        incomplete.writeDynamicCounts(literalCount: 257, distanceCount: 1, codeLengthCodeLengths: [0, 0, 1])
        incomplete.writeBits(0, count: 32)
        #expect(throws: InflateError.incompleteCode) { try Inflate.decompress(incomplete.bytes) }
    }

    @Test func rejectsBadCodeLengthSequences() {
        func stream(_ symbols: [(symbol: Int, extra: Int)]) -> [UInt8] {
            var writer = DeflateBitWriter()
            writer.writeDynamicCounts(
                literalCount: 257, distanceCount: 1, codeLengthCodeLengths: DeflateBitWriter.codeLengthCodeLengths)
            for (symbol, extra) in symbols { writer.writeCodeLengthSymbol(symbol, extra: extra) }
            writer.writeBits(0, count: 32)
            return writer.bytes
        }
        #expect(throws: InflateError.repeatWithoutPreviousLength) { try Inflate.decompress(stream([(16, 0)])) }
        // 258 lengths to send; 138 + 138 zeros overshoot.
        #expect(throws: InflateError.codeLengthRepeatTooLong) {
            try Inflate.decompress(stream([(18, 127), (18, 127)]))
        }
        // 138 + 120 zeros: exactly 258, but end-of-block has no code.
        #expect(throws: InflateError.missingEndOfBlockCode) {
            try Inflate.decompress(stream([(18, 127), (18, 109)]))
        }
        // Three 1-bit literal codes.
        #expect(throws: InflateError.overSubscribedCode) {
            try Inflate.decompress(stream([(1, 0), (1, 0), (18, 127), (18, 105), (1, 0), (1, 0)]))
        }
        // Literals 0 and 256 with 2-bit codes, half the patterns unused.
        #expect(throws: InflateError.incompleteCode) {
            try Inflate.decompress(stream([(2, 0), (18, 127), (18, 106), (2, 0), (1, 0)]))
        }
    }

    @Test func enforcesTheOutputLimit() throws {
        let data = CompressTestData.text(count: 50_000, seed: 4)
        for level in [1, 9] {
            let stream = try Self.rawDeflate(data, level: level)
            #expect(try Inflate.decompress(stream, maxOutputSize: data.count) == data)
            #expect(throws: InflateError.outputLimitExceeded) {
                try Inflate.decompress(stream, maxOutputSize: data.count - 1)
            }
        }
        let stored = try Self.rawDeflate(CompressTestData.random(count: 1000, seed: 4), level: 6)
        #expect(throws: InflateError.outputLimitExceeded) { try Inflate.decompress(stored, maxOutputSize: 999) }
        // A kilobyte of input that would expand to about a megabyte.
        let bomb = try Self.rawDeflate([UInt8](repeating: 0, count: 1 << 20), level: 9)
        #expect(bomb.count < 1100)
        #expect(throws: InflateError.outputLimitExceeded) { try Inflate.decompress(bomb, maxOutputSize: 4096) }
    }

    @Test func rejectsEveryTruncation() throws {
        let data = CompressTestData.text(count: 3000, seed: 6)
        for level in [1, 9] {
            let stream = Array(try Self.rawDeflate(data, level: level).dropLast(8))
            for length in 0..<stream.count {
                #expect(throws: InflateError.self) { try Inflate.decompress(Array(stream[..<length])) }
            }
        }
        var stored = DeflateBitWriter()
        stored.writeStoredBlock(CompressTestData.random(count: 40, seed: 6), isFinal: true)
        for length in 0..<stored.bytes.count {
            #expect(throws: InflateError.truncatedInput) { try Inflate.decompress(Array(stored.bytes[..<length])) }
        }
    }

    @Test func survivesRandomAndMutatedInput() throws {
        var random = TestRandom(seed: 99)
        for _ in 0..<2000 {
            let garbage = CompressTestData.random(count: Int.random(in: 0...300, using: &random), seed: random.next())
            _ = try? Inflate.decompress(garbage, maxOutputSize: 1 << 20)
        }
        let data = CompressTestData.text(count: 4000, seed: 8)
        let stream = try Self.rawDeflate(data, level: 9)
        for _ in 0..<2000 {
            var mutated = stream
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = try? Inflate.decompress(mutated, maxOutputSize: 1 << 20)
        }
    }
}

// MARK: - Test support shared by the compression tests

/// Inputs that make gzip use each of its strategies.
enum CompressTestData {
    /// Incompressible: gzip stores it.
    static func random(count: Int, seed: UInt64) -> [UInt8] {
        var random = TestRandom(seed: seed)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            let word = random.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return Array(bytes[..<count])
    }

    /// Words with a skewed frequency, like prose: dynamic Huffman codes
    /// with many short and some long matches.
    static func text(count: Int, seed: UInt64) -> [UInt8] {
        let words = [
            "the", "kernel", "unpacks", "an", "initramfs", "into", "rootfs", "before", "init", "runs",
            "Swift", "page", "frame", "zone", "slab", "of", "and", "a", "to", "in", "\n",
        ]
        var random = TestRandom(seed: seed)
        var bytes: [UInt8] = []
        while bytes.count < count {
            // Squaring favours the first words.
            let pick = Double.random(in: 0..<1, using: &random)
            bytes += Array(words[Int(pick * pick * Double(words.count))].utf8) + [0x20]
        }
        return Array(bytes[..<count])
    }

    /// Long runs and a short period: long matches at small distances.
    static func repetitive(count: Int) -> [UInt8] {
        (0..<count).map { index in index % 10_000 < 3000 ? 0 : UInt8(truncatingIfNeeded: index % 7) }
    }
}

/// The host's gzip(1), the reference the decoder is checked against.
enum HostGzip {
    struct Failure: Error { let status: Int32 }

    /// gzip -n (no name or timestamp, so no optional header fields).
    static func compress(_ data: [UInt8], level: Int = 6) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("data")
        try Data(data).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-n", "-\(level)", file.path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(status: process.terminationStatus) }
        return Array(try Data(contentsOf: directory.appendingPathComponent("data.gz")))
    }
}

/// Writes DEFLATE streams bit by bit, for tests that need a stream gzip
/// would never produce.
struct DeflateBitWriter {
    private(set) var bytes: [UInt8] = []
    /// Bits of the last byte already used.
    private var usedBits = 8

    /// A number, least significant bit first (RFC 1951 3.1.1).
    mutating func writeBits(_ value: Int, count: Int) {
        for bit in 0..<count {
            if usedBits == 8 {
                bytes.append(0)
                usedBits = 0
            }
            bytes[bytes.count - 1] |= UInt8((value >> bit) & 1) << usedBits
            usedBits += 1
        }
    }

    /// A Huffman code, most significant bit first.
    mutating func writeHuffmanCode(_ code: Int, length: Int) {
        for bit in (0..<length).reversed() { writeBits(code >> bit, count: 1) }
    }

    /// `symbol` in the canonical code with these lengths (RFC 1951 3.2.2).
    mutating func writeHuffman(_ symbol: Int, lengths: [UInt8]) {
        var codesOfLength = [Int](repeating: 0, count: 16)
        for length in lengths where length > 0 { codesOfLength[Int(length)] += 1 }
        var code = 0
        var firstCode = [Int](repeating: 0, count: 16)
        for length in 1..<16 {
            code = (code + codesOfLength[length - 1]) << 1
            firstCode[length] = code
        }
        let length = Int(lengths[symbol])
        let earlierOfSameLength = lengths[..<symbol].filter { $0 == length }.count
        writeHuffmanCode(firstCode[length] + earlierOfSameLength, length: length)
    }

    mutating func writeBlockHeader(isFinal: Bool, type: Int) {
        writeBits(isFinal ? 1 : 0, count: 1)
        writeBits(type, count: 2)
    }

    mutating func writeStoredBlock(_ data: ArraySlice<UInt8>, isFinal: Bool) {
        writeBlockHeader(isFinal: isFinal, type: 0)
        usedBits = 8
        bytes += [UInt8(data.count & 0xff), UInt8(data.count >> 8)]
        bytes += [~UInt8(data.count & 0xff), ~UInt8(data.count >> 8)]
        bytes += data
    }

    mutating func writeStoredBlock(_ data: [UInt8], isFinal: Bool) {
        writeStoredBlock(data[...], isFinal: isFinal)
    }

    /// A literal/length symbol in the fixed code (RFC 1951 3.2.6).
    mutating func writeFixedSymbol(_ symbol: Int) {
        switch symbol {
        case 0...143: writeHuffmanCode(0x30 + symbol, length: 8)
        case 144...255: writeHuffmanCode(0x190 + symbol - 144, length: 9)
        case 256...279: writeHuffmanCode(symbol - 256, length: 7)
        default: writeHuffmanCode(0xc0 + symbol - 280, length: 8)
        }
    }

    /// A match in the fixed code, found by searching RFC 1951 3.2.5's table.
    mutating func writeFixedLengthAndDistance(length: Int, distance: Int) {
        let lengthBases = [
            3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
            35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
        ]
        let distanceBases = [
            1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
            257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
        ]
        let lengthIndex = lengthBases.lastIndex { $0 <= length }!
        writeFixedSymbol(257 + lengthIndex)
        let lengthExtra = lengthIndex == 28 ? 0 : max(0, (lengthIndex - 4) / 4)
        writeBits(length - lengthBases[lengthIndex], count: lengthExtra)
        let distanceIndex = distanceBases.lastIndex { $0 <= distance }!
        writeHuffmanCode(distanceIndex, length: 5)
        writeBits(distance - distanceBases[distanceIndex], count: max(0, (distanceIndex - 2) / 2))
    }

    /// The code-length code the tests send lengths with: 0...15 five bits
    /// each, 16 two bits, 17 and 18 three; complete, and every symbol usable.
    static let codeLengthCodeLengths: [UInt8] = [UInt8](repeating: 5, count: 16) + [2, 3, 3]
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// A final dynamic block's header up to the code-length code, whose
    /// lengths are given by symbol and sent in RFC 1951's order.
    mutating func writeDynamicCounts(literalCount: Int, distanceCount: Int, codeLengthCodeLengths lengths: [UInt8]) {
        writeBlockHeader(isFinal: true, type: 2)
        writeBits(literalCount - 257, count: 5)
        writeBits(distanceCount - 1, count: 5)
        writeBits(19 - 4, count: 4)
        for symbol in Self.codeLengthOrder { writeBits(symbol < lengths.count ? Int(lengths[symbol]) : 0, count: 3) }
    }

    /// One code-length symbol in `codeLengthCodeLengths`, with its extra bits.
    mutating func writeCodeLengthSymbol(_ symbol: Int, extra: Int = 0) {
        writeHuffman(symbol, lengths: Self.codeLengthCodeLengths)
        switch symbol {
        case 16: writeBits(extra, count: 2)
        case 17: writeBits(extra, count: 3)
        case 18: writeBits(extra, count: 7)
        default: break
        }
    }

    /// A final dynamic block's whole header, sending every length as is.
    mutating func writeDynamicBlockHeader(literalLengths: [UInt8], distanceLengths: [UInt8]) {
        writeDynamicCounts(
            literalCount: literalLengths.count, distanceCount: distanceLengths.count,
            codeLengthCodeLengths: Self.codeLengthCodeLengths)
        for length in literalLengths + distanceLengths { writeCodeLengthSymbol(Int(length)) }
    }
}
