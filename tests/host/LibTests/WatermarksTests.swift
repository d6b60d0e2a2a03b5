import Testing

@testable import Lib

struct WatermarksTests {
    @Test func integerSquareRootIsTheFloor() {
        for n: UInt64 in [0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 1 << 32, (1 << 32) - 1] {
            let root = Watermarks.integerSquareRoot(n)
            #expect(root * root <= n)
            #expect((root + 1) * (root + 1) > n)
        }
        #expect(Watermarks.integerSquareRoot(UInt64.max) == 0xFFFF_FFFF)
    }

    /// The figures Linux's formula gives (min_free_kbytes for 8 MiB … 1 TiB).
    @Test func minFreeKilobytesFollowsLinux() {
        #expect(Watermarks.minFreeKilobytes(lowmemKilobytes: 8 << 10) == 362)
        #expect(Watermarks.minFreeKilobytes(lowmemKilobytes: 512 << 10) == 2896)
        #expect(Watermarks.minFreeKilobytes(lowmemKilobytes: 1 << 20) == 4096)
        #expect(Watermarks.minFreeKilobytes(lowmemKilobytes: 64) == 128)
        #expect(Watermarks.minFreeKilobytes(lowmemKilobytes: 1 << 40) == 262_144)
        #expect(Watermarks.minFreeKilobytes(lowmemKilobytes: UInt64.max) == 262_144)
    }

    /// Linux's figures for a 10 GiB machine, from its /proc/zoneinfo, with
    /// min_free_kbytes 67584 (16896 pages) over 2644466 lowmem pages.
    @Test func zoneWatermarksFollowLinux() {
        for (managed, expected) in [
            (UInt64(3840), (UInt64(24), UInt64(30), UInt64(36))), (772_850, (4937, 6171, 7405)),
            (1_867_776, (11933, 14916, 17899)),
        ] {
            let marks = Watermarks.zoneWatermarks(
                minFreePages: 16896, zoneManagedPages: managed, lowmemPages: 2_644_466)
            #expect(marks == expected)
        }
        // One zone holding everything gets the whole reserve.
        let only = Watermarks.zoneWatermarks(minFreePages: 1000, zoneManagedPages: 50_000, lowmemPages: 50_000)
        #expect(only.min == 1000 && only.low == 1250 && only.high == 1500)
        // The step is at least 0.1% of the zone.
        let big = Watermarks.zoneWatermarks(minFreePages: 100, zoneManagedPages: 1_000_000, lowmemPages: 1_000_000)
        #expect(big.low == 1100 && big.high == 2100)
        #expect(Watermarks.zoneWatermarks(minFreePages: 5, zoneManagedPages: 0, lowmemPages: 0) == (0, 0, 0))
        #expect(Watermarks.zoneWatermarks(minFreePages: .max, zoneManagedPages: .max, lowmemPages: .max).min == .max)
    }
}

/// Zones over QEMU's 128 MiB: RAM below 0x9fc00 and from 1 MiB to 0x7fe0000.
struct ZoneSpanTests {
    let memory = [MemblockRegion(base: 0, size: 0x9f000), MemblockRegion(base: 0x100000, size: 0x7ee0000)]

    @Test func dmaSpansItsSixteenMebibytesWithTheHole() {
        let span = ZoneType.dma.span(over: memory)
        #expect(span.startPFN == 0 && span.spanned == 4096 && span.present == 159 + 3840)
    }

    @Test func dma32EndsWithRAM() {
        let span = ZoneType.dma32.span(over: memory)
        #expect(span.startPFN == 4096 && span.spanned == 0x7fe0 - 4096 && span.present == 0x7fe0 - 4096)
    }

    @Test func zonesWithoutRAMSpanNothing() {
        #expect(ZoneType.normal.span(over: memory).spanned == 0)
        #expect(ZoneType.dma.span(over: [MemblockRegion]()) == (0, 0, 0))
        let high = [MemblockRegion(base: 0x1_0000_0000, size: 0x200000)]
        #expect(ZoneType.dma.span(over: high).present == 0)
        #expect(ZoneType.normal.span(over: high) == (0x100000, 512, 512))
    }
}
