/// The CRC-32 that gzip, zlib's crc32(), PNG and Ethernet use (Linux:
/// lib/crc32.c crc32_le, include/linux/crc32.h).
///
/// A CRC is the remainder of dividing the message, read as a polynomial over
/// GF(2), by a generator polynomial. This variant is "reflected": bits enter
/// the register least significant first, so the polynomial is written with
/// its bits reversed (0x04C11DB7 becomes 0xEDB88320) and the register shifts
/// right. The register starts at all ones and is inverted at the end, so
/// leading zero bytes and a lost trailing zero both change the result.
///
/// `update` takes and returns the finished (inverted) value, like zlib's
/// crc32(): start from 0 and feed the data in as many pieces as convenient.
public enum CRC32 {
    /// x^32 + x^26 + x^23 + x^22 + x^16 + x^12 + x^11 + x^10 + x^8 + x^7 +
    /// x^5 + x^4 + x^2 + x + 1, bit-reversed; the x^32 term is implicit.
    public static let polynomial: UInt32 = 0xEDB8_8320

    /// `remainderTable[b]` is what eight single-bit steps do to a register
    /// whose low byte is `b` and whose other bits are zero. Because the
    /// division is linear, one table lookup and an XOR replace eight steps
    /// for any register value (Linux: crc32table_le, generated at build time
    /// by lib/gen_crc32table.c; here computed on first use).
    static let remainderTable: [UInt32] = makeRemainderTable()

    /// The CRC of `bytes` appended to data whose CRC was `crc` (0 for no
    /// data yet): `update(update(0, bytes: a), bytes: b)` is the CRC of a + b.
    public static func update(_ crc: UInt32, bytes: ArraySlice<UInt8>) -> UInt32 {
        let table = remainderTable
        var register = ~crc
        for byte in bytes {
            // The low byte, with the data byte added in, decides what the
            // next eight steps XOR into the rest, which only shifts down.
            let index = Int(truncatingIfNeeded: (register ^ UInt32(byte)) & 0xff)
            register = (register >> 8) ^ table[index]
        }
        return ~register
    }

    /// `update` over a whole array.
    public static func update(_ crc: UInt32, bytes: [UInt8]) -> UInt32 {
        update(crc, bytes: bytes[...])
    }

    /// The CRC of `bytes` on their own.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        update(0, bytes: bytes)
    }

    /// `checksum` of a whole array.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        update(0, bytes: bytes[...])
    }

    /// Polynomial division one bit at a time, done once per byte value.
    private static func makeRemainderTable() -> [UInt32] {
        var table = [UInt32](repeating: 0, count: 256)
        for byte in 0..<256 {
            var register = UInt32(byte)
            for _ in 0..<8 {
                // Shifting out a 1 means the divisor "goes into" the
                // register: subtract (XOR) it.
                let shiftsOutOne = register & 1 != 0
                register >>= 1
                if shiftsOutOne { register ^= polynomial }
            }
            table[byte] = register
        }
        return table
    }
}
