import ABI
import Foundation
import Testing

@testable import Lib

/// One program header of a test image, with the raw numbers a linker writes.
struct TestSegment {
    static let phdr: UInt32 = 6, interp: UInt32 = 3, load: UInt32 = 1, tls: UInt32 = 7
    static let note: UInt32 = 4, gnuStack: UInt32 = 0x6474_E551
    static let x: UInt32 = 1, w: UInt32 = 2, r: UInt32 = 4

    var type: UInt32
    var flags: UInt32
    var offset: UInt64 = 0
    var address: UInt64 = 0
    var fileSize: UInt64 = 0
    var memorySize: UInt64 = 0
    var alignment: UInt64 = 0x1000
}

/// A small ELF file written field by field, laid out as a static linker
/// would: header and program headers at the start of a read-execute
/// segment, then a read-write segment with .bss.
///
///     0x000  ELF header, program header table (at most 7 entries)
///     0x1d0  a note, 0x1e0 the interpreter path (if any)
///     0x200  data, 0x100 bytes in the file, 0x3000 in memory
struct TestELF {
    static let userSpaceLimit: UInt64 = 0x7FFF_FFFF_F000
    static let interpreterOffset = 0x1e0

    var type: UInt16
    var entry: UInt64
    var segments: [TestSegment]
    var interpreter: [UInt8]?
    var fileSize = 0x300

    /// Like `gcc -static` (ET_EXEC at `base`) or, with `type` 3 and base 0,
    /// like a static PIE.
    init(
        type: UInt16 = 2, base: UInt64 = 0x40_0000, programHeaderSegment: Bool = true,
        interpreter: String? = nil
    ) {
        self.type = type
        entry = base + 0x100
        self.interpreter = interpreter.map { Array($0.utf8) + [0] }
        let count = 5 + (programHeaderSegment ? 1 : 0) + (interpreter == nil ? 0 : 1)
        var segments: [TestSegment] = []
        if programHeaderSegment {
            let size = UInt64(count * ELFProgramHeader.size)
            segments.append(
                TestSegment(
                    type: TestSegment.phdr, flags: TestSegment.r, offset: 64, address: base + 64,
                    fileSize: size, memorySize: size, alignment: 8))
        }
        if let path = self.interpreter {
            segments.append(
                TestSegment(
                    type: TestSegment.interp, flags: TestSegment.r, offset: UInt64(Self.interpreterOffset),
                    address: base + UInt64(Self.interpreterOffset), fileSize: UInt64(path.count),
                    memorySize: UInt64(path.count), alignment: 1))
        }
        segments += [
            TestSegment(
                type: TestSegment.load, flags: TestSegment.r | TestSegment.x,
                offset: 0, address: base, fileSize: 0x200, memorySize: 0x200),
            TestSegment(
                type: TestSegment.load, flags: TestSegment.r | TestSegment.w,
                offset: 0x200, address: base + 0x1200, fileSize: 0x100, memorySize: 0x3000),
            TestSegment(
                type: TestSegment.tls, flags: TestSegment.r, offset: 0x200,
                address: base + 0x1200, fileSize: 0x10, memorySize: 0x20, alignment: 8),
            TestSegment(type: TestSegment.gnuStack, flags: TestSegment.r | TestSegment.w, alignment: 16),
            TestSegment(
                type: TestSegment.note, flags: TestSegment.r, offset: 0x1d0,
                address: base + 0x1d0, fileSize: 0x10, memorySize: 0x10, alignment: 4),
        ]
        self.segments = segments
    }

    /// Index of the `n`th PT_LOAD in the table.
    func loadIndex(_ n: Int) -> Int {
        segments.indices.filter { segments[$0].type == TestSegment.load }[n]
    }

    func bytes() -> [UInt8] {
        var image = [UInt8](repeating: 0, count: fileSize)
        image.replaceSubrange(0..<7, with: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1])
        image.setLittleEndian(type, at: 16)
        image.setLittleEndian(UInt16(62), at: 18)
        image.setLittleEndian(UInt32(1), at: 20)
        image.setLittleEndian(entry, at: 24)
        image.setLittleEndian(UInt64(64), at: 32)
        image.setLittleEndian(UInt16(64), at: 52)
        image.setLittleEndian(UInt16(ELFProgramHeader.size), at: 54)
        image.setLittleEndian(UInt16(segments.count), at: 56)
        for (index, segment) in segments.enumerated() {
            let base = 64 + index * ELFProgramHeader.size
            image.setLittleEndian(segment.type, at: base)
            image.setLittleEndian(segment.flags, at: base + 4)
            image.setLittleEndian(segment.offset, at: base + 8)
            image.setLittleEndian(segment.address, at: base + 16)
            image.setLittleEndian(segment.address, at: base + 24)
            image.setLittleEndian(segment.fileSize, at: base + 32)
            image.setLittleEndian(segment.memorySize, at: base + 40)
            image.setLittleEndian(segment.alignment, at: base + 48)
        }
        if let interpreter {
            image.replaceSubrange(
                Self.interpreterOffset..<Self.interpreterOffset + interpreter.count,
                with: interpreter)
        }
        return image
    }

    func parse() throws(ELFError) -> ELF64Executable {
        try ELF64Executable(parsing: bytes())
    }
}

