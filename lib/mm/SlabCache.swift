/// A cache of equally sized objects carved out of slabs (Linux: struct
/// kmem_cache, mm/slub.c; the full/partial/empty slab lists are those of the
/// older mm/slab.c).
///
/// Allocation and free never allocate Swift memory, because the Swift heap is
/// itself served by kmalloc: every per-slab datum lives on the slab (see
/// `SlabHeader`) and the cache object holds only list heads and counters.
/// Both are O(1), except when a slab is created (O(objects per slab): the
/// free list is built and the constructor run) or a corrupted free list is
/// rebuilt.
public final class SlabCache<Memory: SlabMemory> {
    public let name: String
    let layout: SlabLayout
    private let constructor: ((UInt) -> Void)?
    private let memory: Memory
    private var full = SlabList()
    private var partial = SlabList()
    private var empty = SlabList()
    private var activeObjects = 0
    private var freeListRepairs = 0

    /// Empty slabs kept for reuse instead of being returned to the page
    /// allocator. One is enough to absorb allocate/free ping-pong at a slab
    /// boundary; more would just hold memory others could use.
    static var emptySlabsKept: Int { 1 }

    /// Linux: kmem_cache_create. `align` is a power of two up to a page (at
    /// least 8 is used). The constructor, if any, runs once on every object
    /// of a new slab; objects must be freed in their constructed state. nil
    /// if the parameters are unusable or the object is too big for a slab.
    public init?(
        name: String, objectSize: Int, align: Int, constructor: ((UInt) -> Void)?,
        memory: Memory
    ) {
        guard
            let layout = SlabLayout(
                objectSize: objectSize, align: align,
                hasConstructor: constructor != nil)
        else { return nil }
        self.name = name
        self.layout = layout
        self.constructor = constructor
        self.memory = memory
    }

    public var objectSize: Int { layout.objectSize }
    public var align: Int { layout.align }

    /// Written into every slab header of this cache: the cache object's
    /// address, unique among live caches.
    var identity: UInt { UInt(bitPattern: ObjectIdentifier(self)) }

    /// Linux: kmem_cache_alloc. Prefers a partial slab (keeping empty ones
    /// free to be released), then an empty one, then a new one. nil when the
    /// page allocator is out of memory.
    public func allocate() -> UInt? {
        let slab: SlabHeader<Memory>
        if partial.head != 0 {
            slab = header(partial.head)
        } else if empty.head != 0 {
            slab = header(empty.head)
            empty.remove(slab)
            partial.push(slab)
        } else {
            guard let grown = grow() else { return nil }
            slab = grown
            partial.push(slab)
        }
        let object = takeFreeObject(from: slab)
        activeObjects += 1
        if slab.inUse == layout.objectsPerSlab {
            partial.remove(slab)
            full.push(slab)
        }
        return object
    }

    /// Linux: kmem_cache_free. Refuses, changing nothing, an address that is
    /// not a live object of this cache.
    public func free(_ address: UInt) throws(SlabError) {
        guard let block = memory.pageBlock(containing: address), block.owner == .slabCache else {
            throw .notAllocated
        }
        try release(address, inSlabAt: block.address)
    }

    /// Returns every empty slab to the page allocator; the number released.
    /// Linux: kmem_cache_shrink.
    @discardableResult
    public func shrink() -> Int {
        var released = 0
        while empty.head != 0 {
            let slab = header(empty.head)
            empty.remove(slab)
            memory.freePages(slab.base, order: layout.order)
            released += 1
        }
        return released
    }

    public var statistics: SlabCacheStatistics {
        SlabCacheStatistics(
            activeObjects: activeObjects,
            totalObjects: (full.count + partial.count + empty.count) * layout.objectsPerSlab,
            objectSize: layout.objectSize,
            objectsPerSlab: layout.objectsPerSlab,
            pagesPerSlab: 1 << layout.order,
            fullSlabs: full.count,
            partialSlabs: partial.count,
            emptySlabs: empty.count,
            freeListRepairs: freeListRepairs)
    }

    /// Checks every slab against every invariant: list links, page ownership,
    /// each slab on the list its in-use count calls for, the count agreeing
    /// with the bitmap, and the free list holding exactly the free objects.
    /// Read-only. Linux: validate_slab_cache (/sys/kernel/slab/*/validate).
    public func validate() throws(SlabError) {
        let n = layout.objectsPerSlab
        var objects = try validate(full, inUse: n..<n + 1)
        objects += try validate(partial, inUse: 1..<n)
        objects += try validate(empty, inUse: 0..<1)
        guard objects == activeObjects else { throw .corruptSlab(0) }
    }

    // MARK: Entry points for kmalloc, which finds the slab itself.

    /// Frees `address`, a supposed object in the slab at `base`.
    func release(_ address: UInt, inSlabAt base: UInt) throws(SlabError) {
        let slab = header(base)
        let index = try liveObjectIndex(address, in: slab)
        slab.setInUse(index, false)
        pushFreeObject(address, onto: slab)
        let wasFull = slab.inUse == layout.objectsPerSlab
        slab.inUse -= 1
        activeObjects -= 1
        if wasFull {
            full.remove(slab)
        } else if slab.inUse == 0 {
            partial.remove(slab)
        }
        if slab.inUse == 0 {
            if empty.count < Self.emptySlabsKept {
                empty.push(slab)
            } else {
                memory.freePages(base, order: layout.order)
            }
        } else if wasFull {
            partial.push(slab)
        }
    }

