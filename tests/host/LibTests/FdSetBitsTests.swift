import ABI
import Lib
import Testing

@Suite struct FdSetBitsTests {
    @Test func walksTheAskedDescriptorsInOrder() {
        var bits = FdSetBits(count: 130)
        #expect(bits.words == 3)
        bits.ask(0, [1 << 3 | 1 << 63, 0, 1 << 1])  // 3, 63 and 129 for reading
        bits.ask(1, [1 << 3, 1 << 0, 0])  // 3 and 64 for writing
        bits.ask(2, [0, 1 << 0, 0])  // 64 for exceptions
        var seen: [Int] = []
        bits.forEachAsked { descriptor in seen.append(descriptor) }
        #expect(seen == [3, 63, 64, 129] && bits.askedCount == 4)
        #expect(bits.answer(64, ready: .POLLPRI) == 1, "an exception for the except set alone")
        #expect(bits.answer(3, ready: .POLLERR) == 2, "an error for both the read and the write set")
        #expect(bits.answers(of: 0) == [1 << 3, 0, 0] && bits.answers(of: 2) == [0, 1 << 0, 0])
    }

    @Test func bitsAtOrPastTheCountAreNotLookedAt() {
        var bits = FdSetBits(count: 66)
        bits.ask(0, [0, ~0])
        var seen: [Int] = []
        bits.forEachAsked { descriptor in seen.append(descriptor) }
        #expect(seen == [64, 65] && bits.askedCount == 2)
        #expect(FdSetBits(count: 0).words == 0)
    }

    @Test func answersKeepADescriptorOncePerSetThatWantsWhatIsReady() {
        var bits = FdSetBits(count: 70)
        bits.ask(0, [1 << 5, 1 << 4])
        bits.ask(1, [1 << 5, 0])
        #expect(bits.answer(5, ready: [.POLLIN, .POLLOUT]) == 2, "counted in both sets")
        #expect(bits.answer(68, ready: .POLLOUT) == 0, "not asked about for writing")
        #expect(bits.answer(68, ready: .POLLHUP) == 1, "a hang-up makes a read set descriptor ready")
        #expect(
            bits.answers(of: 0) == [1 << 5, 1 << 4] && bits.answers(of: 1) == [1 << 5, 0]
                && bits.answers(of: 2) == [0, 0])
        bits.clearAnswers()
        #expect(bits.answers(of: 0) == [0, 0] && bits.answers(of: 1) == [0, 0])
        var asked = 0
        bits.forEachAsked { _ in asked += 1 }
        #expect(asked == 2, "clearing the answers leaves the questions")
    }
}
