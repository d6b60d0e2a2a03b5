import Testing

@testable import Lib

/// Lib's walk of the Multiboot2 boot information, over hand-made tag lists
/// laid out as GRUB writes them.
@Suite struct Multiboot2Tests {
    /// A tag of `type` with `payload`, padded to 8 bytes.
    private func tag(_ type: UInt32, _ payload: [UInt8]) -> [UInt8] {
        var bytes = le32(type) + le32(UInt32(8 + payload.count)) + payload
        while bytes.count % 8 != 0 { bytes.append(0) }
        return bytes
    }

    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// The information: total size, reserved, the tags, the end tag.
    private func information(_ tags: [[UInt8]]) -> [UInt8] {
        let body = tags.joined() + tag(0, [])
        return le32(UInt32(8 + body.count)) + le32(0) + body
    }

    private func reader(_ bytes: [UInt8]) -> (UInt64) -> UInt32 {
        { offset in
            guard offset + 4 <= UInt64(bytes.count) else { return 0 }
            return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[Int(offset) + $1]) << (8 * UInt32($1)) }
        }
    }

    private func tags(_ bytes: [UInt8]) -> [(UInt32, UInt64, UInt64)] {
        var seen: [(UInt32, UInt64, UInt64)] = []
        Multiboot2.forEachTag(read32: reader(bytes)) { seen.append(($0, $1, $2)) }
        return seen
    }

    private let oldRSDP = Array("RSD PTR ".utf8) + [UInt8](repeating: 1, count: 12)
    private let newRSDP = Array("RSD PTR ".utf8) + [UInt8](repeating: 2, count: 28)

    @Test func walksPaddedTagsToTheEndTag() {
        let bytes = information([tag(1, Array("console=ttyS0\0".utf8)), tag(14, oldRSDP), tag(15, newRSDP)])
        let seen = tags(bytes)
        #expect(seen.map { $0.0 } == [1, 14, 15])
        // 8 + 14 bytes padded to 24, then 8 + 20 = 28 padded to 32.
        #expect(seen.map { $0.1 } == [8, 32, 64])
        #expect(seen.map { $0.2 } == [22, 28, 44])
    }

    @Test func theNewACPITagWinsWhereverItIs() throws {
        for order in [[tag(14, oldRSDP), tag(15, newRSDP)], [tag(15, newRSDP), tag(14, oldRSDP)]] {
            let bytes = information(order)
            let copy = try #require(Multiboot2.rsdpCopy(read32: reader(bytes)))
            #expect(copy.isNew && copy.length == RSDP.extendedLength)
            #expect(Array(bytes[Int(copy.offset)..<Int(copy.offset) + copy.length]) == newRSDP)
        }
    }

    @Test func theOldACPITagServesAlone() throws {
        let bytes = information([tag(6, [UInt8](repeating: 0, count: 8)), tag(14, oldRSDP)])
        let copy = try #require(Multiboot2.rsdpCopy(read32: reader(bytes)))
        #expect(!copy.isNew && copy.length == RSDP.length && copy.offset == 8 + 16 + 8)
        #expect(Multiboot2.rsdpCopy(read32: reader(information([tag(1, [0])]))) == nil)
        // A tag too short for the structure it should hold is not taken.
        #expect(Multiboot2.rsdpCopy(read32: reader(information([tag(15, oldRSDP)]))) == nil)
    }

    @Test func stopsAtBrokenTags() {
        var bytes = information([tag(1, [0]), tag(14, oldRSDP)])
        bytes[12] = 4  // the first tag's size, shorter than its header
        #expect(tags(bytes).isEmpty)
        var overrun = information([tag(1, [0]), tag(14, oldRSDP)])
        overrun[12 + 16] = 0xff  // the second tag claims to run past the total size
        #expect(tags(overrun).map { $0.0 } == [1])
        #expect(tags([4, 0, 0, 0]).isEmpty)
        #expect(tags([]).isEmpty)
    }
}