    /// Throws unless `address` is a live object in the slab at `base`.
    func checkLive(_ address: UInt, inSlabAt base: UInt) throws(SlabError) {
        _ = try liveObjectIndex(address, in: header(base))
    }

    // MARK: Slab internals

    private func header(_ base: UInt) -> SlabHeader<Memory> {
        SlabHeader(base: base, memory: memory)
    }

    /// Takes a new slab from the page allocator, constructs its objects and
    /// threads them all onto its free list, lowest address first.
    private func grow() -> SlabHeader<Memory>? {
        guard let base = memory.allocatePages(order: layout.order, for: .slabCache) else { return nil }
        let slab = header(base)
        slab.cacheIdentity = identity
        slab.inUse = 0
        slab.freeList = 0
        slab.clearBitmap(objectCount: layout.objectsPerSlab)
        for index in (0..<layout.objectsPerSlab).reversed() {
            let object = objectAddress(index, in: slab)
            constructor?(object)
            pushFreeObject(object, onto: slab)
        }
        return slab
    }

    private func objectAddress(_ index: Int, in slab: SlabHeader<Memory>) -> UInt {
        slab.base + UInt(layout.objectOffset(index))
    }

    /// The index of the object starting at `address` in `slab`, or nil.
    private func objectIndex(of address: UInt, in slab: SlabHeader<Memory>) -> Int? {
        guard address >= slab.base, address - slab.base < UInt(layout.slabBytes) else { return nil }
        return layout.objectIndex(atOffset: Int(address - slab.base))
    }

    private func liveObjectIndex(_ address: UInt, in slab: SlabHeader<Memory>) throws(SlabError) -> Int {
        guard slab.cacheIdentity == identity else { throw .wrongCache }
        guard let index = objectIndex(of: address, in: slab) else { throw .notObjectStart }
        guard slab.isInUse(index) else { throw .alreadyFree }
        return index
    }

    /// The index of `address` if it is a free object of `slab`: what every
    /// free-list link must be.
    private func freeObjectIndex(_ address: UInt, in slab: SlabHeader<Memory>) -> Int? {
        guard let index = objectIndex(of: address, in: slab), !slab.isInUse(index) else { return nil }
        return index
    }

    private func pushFreeObject(_ object: UInt, onto slab: SlabHeader<Memory>) {
        memory.store(slab.freeList, object + UInt(layout.freePointerOffset))
        slab.freeList = object
    }

    /// Pops the free-list head of a slab known to have a free object. The
    /// head is checked against the bitmap before it is trusted: a link
    /// overwritten through a dangling pointer (a use-after-free), a cycle or
    /// a list ending early is caught here, since every popped object's bit
    /// is set and every link must point at a clear one.
    private func takeFreeObject(from slab: SlabHeader<Memory>) -> UInt {
        guard let index = freeObjectIndex(slab.freeList, in: slab) ?? repairFreeList(of: slab) else {
            preconditionFailure("slab header corrupt: in-use count disagrees with bitmap")
        }
        let object = objectAddress(index, in: slab)
        slab.freeList = memory.load(object + UInt(layout.freePointerOffset))
        slab.setInUse(index, true)
        slab.inUse += 1
        return object
    }

    /// Rebuilds a corrupted free list from the bitmap, which only the
    /// allocator writes, and returns the new head's index (nil if the bitmap
    /// has no free object). Linux likewise isolates the damage and carries on
    /// (slab_fix in mm/slub.c); `freeListRepairs` lets the kernel report it.
    private func repairFreeList(of slab: SlabHeader<Memory>) -> Int? {
        freeListRepairs += 1
        slab.freeList = 0
        var head: Int? = nil
        for index in (0..<layout.objectsPerSlab).reversed() where !slab.isInUse(index) {
            pushFreeObject(objectAddress(index, in: slab), onto: slab)
            head = index
        }
        return head
    }

    /// Validates one list whose slabs must have an in-use count in `inUse`;
    /// returns the objects in use on it.
    private func validate(_ list: SlabList, inUse: Range<Int>) throws(SlabError) -> Int {
        var address = list.head
        var previous: UInt = 0
        var objects = 0
        for _ in 0..<list.count {
            let expectedBlock = SlabPageBlock(address: address, order: layout.order, owner: .slabCache)
            guard address != 0, memory.pageBlock(containing: address) == expectedBlock else {
                throw .corruptSlab(previous)
            }
            let slab = header(address)
            guard slab.cacheIdentity == identity, slab.previous == previous, inUse.contains(slab.inUse)
            else { throw .corruptSlab(address) }
            try validateObjects(of: slab)
            objects += slab.inUse
            previous = address
            address = slab.next
        }
        guard address == 0 else { throw .corruptSlab(previous) }
        return objects
    }

    /// The bitmap must count `inUse` objects, and the free list must visit
    /// exactly the others: free-object links only, ending after that many.
    /// (A list of free objects that ends cannot repeat one, or it would cycle.)
    private func validateObjects(of slab: SlabHeader<Memory>) throws(SlabError) {
        var used = 0
        for index in 0..<layout.objectsPerSlab where slab.isInUse(index) { used += 1 }
        guard used == slab.inUse else { throw .corruptSlab(slab.base) }
        var object = slab.freeList
        for _ in 0..<layout.objectsPerSlab - used {
            guard freeObjectIndex(object, in: slab) != nil else { throw .corruptSlab(slab.base) }
            object = memory.load(object + UInt(layout.freePointerOffset))
        }
        guard object == 0 else { throw .corruptSlab(slab.base) }
    }
}