/// `#expect` that parsing `bytes` fails with `error`.
private func expectParse(
    _ bytes: [UInt8], throws error: ELFError, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(throws: error, sourceLocation: sourceLocation) { try ELF64Executable(parsing: bytes) }
}

private func plan(_ executable: ELF64Executable, base: UInt64 = 0x5555_5555_4000) throws(ELFError) -> ELFLoadPlan {
    try ELFLoadPlan(placing: executable, dynamicBase: base, userSpaceLimit: TestELF.userSpaceLimit)
}

@Suite struct ELFParsingTests {
    @Test func readsAStaticExecutable() throws {
        let executable = try TestELF().parse()
        #expect(executable.objectType == .executable)
        #expect(executable.entry == 0x40_0100)
        #expect(executable.programHeaders.count == 6)
        #expect(executable.interpreterPath == nil)
        #expect(!executable.isStaticPIE)
        #expect(!executable.hasExecutableStack)
        #expect(executable.programHeaderAddress == 0x40_0040)
        #expect(executable.maximumAlignment == 0x1000)
        #expect(executable.imageSize == 0x5000)
        let loads = executable.loadSegments
        #expect(loads.count == 2)
        #expect(loads[0].permissions == [.read, .execute])
        #expect(loads[1].permissions == [.read, .write])
        #expect(loads[1].virtualAddress == 0x40_1200)
        #expect(loads[1].fileOffset == 0x200)
        #expect(loads[1].fileSize == 0x100)
        #expect(loads[1].memorySize == 0x3000)
        #expect(executable.threadLocalStorage?.memorySize == 0x20)
        #expect(executable.programHeaders.contains { $0.type == .note })
    }

    @Test func findsTheProgramHeadersInsideALoadSegmentWithoutPTPHDR() throws {
        let executable = try TestELF(programHeaderSegment: false).parse()
        #expect(executable.programHeaderAddress == 0x40_0040)
    }

    @Test func reportsNoProgramHeaderAddressWhenNothingLoadsTheTable() throws {
        var elf = TestELF(programHeaderSegment: false)
        elf.segments[elf.loadIndex(0)].offset = 0x1000
        elf.segments[elf.loadIndex(0)].address = 0x40_1000
        elf.segments[elf.loadIndex(0)].fileSize = 0
        elf.segments[elf.loadIndex(0)].memorySize = 0x100
        #expect(try elf.parse().programHeaderAddress == nil)
        #expect(try plan(elf.parse()).programHeaderAddress == 0)
    }

    @Test func readsTheInterpreterPath() throws {
        let executable = try TestELF(type: 3, base: 0, interpreter: "/lib/ld-musl-x86_64.so.1").parse()
        #expect(executable.interpreterPath == Array("/lib/ld-musl-x86_64.so.1".utf8))
        #expect(executable.objectType == .dynamic)
        #expect(!executable.isStaticPIE)
    }

    @Test func interpreterPathEndsAtTheFirstNUL() throws {
        var elf = TestELF(interpreter: "/lib/ld.so")
        elf.interpreter = Array("/lib/ld.so".utf8) + [0, 0, 0]
        elf.segments[1].fileSize = 14
        #expect(try elf.parse().interpreterPath == Array("/lib/ld.so".utf8))
    }

    @Test func executableStackComesFromTheLastGNUStack() throws {
        var elf = TestELF()
        elf.segments.append(
            TestSegment(type: TestSegment.gnuStack, flags: TestSegment.r | TestSegment.w | TestSegment.x))
        #expect(try elf.parse().hasExecutableStack)
        elf.segments.removeAll { $0.type == TestSegment.gnuStack }
        #expect(try !elf.parse().hasExecutableStack)
    }

    @Test func largestPowerOfTwoAlignmentWins() throws {
        var elf = TestELF()
        elf.segments[elf.loadIndex(0)].alignment = 0x20_0000
        elf.segments[elf.loadIndex(1)].alignment = 0x30_0000
        #expect(try elf.parse().maximumAlignment == 0x20_0000)
        elf.segments[elf.loadIndex(0)].alignment = 0
        #expect(try elf.parse().maximumAlignment == 0x1000)
    }

