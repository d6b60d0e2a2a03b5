/// Which user of the slab layer took a page block. The page allocator keeps
/// it with the block so that a bare address can be traced back to its
/// allocator (Linux: the PG_slab page type, tested by folio_test_slab).
public enum SlabPageOwner: UInt16, Sendable {
    /// A slab of some `SlabCache`: its header sits at the block's first byte.
    case slabCache = 1
    /// A kmalloc request too big for any size class: the block is the object.
    case kmallocPages = 2
}

/// An allocated page block as the page allocator knows it.
public struct SlabPageBlock: Equatable, Sendable {
    /// Virtual address of the block's first byte.
    public var address: UInt
    /// The block spans 2^order pages.
    public var order: Int
    public var owner: SlabPageOwner

    public init(address: UInt, order: Int, owner: SlabPageOwner) {
        self.address = address
        self.order = order
        self.owner = owner
    }
}

/// Everything the slab layer needs from the machine: whole pages, a way to
/// recognise its own pages from any address in them, and word access to
/// memory. The kernel implements it over the buddy allocator and the direct
/// map; host tests over simulated RAM. (Linux: alloc_pages/free_pages,
/// virt_to_folio and the slab fields of struct page.)
///
/// The slab layer serves the Swift heap itself, so nothing here may allocate
/// Swift objects. Contract:
/// - `allocatePages(order:for:)` returns 2^order contiguous pages at a virtual
///   address aligned to (4096 << order), remembering `order` and `owner` with
///   the block; nil when out of memory or the order is unsupported. Contents
///   are arbitrary.
/// - `freePages(_:order:)` receives only blocks `allocatePages` returned, with
///   the same order.
/// - `pageBlock(containing:)` accepts ANY address, including garbage, and
///   answers nil unless the address lies inside a block that
///   `allocatePages` handed out and that is not yet freed. It must be cheap:
///   kfree calls it on every free (the buddy allocator's
///   `allocatedBlock(containing:)` plus its per-block tag fit exactly; the
///   tag can store `SlabPageOwner.rawValue`).
/// - `load`/`store` access one aligned 8-byte word. The slab layer only
///   touches words inside blocks it currently holds.
public protocol SlabMemory: AnyObject {
    func allocatePages(order: Int, for owner: SlabPageOwner) -> UInt?
    func freePages(_ address: UInt, order: Int)
    func pageBlock(containing address: UInt) -> SlabPageBlock?
    func load(_ address: UInt) -> UInt
    func store(_ value: UInt, _ address: UInt)
}
