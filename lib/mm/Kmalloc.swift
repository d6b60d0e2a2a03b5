/// The kernel's general-purpose allocator: requests up to 2 KiB come from a
/// size-class slab cache, larger ones straight from the page allocator.
/// Linux: kmalloc/kfree/ksize in mm/slab_common.c and mm/slub.c
/// (kmalloc_caches, kmalloc_slab, __kmalloc_large_node, free_large_kmalloc).
///
/// Linux also has kmalloc-4k and kmalloc-8k, because SLUB keeps its slab
/// metadata outside the slab. Apus keeps the header on the slab, where it
/// would cost a whole object slot per slab of page-sized objects, while the
/// page allocator serves them with no waste at all; so the classes stop at
/// 2 KiB (Linux's KMALLOC_MAX_CACHE_SIZE).
///
/// kfree needs no size: the page allocator tells a slab from a large
/// allocation by the owner recorded with the block, and the slab header
/// names the cache. Nothing here allocates Swift memory after `init`.
public final class Kmalloc<Memory: SlabMemory> {
    /// Linux's kmalloc_info: 96 and 192 fill the widest gaps between powers
    /// of two. Each class is aligned to the largest power of two dividing its
    /// size (natural alignment for powers of two; 32 and 64 for 96 and 192).
    private static var sizeClasses: [Int] { [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048] }

    /// The size-class caches, smallest first, for statistics.
    public let caches: [SlabCache<Memory>]
    private let memory: Memory

    /// Creates the size-class caches. This allocates Swift objects, so it
    /// must run before the Swift heap is switched over to kmalloc.
    public init(memory: Memory) {
        self.memory = memory
        caches = Self.sizeClasses.map { size in
            guard
                let cache = SlabCache(
                    name: Self.cacheName(size), objectSize: size,
                    align: size & -size, constructor: nil, memory: memory)
            else { preconditionFailure("kmalloc size class does not fit a slab") }
            return cache
        }
    }

    /// Linux: kmalloc (with an alignment, as posix_memalign needs). The
    /// address is aligned to `align`, a power of two. A zero-byte request
    /// still gets a unique object, as C's malloc may return (Linux returns
    /// ZERO_SIZE_PTR instead). nil when out of memory or `align` is invalid.
    public func allocate(size: Int, align: Int = 8) -> UInt? {
        guard size >= 0, align > 0, align & (align - 1) == 0 else { return nil }
        for cache in caches where size <= cache.objectSize && align <= cache.align {
            return cache.allocate()
        }
        // Page blocks are aligned to their own size, so covering the
        // alignment with the block covers the alignment requirement too.
        return memory.allocatePages(order: Self.pageOrder(forBytes: max(size, align)), for: .kmallocPages)
    }

    /// Linux: kfree. Freeing 0 does nothing; an address that is not a live
    /// allocation is refused and changes nothing.
    public func free(_ address: UInt) throws(SlabError) {
        guard address != 0 else { return }
        switch try locate(address) {
        case .pages(let order): memory.freePages(address, order: order)
        case .slabObject(let cache, let slab): try cache.release(address, inSlabAt: slab)
        }
    }

    /// Linux: ksize. The bytes usable at a live allocation: its size class or
    /// its whole page block.
    public func usableSize(of address: UInt) throws(SlabError) -> Int {
        switch try locate(address) {
        case .pages(let order):
            return SlabLayout.pageBytes << order
        case .slabObject(let cache, let slab):
            try cache.checkLive(address, inSlabAt: slab)
            return cache.objectSize
        }
    }

    /// Returns every cache's empty slabs to the page allocator.
    public func shrink() {
        for cache in caches { cache.shrink() }
    }

    // MARK: Internals

    private enum Allocation {
        /// A large allocation: the whole block of 2^order pages.
        case pages(order: Int)
        /// A (supposed) object of `cache` in the slab at address `slab`.
        case slabObject(SlabCache<Memory>, slab: UInt)
    }

    /// What kind of allocation `address` would be, from the page owner and,
    /// for a slab, the cache identity in its header.
    private func locate(_ address: UInt) throws(SlabError) -> Allocation {
        guard let block = memory.pageBlock(containing: address) else { throw .notAllocated }
        switch block.owner {
        case .kmallocPages:
            guard address == block.address else { throw .notObjectStart }
            return .pages(order: block.order)
        case .slabCache:
            let identity = SlabHeader(base: block.address, memory: memory).cacheIdentity
            for cache in caches where cache.identity == identity {
                return .slabObject(cache, slab: block.address)
            }
            // A slab of a cache made with SlabCache(name:...) directly: its
            // objects go back through that cache's free.
            throw .wrongCache
        }
    }

    /// The smallest order whose block holds `bytes` (Linux: get_order).
    private static func pageOrder(forBytes bytes: Int) -> Int {
        let pages = bytes / SlabLayout.pageBytes + (bytes % SlabLayout.pageBytes == 0 ? 0 : 1)
        return pages <= 1 ? 0 : Int.bitWidth - (pages - 1).leadingZeroBitCount
    }

    /// Linux's names: kmalloc-8 ... kmalloc-512, kmalloc-1k, kmalloc-2k.
    private static func cacheName(_ size: Int) -> String {
        size >= 1024 ? "kmalloc-\(size / 1024)k" : "kmalloc-\(size)"
    }
}