    // MARK: - The header

    @Test func refusesABadHeader() {
        let good = TestELF().bytes()
        func corrupted(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
            var bytes = good
            change(&bytes)
            return bytes
        }
        expectParse([], throws: .notELF)
        expectParse(Array("#!/bin/sh\n".utf8), throws: .notELF)
        expectParse(Array(good[..<3]), throws: .notELF)
        expectParse(Array(good[..<63]), throws: .truncatedHeader)
        expectParse(corrupted { $0[1] = 0x65 }, throws: .notELF)
        expectParse(corrupted { $0[4] = 1 }, throws: .unsupportedClass(1))
        expectParse(corrupted { $0[5] = 2 }, throws: .unsupportedByteOrder(2))
        expectParse(corrupted { $0[6] = 0 }, throws: .unsupportedVersion)
        expectParse(corrupted { $0.setLittleEndian(UInt32(2), at: 20) }, throws: .unsupportedVersion)
        expectParse(corrupted { $0.setLittleEndian(UInt16(3), at: 18) }, throws: .wrongMachine(3))
        expectParse(corrupted { $0.setLittleEndian(UInt16(1), at: 16) }, throws: .notExecutable(1))
        expectParse(corrupted { $0.setLittleEndian(UInt16(4), at: 16) }, throws: .notExecutable(4))
        expectParse(corrupted { $0.setLittleEndian(UInt16(32), at: 54) }, throws: .badProgramHeaderEntrySize(32))
        expectParse(corrupted { $0.setLittleEndian(UInt16(0), at: 56) }, throws: .badProgramHeaderCount(0))
        expectParse(corrupted { $0.setLittleEndian(UInt16(1171), at: 56) }, throws: .badProgramHeaderCount(1171))
        expectParse(corrupted { $0.setLittleEndian(UInt16.max, at: 56) }, throws: .badProgramHeaderCount(.max))
        // 1170 entries are within Linux's 64 KiB but not within this file.
        expectParse(corrupted { $0.setLittleEndian(UInt16(1170), at: 56) }, throws: .programHeadersOutsideFile)
        for offset: UInt64 in [0x2F0, 0x1_0000_0000, UInt64(Int.max) - 8, 1 << 63, .max] {
            expectParse(corrupted { $0.setLittleEndian(offset, at: 32) }, throws: .programHeadersOutsideFile)
        }
    }

    @Test func headerErrorsAreENOEXECSoExecCanTryAnotherFormat() {
        for error: ELFError in [
            .notELF, .truncatedHeader, .wrongMachine(3), .notExecutable(1),
            .badProgramHeaderCount(0), .programHeadersOutsideFile, .badInterpreterPath,
            .noLoadableSegments, .segmentOutsideFile(1),
        ] {
            #expect(error.errno == .ENOEXEC)
        }
        for error: ELFError in [
            .segmentMisaligned(1), .segmentFileSizeExceedsMemorySize(1), .segmentWraps(1),
            .segmentOverlapsPrevious(1), .segmentOutsideUserSpace(1), .entryOutsideUserSpace,
        ] {
            #expect(error.errno == .EINVAL)
        }
        #expect(ELFError.readFailed(.EIO).errno == .EIO)
    }

    // MARK: - Segments

    @Test func refusesInconsistentLoadSegments() {
        let elf = TestELF()
        let text = elf.loadIndex(0), data = elf.loadIndex(1)
        func corrupted(_ change: (inout TestELF) -> Void) -> [UInt8] {
            var copy = elf
            change(&copy)
            return copy.bytes()
        }
        expectParse(
            corrupted { $0.segments[data].memorySize = 0x80 },
            throws: .segmentFileSizeExceedsMemorySize(data))
        expectParse(corrupted { $0.segments[data].offset = 0x204 }, throws: .segmentMisaligned(data))
        expectParse(
            corrupted {
                $0.segments[data].fileSize = 0x101; $0.segments[data].memorySize = 0x101
            },
            throws: .segmentOutsideFile(data))
        expectParse(
            corrupted { $0.segments[data].offset = 0xFFFF_FFFF_FFFF_F200 },
            throws: .segmentOutsideFile(data))
        expectParse(
            corrupted {
                $0.segments[data].fileSize = .max; $0.segments[data].memorySize = .max
            },
            throws: .segmentWraps(data))
        expectParse(
            corrupted { $0.segments[data].address = 0xFFFF_FFFF_FFFF_F200 },
            throws: .segmentWraps(data))
        // The end fits in 64 bits, but rounding it up to a page does not.
        expectParse(
            corrupted {
                $0.segments[data].address = 0xFFFF_FFFF_FFFF_E200
                $0.segments[data].memorySize = 0x1D00
            }, throws: .segmentWraps(data))
        expectParse(
            corrupted {
                $0.segments[data].address = 0x40_01F0; $0.segments[data].offset = 0x1F0
            },
            throws: .segmentOverlapsPrevious(data))
        expectParse(corrupted { $0.segments.swapAt(text, data) }, throws: .segmentOverlapsPrevious(data))
        expectParse(
            corrupted {
                $0.segments[text].type = 0; $0.segments[data].type = 0
            },
            throws: .noLoadableSegments)
        #expect(ELFError.segmentMisaligned(data).errno == .EINVAL)
    }

