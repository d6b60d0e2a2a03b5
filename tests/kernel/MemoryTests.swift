import Core
import Kernel
import Lib

/// Buddy allocator stress (Linux has similar checks in mm/page_alloc debug
/// and lib/test_meminit.c): random allocations and frees of orders 0-3, an
/// ownership bitmap over all frames to catch any block handed out twice, and
/// the free-page count restored at the end.
enum PageAllocatorTests {
    static func stress(_ t: inout TestReporter) {
        let operations = 100_000
        var owned = FrameBitmap(frames: KernelPaging.directMapEnd / MemoryLayout64.pageSize)
        var live: [(PhysAddr, Int)] = []
        live.reserveCapacity(4096)
        // The bookkeeping above is allocated first, so the count covers only the test's own pages.
        // Both snapshots are allocated now, so taking them allocates nothing.
        var blocksBefore = Array(repeating: 0, count: ZoneType.allCases.count * (BuddyAllocator.maxOrder + 1))
        var blocksAfter = Array(repeating: 0, count: blocksBefore.count)
        KernelAllocator.shrink()
        let before = PageAllocator.freePages
        countFreeBlocks(into: &blocksBefore)
        var random = TestRandom(seed: 0xB0DD7)
        var overlaps = 0, misaligned = 0, failures = 0
        // Hold at most half of free memory, so a 32 MiB machine runs the same test without running dry.
        let budget = min(before / 2, 16_384)
        var livePages = 0
        for _ in 0..<operations {
            let order = random.below(4)
            if live.isEmpty || (random.below(100) < 55 && live.count < 4096 && livePages + (1 << order) <= budget) {
                guard let block = PageAllocator.allocate(order: order) else { failures += 1; continue }
                livePages += 1 << order
                if block.pageFrameNumber % (1 << UInt64(order)) != 0 { misaligned += 1 }
                if !owned.claim(block.pageFrameNumber, count: 1 << order) { overlaps += 1 }
                live.append((block, order))
            } else {
                let index = random.below(live.count)
                let (block, order) = live.swapAt(index)
                livePages -= 1 << order
                owned.release(block.pageFrameNumber, count: 1 << order)
                if (try? PageAllocator.free(block, order: order)) == nil { failures += 1 }
            }
        }
        for (block, order) in live { try? PageAllocator.free(block, order: order) }
        KernelAllocator.shrink()
        let after = PageAllocator.freePages
        countFreeBlocks(into: &blocksAfter)
        t.check(
            overlaps == 0 && misaligned == 0,
            "buddy: \(operations) random alloc/free of orders 0-3, \(overlaps) overlapping, \(misaligned) misaligned blocks"
        )
        t.check(failures == 0, "buddy: no allocation or free failed (\(failures) failures)")
        t.check(before == after, "buddy: every page returned, free pages \(before) before and \(after) after")
        // Coalescing: freed buddies merge back, so the free blocks per order are what they were.
        t.check(
            blocksAfter == blocksBefore,
            "buddy: free blocks per zone and order are back to their starting counts (buddies coalesced)")
        let doubleFree = PageAllocator.allocate(order: 0)
        if let page = doubleFree { try? PageAllocator.free(page) }
        var rejected = false
        if let page = doubleFree { do { try PageAllocator.free(page) } catch { rejected = true } }
        t.check(rejected, "buddy: a double free is rejected, not absorbed")
    }
}

/// Free blocks of every zone and order, as /proc/buddyinfo lists them.
private func countFreeBlocks(into counts: inout [Int]) {
    for zone in ZoneType.allCases {
        for order in 0...BuddyAllocator.maxOrder {
            counts[zone.rawValue * (BuddyAllocator.maxOrder + 1) + order] = PageAllocator.freeBlocks(
                in: zone, order: order)
        }
    }
}

/// kmalloc/kfree stress over every size class and the page-sized path, with
/// a pattern written into each object and checked before it is freed, so
/// overlapping objects or a corrupted freelist show up.
enum SlabTests {
    static func stress(_ t: inout TestReporter) {
        let operations = 100_000
        let sizes = [8, 16, 24, 32, 64, 96, 128, 192, 256, 500, 1024, 2048, 4096, 8192, 20_000]
        var live: [(address: UInt, size: Int, tag: UInt64)] = []
        live.reserveCapacity(2048)
        KernelAllocator.shrink()
        let before = PageAllocator.freePages
        var random = TestRandom(seed: 0x51AB)
        var corrupted = 0, failures = 0, misaligned = 0
        for step in 0..<operations {
            if live.isEmpty || (random.below(100) < 55 && live.count < 2048) {
                let size = sizes[random.below(sizes.count)]
                guard let address = KernelAllocator.allocate(size: size) else { failures += 1; continue }
                if address % 8 != 0 { misaligned += 1 }
                let tag = UInt64(step) &* 0x9E37_79B9_7F4A_7C15
                fill(address, size: size, tag: tag)
                live.append((address, size, tag))
            } else {
                let object = live.swapAt(random.below(live.count))
                if !verify(object.address, size: object.size, tag: object.tag) { corrupted += 1 }
                if (try? KernelAllocator.free(object.address)) == nil { failures += 1 }
            }
        }
        for object in live {
            if !verify(object.address, size: object.size, tag: object.tag) { corrupted += 1 }
            try? KernelAllocator.free(object.address)
        }
        KernelAllocator.shrink()
        let after = PageAllocator.freePages
        t.check(
            corrupted == 0 && misaligned == 0,
            "slab: \(operations) random kmalloc/kfree of 8 B..20 KB, \(corrupted) objects overwritten")
        t.check(failures == 0, "slab: no kmalloc or kfree failed (\(failures) failures)")
        t.check(
            before == after, "slab: every page returned after shrink, free pages \(before) before and \(after) after")
        var rejected = false
        do { try KernelAllocator.free(UInt(MemoryLayout64.pageOffset + 0x1234_5678)) } catch { rejected = true }
        t.check(rejected, "slab: kfree of a pointer kmalloc never returned is rejected")
        largeArray(&t)
    }

