/// DEFLATE decompression, RFC 1951 (Linux: lib/zlib_inflate/inflate.c
/// zlib_inflate and its fast loop inffast.c; lib/decompress_inflate.c
/// drives them to unpack a compressed initramfs).
///
/// A DEFLATE stream is a sequence of blocks, the last one flagged BFINAL.
/// A block is stored (raw bytes), or Huffman-coded with the fixed code of
/// RFC 1951 3.2.6, or Huffman-coded with a dynamic code described at the
/// block's start. Huffman-coded data is a mix of literal bytes and
/// (length, distance) pairs that repeat `length` bytes starting `distance`
/// bytes back in the output, which may overlap what is being written.
///
/// zlib decompresses through a 32 KiB sliding window so that it can stream.
/// The kernel wants the whole initramfs in memory anyway, so here the output
/// is one array and a back-reference is an index into it.
public enum Inflate {
    /// Decompresses the DEFLATE stream that starts at `input[0]`; bytes
    /// after the stream's end are ignored. `maxOutputSize` bounds the output
    /// (a stream can expand more than a thousandfold).
    public static func decompress(_ input: [UInt8], maxOutputSize: Int = .max) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        // DEFLATE typically shrinks data to between a half and a quarter;
        // past this first guess the capacity doubles as usual.
        output.reserveCapacity(min(maxOutputSize, input.count * 4))
        _ = try decompress(input, from: 0, appendingTo: &output, maxOutputSize: maxOutputSize)
        return output
    }

    /// Decompresses the DEFLATE stream that starts at `input[start]`,
    /// appending to `output`, which may not grow beyond `maxOutputSize`
    /// bytes. Back-references cannot reach into what `output` held before.
    /// Returns the index of the first input byte after the stream (the last
    /// block ends mid-byte; the rest of that byte is padding). After an
    /// error, `output` holds whatever was decoded before it.
    public static func decompress(
        _ input: [UInt8], from start: Int, appendingTo output: inout [UInt8], maxOutputSize: Int = .max
    ) throws(InflateError) -> Int {
        precondition(start >= 0 && start <= input.count, "stream start outside the input")
        var decoder = StreamDecoder(
            BitReader(input, at: start), outputStart: output.count, maxOutputSize: maxOutputSize)
        try decoder.decodeStream(into: &output)
        return decoder.reader.position
    }
}

/// The state of one stream's decoding: where the input is and what limits
/// the output (Linux: struct inflate_state in lib/zlib_inflate/inflate.h).
private struct StreamDecoder {
    private(set) var reader: BitReader
    /// `output.count` when the stream began: back-references stop here.
    private let outputStart: Int
    private let maxOutputSize: Int
    /// The fixed code's tables, built when the first fixed block needs them.
    private var fixedCodes: BlockCodes?

    /// The two codes a Huffman-coded block is written in.
    private struct BlockCodes {
        /// Literal bytes 0...255, end of block 256, lengths 257...285.
        let literalsAndLengths: HuffmanTable
        /// Distance symbols 0...29.
        let distances: HuffmanTable
    }

    init(_ reader: BitReader, outputStart: Int, maxOutputSize: Int) {
        self.reader = reader
        self.outputStart = outputStart
        self.maxOutputSize = maxOutputSize
    }

    private static let endOfBlock = 256

    /// Length symbols 257...285: the base length and how many extra bits
    /// follow to add to it (RFC 1951 3.2.5).
    private static let lengthBase: [UInt16] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
        35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtraBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
        3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    /// Distance symbols 0...29, likewise.
    private static let distanceBase: [UInt16] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
        257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtraBits: [UInt8] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
        7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    /// The order in which a dynamic block lists the code-length code's
    /// lengths: the usually needed ones first, so trailing zeros can be
    /// left out (RFC 1951 3.2.7).
    private static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    mutating func decodeStream(into output: inout [UInt8]) throws(InflateError) {
        var isFinalBlock = false
        while !isFinalBlock {
            isFinalBlock = try reader.readBits(1) == 1
            switch try reader.readBits(2) {
            case 0:
                try copyStoredBlock(into: &output)
            case 1:
                try decodeHuffmanBlock(with: fixedBlockCodes(), into: &output)
            case 2:
                try decodeHuffmanBlock(with: readDynamicCodes(), into: &output)
            default:
                throw .invalidBlockType
            }
        }
        reader.alignToByte()
    }

    /// A stored block: the rest of the byte is skipped, then LEN, its
    /// complement NLEN, and LEN raw bytes (RFC 1951 3.2.4).
    private mutating func copyStoredBlock(into output: inout [UInt8]) throws(InflateError) {
        reader.alignToByte()
        let length = try reader.readBits(16)
        let lengthComplement = try reader.readBits(16)
        guard length == ~lengthComplement & 0xffff else { throw .storedLengthMismatch }
        guard length <= maxOutputSize - output.count else { throw .outputLimitExceeded }
        reader.alignToByte()
        output.append(contentsOf: try reader.readAlignedBytes(length))
    }