    @Test func acceptsWhatLinuxAccepts() throws {
        var elf = TestELF()
        let data = elf.loadIndex(1)
        // Pure .bss: its offset is never used, so it need not line up.
        elf.segments[data].offset = 0x123
        elf.segments[data].fileSize = 0
        #expect(try elf.parse().loadSegments.count == 2)
        // Segments may touch and share a page.
        elf = TestELF()
        elf.segments[data].address = 0x40_0200
        let executable = try elf.parse()
        let placed = try plan(executable)
        #expect(placed.mappings[0].pages == 0x40_0000..<0x40_1000)
        #expect(placed.mappings[1].pages == 0x40_0000..<0x40_4000)
    }

    @Test func refusesABadInterpreterPath() {
        let elf = TestELF(interpreter: "/lib/ld.so")
        func corrupted(_ change: (inout TestELF) -> Void) -> [UInt8] {
            var copy = elf
            change(&copy)
            return copy.bytes()
        }
        expectParse(corrupted { $0.interpreter![10] = 0x41 }, throws: .badInterpreterPath)
        expectParse(
            corrupted {
                $0.interpreter = [0, 0]; $0.segments[1].fileSize = 2
            }, throws: .badInterpreterPath)
        expectParse(corrupted { $0.segments[1].fileSize = 1 }, throws: .badInterpreterPath)
        expectParse(corrupted { $0.segments[1].fileSize = 4097 }, throws: .badInterpreterPath)
        expectParse(corrupted { $0.segments[1].offset = 0x2F8 }, throws: .badInterpreterPath)
        expectParse(corrupted { $0.segments[1].offset = .max }, throws: .badInterpreterPath)
    }

    // MARK: - Reading

    @Test func readErrorsAreReported() {
        let failing = RecordingSource(TestELF().bytes())
        failing.failingOffset = 64
        #expect(throws: ELFError.readFailed(.EIO)) { try ELF64Executable(parsing: failing) }
        let short = RecordingSource(TestELF().bytes())
        short.returnsShortReads = true
        #expect(throws: ELFError.readFailed(.EIO)) { try ELF64Executable(parsing: short) }
        #expect(ELFError.readFailed(.EIO).errno == .EIO)
    }

    @Test func everyTruncationIsAnError() {
        let bytes = TestELF(interpreter: "/lib/ld.so").bytes()
        for length in 0..<bytes.count {
            #expect(throws: ELFError.self) { try ELF64Executable(parsing: Array(bytes[..<length])) }
        }
    }

    /// Thousands of random corruptions of valid images: each must parse or
    /// throw, and whatever parses must plan into sane mappings or throw.
    @Test(arguments: [1, 2, 3, 4])
    func survivesRandomCorruption(seed: UInt64) {
        var random = TestRandom(seed: seed)
        let originals = [
            TestELF(), TestELF(type: 3, base: 0, programHeaderSegment: false),
            TestELF(type: 3, base: 0, interpreter: "/lib/ld.so"),
        ].map { $0.bytes() }
        let interesting: [UInt64] = [
            0, 1, 0xFFF, 0x1000, 0x1001, 0x7FFF_FFFF_F000, 1 << 63,
            .max, .max - 0xFFF, UInt64(Int.max),
        ]
        var parsed = 0
        for _ in 0..<5000 {
            var bytes = originals.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                // Mostly the header and program header table, where the
                // numbers are; sometimes whole fields with extreme values.
                let offset = Int.random(in: 0..<0x1d0, using: &random)
                if Bool.random(using: &random) {
                    bytes[offset] = UInt8.random(in: 0...255, using: &random)
                } else {
                    let fieldOffset = min(offset & ~7, bytes.count - 8)
                    let value =
                        Bool.random(using: &random)
                        ? interesting.randomElement(using: &random)! : random.next()
                    bytes.setLittleEndian(value, at: fieldOffset)
                }
            }
            if Int.random(in: 0..<8, using: &random) == 0 {
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &random))
            }
            guard let executable = try? ELF64Executable(parsing: bytes) else { continue }
            parsed += 1
            let base = interesting.randomElement(using: &random)! & ~0xFFF
            if let placed = try? ELFLoadPlan(
                placing: executable, dynamicBase: base,
                userSpaceLimit: TestELF.userSpaceLimit)
            {
                checkInvariants(placed, fileSize: bytes.count)
            }
        }
        #expect(parsed > 0)
    }

    @Test func readsOnlyTheHeaderTableAndInterpreter() throws {
        let source = RecordingSource(TestELF(interpreter: "/lib/ld.so").bytes())
        _ = try ELF64Executable(parsing: source)
        #expect(source.reads.map { $0.count } == [64, 7 * 56, 11])
    }
}

