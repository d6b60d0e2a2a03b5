/// A canonical Huffman code (RFC 1951 3.2.2) turned into lookup tables, so
/// that decoding a symbol takes one or two array reads instead of a walk
/// down a tree one bit at a time (Linux: lib/zlib_inflate/inftrees.c
/// zlib_inflate_table builds such tables; inffast.c reads them).
///
/// DEFLATE transmits only each symbol's code length, 0 for a symbol that
/// does not occur. The codes follow from the lengths: shorter codes come
/// first, and codes of one length are consecutive in symbol order. Codes
/// are stored most significant bit first, while `BitReader` hands out bits
/// least significant first, so the next k input bits, read as an integer,
/// are a code's first k bits in reverse. The tables are therefore indexed
/// by reversed codes.
///
/// The primary table has 2^primaryBits entries. A code of length L <=
/// primaryBits fills every entry whose low L bits are its reversed code:
/// the bits above belong to the next symbol, so any value of them must
/// decode the same. Longer codes that start with the same primaryBits bits
/// share one primary entry, which points to a sub-table indexed by the
/// bits after those, sized for the longest code below it. Frequent symbols
/// have short codes, so most lookups end in the primary table, and the
/// tables stay small enough to rebuild for every dynamic block.
struct HuffmanTable {
    /// DEFLATE codes are at most 15 bits long.
    static let maxCodeLength = 15

    private struct Entry {
        enum Kind: UInt8 {
            /// The bits decode to `value`.
            case symbol
            /// The bits continue into a longer code: see the sub-table.
            case subTable
            /// No code starts with these bits (only in an incomplete code).
            case invalid
        }

        var kind: Kind
        /// `.symbol`: the code's length, the bits to consume.
        /// `.subTable`: how many bits past the primary ones index it.
        var bitCount: UInt8
        /// `.symbol`: the symbol. `.subTable`: where it starts in `entries`.
        var value: UInt16

        static let invalid = Entry(kind: .invalid, bitCount: 0, value: 0)
    }

    private let primaryBits: Int
    /// The primary table, then every sub-table.
    private var entries: [Entry]

    /// Builds the tables for the code in which symbol i has length
    /// `codeLengths[codeLengths.startIndex + i]` (each 0...15).
    ///
    /// The lengths must describe a complete prefix code: neither more codes
    /// than bit patterns (over-subscribed, which would make decoding
    /// ambiguous) nor fewer (incomplete, which would leave bit patterns
    /// meaning nothing). `allowsSingleOrNoCode` admits the two incomplete
    /// codes RFC 1951 3.2.7 describes for distances, and zlib accepts for
    /// literal/lengths too: a single code of one bit, and no code at all.
    init(codeLengths: ArraySlice<UInt8>, primaryBits: Int, allowsSingleOrNoCode: Bool) throws(InflateError) {
        self.primaryBits = primaryBits
        var codesOfLength = InlineArray<16, Int>(repeating: 0)
        for length in codeLengths { codesOfLength[Int(length)] += 1 }
        codesOfLength[0] = 0
        try Self.checkPrefixCode(codesOfLength, allowsSingleOrNoCode: allowsSingleOrNoCode)

        // RFC 1951 3.2.2 step 2: the first code of each length is one past
        // the last code of the length before, shifted left by one bit.
        var nextCode = InlineArray<16, Int>(repeating: 0)
        var code = 0
        for length in 1...Self.maxCodeLength {
            code = (code + codesOfLength[length - 1]) << 1
            nextCode[length] = code
        }

        // Step 3, assigning consecutive codes within a length; and for the
        // sub-tables, the longest code below each primary entry.
        let primarySize = 1 << primaryBits
        var reversedCodes = [Int](repeating: 0, count: codeLengths.count)
        var longestCodeBelow = [Int](repeating: 0, count: primarySize)
        for (symbol, length) in codeLengths.enumerated() where length > 0 {
            let length = Int(length)
            let reversed = Self.reverse(nextCode[length], bitCount: length)
            nextCode[length] += 1
            reversedCodes[symbol] = reversed
            if length > primaryBits {
                let slot = reversed & (primarySize - 1)
                longestCodeBelow[slot] = max(longestCodeBelow[slot], length)
            }
        }

        entries = [Entry](repeating: .invalid, count: primarySize)
        for slot in 0..<primarySize where longestCodeBelow[slot] > 0 {
            let subTableBits = longestCodeBelow[slot] - primaryBits
            entries[slot] = Entry(kind: .subTable, bitCount: UInt8(subTableBits), value: UInt16(entries.count))
            entries.append(contentsOf: repeatElement(.invalid, count: 1 << subTableBits))
        }

        for (symbol, length) in codeLengths.enumerated() where length > 0 {
            let length = Int(length)
            let reversed = reversedCodes[symbol]
            let entry = Entry(kind: .symbol, bitCount: UInt8(length), value: UInt16(symbol))
            if length <= primaryBits {
                fill(entry, from: 0, every: reversed, step: 1 << length, below: primarySize)
            } else {
                let link = entries[reversed & (primarySize - 1)]
                fill(
                    entry, from: Int(link.value), every: reversed >> primaryBits,
                    step: 1 << (length - primaryBits), below: 1 << Int(link.bitCount))
            }
        }
    }

    /// Stores `entry` at base + index for index = first, first + step, ...
    /// below `end`: every pattern of the bits that follow the code.
    private mutating func fill(_ entry: Entry, from base: Int, every first: Int, step: Int, below end: Int) {
        var index = first
        while index < end {
            entries[base + index] = entry
            index += step
        }
    }

    /// Kraft's inequality, counted in bit patterns: at each length every
    /// pattern not yet taken by a shorter code splits in two, and the codes
    /// of this length take some of them.
    private static func checkPrefixCode(_ codesOfLength: InlineArray<16, Int>, allowsSingleOrNoCode: Bool)
        throws(InflateError)
    {
        var unusedPatterns = 1
        var codeCount = 0
        for length in 1...maxCodeLength {
            unusedPatterns = unusedPatterns * 2 - codesOfLength[length]
            guard unusedPatterns >= 0 else { throw .overSubscribedCode }
            codeCount += codesOfLength[length]
        }
        if unusedPatterns > 0 {
            let isSingleOrNoCode = codeCount == 0 || (codeCount == 1 && codesOfLength[1] == 1)
            guard allowsSingleOrNoCode && isSingleOrNoCode else { throw .incompleteCode }
        }
    }

    /// `code`'s low `bitCount` bits in reverse order.
    private static func reverse(_ code: Int, bitCount: Int) -> Int {
        var remaining = code
        var reversed = 0
        for _ in 0..<bitCount {
            reversed = (reversed << 1) | (remaining & 1)
            remaining >>= 1
        }
        return reversed
    }

    /// Reads one code from `reader` and returns its symbol.
    @inline(__always)
    func decode(from reader: inout BitReader) throws(InflateError) -> Int {
        reader.prefetch(Self.maxCodeLength)
        let bits = Int(truncatingIfNeeded: reader.upcomingBits & ((1 << UInt64(Self.maxCodeLength)) - 1))
        var entry = entries[bits & ((1 << primaryBits) - 1)]
        if entry.kind == .subTable {
            let subIndex = (bits >> primaryBits) & ((1 << Int(entry.bitCount)) - 1)
            entry = entries[Int(entry.value) + subIndex]
        }
        guard entry.kind == .symbol else { throw .invalidCode }
        try reader.consume(Int(entry.bitCount))
        return Int(entry.value)
    }
}
