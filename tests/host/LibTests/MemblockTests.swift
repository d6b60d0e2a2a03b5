import Testing

@testable import Lib

/// The regions of a table as (base, end) pairs, for compact expectations.
private func spans(_ table: MemblockRegionTable) -> [Range<UInt64>] {
    table.map { $0.base..<$0.end }
}

private func freeSpans(_ memblock: Memblock) -> [Range<UInt64>] {
    var result: [Range<UInt64>] = []
    memblock.forEachFreeRange { result.append($0.base..<$0.end) }
    return result
}

/// The reference model: one flag per page for "is RAM" and one for "is reserved".
private struct PageModel {
    static let pages = 512
    /// Ranges start below `pages` but may reach a little above.
    var memory = Array(repeating: false, count: pages + 32)
    var reserved = Array(repeating: false, count: pages + 32)

    func isFree(_ page: Int) -> Bool { memory[page] && !reserved[page] }

    /// Maximal runs of pages for which `test` holds, as byte ranges.
    func runs(where test: (Int) -> Bool) -> [Range<UInt64>] {
        var result: [Range<UInt64>] = []
        var page = 0
        while page < memory.count {
            guard test(page) else {
                page += 1
                continue
            }
            let first = page
            while page < memory.count && test(page) { page += 1 }
            result.append((UInt64(first) * pageSize)..<(UInt64(page) * pageSize))
        }
        return result
    }

    /// Brute force: the highest aligned start of `pageCount` free pages ending at or below `limit`.
    func highestFit(pageCount: Int, align: UInt64, limit: UInt64) -> UInt64? {
        let alignPages = Int(align / pageSize)
        let ceiling = min(Int(limit / pageSize), memory.count)
        guard ceiling >= pageCount else { return nil }
        var first = (ceiling - pageCount) / alignPages * alignPages
        while first >= 0 {
            if (first..<(first + pageCount)).allSatisfy(isFree) { return UInt64(first) * pageSize }
            first -= alignPages
        }
        return nil
    }
}

@Suite struct MemblockTests {
    @Test func mergesOverlappingAndTouchingRanges() throws {
        var memblock = Memblock()
        try memblock.addMemory(base: 0x10000, size: 0x2000)
        try memblock.addMemory(base: 0x20000, size: 0x1000)
        #expect(spans(memblock.memory) == [0x10000..<0x12000, 0x20000..<0x21000])
        try memblock.addMemory(base: 0x12000, size: 0x1000)  // touches the first
        try memblock.addMemory(base: 0x1f000, size: 0x1800)  // overlaps the second
        #expect(spans(memblock.memory) == [0x10000..<0x13000, 0x1f000..<0x21000])
        try memblock.addMemory(base: 0x5000, size: 0x1000)  // new first region
        try memblock.addMemory(base: 0x11000, size: 0xf000)  // bridges two regions
        #expect(spans(memblock.memory) == [0x5000..<0x6000, 0x10000..<0x21000])
        #expect(memblock.totalMemory == 0x1000 + 0x11000)
        #expect(memblock.memoryStart == 0x5000)
        #expect(memblock.memoryEnd == 0x21000)
        try memblock.addMemory(base: 0, size: 0x40000)  // swallows everything
        #expect(spans(memblock.memory) == [0..<0x40000])
        #expect(memblock.totalMemory == 0x40000)
    }

    @Test func keepsWholePages() throws {
        var memblock = Memblock()
        // RAM shrinks to the pages inside it...
        try memblock.addMemory(base: 0x1800, size: 0x2000)
        try memblock.addMemory(base: 0x8001, size: 0xffe)  // no whole page inside
        #expect(spans(memblock.memory) == [0x2000..<0x3000])
        // ...reservations grow to the pages they touch.
        try memblock.reserve(base: 0x5fff, size: 2)
        #expect(spans(memblock.reserved) == [0x5000..<0x7000])
        try memblock.reserve(base: 0x9001, size: 0)
        #expect(memblock.reserved.count == 1)
        // Allocations are whole pages.
        try memblock.addMemory(base: 0x100000, size: 0x100000)
        let small = try memblock.allocate(size: 10)
        #expect(small == 0x1ff000)
        #expect(memblock.totalReserved == 0x2000 + 0x1000)
    }