/// What every successful plan promises the kernel.
func checkInvariants(_ plan: ELFLoadPlan, fileSize: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    func isPageAligned(_ value: UInt64) -> Bool { value % pageSize == 0 }
    func within(_ inner: Range<UInt64>, _ outer: Range<UInt64>) -> Bool {
        outer.lowerBound <= inner.lowerBound && inner.upperBound <= outer.upperBound
    }
    #expect(!plan.mappings.isEmpty, sourceLocation: sourceLocation)
    var previousEnd: UInt64 = 0
    for mapping in plan.mappings {
        #expect(
            isPageAligned(mapping.pages.lowerBound) && isPageAligned(mapping.pages.upperBound),
            sourceLocation: sourceLocation)
        #expect(mapping.pages.upperBound <= TestELF.userSpaceLimit, sourceLocation: sourceLocation)
        // Neighbours may share at most one page.
        #expect(mapping.pages.lowerBound + pageSize >= previousEnd, sourceLocation: sourceLocation)
        previousEnd = mapping.pages.upperBound
        if let file = mapping.fileBacked {
            #expect(!file.addresses.isEmpty && within(file.addresses, mapping.pages), sourceLocation: sourceLocation)
            #expect(
                isPageAligned(file.fileOffset) && isPageAligned(file.addresses.upperBound),
                sourceLocation: sourceLocation)
            #expect(file.fileOffset < UInt64(fileSize), sourceLocation: sourceLocation)
            #expect(file.addresses.lowerBound == mapping.pages.lowerBound, sourceLocation: sourceLocation)
        }
        if let zeroFill = mapping.zeroFill {
            // The rest of the last file page, never more.
            let filePages = mapping.fileBacked?.addresses
            #expect(
                filePages.map { within(zeroFill, $0) && zeroFill.upperBound == $0.upperBound } ?? false,
                sourceLocation: sourceLocation)
        }
        if let anonymous = mapping.anonymous {
            #expect(
                isPageAligned(anonymous.lowerBound) && within(anonymous, mapping.pages)
                    && anonymous.upperBound == mapping.pages.upperBound, sourceLocation: sourceLocation)
            #expect(
                anonymous.lowerBound == (mapping.fileBacked?.addresses.upperBound ?? mapping.pages.lowerBound),
                sourceLocation: sourceLocation)
        }
    }
    #expect(plan.imageRange.lowerBound == plan.mappings[0].pages.lowerBound, sourceLocation: sourceLocation)
    #expect(plan.brkStart == previousEnd && plan.imageRange.upperBound == previousEnd, sourceLocation: sourceLocation)
    #expect(plan.entry < TestELF.userSpaceLimit, sourceLocation: sourceLocation)
}