    /// The hot loop: everything a Huffman-coded block produces comes
    /// through here (Linux: inflate_fast).
    private mutating func decodeHuffmanBlock(with codes: BlockCodes, into output: inout [UInt8]) throws(InflateError) {
        while true {
            let symbol = try codes.literalsAndLengths.decode(from: &reader)
            if symbol < Self.endOfBlock {
                guard output.count < maxOutputSize else { throw .outputLimitExceeded }
                output.append(UInt8(truncatingIfNeeded: symbol))
            } else if symbol == Self.endOfBlock {
                return
            } else {
                let length = try readLength(symbol: symbol)
                let distance = try readDistance(with: codes.distances)
                try copyMatch(length: length, distance: distance, into: &output)
            }
        }
    }

    private mutating func readLength(symbol: Int) throws(InflateError) -> Int {
        let index = symbol - (Self.endOfBlock + 1)
        guard index < Self.lengthBase.count else { throw .invalidSymbol }
        return Int(Self.lengthBase[index]) + (try reader.readBits(Int(Self.lengthExtraBits[index])))
    }

    private mutating func readDistance(with distances: HuffmanTable) throws(InflateError) -> Int {
        let index = try distances.decode(from: &reader)
        guard index < Self.distanceBase.count else { throw .invalidSymbol }
        return Int(Self.distanceBase[index]) + (try reader.readBits(Int(Self.distanceExtraBits[index])))
    }

    /// Appends `length` bytes copied from `distance` bytes back. When the
    /// distance is shorter than the length, the copy reads bytes it has just
    /// written: distance 1 repeats the last byte `length` times. Copying
    /// front to back one byte at a time gives exactly that.
    private func copyMatch(length: Int, distance: Int, into output: inout [UInt8]) throws(InflateError) {
        guard distance <= output.count - outputStart else { throw .distanceTooFarBack }
        guard length <= maxOutputSize - output.count else { throw .outputLimitExceeded }
        var source = output.count - distance
        for _ in 0..<length {
            output.append(output[source])
            source += 1
        }
    }

    /// The fixed code (RFC 1951 3.2.6): literal/length lengths 8, 9, 7, 8
    /// over 0...143, 144...255, 256...279, 280...287; every distance 5 bits.
    private mutating func fixedBlockCodes() throws(InflateError) -> BlockCodes {
        if let fixedCodes { return fixedCodes }
        var lengths = [UInt8](repeating: 8, count: 288)
        for symbol in 144...255 { lengths[symbol] = 9 }
        for symbol in 256...279 { lengths[symbol] = 7 }
        let codes = BlockCodes(
            literalsAndLengths: try HuffmanTable(
                codeLengths: lengths[...], primaryBits: 9, allowsSingleOrNoCode: false),
            distances: try HuffmanTable(
                codeLengths: [UInt8](repeating: 5, count: 32)[...], primaryBits: 5, allowsSingleOrNoCode: false))
        fixedCodes = codes
        return codes
    }

    /// A dynamic block's header (RFC 1951 3.2.7): the code lengths of both
    /// codes, themselves Huffman-coded with a code-length code whose
    /// lengths come first, with run-length symbols 16-18 for repeats.
    private mutating func readDynamicCodes() throws(InflateError) -> BlockCodes {
        let literalCount = try reader.readBits(5) + 257
        let distanceCount = try reader.readBits(5) + 1
        let codeLengthCodeCount = try reader.readBits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .tooManyLengthOrDistanceSymbols }

        var codeLengthCodeLengths = [UInt8](repeating: 0, count: Self.codeLengthOrder.count)
        for symbol in Self.codeLengthOrder[..<codeLengthCodeCount] {
            codeLengthCodeLengths[symbol] = UInt8(try reader.readBits(3))
        }
        let codeLengthCode = try HuffmanTable(
            codeLengths: codeLengthCodeLengths[...], primaryBits: 7, allowsSingleOrNoCode: false)

        // One run of lengths for both codes: a repeat may cross from the
        // literal/length lengths into the distance lengths.
        let totalCount = literalCount + distanceCount
        var lengths: [UInt8] = []
        lengths.reserveCapacity(totalCount)
        while lengths.count < totalCount {
            let symbol = try codeLengthCode.decode(from: &reader)
            let repeatedLength: UInt8
            let repeatCount: Int
            switch symbol {
            case 0...15:
                lengths.append(UInt8(symbol))
                continue
            case 16:
                guard let previous = lengths.last else { throw .repeatWithoutPreviousLength }
                repeatedLength = previous
                repeatCount = 3 + (try reader.readBits(2))
            case 17:
                repeatedLength = 0
                repeatCount = 3 + (try reader.readBits(3))
            default:
                repeatedLength = 0
                repeatCount = 11 + (try reader.readBits(7))
            }
            guard repeatCount <= totalCount - lengths.count else { throw .codeLengthRepeatTooLong }
            lengths.append(contentsOf: repeatElement(repeatedLength, count: repeatCount))
        }

        // Without an end-of-block code the block could never end.
        guard lengths[Self.endOfBlock] != 0 else { throw .missingEndOfBlockCode }
        return BlockCodes(
            literalsAndLengths: try HuffmanTable(
                codeLengths: lengths[..<literalCount], primaryBits: 9, allowsSingleOrNoCode: true),
            distances: try HuffmanTable(
                codeLengths: lengths[literalCount...], primaryBits: 8, allowsSingleOrNoCode: true))
    }
}