    @Test func capsRangesAtTheTopOfTheAddressSpace() throws {
        var memblock = Memblock()
        try memblock.addMemory(base: UInt64.max - 0x2fff, size: 0x10000)
        try memblock.reserve(base: UInt64.max - 10, size: 100)
        #expect(spans(memblock.memory) == [(UInt64.max - 0x2fff)..<(UInt64.max - 0xfff)])
        #expect(spans(memblock.reserved).isEmpty)
        #expect(throws: MemblockError.outOfMemory) { try memblock.allocate(size: UInt64.max) }
    }

    @Test func allocatesTopDownWithinAlignmentAndLimit() throws {
        var memblock = Memblock()
        try memblock.addMemory(base: 0x100000, size: 0x700000)  // 1 MiB ..< 8 MiB
        try memblock.reserve(base: 0x700000, size: 0x100000)  // 7 MiB ..< 8 MiB

        #expect(try memblock.allocate(size: 0x3000) == 0x6fd000)
        // The next one sits right below it.
        #expect(try memblock.allocate(size: 0x1000) == 0x6fc000)
        // Alignment rounds down.
        #expect(try memblock.allocate(size: 0x1000, align: 0x200000) == 0x600000)
        // The limit caps the end.
        #expect(try memblock.allocate(size: 0x2000, limit: 0x201000) == 0x1ff000)
        #expect(try memblock.allocate(size: 0x1000, limit: 0x1ff800) == 0x1fe000)
        // Reservations merged with the neighbours they touch.
        #expect(spans(memblock.reserved) == [0x1fe000..<0x201000, 0x600000..<0x601000, 0x6fc000..<0x800000])
        #expect(freeSpans(memblock) == [0x100000..<0x1fe000, 0x201000..<0x600000, 0x601000..<0x6fc000])
    }

    @Test func reportsExhaustionWithoutChangingState() throws {
        var memblock = Memblock()
        try memblock.addMemory(base: 0x100000, size: 0x10000)
        try memblock.reserve(base: 0x104000, size: 0x1000)
        let before = (spans(memblock.memory), spans(memblock.reserved))
        #expect(throws: MemblockError.outOfMemory) { try memblock.allocate(size: 0xc000) }
        #expect(throws: MemblockError.outOfMemory) { try memblock.allocate(size: 0x1000, limit: 0x100fff) }
        #expect(throws: MemblockError.outOfMemory) { try memblock.allocate(size: 0x2000, align: 0x1000000) }
        #expect(spans(memblock.memory) == before.0 && spans(memblock.reserved) == before.1)
        // The largest hole still fits.
        #expect(try memblock.allocate(size: 0xb000) == 0x105000)
    }

    @Test func reportsAFullTableWithoutChangingState() throws {
        var memblock = Memblock()
        let capacity = UInt64(MemblockRegionTable.capacity)
        for index in 0..<capacity {
            try memblock.addMemory(base: index * 0x10000, size: 0x4000)
            try memblock.reserve(base: index * 0x10000 + 0x8000, size: 0x1000)
        }
        let before = (spans(memblock.memory), spans(memblock.reserved))
        #expect(throws: MemblockError.tableFull) { try memblock.addMemory(base: capacity * 0x10000, size: 0x1000) }
        #expect(throws: MemblockError.tableFull) { try memblock.reserve(base: 0x2000, size: 0x1000) }
        // So does an allocation that needs a new reserved region.
        #expect(throws: MemblockError.tableFull) { try memblock.allocate(size: 0x1000) }
        #expect(spans(memblock.memory) == before.0 && spans(memblock.reserved) == before.1)
        try memblock.addMemory(base: 0x4000, size: 0x1000)
        try memblock.reserve(base: 0x7000, size: 0x1000)
        #expect(memblock.memory.count == MemblockRegionTable.capacity)
        #expect(spans(memblock.reserved).first == 0x7000..<0x9000)
        // Filling a gap merges two regions and frees a slot.
        try memblock.addMemory(base: 0x5000, size: 0xb000)
        #expect(memblock.memory.count == MemblockRegionTable.capacity - 1)
        #expect(spans(memblock.memory).first == 0..<0x14000)
    }