@Suite struct ELFLoadPlanTests {
    @Test func placesAStaticExecutableAtItsOwnAddresses() throws {
        // The base is for ET_DYN only.
        let placed = try plan(TestELF().parse(), base: 0x7F00_0000_0000)
        #expect(placed.loadBias == 0)
        #expect(placed.mappings.count == 2)
        let text = placed.mappings[0], data = placed.mappings[1]
        #expect(text.programHeaderIndex == 1)
        #expect(text.permissions == [.read, .execute])
        #expect(text.fileBacked == .init(addresses: 0x40_0000..<0x40_1000, fileOffset: 0))
        #expect(text.zeroFill == nil)
        #expect(text.anonymous == nil)
        #expect(data.pages == 0x40_1000..<0x40_5000)
        #expect(data.fileBacked == .init(addresses: 0x40_1000..<0x40_2000, fileOffset: 0))
        #expect(data.zeroFill == 0x40_1300..<0x40_2000)
        #expect(data.anonymous == 0x40_2000..<0x40_5000)
        #expect(data.anonymousPermissions == [.read, .write])
        #expect(placed.imageRange == 0x40_0000..<0x40_5000)
        #expect(placed.brkStart == 0x40_5000)
        #expect(
            placed.auxiliaryValues(interpreter: nil)
                == .init(
                    programHeaderAddress: 0x40_0040, programHeaderEntrySize: 56, programHeaderCount: 6,
                    entry: 0x40_0100, interpreterBase: 0, startAddress: 0x40_0100))
        checkInvariants(placed, fileSize: 0x300)
    }

    @Test func placesAStaticPIEAtTheBase() throws {
        let executable = try TestELF(type: 3, base: 0, programHeaderSegment: false).parse()
        #expect(executable.isStaticPIE)
        // An unaligned base is rounded down to the alignment.
        let placed = try plan(executable, base: 0x7F12_3456_7ABC)
        #expect(placed.loadBias == 0x7F12_3456_7000)
        #expect(placed.entry == 0x7F12_3456_7100)
        #expect(placed.programHeaderAddress == 0x7F12_3456_7040)
        #expect(placed.mappings[1].zeroFill == 0x7F12_3456_8300..<0x7F12_3456_9000)
        #expect(placed.imageRange == 0x7F12_3456_7000..<0x7F12_3456_7000 + executable.imageSize)
        checkInvariants(placed, fileSize: 0x300)
    }

    @Test func keepsTheLinkedAlignment() throws {
        var elf = TestELF(type: 3, base: 0x20_0000)
        elf.segments[elf.loadIndex(0)].alignment = 0x20_0000
        let executable = try elf.parse()
        #expect(executable.imageSize == 0x5000)
        let placed = try plan(executable, base: 0x7F00_0012_3000)
        #expect(placed.loadBias == 0x7F00_0000_0000 - 0x20_0000)
        #expect(placed.imageRange.lowerBound == 0x7F00_0000_0000)
    }

    @Test func segmentsWithoutFileBytesAreAnonymous() throws {
        var elf = TestELF()
        let data = elf.loadIndex(1)
        elf.segments[data].fileSize = 0
        elf.segments[data].address = 0x40_1234
        let mapping = try plan(elf.parse()).mappings[1]
        #expect(mapping.fileBacked == nil)
        #expect(mapping.zeroFill == nil)
        #expect(mapping.anonymous == 0x40_1000..<0x40_5000)
    }

    @Test func fileBytesEndingOnAPageNeedNoZeroFill() throws {
        var elf = TestELF()
        let data = elf.loadIndex(1)
        elf.fileSize = 0x1000
        elf.segments[data].fileSize = 0xE00
        let mapping = try plan(elf.parse()).mappings[1]
        #expect(mapping.fileBacked?.addresses == 0x40_1000..<0x40_2000)
        #expect(mapping.zeroFill == nil)
        #expect(mapping.anonymous == 0x40_2000..<0x40_5000)
    }

    @Test func executableSegmentsKeepExecuteOnTheirBSS() throws {
        var elf = TestELF()
        elf.segments[elf.loadIndex(1)].flags = TestSegment.r | TestSegment.x
        #expect(try plan(elf.parse()).mappings[1].anonymousPermissions == [.read, .write, .execute])
    }

    @Test func interpreterSuppliesTheBaseAndTheStart() throws {
        let program = try plan(
            TestELF(type: 3, base: 0, interpreter: "/lib/ld.so").parse(),
            base: 0x5555_5555_4000)
        let interpreter = try plan(
            TestELF(type: 3, base: 0, programHeaderSegment: false).parse(),
            base: 0x7F00_0000_0000)
        let values = program.auxiliaryValues(interpreter: interpreter)
        #expect(values.interpreterBase == 0x7F00_0000_0000)
        #expect(values.startAddress == 0x7F00_0000_0100)
        #expect(values.entry == 0x5555_5555_4100)
        #expect(values.programHeaderAddress == 0x5555_5555_4040)
        #expect(values.programHeaderCount == 7)
    }

    @Test func refusesToPlaceAboveTheLimit() throws {
        let high = try TestELF(base: 0x7FFF_FFFF_C000).parse()
        #expect(throws: ELFError.segmentOutsideUserSpace(2)) { try plan(high) }
        let pie = try TestELF(type: 3, base: 0).parse()
        #expect(throws: ELFError.segmentOutsideUserSpace(1)) { try plan(pie, base: TestELF.userSpaceLimit) }
        #expect(throws: ELFError.segmentOutsideUserSpace(2)) { try plan(pie, base: 0x7FFF_FFFF_D000) }
        #expect(throws: ELFError.segmentOutsideUserSpace(1)) { try plan(pie, base: 0xFFFF_FFFF_FFFF_E000) }
        var farEntry = TestELF()
        farEntry.entry = TestELF.userSpaceLimit
        #expect(throws: ELFError.entryOutsideUserSpace) { try plan(farEntry.parse()) }
        #expect(ELFError.entryOutsideUserSpace.errno == .EINVAL)
    }
}

