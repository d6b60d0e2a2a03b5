import Testing

@testable import Lib

/// Memory calls' (address, length) pairs: rounded to pages without ever
/// trapping, whatever the registers hold.
@Suite struct PageRangeTests {
    @Test func lengthRoundsUpToWholePages() throws {
        #expect(try PageRange(start: 0x8000, length: 1).range == 0x8000..<0x9000)
        #expect(try PageRange(start: 0x8000, length: 0x2000).length == 0x2000)
        #expect(try PageRange(start: 0x8000, length: 0).isEmpty)
    }

    @Test func misalignedStartIsRefused() {
        #expect(throws: PageRange.Failure.misaligned) { try PageRange(start: 0x8001, length: 0x1000) }
    }

    @Test func lengthsNear2To64WrapInsteadOfTrapping() throws {
        // The lengths of issue 9's crashing calls.
        for length: UInt64 in [0xffff_ffff_ffff_f000, 0xffff_ffff_ffff_ff9c, UInt64.max] {
            #expect(throws: PageRange.Failure.wraps) { try PageRange(start: 0x8000, length: length) }
        }
        #expect(throws: PageRange.Failure.wraps) { try PageRange(start: 0xffff_ffff_ffff_f000, length: 0x1000) }
        #expect(try PageRange(start: 0x1000, length: 0x7fff_ffff_ffff_ffff).end == 0x8000_0000_0000_1000)
    }
}
