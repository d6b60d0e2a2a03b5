import Testing

@testable import Lib

@Suite struct SlabCacheTests {
    private func makeCache(
        _ ram: SlabSimulatedMemory, size: Int = 40, align: Int = 16,
        constructor: ((UInt) -> Void)? = nil
    ) throws -> SlabCache<SlabSimulatedMemory> {
        try #require(SlabCache(name: "test", objectSize: size, align: align, constructor: constructor, memory: ram))
    }

    // MARK: Layout

    @Test func layoutOfKmallocSizesMatchesHandComputation() throws {
        // (size, align) -> (order, objects): header is 5 words + 1 bit/object.
        let expected: [(size: Int, align: Int, order: Int, objects: Int)] = [
            (8, 8, 0, 499), (64, 64, 0, 63), (96, 32, 0, 42), (192, 64, 0, 21),
            (256, 256, 0, 15), (512, 512, 1, 15), (1024, 1024, 2, 15), (2048, 2048, 3, 15),
            (3000, 8, 2, 5),
        ]
        for entry in expected {
            let layout = try #require(SlabLayout(objectSize: entry.size, align: entry.align, hasConstructor: false))
            #expect(layout.order == entry.order, "size \(entry.size)")
            #expect(layout.objectsPerSlab == entry.objects, "size \(entry.size)")
        }
    }