// MARK: - Real programs

/// What binutils' readelf says about a file, to check the parser against.
private struct ReadelfReport {
    struct Load: Equatable {
        let offset, address, fileSize, memorySize, alignment: UInt64
        let flags: String
    }

    var isExecutable = false
    var entry: UInt64 = 0
    var loads: [Load] = []
    var interpreter: String?

    init(path: String) throws {
        let output = String(decoding: try HostTool.run("readelf", ["-hlW", path]), as: UTF8.self)
        func hex(_ text: Substring) -> UInt64 { UInt64(text.dropFirst(2), radix: 16) ?? .max }
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if line.contains("Type:") && words.count >= 2 {
                isExecutable = words[1] == "EXEC"
            } else if line.contains("Entry point address:"), let last = words.last {
                entry = hex(last)
            } else if words.first == "LOAD" {
                loads.append(
                    Load(
                        offset: hex(words[1]), address: hex(words[2]), fileSize: hex(words[4]),
                        memorySize: hex(words[5]), alignment: hex(words[words.count - 1]),
                        flags: words[6..<words.count - 1].joined()))
            } else if let range = line.range(of: "[Requesting program interpreter: ") {
                interpreter = String(line[range.upperBound...].dropLast())
            }
        }
    }
}

private func flags(_ permissions: ELFSegmentPermissions) -> String {
    (permissions.contains(.read) ? "R" : "") + (permissions.contains(.write) ? "W" : "")
        + (permissions.contains(.execute) ? "E" : "")
}

/// Parses `bytes`, read from `path`, and checks the result against readelf.
private func parseAndCompareWithReadelf(_ bytes: [UInt8], path: String) throws -> ELF64Executable {
    let executable = try ELF64Executable(parsing: bytes)
    let report = try ReadelfReport(path: path)
    #expect((executable.objectType == .executable) == report.isExecutable)
    #expect(executable.entry == report.entry)
    #expect(executable.interpreterPath.map { String(decoding: $0, as: UTF8.self) } == report.interpreter)
    #expect(
        executable.loadSegments.map {
            ReadelfReport.Load(
                offset: $0.fileOffset, address: $0.virtualAddress, fileSize: $0.fileSize,
                memorySize: $0.memorySize, alignment: $0.alignment, flags: flags($0.permissions))
        } == report.loads)
    return executable
}

@Suite struct ELFRealProgramTests {
    static let hasReadelf = HostTool.isInstalled("readelf")

