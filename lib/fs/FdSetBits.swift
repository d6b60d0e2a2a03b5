import ABI

/// select's descriptor sets as Linux keeps them (fs/select.c, struct
/// fd_set_bits): the three sets asked about — read, write, except — and
/// the three answers, bitmaps of 64 descriptors a word, side by side in one
/// array. Walking them a word at a time skips 64 absent descriptors at
/// once; bits at or past the count are never looked at.
public struct FdSetBits {
    /// The sets, in select's order of arguments.
    public static let sets = 0..<3
    /// How many descriptors the sets cover (select's first argument).
    public let count: Int
    /// The words of one set.
    public let words: Int
    /// The sets asked about, then the answers, `words` words each.
    private var bits: [UInt64]

    public init(count: Int) {
        precondition(count >= 0, "a negative descriptor count")
        self.count = count
        words = (count + 63) / 64
        bits = [UInt64](repeating: 0, count: 6 * words)
    }

    /// What a set asks about (Linux: POLLIN_SET, POLLOUT_SET, POLLEX_SET).
    private static func interest(_ set: Int) -> PollEvents {
        switch set {
        case 0: .readSet
        case 1: .writeSet
        default: .exceptSet
        }
    }

    /// Set `set` asks about the descriptors below the count whose bits
    /// `bitmap` (`words` words, as read from user memory) has.
    public mutating func ask(_ set: Int, _ bitmap: [UInt64]) {
        precondition(Self.sets.contains(set) && bitmap.count == words, "not a set of this size")
        for word in 0..<words { bits[set * words + word] = bitmap[word] & mask(word) }
    }

    /// The bits of word `word` that stand for descriptors below the count.
    private func mask(_ word: Int) -> UInt64 {
        let past = count - word * 64
        return past >= 64 ? ~0 : (1 << UInt64(past)) - 1
    }

    /// How many descriptors some set asks about.
    public var askedCount: Int {
        (0..<words).reduce(0) { $0 + (bits[$1] | bits[words + $1] | bits[2 * words + $1]).nonzeroBitCount }
    }

    /// Calls `body(descriptor)` for each descriptor that some set asks
    /// about, in ascending order.
    public func forEachAsked(_ body: (Int) -> Void) {
        for word in 0..<words {
            var any = bits[word] | bits[words + word] | bits[2 * words + word]
            while any != 0 {
                body(word * 64 + any.trailingZeroBitCount)
                any &= any - 1
            }
        }
    }

    /// Puts `descriptor` into the answer of each set that asks about it
    /// and wants one of the `ready` events; returns into how many (select
    /// counts a descriptor once per set it is left in).
    public mutating func answer(_ descriptor: Int, ready: PollEvents) -> Int {
        precondition(descriptor >= 0 && descriptor < count, "a descriptor outside the sets")
        let word = descriptor / 64, bit: UInt64 = 1 << UInt64(descriptor % 64)
        var answered = 0
        for set in Self.sets
        where bits[set * words + word] & bit != 0 && !ready.isDisjoint(with: Self.interest(set)) {
            bits[(3 + set) * words + word] |= bit
            answered += 1
        }
        return answered
    }

    /// Forgets the answers, for another scan.
    public mutating func clearAnswers() {
        for index in 3 * words..<6 * words { bits[index] = 0 }
    }

    /// The answer for set `set`: the descriptors of it found ready.
    public func answers(of set: Int) -> [UInt64] {
        precondition(Self.sets.contains(set), "no such set")
        return Array(bits[(3 + set) * words..<(4 + set) * words])
    }
}