    /// Random operations against a model that tracks every page.
    @Test func agreesWithAPageModel() throws {
        var random = TestRandom(seed: 0x6d656d626c6f636b)
        let pages = UInt64(PageModel.pages)
        for _ in 0..<20 {
            var memblock = Memblock()
            var model = PageModel()
            for _ in 0..<120 {
                let base = random.next(upperBound: pages * pageSize)
                let size = random.next(upperBound: 24 * pageSize)
                switch random.next(upperBound: UInt64(10)) {
                case 0..<3:
                    try memblock.addMemory(base: base, size: size)
                    // Whole pages inside the range.
                    let first = Int((base + pageSize - 1) / pageSize), end = Int((base + size) / pageSize)
                    for page in first..<max(first, end) { model.memory[page] = true }
                case 3..<5:
                    try memblock.reserve(base: base, size: size)
                    // Every page the range touches.
                    for page in Int(base / pageSize)..<Int((base + size + pageSize - 1) / pageSize) where size > 0 {
                        model.reserved[page] = true
                    }
                default:
                    let size = 1 + random.next(upperBound: 6 * pageSize)
                    let pageCount = Int((size + pageSize - 1) / pageSize)
                    let align = UInt64(1) << random.next(upperBound: UInt64(17))
                    let limit = random.next(upperBound: (pages + 8) * pageSize)
                    let expected = model.highestFit(pageCount: pageCount, align: max(align, pageSize), limit: limit)
                    switch Result(catching: { () throws(MemblockError) in
                        try memblock.allocate(size: size, align: align, limit: limit)
                    }) {
                    case .success(let base):
                        try #require(base == expected)
                        let first = Int(base / pageSize)
                        for page in first..<(first + pageCount) { model.reserved[page] = true }
                    case .failure(let error):
                        try #require(error == .outOfMemory && expected == nil)
                    }
                }
                try #require(spans(memblock.memory) == model.runs { model.memory[$0] })
                try #require(spans(memblock.reserved) == model.runs { model.reserved[$0] })
                try #require(freeSpans(memblock) == model.runs(where: model.isFree))
                try #require(memblock.totalMemory == UInt64(model.memory.count { $0 }) * pageSize)
                try #require(memblock.totalReserved == UInt64(model.reserved.count { $0 }) * pageSize)
            }
        }
    }

    /// The boot hand-over: every free memblock range goes to the page allocator.
    @Test func handsFreeRangesToTheBuddyAllocator() throws {
        var memblock = Memblock()
        try memblock.addMemory(base: 0, size: 0x9f000)  // below the legacy VGA hole
        try memblock.addMemory(base: 0x100000, size: 0x1f00000)  // 1 MiB ..< 32 MiB
        try memblock.reserve(base: 0, size: 0x100000)  // low 1 MiB
        try memblock.reserve(base: 0x200000, size: 0x345678)  // kernel image
        let memMapBytes = UInt64(MemoryLayout<PageFrame>.stride) * (memblock.memoryEnd / pageSize)
        _ = try memblock.allocate(size: memMapBytes)

        let firstPFN = memblock.memoryStart / pageSize
        let buddy = BuddyAllocator(firstPFN: firstPFN, frameCount: Int(memblock.memoryEnd / pageSize - firstPFN))
        try memblock.forEachFreeRange { (range: MemblockRegion) throws(BuddyError) in
            try buddy.addFreeRange(pfn: range.base / pageSize, count: Int(range.size / pageSize))
        }
        let freeBytes = memblock.totalMemory - memblock.totalReserved + 0x100000 - 0x9f000
        #expect(UInt64(buddy.totalFreeFrames) * pageSize == freeBytes)
        #expect(buddy.freeFrames(in: .dma) > 0 && buddy.freeFrames(in: .dma32) > 0)
        #expect(buddy.freeFrames(in: .normal) == 0)
        #expect(buddy.managedFrames(in: .dma) + buddy.managedFrames(in: .dma32) == buddy.totalFreeFrames)
    }
}