    @Test func layoutFitsAndWastesLittle() throws {
        for size in stride(from: 1, through: 4096, by: 7) {
            for align in [1, 8, 16, 64, 256, 4096] {
                for hasConstructor in [false, true] {
                    let layout = try #require(
                        SlabLayout(
                            objectSize: size, align: align,
                            hasConstructor: hasConstructor))
                    let n = layout.objectsPerSlab
                    #expect(n >= 1)
                    #expect(layout.firstObjectOffset >= SlabLayout.headerBytes(objectCount: n))
                    #expect(layout.firstObjectOffset % layout.align == 0)
                    #expect(layout.stride % layout.align == 0 && layout.align >= max(align, 8))
                    #expect(layout.firstObjectOffset + n * layout.stride <= layout.slabBytes)
                    #expect(layout.freePointerOffset + 8 <= layout.stride)
                    if hasConstructor { #expect(layout.freePointerOffset >= size) }
                    // Header and tail waste at most 1/8 when objects are at
                    // most a page apart.
                    if layout.stride <= 4096 {
                        #expect(
                            (layout.slabBytes - n * layout.stride) * 8 <= layout.slabBytes,
                            "size \(size) align \(align)")
                    }
                }
            }
        }
    }

    @Test func unusableParametersAreRejected() {
        #expect(SlabLayout(objectSize: 0, align: 8, hasConstructor: false) == nil)
        #expect(SlabLayout(objectSize: 64, align: 24, hasConstructor: false) == nil)
        #expect(SlabLayout(objectSize: 64, align: 8192, hasConstructor: false) == nil)
        #expect(SlabLayout(objectSize: 40000, align: 8, hasConstructor: false) == nil)
        #expect(SlabLayout(objectSize: .max, align: 8, hasConstructor: false) == nil)
    }

    // MARK: Allocation

    @Test func objectsAreAlignedDistinctAndInsideSlabsOfThisCache() throws {
        let ram = SlabSimulatedMemory(pages: 256)
        let cache = try makeCache(ram, size: 40, align: 64)
        var objects: [UInt] = []
        for _ in 0..<1000 { objects.append(try #require(cache.allocate())) }
        let sorted = objects.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(b - a >= 64) }
        for object in objects {
            #expect(object % 64 == 0)
            let block = try #require(ram.pageBlock(containing: object))
            #expect(block.owner == .slabCache && block.order == cache.layout.order)
            #expect(object - block.address >= UInt(cache.layout.firstObjectOffset))
        }
        let stats = cache.statistics
        #expect(stats.activeObjects == 1000)
        #expect(stats.totalObjects == stats.totalSlabs * stats.objectsPerSlab)
        #expect(stats.totalSlabs == ram.liveBlocks)
        #expect(stats.totalSlabs == (1000 + stats.objectsPerSlab - 1) / stats.objectsPerSlab)
        try cache.validate()
        #expect(ram.violations == 0)
    }

    @Test func constructorRunsOncePerSlotAndItsWorkSurvivesFree() throws {
        let ram = SlabSimulatedMemory(pages: 64)
        var constructed: [UInt: Int] = [:]
        let cache = try makeCache(ram, size: 24, align: 8) { object in
            constructed[object, default: 0] += 1
            for word in 0..<3 { ram.store(object ^ UInt(word), object + UInt(word * 8)) }
        }
        var objects: [UInt] = []
        for _ in 0..<300 { objects.append(try #require(cache.allocate())) }
        // Free each object and take it back (free lists are LIFO): the
        // free-list link must not overwrite constructed state, and nothing
        // is constructed again.
        for object in objects {
            try cache.free(object)
            #expect(cache.allocate() == object)
        }
        let stats = cache.statistics
        #expect(cache.layout.freePointerOffset == 24)
        #expect(constructed.count == stats.totalObjects)
        #expect(constructed.values.allSatisfy { $0 == 1 })
        for object in objects {
            for word in 0..<3 { #expect(ram.load(object + UInt(word * 8)) == object ^ UInt(word)) }
        }
        #expect(ram.violations == 0)
    }

    @Test func outOfMemoryReturnsNilAndChangesNothing() throws {
        let ram = SlabSimulatedMemory(pages: 8)
        let cache = try makeCache(ram, size: 2000, align: 8)
        var count = 0
        while cache.allocate() != nil { count += 1 }
        let stats = cache.statistics
        #expect(count == stats.totalObjects && count > 0)
        #expect(ram.freePages < 1 << cache.layout.order)
        #expect(cache.allocate() == nil)
        #expect(cache.statistics == stats)
        try cache.validate()
    }

    // MARK: Refused frees

    @Test func doubleFreeIsRefusedWithoutChangingState() throws {
        let ram = SlabSimulatedMemory(pages: 16)
        let cache = try makeCache(ram)
        let a = try #require(cache.allocate())
        let b = try #require(cache.allocate())
        _ = try #require(cache.allocate())
        try cache.free(a)
        try cache.free(b)
        let stats = cache.statistics
        // b is the free-list head; a is deeper in the list.
        #expect(throws: SlabError.alreadyFree) { try cache.free(b) }
        #expect(throws: SlabError.alreadyFree) { try cache.free(a) }
        #expect(cache.statistics == stats)
        try cache.validate()
        #expect(cache.allocate() == b)
        #expect(cache.allocate() == a)
    }

    @Test func foreignAndMisalignedPointersAreRefused() throws {
        let ram = SlabSimulatedMemory(pages: 64)
        let cache = try makeCache(ram, size: 40, align: 16)
        let other = try makeCache(ram, size: 40, align: 16)
        let object = try #require(cache.allocate())
        let otherObject = try #require(other.allocate())
        let page = try #require(ram.allocatePages(order: 0, for: .kmallocPages))
        let stats = cache.statistics
        let slab = object & ~UInt(cache.layout.slabBytes - 1)

        #expect(throws: SlabError.wrongCache) { try cache.free(otherObject) }
        #expect(throws: SlabError.notAllocated) { try cache.free(page + 64) }
        #expect(throws: SlabError.notAllocated) { try cache.free(0) }
        #expect(throws: SlabError.notAllocated) { try cache.free(ram.end + 4096) }
        #expect(throws: SlabError.notObjectStart) { try cache.free(object + 8) }
        #expect(throws: SlabError.notObjectStart) { try cache.free(slab) }
        #expect(throws: SlabError.notObjectStart) { try cache.free(slab + UInt(cache.layout.slabBytes - 8)) }
        #expect(cache.statistics == stats)
        try cache.validate()
        try other.validate()
        try cache.free(object)
        #expect(ram.violations == 0)
    }

    // MARK: Returning memory

    @Test func emptySlabsGoBackToThePageAllocator() throws {
        let ram = SlabSimulatedMemory(pages: 256)
        let pagesBefore = ram.freePages
        let cache = try makeCache(ram, size: 100, align: 8)
        var objects: [UInt] = []
        for _ in 0..<2000 { objects.append(try #require(cache.allocate())) }
        let slabs = cache.statistics.totalSlabs
        #expect(slabs > 3)
        var rng = TestRandom(seed: 7)
        objects.shuffle(using: &rng)
        for object in objects {
            try cache.free(object)
            #expect(cache.statistics.emptySlabs <= SlabCache<SlabSimulatedMemory>.emptySlabsKept)
        }
        let stats = cache.statistics
        #expect(stats.activeObjects == 0 && stats.activeSlabs == 0 && stats.emptySlabs == 1)
        #expect(ram.liveBlocks == 1)
        #expect(cache.shrink() == 1)
        #expect(cache.shrink() == 0)
        #expect(cache.statistics.totalSlabs == 0)
        #expect(ram.freePages == pagesBefore)
        try cache.validate()
        #expect(ram.violations == 0)
    }

    @Test func anEmptySlabIsReusedBeforeANewOneIsTaken() throws {
        let ram = SlabSimulatedMemory(pages: 64)
        let cache = try makeCache(ram, size: 512, align: 8)
        let perSlab = cache.layout.objectsPerSlab
        var objects: [UInt] = []
        for _ in 0..<perSlab { objects.append(try #require(cache.allocate())) }
        for object in objects { try cache.free(object) }
        #expect(cache.statistics.emptySlabs == 1)
        _ = try #require(cache.allocate())
        #expect(cache.statistics.totalSlabs == 1)
        #expect(ram.liveBlocks == 1)
    }

    // MARK: Corruption

    @Test func freeListCorruptedThroughADanglingPointerIsRepaired() throws {
        let ram = SlabSimulatedMemory(pages: 16)
        let cache = try makeCache(ram, size: 64, align: 8)
        var live: [UInt] = []
        for _ in 0..<10 { live.append(try #require(cache.allocate())) }
        let victim = live.removeLast()
        try cache.free(victim)
        // A use-after-free write over the free-list link.
        ram.store(live[0], victim)
        #expect(throws: SlabError.corruptSlab(victim & ~UInt(cache.layout.slabBytes - 1))) {
            try cache.validate()
        }
        // Fill the slab: every object handed out must be distinct and not live.
        let perSlab = cache.layout.objectsPerSlab
        for _ in 0..<perSlab - live.count {
            let object = try #require(cache.allocate())
            #expect(!live.contains(object))
            live.append(object)
        }
        #expect(cache.statistics.freeListRepairs == 1)
        #expect(cache.statistics.fullSlabs == 1 && cache.statistics.totalSlabs == 1)
        try cache.validate()
        #expect(ram.violations == 0)
    }

    // MARK: Against a model

    @Test func randomOperationsMatchAModel() throws {
        let ram = SlabSimulatedMemory(pages: 512)
        let cache = try makeCache(ram, size: 40, align: 16)
        var rng = TestRandom(seed: 42)
        var live: [UInt] = []
        var liveSet: Set<UInt> = []
        for step in 0..<20_000 {
            if live.isEmpty || (live.count < 3000 && Int.random(in: 0..<100, using: &rng) < 52) {
                let object = try #require(cache.allocate())
                #expect(object % 16 == 0)
                #expect(liveSet.insert(object).inserted, "address handed out twice")
                live.append(object)
                for word in 0..<5 { ram.store(object &* 31 &+ UInt(word), object + UInt(word * 8)) }
            } else {
                let index = Int.random(in: 0..<live.count, using: &rng)
                live.swapAt(index, live.count - 1)
                let object = live.removeLast()
                liveSet.remove(object)
                for word in 0..<5 { #expect(ram.load(object + UInt(word * 8)) == object &* 31 &+ UInt(word)) }
                try cache.free(object)
            }
            if step % 1000 == 0 {
                try cache.validate()
                let stats = cache.statistics
                #expect(stats.activeObjects == live.count)
                #expect(stats.totalObjects == stats.totalSlabs * stats.objectsPerSlab)
                #expect(stats.totalSlabs == ram.liveBlocks)
                #expect(stats.emptySlabs <= 1)
            }
        }
        for object in live { try cache.free(object) }
        cache.shrink()
        #expect(ram.liveBlocks == 0)
        #expect(ram.violations == 0)
    }
}
