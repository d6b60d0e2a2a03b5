import Testing

@testable import Lib

@Suite struct CRC32Tests {
    @Test func matchesTheStandardCheckValue() {
        // The "check" value every CRC catalogue lists for CRC-32.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func matchesKnownVectors() {
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum([0]) == 0xD202_EF8D)
        #expect(CRC32.checksum([UInt8](repeating: 0xff, count: 4)) == 0xFFFF_FFFF)
        #expect(CRC32.checksum(Array("a".utf8)) == 0xE8B7_BE43)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func tableRowsAreTheBitwiseRemainders() {
        #expect(CRC32.remainderTable.count == 256)
        #expect(CRC32.remainderTable[0] == 0)
        #expect(CRC32.remainderTable[1] == 0x7707_3096)
        #expect(CRC32.remainderTable[128] == CRC32.polynomial)
        #expect(CRC32.remainderTable[255] == 0x2D02_EF8D)
    }

    @Test func updatingPieceByPieceEqualsOneChecksum() {
        var random = TestRandom(seed: 32)
        let bytes = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let whole = CRC32.checksum(bytes)
        for split in [0, 1, 7, 2500, 4999, 5000] {
            let first = CRC32.update(0, bytes: bytes[..<split])
            #expect(CRC32.update(first, bytes: bytes[split...]) == whole)
        }
        var byteByByte: UInt32 = 0
        for byte in bytes { byteByByte = CRC32.update(byteByByte, bytes: [byte]) }
        #expect(byteByByte == whole)
    }

    @Test func detectsEverySingleBitError() {
        let bytes = Array("Apus unpacks its initramfs".utf8)
        let original = CRC32.checksum(bytes)
        for index in bytes.indices {
            for bit in 0..<8 {
                var corrupted = bytes
                corrupted[index] ^= 1 << bit
                #expect(CRC32.checksum(corrupted) != original)
            }
        }
    }

    @Test func agreesWithTheTrailerHostGzipWrites() throws {
        let data = CompressTestData.text(count: 10_000, seed: 3)
        let compressed = try HostGzip.compress(data)
        let trailerCRC = compressed.suffix(8).prefix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(CRC32.checksum(data) == trailerCRC)
    }
}
