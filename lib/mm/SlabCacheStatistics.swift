/// A cache's counters: one line of /proc/slabinfo (Linux: struct slabinfo in
/// mm/slab.h, printed by cache_show in mm/slab_common.c).
public struct SlabCacheStatistics: Equatable, Sendable {
    /// Objects handed out and not yet freed.
    public var activeObjects: Int
    /// Object slots in all slabs, free or not.
    public var totalObjects: Int
    public var objectSize: Int
    public var objectsPerSlab: Int
    public var pagesPerSlab: Int
    public var fullSlabs: Int
    public var partialSlabs: Int
    public var emptySlabs: Int
    /// How often a free list corrupted by a write to a freed object was
    /// rebuilt from the in-use bitmap. Nonzero means a use-after-free bug.
    public var freeListRepairs: Int

    /// Slabs with at least one object in use.
    public var activeSlabs: Int { fullSlabs + partialSlabs }
    public var totalSlabs: Int { fullSlabs + partialSlabs + emptySlabs }
}
