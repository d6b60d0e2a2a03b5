import Testing

@testable import Lib

private let orders = 0...BuddyAllocator.maxOrder
private let dmaEnd = ZoneType.dma.endPFN
private let dma32End = ZoneType.dma32.endPFN

/// The reference model: which frames were handed in and which are in use.
/// Everything a buddy allocator reports follows from these two facts.
private struct FrameModel {
    let firstPFN: PFN
    /// Frames handed in; sorted, and separated by at least one frame.
    let ranges: [Range<PFN>]
    private var used: [Bool]

    init(firstPFN: PFN, frameCount: Int, ranges: [Range<PFN>]) {
        self.firstPFN = firstPFN
        self.ranges = ranges
        used = Array(repeating: true, count: frameCount)
        for range in ranges { setUsed(range, false) }
    }

    func isFree(_ pfn: PFN) -> Bool {
        pfn >= firstPFN && pfn - firstPFN < used.count && !used[Int(pfn - firstPFN)]
    }

    // The loops below avoid generic Range iteration, which is slow in
    // unoptimised test builds.

    /// Is every frame of `block` free?
    func isFree(_ block: Range<PFN>) -> Bool {
        var pfn = block.lowerBound
        while pfn < block.upperBound {
            if !isFree(pfn) { return false }
            pfn += 1
        }
        return true
    }

    mutating func setUsed(_ block: Range<PFN>, _ value: Bool) {
        var index = Int(block.lowerBound - firstPFN)
        while index < Int(block.upperBound - firstPFN) {
            used[index] = value
            index += 1
        }
    }

    func freeFrames(in zone: ZoneType) -> Int {
        var count = 0
        for range in ranges {
            var pfn = range.lowerBound
            while pfn < range.upperBound {
                if ZoneType(pfn: pfn) == zone && isFree(pfn) { count += 1 }
                pfn += 1
            }
        }
        return count
    }

    /// Is there a naturally aligned, entirely free block of 2^order frames in `zone`?
    func hasFreeBlock(order: Int, in zone: ZoneType) -> Bool {
        let size = PFN(1) << order
        for range in ranges {
            var block = (range.lowerBound + size - 1) & ~(size - 1)
            while block + size <= range.upperBound {
                if ZoneType(pfn: block) == zone && isFree(block..<(block + size)) { return true }
                block += size
            }
        }
        return false
    }

    /// Counts of the maximal naturally aligned free blocks, indexed [zone][order]:
    /// the one decomposition a fully coalescing buddy allocator must have.
    func maximalFreeBlocks() -> [[Int]] {
        var counts = Array(repeating: Array(repeating: 0, count: orders.count), count: ZoneType.allCases.count)
        for range in ranges {
            var pfn = range.lowerBound
            while pfn < range.upperBound {
                guard isFree(pfn) else {
                    pfn += 1
                    continue
                }
                // Left to right, the largest aligned free block at each free frame is maximal.
                var order = 0
                while order < BuddyAllocator.maxOrder && pfn % (2 << order) == 0
                    && isFree(pfn..<(pfn + (2 << order)))
                {
                    order += 1
                }
                counts[ZoneType(pfn: pfn).rawValue][order] += 1
                pfn += 1 << order
            }
        }
        return counts
    }
}

private func freeBlockCounts(_ buddy: BuddyAllocator) -> [[Int]] {
    ZoneType.allCases.map { zone in orders.map { buddy.freeBlocks(in: zone, order: $0) } }
}

