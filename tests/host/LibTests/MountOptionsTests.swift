import Testing

@testable import Lib

@Suite struct MountOptionsTests {
    @Test func splitsNamesAndValues() {
        let options = MountOptions(parsing: Array("size=1m,,noswap,mode=,uid=0".utf8))
        #expect(options.options.map(\.name) == ["size", "noswap", "mode", "uid"])
        #expect(options.options.map(\.value) == ["1m", nil, "", "0"])
        #expect(MountOptions(parsing: []).options.isEmpty)
    }

    /// Linux: memparse's suffixes, and shmem's percentage of RAM.
    @Test func sizesTakeBinarySuffixesAndPercentages() {
        #expect(MountOptions.parseSize("4096", percentOf: 0) == 4096)
        #expect(MountOptions.parseSize("64k", percentOf: 0) == 65536)
        #expect(MountOptions.parseSize("2M", percentOf: 0) == 2 << 20)
        #expect(MountOptions.parseSize("1g", percentOf: 0) == 1 << 30)
        #expect(MountOptions.parseSize("50%", percentOf: 1000) == 500)
        #expect(MountOptions.parseSize("101%", percentOf: 1000) == nil)
        #expect(MountOptions.parseSize("16e", percentOf: 0) == nil)
        #expect(MountOptions.parseSize("", percentOf: 0) == nil)
        #expect(MountOptions.parseSize("k", percentOf: 0) == nil)
        #expect(MountOptions.parseSize("1x", percentOf: 0) == nil)
        #expect(MountOptions.parseSize("99999999999999999999", percentOf: 0) == nil)
    }

    @Test func octalAndDecimalNumbers() {
        #expect(MountOptions.parseOctal("1777") == 0o1777)
        #expect(MountOptions.parseOctal("0750") == 0o750)
        #expect(MountOptions.parseOctal("8") == nil)
        #expect(MountOptions.parseDecimal("65534") == 65534)
        #expect(MountOptions.parseDecimal("-1") == nil)
    }
}
