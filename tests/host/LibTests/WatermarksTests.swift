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
}