    @Test(
        .enabled(
            if: FileManager.default.fileExists(atPath: "/bin/busybox") && hasReadelf,
            "needs Debian's busybox-static at /bin/busybox and readelf"))
    func readsBusybox() throws {
        let source = RecordingSource(Array(try Data(contentsOf: URL(fileURLWithPath: "/bin/busybox"))))
        let executable = try parseAndCompareWithReadelf(source.bytes, path: "/bin/busybox")
        #expect(executable.interpreterPath == nil)
        #expect(executable.loadSegments.count >= 2)
        #expect(executable.programHeaders.contains { $0.type == .gnuReadOnlyAfterRelocation })
        let placed = try plan(executable)
        checkInvariants(placed, fileSize: source.count)
        #expect(
            placed.mappings.contains { mapping in
                mapping.permissions.contains(.execute)
                    && mapping.fileBacked.map { $0.addresses.contains(placed.entry) } ?? false
            })
        // Parsing touches the header, the table and nothing else of a 2 MB file.
        _ = try ELF64Executable(parsing: source)
        #expect(source.bytesRead == 64 + executable.programHeaders.count * ELFProgramHeader.size)
        // Truncated anywhere inside its segments, it is refused.
        let fileEnd = executable.loadSegments.map { Int($0.fileOffset + $0.fileSize) }.max()!
        var random = TestRandom(seed: 7)
        for _ in 0..<200 {
            let length = Int.random(in: 0..<fileEnd, using: &random)
            #expect(throws: ELFError.self) { try ELF64Executable(parsing: Array(source.bytes[..<length])) }
        }
    }

    /// A C program that prints what the host kernel put in its auxiliary vector.
    static let auxvProgram = """
        #include <stdio.h>
        #include <sys/auxv.h>
        int main(void) {
            printf("%lx %lx %lx %lx\\n", getauxval(AT_PHDR), getauxval(AT_PHENT),
                   getauxval(AT_PHNUM), getauxval(AT_ENTRY));
            return 0;
        }
        """

    /// Compiles the auxv program with `compiler` and `arguments`, checks the
    /// parser against readelf, then runs it and checks that the plan predicts
    /// the auxiliary vector Linux gave it. Position-independent programs land
    /// at a random bias; the plan is made at the same bias.
    private func compileAndCompare(_ compiler: String, _ arguments: [String]) throws -> ELF64Executable {
        let directory = try HostTool.temporaryDirectory("elf")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.auxvProgram.write(to: directory.appendingPathComponent("auxv.c"), atomically: true, encoding: .utf8)
        try HostTool.run(compiler, arguments + ["-o", "auxv"], in: directory)
        let path = directory.appendingPathComponent("auxv").path
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let executable = try parseAndCompareWithReadelf(bytes, path: path)

        let output = String(decoding: try HostTool.run(path, []), as: UTF8.self)
        let values = output.split(whereSeparator: \.isWhitespace).compactMap { UInt64($0, radix: 16) }
        try #require(values.count == 4)
        let bias = values[3] &- executable.entry
        let placed = try plan(executable, base: bias)
        let predicted = placed.auxiliaryValues(interpreter: nil)
        #expect(
            [
                predicted.programHeaderAddress, predicted.programHeaderEntrySize,
                predicted.programHeaderCount, predicted.entry,
            ] == values)
        checkInvariants(placed, fileSize: bytes.count)
        return executable
    }

    @Test(.enabled(if: HostTool.isInstalled("gcc") && hasReadelf, "needs gcc and readelf"))
    func gccStatic() throws {
        let executable = try compileAndCompare("gcc", ["-static", "auxv.c"])
        #expect(executable.objectType == .executable)
        #expect(executable.interpreterPath == nil)
    }

    @Test(.enabled(if: HostTool.isInstalled("gcc") && hasReadelf, "needs gcc and readelf"))
    func gccStaticPIE() throws {
        let executable = try compileAndCompare("gcc", ["-static-pie", "auxv.c"])
        #expect(executable.isStaticPIE)
        // It relocates itself, from its own dynamic section.
        #expect(executable.programHeaders.contains { $0.type == .dynamic })
    }

    @Test(.enabled(if: HostTool.isInstalled("gcc") && hasReadelf, "needs gcc and readelf"))
    func gccDynamicPIEHasAnInterpreter() throws {
        let executable = try compileAndCompare("gcc", ["-pie", "-fPIE", "auxv.c"])
        #expect(executable.objectType == .dynamic)
        #expect(executable.interpreterPath.map { String(decoding: $0, as: UTF8.self) }?.hasPrefix("/lib") == true)
    }

    @Test(.enabled(if: HostTool.isInstalled("musl-gcc") && hasReadelf, "needs musl-gcc and readelf"))
    func muslStatic() throws {
        let executable = try compileAndCompare("musl-gcc", ["-static", "auxv.c"])
        #expect(executable.objectType == .executable)
        #expect(executable.interpreterPath == nil)
    }

    /// Debian's musl-gcc specs ignore -static-pie (they always link Scrt1.o
    /// and name a dynamic linker), so the static PIE is linked by hand the
    /// way musl's own build documents: rcrt1.o, -static -pie, no interpreter.
    static let muslLibraryDirectory: String? = {
        guard HostTool.isInstalled("musl-gcc"), HostTool.isInstalled("gcc"),
            let wrapper = try? HostTool.run("sh", ["-c", "cat \"$(command -v musl-gcc)\""]),
            let specs = String(decoding: wrapper, as: UTF8.self).split(separator: "\"")
                .first(where: { $0.hasSuffix("musl-gcc.specs") })
        else { return nil }
        let directory = (String(specs) as NSString).deletingLastPathComponent
        return FileManager.default.fileExists(atPath: directory + "/rcrt1.o") ? directory : nil
    }()

    @Test(.enabled(if: muslLibraryDirectory != nil && hasReadelf, "needs musl-gcc with rcrt1.o, and readelf"))
    func muslStaticPIE() throws {
        let musl = try #require(Self.muslLibraryDirectory)
        func gccFile(_ name: String) throws -> String {
            String(decoding: try HostTool.run("gcc", ["-print-file-name=\(name)"]), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let executable = try compileAndCompare(
            "musl-gcc",
            [
                "-fPIE", "-nostartfiles", "-Wl,-static", "-Wl,-pie", "-Wl,--no-dynamic-linker",
                "\(musl)/rcrt1.o", "\(musl)/crti.o", try gccFile("crtbeginS.o"),
                "-x", "c", "auxv.c", "-x", "none", try gccFile("crtendS.o"), "\(musl)/crtn.o",
            ])
        #expect(executable.isStaticPIE)
    }
}
