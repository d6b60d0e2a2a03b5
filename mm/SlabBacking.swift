import Core
import Lib
import Synchronization

/// Pages and memory words for the slab allocator, from the buddy allocator
/// and the direct map (Linux: the slab's alloc_pages and struct slab in
/// struct page). The block's tag records which slab user owns it, so kfree
/// can classify any address.
public final class DirectMapSlabMemory: SlabMemory {
    public init() {}

    public func allocatePages(order: Int, for owner: SlabPageOwner) -> UInt? {
        guard let block = PageAllocator.allocate(order: order) else { return nil }
        PageAllocator.setTag(block, owner.rawValue)
        return UInt(block.directMapped.value)
    }

    public func freePages(_ address: UInt, order: Int) {
        guard let physical = VirtAddr(UInt64(address)).physical else { return }
        try? PageAllocator.free(physical, order: order)
    }

    public func pageBlock(containing address: UInt) -> SlabPageBlock? {
        let virtual = VirtAddr(UInt64(address))
        guard virtual.isInDirectMap, let physical = virtual.physical,
            let block = PageAllocator.block(containing: physical),
            let owner = SlabPageOwner(rawValue: block.tag)
        else { return nil }
        return SlabPageBlock(address: UInt(block.head.directMapped.value), order: block.order, owner: owner)
    }

    public func load(_ address: UInt) -> UInt { UInt(KernelMemory.load(VirtAddr(UInt64(address)))) }
    public func store(_ value: UInt, _ address: UInt) { KernelMemory.store(UInt64(value), VirtAddr(UInt64(address))) }
}

/// kmalloc/kfree for the whole kernel (Linux: mm/slab_common.c).
public enum KernelAllocator {
    private static let kmalloc = IRQSafeLocked<Kmalloc<DirectMapSlabMemory>?>(nil)
    /// Every Swift allocation asks this first, so it is a flag, not a trip through the lock.
    private static let ready = Atomic<Bool>(false)

    public static func initialize() {
        let allocator = Kmalloc(memory: DirectMapSlabMemory())
        kmalloc.withLock { $0 = allocator }
        ready.store(true, ordering: .releasing)
    }

    public static var isReady: Bool { ready.load(ordering: .acquiring) }

    public static func allocate(size: Int, align: Int = 8) -> UInt? {
        kmalloc.withLock { $0?.allocate(size: size, align: align) }
    }

    public static func free(_ address: UInt) throws(SlabError) {
        try kmalloc.withLock { kmalloc throws(SlabError) in try kmalloc?.free(address) }
    }

    /// Each size-class cache's name and counters (Linux: the slab_caches
    /// list /proc/slabinfo walks). The list is sized before the lock is
    /// taken: allocating under it would recurse into kmalloc.
    public static var cacheStatistics: [(name: String, statistics: SlabCacheStatistics)] {
        var result: [(name: String, statistics: SlabCacheStatistics)] = []
        result.reserveCapacity(32)
        kmalloc.withLock { kmalloc in
            for cache in kmalloc?.caches ?? [] where result.count < 32 {
                result.append((cache.name, cache.statistics))
            }
        }
        return result
    }

    /// Returns empty slabs to the page allocator (Linux: kmem_cache_shrink on every cache).
    public static func shrink() { kmalloc.withLock { $0?.shrink() } }
}
