import Testing

@testable import Lib

@Suite struct IntegerFormattingTests {
    @Test func hexHasPrefixAndNoLeadingZeros() {
        #expect(hex(0x1c) == "0x1c")
        #expect(hex(0) == "0x0")
        #expect(hex(0xdead_beef) == "0xdeadbeef")
        #expect(hex(UInt64.max) == "0xffffffffffffffff")
    }

    @Test func fixedWidthHexPadsWithZerosLikeRegisterDumps() {
        #expect(hex(0x1234, width: 16) == "0000000000001234")
        #expect(hex(0, width: 16) == "0000000000000000")
        #expect(hex(0xffff_8000_0000_0000, width: 16) == "ffff800000000000")
        // Wider values are not cut.
        #expect(hex(0x12345, width: 4) == "12345")
    }

    @Test func decimalPadsToWidth() {
        #expect(decimal(0) == "0")
        #expect(decimal(42, width: 5) == "   42")
        #expect(decimal(12345, width: 6, zeroPadded: true) == "012345")
        #expect(decimal(UInt64.max) == "18446744073709551615")
        #expect(decimal(123456, width: 5) == "123456")
    }
}
