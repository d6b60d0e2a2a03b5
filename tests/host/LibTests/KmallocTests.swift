import Testing

@testable import Lib

@Suite struct KmallocTests {
    // MARK: Size classes

    @Test func requestsGoToTheSmallestFittingClassOrToPages() throws {
        let ram = SlabSimulatedMemory(pages: 256)
        let kmalloc = Kmalloc(memory: ram)
        #expect(kmalloc.caches.map(\.objectSize) == [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048])
        #expect(kmalloc.caches.map(\.align) == [8, 16, 32, 64, 32, 128, 64, 256, 512, 1024, 2048])
        #expect(kmalloc.caches.map(\.name).last == "kmalloc-2k")
        // (size, align) -> usable size
        let expected: [(size: Int, align: Int, usable: Int)] = [
            (0, 8, 8), (1, 8, 8), (8, 8, 8), (9, 8, 16), (33, 8, 64), (65, 8, 96), (80, 64, 128),
            (97, 8, 128), (129, 8, 192), (150, 128, 256), (193, 8, 256), (2048, 8, 2048),
            (8, 4096, 4096), (2049, 8, 4096), (4096, 8, 4096), (4097, 8, 8192),
            (100, 8192, 8192), (20000, 8, 32768),
        ]
        for entry in expected {
            let address = try #require(kmalloc.allocate(size: entry.size, align: entry.align))
            #expect(address % UInt(entry.align) == 0, "size \(entry.size) align \(entry.align)")
            #expect(try kmalloc.usableSize(of: address) == entry.usable, "size \(entry.size)")
            let block = try #require(ram.pageBlock(containing: address))
            #expect(block.owner == (entry.usable > 2048 ? .kmallocPages : .slabCache))
            try kmalloc.free(address)
        }
        #expect(ram.violations == 0)
    }

    @Test func invalidRequestsReturnNil() {
        let ram = SlabSimulatedMemory(pages: 16)
        let kmalloc = Kmalloc(memory: ram)
        #expect(kmalloc.allocate(size: -1) == nil)
        #expect(kmalloc.allocate(size: 16, align: 0) == nil)
        #expect(kmalloc.allocate(size: 16, align: 24) == nil)
        #expect(kmalloc.allocate(size: .max) == nil)
        #expect(kmalloc.allocate(size: 17 * 4096) == nil)  // more than the RAM
        #expect(ram.liveBlocks == 0)
    }

    // MARK: kfree

    @Test func invalidFreesAreRefusedAndChangeNothing() throws {
        let ram = SlabSimulatedMemory(pages: 64)
        let kmalloc = Kmalloc(memory: ram)
        let small = try #require(kmalloc.allocate(size: 16))
        let freed = try #require(kmalloc.allocate(size: 16))
        let large = try #require(kmalloc.allocate(size: 5000))
        let freedLarge = try #require(kmalloc.allocate(size: 5000))
        let standalone = try #require(
            SlabCache(
                name: "other", objectSize: 16, align: 16,
                constructor: nil, memory: ram))
        let foreignObject = try #require(standalone.allocate())
        try kmalloc.free(freed)
        try kmalloc.free(freedLarge)
        let statsBefore = kmalloc.caches.map(\.statistics)
        let blocksBefore = ram.liveBlocks

        try kmalloc.free(0)  // like kfree(NULL)
        #expect(throws: SlabError.alreadyFree) { try kmalloc.free(freed) }
        #expect(throws: SlabError.notAllocated) { try kmalloc.free(freedLarge) }
        #expect(throws: SlabError.notObjectStart) { try kmalloc.free(small + 8) }
        #expect(throws: SlabError.notObjectStart) { try kmalloc.free(small & ~4095) }
        #expect(throws: SlabError.notObjectStart) { try kmalloc.free(large + 4096) }
        #expect(throws: SlabError.wrongCache) { try kmalloc.free(foreignObject) }
        #expect(throws: SlabError.notAllocated) { try kmalloc.free(SlabSimulatedMemory.base - 4096) }
        #expect(throws: SlabError.notAllocated) { try kmalloc.free(ram.end) }
        #expect(throws: SlabError.alreadyFree) { try kmalloc.usableSize(of: freed) }
        #expect(throws: SlabError.notAllocated) { try kmalloc.usableSize(of: freedLarge) }

