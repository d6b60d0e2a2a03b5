/// A view of the management data at the start of a slab. Linux keeps this in
/// struct slab (mm/slab.h), overlaid on struct page; Apus keeps it on the slab
/// itself, as Linux's old SLAB allocator did, so that running the allocator
/// never needs memory from anywhere else.
///
/// Words, in order: the owning cache's identity, the next and previous slab
/// in the cache's list, the number of objects in use, the head of the free
/// list, then one bit per object, set while it is in use. The free list is
/// fast (pop and push touch one word); the bitmap is the truth it is checked
/// against, so a double free or a corrupted link is caught, not followed.
struct SlabHeader<Memory: SlabMemory> {
    let base: UInt
    let memory: Memory

    /// The owning cache's identity: tells slabs of different caches apart.
    var cacheIdentity: UInt {
        get { memory.load(base) }
        nonmutating set { memory.store(newValue, base) }
    }
    /// Next slab in the cache list this slab is on, or 0.
    var next: UInt {
        get { memory.load(base + 8) }
        nonmutating set { memory.store(newValue, base + 8) }
    }
    /// Previous slab in the cache list this slab is on, or 0.
    var previous: UInt {
        get { memory.load(base + 16) }
        nonmutating set { memory.store(newValue, base + 16) }
    }
    var inUse: Int {
        get { Int(memory.load(base + 24)) }
        nonmutating set { memory.store(UInt(newValue), base + 24) }
    }
    /// Address of the first free object, or 0 when the slab is full.
    var freeList: UInt {
        get { memory.load(base + 32) }
        nonmutating set { memory.store(newValue, base + 32) }
    }

    func isInUse(_ index: Int) -> Bool {
        memory.load(bitmapWord(index)) & bitmapMask(index) != 0
    }

    func setInUse(_ index: Int, _ inUse: Bool) {
        let word = memory.load(bitmapWord(index))
        memory.store(inUse ? word | bitmapMask(index) : word & ~bitmapMask(index), bitmapWord(index))
    }

    /// Marks all `objectCount` objects free.
    func clearBitmap(objectCount: Int) {
        for word in 0..<(objectCount + 63) / 64 {
            memory.store(0, base + UInt((SlabLayout.headerFixedWords + word) * 8))
        }
    }

    private func bitmapWord(_ index: Int) -> UInt {
        base + UInt((SlabLayout.headerFixedWords + index / 64) * 8)
    }

    private func bitmapMask(_ index: Int) -> UInt { 1 << UInt(index % 64) }
}
