import ABI
import Testing

@testable import Lib

/// Seeded mutations of valid inputs for the parsers that read what a user
/// or a boot loader hands the kernel. Each parser either returns a value or
/// throws its typed error: a trap would end the test process, which the
/// harness reports as a failure. Fixed seeds and counts make every run the
/// same, so a failure replays exactly.
struct Mutator {
    var random: TestRandom
    /// Written as hex text into cpio headers, little-endian into the rest.
    let hexFields: Bool

    static let interestingBytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80]
    static let interestingValues: [UInt64] = [
        0, 1, 0x7F, 0x80, 0xFF, 0xFFF, 0x1000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
        1 << 63, UInt64(Int.max), .max,
    ]

    init(seed: UInt64, hexFields: Bool = false) {
        random = TestRandom(seed: seed)
        self.hexFields = hexFields
    }

    /// `input` with one to four mutations: a flipped bit, an interesting
    /// byte, a field set to an extreme value, a cut at an aligned length, or
    /// the tail replaced by a piece of `donor`.
    mutating func mutate(_ input: [UInt8], donor: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<1 + random.below(4) where !bytes.isEmpty {
            let offset = random.below(bytes.count)
            switch random.below(5) {
            case 0: bytes[offset] ^= 1 << random.below(8)
            case 1: bytes[offset] = Self.interestingBytes[random.below(Self.interestingBytes.count)]
            case 2: setField(&bytes, at: offset)
            case 3: bytes.removeLast(bytes.count - (offset & ~((1 << random.below(5)) - 1)))
            default:
                let start = random.below(donor.count)
                bytes = Array(bytes[..<offset] + donor[start..<min(donor.count, start + random.below(256))])
            }
        }
        return bytes
    }

    private mutating func setField(_ bytes: inout [UInt8], at offset: Int) {
        let value = Self.interestingValues[random.below(Self.interestingValues.count)] &+ UInt64(random.below(3)) &- 1
        if hexFields {
            let text = Array(String(UInt32(truncatingIfNeeded: value), radix: 16, uppercase: true).utf8)
            let field = [UInt8](repeating: UInt8(ascii: "0"), count: 8 - text.count) + text
            let start = min(offset, max(0, bytes.count - 8))
            bytes.replaceSubrange(start..<min(bytes.count, start + 8), with: field)
        } else {
            // A 16-, 32- or 64-bit field, on its natural alignment.
            let width = 1 << (1 + random.below(3))
            guard bytes.count >= width else { return }
            let start = min(offset & ~(width - 1), bytes.count - width)
            switch width {
            case 2: bytes.setLittleEndian(UInt16(truncatingIfNeeded: value), at: start)
            case 4: bytes.setLittleEndian(UInt32(truncatingIfNeeded: value), at: start)
            default: bytes.setLittleEndian(value, at: start)
            }
        }
    }
}

@Suite struct ParserFuzzTests {
    static let cases = 3000

    @Test func elfParserAndLoadPlan() {
        var mutator = Mutator(seed: 0xE1F)
        let originals = [
            TestELF(), TestELF(type: 3, base: 0, programHeaderSegment: false),
            TestELF(type: 3, base: 0, interpreter: "/lib/ld.so"),
        ].map { $0.bytes() }
        var parsed = 0
        for index in 0..<Self.cases {
            let bytes = mutator.mutate(
                originals[index % originals.count], donor: originals[(index + 1) % originals.count])
            guard let executable = try? ELF64Executable(parsing: bytes) else { continue }
            parsed += 1
            let base = Mutator.interestingValues[index % Mutator.interestingValues.count] & ~0xFFF
            if let plan = try? ELFLoadPlan(
                placing: executable, dynamicBase: base, userSpaceLimit: TestELF.userSpaceLimit)
            {
                checkInvariants(plan, fileSize: bytes.count)
            }
        }
        #expect(parsed > 0)
    }

    @Test func cpioNewcReader() {
        var mutator = Mutator(seed: 0xC910, hexFields: true)
        let archive = testArchive([
            TestCpioMember(name: "init", mode: 0o100755, data: Array("#!/bin/sh\n".utf8)),
            TestCpioMember(name: "dev", mode: 0o040755, inode: 2),
            TestCpioMember(name: "bin/sh", mode: 0o120777, data: Array("busybox".utf8), inode: 3),
        ])
        for _ in 0..<Self.cases {
            let bytes = mutator.mutate(archive, donor: archive)
            for entry in readAll(bytes).entries {
                #expect(entry.data.lowerBound >= 0 && entry.data.upperBound <= bytes.count)
            }
        }
    }

    @Test func inflateAndGzip() throws {
        var mutator = Mutator(seed: 0x6219)
        let data = CompressTestData.text(count: 3000, seed: 31) + CompressTestData.random(count: 300, seed: 31)
        let member = try HostGzip.compress(data, level: 9)
        let stored = try HostGzip.compress(CompressTestData.random(count: 200, seed: 32), level: 1)
        let deflate = Array(member[10...])
        for index in 0..<Self.cases {
            let limit = index % 2 == 0 ? data.count : mutator.random.below(data.count)
            if let output = try? Inflate.decompress(mutator.mutate(deflate, donor: stored), maxOutputSize: limit) {
                #expect(output.count <= limit)
            }
            if let output = try? Gzip.decompress(mutator.mutate(member, donor: stored), maxOutputSize: limit) {
                #expect(output.count <= limit)
            }
        }
    }

    @Test func pathWalk() {
        let fs = sampleFilesystem()
        fs.symlink("loop", to: "loop")
        fs.symlink("tmp/up", to: "../tmp/up/x")
        fs.symlink("tmp/self", to: ".")
        let walker = PathWalker(filesystem: fs, root: fs.root)
        let starts = [fs.root, fs["usr/lib"], fs["tmp"], fs["etc/passwd"]]
        let pieces = [
            "etc", "passwd", "usr", "bin", "sh", "lib", "tmp", "abs", "dangling", "to-root", "empty", "loop",
            "up", "self", ".", "..", "", "/", "///", String(repeating: "n", count: 255),
            String(repeating: "n", count: 256),
        ].map { Array($0.utf8) }
        let expected: Set<Errno> = [.ENOENT, .ENOTDIR, .ELOOP, .ENAMETOOLONG, .EISDIR]
        var random = TestRandom(seed: 0xDA7A)
        for index in 0..<Self.cases {
            var path: [UInt8] = random.below(2) == 0 ? [] : [UInt8(ascii: "/")]
            for _ in 0..<random.below(index % 50 == 0 ? 400 : 12) {
                path += pieces[random.below(pieces.count)] + [UInt8(ascii: "/")].dropFirst(random.below(2))
            }
            let start = starts[random.below(starts.count)]
            do {
                switch random.below(3) {
                case 0:
                    let options = PathLookupOptions(rawValue: UInt32(random.below(8)))
                    let node = try walker.lookup(path, from: start, options: options)
                    #expect(!options.contains(.requireDirectory) || node.isDirectory)
                case 1: _ = try walker.lookupParent(path, from: start)
                default: _ = try walker.lookupForCreate(path, from: start, followFinalSymlink: random.below(2) == 0)
                }
            } catch {
                #expect(expected.contains(error), "\(error) for \(String(decoding: path, as: UTF8.self))")
            }
        }
    }
}