/// Checks the allocator's internal structure and statistics against the
/// model; stops at the first broken invariant.
private func verify(_ buddy: BuddyAllocator, against model: FrameModel) throws {
    // Free lists: correctly linked, holding free heads of their zone and order.
    for zone in ZoneType.allCases {
        var listedFrames = 0
        for order in orders {
            var block = buddy.freeListHeads[buddy.freeListIndex(zone: zone, order: order)]
            var previous = PageFrame.noLink
            var length = 0
            while block != PageFrame.noLink && length <= buddy.frameCount {
                let frame = buddy.frames[Int(block)]
                let pfn = buddy.firstPFN + PFN(block)
                try #require(frame.state == .free(order: UInt8(order)))
                try #require(frame.previous == previous)
                try #require(ZoneType(pfn: pfn) == zone && pfn % (1 << order) == 0)
                previous = block
                block = frame.next
                length += 1
            }
            try #require(length == buddy.freeBlocks(in: zone, order: order))
            listedFrames += length << order
        }
        try #require(listedFrames == buddy.freeFrames(in: zone))
        try #require(listedFrames == model.freeFrames(in: zone))
    }
    try #require(buddy.totalFreeFrames == ZoneType.allCases.reduce(0) { $0 + model.freeFrames(in: $1) })
    try #require(freeBlockCounts(buddy) == model.maximalFreeBlocks())

    // Frames: each managed range is tiled by blocks whose free/used status
    // matches the model, and is bounded by reserved frames.
    let frames = buddy.frames
    for range in model.ranges {
        if range.lowerBound > buddy.firstPFN {
            try #require(frames[Int(range.lowerBound - 1 - buddy.firstPFN)].state == .reserved)
        }
        if range.upperBound < buddy.firstPFN + PFN(buddy.frameCount) {
            try #require(frames[Int(range.upperBound - buddy.firstPFN)].state == .reserved)
        }
        var pfn = range.lowerBound
        while pfn < range.upperBound {
            let index = Int(pfn - buddy.firstPFN)
            let head: (order: UInt8, isFree: Bool)? =
                switch frames[index].state {
                case .free(let order): (order, true)
                case .allocated(let order): (order, false)
                case .reserved, .tail: nil
                }
            let block = try #require(head, "frame \(pfn) is managed but not a block head")
            try #require(block.isFree == model.isFree(pfn), "frame \(pfn)")
            let size = PFN(1) << block.order
            try #require(pfn % size == 0 && pfn + size <= range.upperBound)
            for tail in (index + 1)..<(index + Int(size)) { try #require(frames[tail].state == .tail) }
            pfn += size
        }
    }
}

@Suite struct BuddyAllocatorTests {
    @Test func perFrameMetadataIsSmall() {
        #expect(MemoryLayout<PageFrame>.stride <= 12)
    }

    @Test func handsInMaximalAlignedBlocks() throws {
        let buddy = BuddyAllocator(firstPFN: 0x2000, frameCount: 0x1000)
        try buddy.addFreeRange(pfn: 0x2003, count: 0xffa)  // 0x2003 ..< 0x2ffd
        let model = FrameModel(firstPFN: 0x2000, frameCount: 0x1000, ranges: [0x2003..<0x2ffd])
        try verify(buddy, against: model)
        // Up from 0x2003: 1, 4, 8, ..., 512 frames to reach 0x2400; two 1024-frame
        // blocks; then 512, 256, ..., 4, 1 frames down to 0x2ffd.
        #expect(orders.map { buddy.freeBlocks(in: .dma32, order: $0) } == [2, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2])
        #expect(buddy.managedFrames(in: .dma32) == 0xffa)
        #expect(buddy.totalFreeFrames == 0xffa)
    }

    /// /proc/vmstat's pgalloc_* and pgfree: pages, per zone for allocations, since boot.
    @Test func countsPagesAllocatedAndFreed() throws {
        let buddy = BuddyAllocator(firstPFN: 0x2000, frameCount: 0x1000)
        try buddy.addFreeRange(pfn: 0x2000, count: 0x1000)
        #expect(buddy.allocatedFrameTotal(in: .dma32) == 0 && buddy.freedFrameTotal == 0)
        let single = try buddy.allocate(order: 0)
        let eight = try buddy.allocate(order: 3)
        #expect(buddy.allocatedFrameTotal(in: .dma32) == 9)
        #expect(buddy.allocatedFrameTotal(in: .dma) == 0 && buddy.allocatedFrameTotal(in: .normal) == 0)
        try buddy.free(pfn: eight, order: 3)
        #expect(buddy.freedFrameTotal == 8)
        #expect(throws: BuddyError.self) { try buddy.free(pfn: eight, order: 3) }  // not counted again
        try buddy.free(pfn: single, order: 0)
        #expect(buddy.freedFrameTotal == 9 && buddy.allocatedFrameTotal(in: .dma32) == 9)
    }

    @Test func piecewiseHandInCoalesces() throws {
        let whole = BuddyAllocator(firstPFN: 0, frameCount: 5000)
        try whole.addFreeRange(pfn: 7, count: 4000)
        let pieces = BuddyAllocator(firstPFN: 0, frameCount: 5000)
        for piece: Range<PFN> in [3000..<4007, 7..<1000, 1001..<3000, 1000..<1001] {
            try pieces.addFreeRange(pfn: piece.lowerBound, count: piece.count)
        }
        #expect(freeBlockCounts(pieces) == freeBlockCounts(whole))
        try verify(pieces, against: FrameModel(firstPFN: 0, frameCount: 5000, ranges: [7..<4007]))
    }

    @Test func blocksNeverStraddleZonesOrHoles() throws {
        // Two ranges across the 16 MiB and 4 GiB boundaries, with a hole of reserved frames between.
        let first = dmaEnd - 1500
        let ranges: [Range<PFN>] = [(dmaEnd - 1023)..<(dmaEnd + 1029), (dma32End - 2047)..<(dma32End + 3001)]
        let buddy = BuddyAllocator(firstPFN: first, frameCount: Int(dma32End + 4000 - first))
        for range in ranges { try buddy.addFreeRange(pfn: range.lowerBound, count: range.count) }
        try verify(buddy, against: FrameModel(firstPFN: first, frameCount: buddy.frameCount, ranges: ranges))
        #expect(buddy.managedFrames(in: .dma) == 1023)
        #expect(buddy.managedFrames(in: .dma32) == 1029 + 2047)
        #expect(buddy.managedFrames(in: .normal) == 3001)
        // Unaligned edges become small blocks rather than merging across the boundary.
        #expect(buddy.freeBlocks(in: .dma, order: 10) == 0)
        #expect(buddy.freeBlocks(in: .dma32, order: 10) == 2)
        #expect(buddy.freeBlocks(in: .normal, order: 10) == 2)
    }

    @Test func fallsBackFromNormalToDMA32ToDMA() throws {
        let first = dmaEnd - 4
        let buddy = BuddyAllocator(firstPFN: first, frameCount: Int(dma32End + 4 - first))
        try buddy.addFreeRange(pfn: dmaEnd - 4, count: 8)  // 4 DMA frames, 4 DMA32 frames
        try buddy.addFreeRange(pfn: dma32End, count: 4)  // 4 Normal frames

        #expect(ZoneType(pfn: try buddy.allocate(order: 1, maxZone: .dma32)) == .dma32)
        for _ in 0..<2 { #expect(ZoneType(pfn: try buddy.allocate(order: 1)) == .normal) }
        #expect(ZoneType(pfn: try buddy.allocate(order: 1)) == .dma32)
        #expect(ZoneType(pfn: try buddy.allocate(order: 0)) == .dma)
        #expect(ZoneType(pfn: try buddy.allocate(order: 1, maxZone: .dma32)) == .dma)
        // A request that fits nowhere: one DMA frame is left, but not two.
        #expect(throws: BuddyError.outOfMemory) { try buddy.allocate(order: 1) }
        #expect(ZoneType(pfn: try buddy.allocate(order: 0, maxZone: .dma)) == .dma)
        #expect(throws: BuddyError.outOfMemory) { try buddy.allocate(order: 0) }
        #expect(buddy.totalFreeFrames == 0)
    }

    @Test func takesTheSmallestSufficientBlock() throws {
        let buddy = BuddyAllocator(firstPFN: 0, frameCount: 64)
        try buddy.addFreeRange(pfn: 0, count: 32)
        try buddy.addFreeRange(pfn: 48, count: 2)
        #expect(try buddy.allocate(order: 1) == 48)
        #expect(try buddy.allocate(order: 0) == 0)  // splits 32 into 1 + 1 + 2 + 4 + 8 + 16
        #expect(orders.map { buddy.freeBlocks(in: .dma, order: $0) } == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        #expect(try buddy.allocate(order: 0) == 1)
        #expect(try buddy.allocate(order: 3) == 8)
    }

    @Test func rejectsMisuseWithoutChangingState() throws {
        let buddy = BuddyAllocator(firstPFN: 100, frameCount: 200)
        try buddy.addFreeRange(pfn: 128, count: 64)
        let block = try buddy.allocate(order: 2)
        let before = freeBlockCounts(buddy)

        #expect(throws: BuddyError.orderMismatch) { try buddy.free(pfn: block, order: 1) }
        #expect(throws: BuddyError.notAllocated) { try buddy.free(pfn: block + 1, order: 2) }
        #expect(throws: BuddyError.notAllocated) { try buddy.free(pfn: 100, order: 0) }  // reserved
        #expect(throws: BuddyError.doubleFree) { try buddy.free(pfn: block + 4, order: 2) }  // its free buddy
        #expect(throws: BuddyError.pfnOutOfRange) { try buddy.free(pfn: 99, order: 0) }
        #expect(throws: BuddyError.pfnOutOfRange) { try buddy.free(pfn: 300, order: 0) }
        #expect(throws: BuddyError.invalidOrder) { try buddy.free(pfn: block, order: 11) }
        #expect(throws: BuddyError.invalidOrder) { try buddy.allocate(order: -1) }
        #expect(throws: BuddyError.notReserved) { try buddy.addFreeRange(pfn: 120, count: 10) }
        #expect(throws: BuddyError.pfnOutOfRange) { try buddy.addFreeRange(pfn: 290, count: 11) }
        #expect(throws: BuddyError.notAllocated) { try buddy.setTag(pfn: block + 4, 1) }
        #expect(freeBlockCounts(buddy) == before)

        try buddy.free(pfn: block, order: 2)
        #expect(throws: BuddyError.doubleFree) { try buddy.free(pfn: block, order: 2) }
        try verify(buddy, against: FrameModel(firstPFN: 100, frameCount: 200, ranges: [128..<192]))
    }

    @Test func tagsBelongToTheAllocatedBlock() throws {
        let buddy = BuddyAllocator(firstPFN: 0, frameCount: 1024)
        try buddy.addFreeRange(pfn: 0, count: 1024)
        let block = try buddy.allocate(order: 3)
        #expect(buddy.tag(pfn: block) == 0)
        try buddy.setTag(pfn: block, 0x51ab)
        for pfn in block..<(block + 8) {
            #expect(buddy.tag(pfn: pfn) == 0x51ab)
            let containing = try #require(buddy.allocatedBlock(containing: pfn))
            #expect(containing == (block, 3))
        }
        #expect(buddy.tag(pfn: block + 8) == nil)  // free
        #expect(buddy.tag(pfn: 5000) == nil)  // out of range
        try buddy.free(pfn: block, order: 3)
        #expect(buddy.tag(pfn: block) == nil)
        // A new allocation starts untagged.
        #expect(try buddy.allocate(order: 3) == block)
        #expect(buddy.tag(pfn: block + 7) == 0)
    }

    /// Random allocations and frees against the frame model, across all three zones.
    @Test func agreesWithTheFrameModel() throws {
        var random = TestRandom(seed: 0x6275_6464_79)
        let first = dmaEnd - 1100
        let ranges: [Range<PFN>] = [(dmaEnd - 1095)..<(dmaEnd + 1500), (dma32End - 1700)..<(dma32End + 1300)]
        let buddy = BuddyAllocator(firstPFN: first, frameCount: Int(dma32End + 1400 - first))
        // Hand the first range in three pieces, out of order.
        for piece in [(dmaEnd - 5)..<(dmaEnd + 1500), (dmaEnd - 1095)..<(dmaEnd - 700), (dmaEnd - 700)..<(dmaEnd - 5)] {
            try buddy.addFreeRange(pfn: piece.lowerBound, count: piece.count)
        }
        try buddy.addFreeRange(pfn: ranges[1].lowerBound, count: ranges[1].count)
        var model = FrameModel(firstPFN: first, frameCount: buddy.frameCount, ranges: ranges)
        try verify(buddy, against: model)
        let initialBlocks = freeBlockCounts(buddy)
        let initialFree = buddy.totalFreeFrames

        var live: [(pfn: PFN, order: Int, tag: UInt16)] = []
        let orderChoices = [0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10]
        for step in 1...100_000 {
            let roll = random.next(upperBound: UInt64(100))
            if roll < 52 || live.isEmpty {
                let order = orderChoices.randomElement(using: &random)!
                let maxZone = ZoneType.allCases.randomElement(using: &random)!
                let allowed = ZoneType.allCases.filter { $0.rawValue <= maxZone.rawValue }
                switch Result(catching: { () throws(BuddyError) in try buddy.allocate(order: order, maxZone: maxZone) })
                {
                case .success(let pfn):
                    let block = pfn..<(pfn + (1 << order))
                    try #require(pfn % (1 << order) == 0)
                    try #require(model.isFree(block), "block \(block) overlaps a live one or a hole")
                    let zone = ZoneType(pfn: pfn)
                    try #require(zone.rawValue <= maxZone.rawValue && ZoneType(pfn: block.upperBound - 1) == zone)
                    // Zonelist order: every higher allowed zone had nothing to give.
                    for higher in allowed where higher.rawValue > zone.rawValue {
                        try #require(!model.hasFreeBlock(order: order, in: higher))
                    }
                    model.setUsed(block, true)
                    let tag = UInt16(truncatingIfNeeded: random.next())
                    try buddy.setTag(pfn: pfn, tag)
                    live.append((pfn, order, tag))
                case .failure(let error):
                    try #require(error == .outOfMemory)
                    for zone in allowed { try #require(!model.hasFreeBlock(order: order, in: zone)) }
                }
            } else {
                live.swapAt(Int(random.next(upperBound: UInt64(live.count))), live.count - 1)
                let victim = live.removeLast()
                if roll >= 97 {
                    // Misuse on the way: wrong order, a tail frame, a frame in a free block.
                    #expect(throws: BuddyError.orderMismatch) {
                        try buddy.free(pfn: victim.pfn, order: victim.order == 0 ? 1 : victim.order - 1)
                    }
                    if victim.order > 0 {
                        #expect(throws: BuddyError.notAllocated) { try buddy.free(pfn: victim.pfn + 1, order: 0) }
                    }
                }
                let probe = victim.pfn + random.next(upperBound: PFN(1) << victim.order)
                try #require(buddy.tag(pfn: probe) == victim.tag)
                let containing = try #require(buddy.allocatedBlock(containing: probe))
                try #require(containing == (victim.pfn, victim.order))
                try buddy.free(pfn: victim.pfn, order: victim.order)
                model.setUsed(victim.pfn..<(victim.pfn + (1 << victim.order)), false)
                try #require(buddy.tag(pfn: probe) == nil)
                if roll >= 97 {
                    // Once merged with its buddy, the block's first frame may be a tail.
                    let error = #expect(throws: BuddyError.self) {
                        try buddy.free(pfn: victim.pfn, order: victim.order)
                    }
                    #expect(error == .doubleFree || error == .notAllocated)
                }
            }
            if step % 10_000 == 0 { try verify(buddy, against: model) }
        }

        live.shuffle(using: &random)
        for block in live { try buddy.free(pfn: block.pfn, order: block.order) }
        model = FrameModel(firstPFN: first, frameCount: buddy.frameCount, ranges: ranges)
        try verify(buddy, against: model)
        #expect(buddy.totalFreeFrames == initialFree)
        #expect(freeBlockCounts(buddy) == initialBlocks)
    }
}