        #expect(kmalloc.caches.map(\.statistics) == statsBefore)
        #expect(ram.liveBlocks == blocksBefore)
        for cache in kmalloc.caches { try cache.validate() }
        try kmalloc.free(small)
        try kmalloc.free(large)
        try standalone.free(foreignObject)
        #expect(ram.violations == 0)
    }

    // MARK: Against a model

    private struct Allocation {
        var address: UInt
        var size: Int
        var usable: Int
    }

    /// Random size: mostly small, some mid-sized, a few page-sized or larger.
    private func randomRequest(_ rng: inout TestRandom) -> (size: Int, align: Int) {
        let size: Int
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<2: size = 0
        case 2..<70: size = Int.random(in: 1...256, using: &rng)
        case 70..<92: size = Int.random(in: 257...2048, using: &rng)
        default: size = Int.random(in: 2049...20000, using: &rng)
        }
        let align = Int.random(in: 0..<100, using: &rng) < 85 ? 8 : 1 << Int.random(in: 4...13, using: &rng)
        return (size, align)
    }

    /// The pattern word `index` of an allocation: unique per address.
    private func pattern(_ address: UInt, _ index: Int) -> UInt { address &* 0x9E37_79B9 &+ UInt(index) }

    /// The words of a `size`-byte allocation that carry the pattern: all of
    /// a slab object (whose first word becomes a free-list link when freed),
    /// every 16th of a page allocation, which the allocator never writes and
    /// whose overlaps the range check catches anyway.
    private func patternWords(_ size: Int) -> StrideTo<Int> {
        stride(from: 0, to: (size + 7) / 8, by: size <= 2048 ? 1 : 16)
    }

    @Test func randomMixedSizesNeverOverlapOrCorrupt() throws {
        let ram = SlabSimulatedMemory(pages: 4096)
        let pagesBefore = ram.freePages
        let kmalloc = Kmalloc(memory: ram)
        var rng = TestRandom(seed: 2024)
        var live: [Allocation] = []
        // Live ranges [start, start + usable), sorted by start, to find
        // overlaps by binary search.
        var starts: [UInt] = []
        var ends: [UInt] = []
        var failures = 0

        func insertionIndex(_ address: UInt) -> Int {
            var low = 0, high = starts.count
            while low < high {
                let mid = (low + high) / 2
                if starts[mid] < address { low = mid + 1 } else { high = mid }
            }
            return low
        }

        func free(_ allocation: Allocation) throws {
            for word in patternWords(allocation.size)
            where ram.load(allocation.address + UInt(word * 8)) != pattern(allocation.address, word) {
                failures += 1
            }
            try kmalloc.free(allocation.address)
            let index = insertionIndex(allocation.address)
            #expect(starts[index] == allocation.address)
            starts.remove(at: index)
            ends.remove(at: index)
        }

        for step in 0..<100_000 where failures == 0 {
            if live.isEmpty || (live.count < 1500 && Int.random(in: 0..<100, using: &rng) < 55) {
                let request = randomRequest(&rng)
                let address = try #require(kmalloc.allocate(size: request.size, align: request.align))
                let usable = try kmalloc.usableSize(of: address)
                if usable < request.size || address % UInt(request.align) != 0 { failures += 1 }
                // Power-of-two classes (and page blocks) are naturally aligned.
                if usable & (usable - 1) == 0 && address % UInt(min(usable, 4096)) != 0 { failures += 1 }
                let index = insertionIndex(address)
                if index > 0 && ends[index - 1] > address { failures += 1 }
                if index < starts.count && starts[index] < address + UInt(usable) { failures += 1 }
                starts.insert(address, at: index)
                ends.insert(address + UInt(usable), at: index)
                let allocation = Allocation(address: address, size: request.size, usable: usable)
                for word in patternWords(request.size) {
                    ram.store(pattern(address, word), address + UInt(word * 8))
                }
                live.append(allocation)
            } else {
                let index = Int.random(in: 0..<live.count, using: &rng)
                live.swapAt(index, live.count - 1)
                try free(live.removeLast())
            }
            if step % 10_000 == 0 {
                for cache in kmalloc.caches { try cache.validate() }
                let slabObjects = live.count { $0.usable <= 2048 }
                #expect(kmalloc.caches.reduce(0) { $0 + $1.statistics.activeObjects } == slabObjects)
            }
        }
        #expect(failures == 0)
        for allocation in live { try free(allocation) }
        #expect(failures == 0)
        kmalloc.shrink()
        for cache in kmalloc.caches {
            try cache.validate()
            #expect(cache.statistics.totalSlabs == 0)
            #expect(cache.statistics.freeListRepairs == 0)
        }
        #expect(ram.liveBlocks == 0)
        #expect(ram.freePages == pagesBefore)
        #expect(ram.violations == 0)
    }
}
