/// Why the slab layer refused a free or a query. Refusals change no state:
/// a bad pointer is reported, never acted on. (Linux reports these through
/// slab_err/object_err in mm/slub.c; the kernel decides whether to panic.)
public enum SlabError: Error, Equatable, Sendable {
    /// The address is not inside memory this allocator holds.
    case notAllocated
    /// The address is inside a slab that belongs to a different cache.
    case wrongCache
    /// The address is inside a slab but not at the first byte of an object.
    case notObjectStart
    /// The object is already free: a double free.
    case alreadyFree
    /// Validation found the slab at this address inconsistent.
    case corruptSlab(UInt)
}