    /// Swift's heap falls back to vmalloc for a block larger than the buddy
    /// allocator's largest (4 MiB), as Linux's kvmalloc does: inflating a big
    /// initramfs member needs one such array.
    private static func largeArray(_ t: inout TestReporter) {
        let count = 5 << 20
        _ = sumOfLargeArray(count: count)  // the first one also builds vmalloc's page tables, which stay
        let before = PageAllocator.freePages
        let sum = sumOfLargeArray(count: count)
        let after = PageAllocator.freePages
        t.check(sum == count + 1, "kvmalloc: a 5 MiB array is allocated and holds what is written (sum \(sum))")
        t.check(before == after, "kvmalloc: its pages are returned (free pages \(before) before, \(after) after)")
    }

    private static func sumOfLargeArray(count: Int) -> Int {
        var bytes = [UInt8](repeating: 1, count: count)
        bytes[count - 1] = 2
        var sum = 0
        for byte in bytes { sum += Int(byte) }
        return sum
    }

    /// The words the pattern covers: the first of every 64 bytes and the
    /// object's last word — cheap, and enough to catch overlapping objects.
    private static func patternOffsets(size: Int) -> [Int] {
        var offsets = Array(stride(from: 0, to: size - 7, by: 64))
        let last = (size & ~7) - 8
        if last % 64 != 0 { offsets.append(last) }
        return offsets
    }
    /// Finds the object's block once; the stores into it are still bounds-checked.
    private static func fill(_ address: UInt, size: Int, tag: UInt64) {
        guard let physical = VirtAddr(UInt64(address)).physical, let frame = Frame(containing: physical) else { return }
        let start = frame.offset(of: physical)
        for offset in patternOffsets(size: size) { frame.store64(tag ^ UInt64(offset), at: start + offset) }
    }
    private static func verify(_ address: UInt, size: Int, tag: UInt64) -> Bool {
        patternOffsets(size: size).allSatisfy { offset in
            KernelMemory.load(VirtAddr(UInt64(address) + UInt64(offset))) == tag ^ UInt64(offset)
        }
    }
}

/// One bit per physical frame: who owns what, for the stress tests.
struct FrameBitmap {
    private var words: [UInt64]
    init(frames: UInt64) { words = Array(repeating: 0, count: Int(frames / 64) + 1) }
    /// Marks frames as owned; false if any already was.
    mutating func claim(_ first: UInt64, count: Int) -> Bool {
        var clean = true
        for frame in first..<(first + UInt64(count)) {
            let word = Int(frame / 64), bit = UInt64(1) << (frame % 64)
            if words[word] & bit != 0 { clean = false }
            words[word] |= bit
        }
        return clean
    }
    mutating func release(_ first: UInt64, count: Int) {
        for frame in first..<(first + UInt64(count)) { words[Int(frame / 64)] &= ~(UInt64(1) << (frame % 64)) }
    }
}

extension Array {
    /// Removes the element at `index` in O(1) by moving the last one into its place.
    mutating func swapAt(_ index: Int) -> Element {
        swapAt(index, count - 1)
        return removeLast()
    }
}

/// memset (arch/x86_64/core/lib/memory.S), which stores eight bytes a step
/// and then the odd bytes: every start and length around a word, checked byte
/// by byte against what it should give. The page is written and read back
/// through memmove (copyMemory), so that is checked too.
enum MemoryPrimitiveTests {
    static func run(_ t: inout TestReporter) {
        guard let block = PageAllocator.allocate(order: 0), let frame = Frame(containing: block) else {
            t.check(false, "memory primitives: a page to test in")
            return
        }
        defer { try? PageAllocator.free(block) }
        let span = 64
        let background = (0..<span).map(pattern)
        var fillErrors = 0
        for start in 0..<9 {
            for count in 0...(span - 9) {
                frame.write(background, at: 0)
                frame.fill(0xA5, at: start, count: count)
                let bytes = frame.read(at: 0, count: span)
                for index in 0..<span where bytes[index] != (start..<start + count ~= index ? 0xA5 : pattern(index)) {
                    fillErrors += 1
                }
            }
        }
        t.check(fillErrors == 0, "memset: every start 0-8 and length 0-55, \(fillErrors) wrong bytes")
    }

    private static func pattern(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: index &* 37 &+ 11) }
}
