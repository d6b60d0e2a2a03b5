/// Reads a DEFLATE stream bit by bit, least significant bit of each byte
/// first (RFC 1951 3.1.1) (Linux: the `hold`/`bits` pair and the
/// NEEDBITS/PULLBYTE/DROPBITS macros of lib/zlib_inflate/inflate.c).
///
/// Whole bytes are loaded into a 64-bit buffer ahead of use, so the Huffman
/// decoder can look at the next 15 bits with one shift and mask even when
/// the code turns out to be shorter. Near the end of the input fewer bits
/// may be loaded; the missing ones read as zero, and `consume` refuses to
/// go past what was really there. That one check is what turns every kind
/// of truncation into `InflateError.truncatedInput`.
struct BitReader {
    /// At least this many bits are buffered after `refill`, unless the
    /// input ran out: a refill adds whole bytes while there are fewer, and
    /// with 56 bits buffered one more byte still fits in 64.
    static let refillGuarantee = 57

    private let input: [UInt8]
    /// Index of the next input byte to load into `buffer`.
    private(set) var position: Int
    /// Loaded bits not yet consumed; the next bit is bit 0.
    private var buffer: UInt64 = 0
    /// How many bits of `buffer` are real input.
    private var bufferedBitCount = 0

    init(_ input: [UInt8], at position: Int) {
        self.input = input
        self.position = position
    }

    /// Makes at least `count` bits (at most `refillGuarantee`) available,
    /// as far as the input has them.
    @inline(__always)
    mutating func prefetch(_ count: Int) {
        if bufferedBitCount < count { refill() }
    }

    private mutating func refill() {
        while bufferedBitCount < Self.refillGuarantee && position < input.count {
            buffer |= UInt64(input[position]) &<< UInt64(bufferedBitCount)
            position += 1
            bufferedBitCount += 8
        }
    }

    /// The buffered bits, next bit first, without consuming them. Bits past
    /// the end of the input read as zero.
    var upcomingBits: UInt64 { buffer }

    /// Drops `count` bits (at most `refillGuarantee`) that `upcomingBits`
    /// showed.
    @inline(__always)
    mutating func consume(_ count: Int) throws(InflateError) {
        guard count <= bufferedBitCount else { throw .truncatedInput }
        buffer &>>= UInt64(count)
        bufferedBitCount -= count
    }

    /// The next `count` bits (at most `refillGuarantee`) as an integer
    /// whose bit 0 came first: how DEFLATE stores every number that is not
    /// a Huffman code.
    @inline(__always)
    mutating func readBits(_ count: Int) throws(InflateError) -> Int {
        prefetch(count)
        let value = buffer & ((1 &<< UInt64(count)) &- 1)
        try consume(count)
        return Int(truncatingIfNeeded: value)
    }

    /// Skips the rest of the current byte and returns any whole bytes that
    /// were loaded but not used to the input, so that `position` is where
    /// byte-oriented reading continues: a stored block's header and data,
    /// or whatever follows the stream.
    mutating func alignToByte() {
        let partialBits = bufferedBitCount % 8
        position -= (bufferedBitCount - partialBits) / 8
        buffer = 0
        bufferedBitCount = 0
    }

    /// The next `count` bytes, after `alignToByte`.
    mutating func readAlignedBytes(_ count: Int) throws(InflateError) -> ArraySlice<UInt8> {
        assert(bufferedBitCount == 0, "readAlignedBytes without alignToByte")
        guard count <= input.count - position else { throw .truncatedInput }
        defer { position += count }
        return input[position..<position + count]
    }
}
