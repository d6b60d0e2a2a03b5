/// The geometry of one cache's slabs, fixed when the cache is created: pages
/// per slab, header size, where objects start, how far apart they are, and
/// where a free object keeps its free-list link.
/// Linux: calculate_sizes() and calc_slab_order() in mm/slub.c.
///
/// A slab is one naturally aligned block of 2^order pages:
///
///     | header: 5 words + in-use bitmap | pad | object 0 | object 1 | ... | waste |
///
/// so the header of any object is found by rounding its address down to the
/// slab size.
struct SlabLayout: Equatable {
    static let pageBytes = 4096
    /// Largest slab: 2^3 pages. Bigger objects are better served whole by the
    /// page allocator.
    static let maxOrder = 3
    /// Header words before the bitmap: cache identity, next, prev, in-use
    /// count, free-list head (see `SlabHeader`).
    static let headerFixedWords = 5

    /// Header bytes for a slab of `objectCount` objects: the fixed words plus
    /// one in-use bit per object.
    static func headerBytes(objectCount: Int) -> Int {
        (headerFixedWords + (objectCount + 63) / 64) * 8
    }

    let objectSize: Int
    /// Alignment of every object; at least a word, for the free-list link.
    let align: Int
    /// Where in an object slot a free object stores the next free object's
    /// address. Normally the object's first word (free objects hold nothing
    /// else); with a constructor the link goes after the object, since
    /// constructed state must survive a free (Linux: s->offset).
    let freePointerOffset: Int
    /// Distance between consecutive objects.
    let stride: Int
    let order: Int
    let firstObjectOffset: Int
    let objectsPerSlab: Int

    var slabBytes: Int { Self.pageBytes << order }

    /// nil when the parameters are unusable: a non-positive size, an
    /// alignment that is not a power of two up to a page, or an object too big
    /// for the largest slab.
    init?(objectSize: Int, align: Int, hasConstructor: Bool) {
        guard objectSize > 0, objectSize <= Self.pageBytes << Self.maxOrder,
            align > 0, align & (align - 1) == 0, align <= Self.pageBytes
        else {
            return nil
        }
        let align = max(align, 8)
        let freePointerOffset = hasConstructor ? Self.roundUp(objectSize, 8) : 0
        let slotBytes = hasConstructor ? freePointerOffset + 8 : max(objectSize, 8)
        let stride = Self.roundUp(slotBytes, align)
        guard let choice = Self.chooseOrder(stride: stride, align: align) else {
            return nil
        }
        self.objectSize = objectSize
        self.align = align
        self.freePointerOffset = freePointerOffset
        self.stride = stride
        self.order = choice.order
        self.firstObjectOffset = choice.firstObjectOffset
        self.objectsPerSlab = choice.count
    }

    /// Offset of object `index` from the slab start.
    func objectOffset(_ index: Int) -> Int { firstObjectOffset + index * stride }

    /// The index of the object starting exactly at `offset` from the slab
    /// start, or nil if no object starts there.
    func objectIndex(atOffset offset: Int) -> Int? {
        let relative = offset - firstObjectOffset
        guard relative >= 0, relative % stride == 0, relative / stride < objectsPerSlab else {
            return nil
        }
        return relative / stride
    }

    /// Like Linux's calc_slab_order: the smallest order whose waste (the
    /// header and the unusable tail) is at most 1/16 of the slab, else 1/8,
    /// else 1/4; failing all, the largest order that fits an object. Small
    /// slabs keep page-allocator requests cheap; the waste bound keeps memory
    /// overhead low. Padding inside each object's stride is not counted: no
    /// order can save it.
    private static func chooseOrder(stride: Int, align: Int)
        -> (order: Int, count: Int, firstObjectOffset: Int)?
    {
        var fraction = 16
        while fraction >= 4 {
            for order in 0...maxOrder {
                guard let fit = fit(order: order, stride: stride, align: align) else { continue }
                let slabBytes = pageBytes << order
                if (slabBytes - fit.count * stride) * fraction <= slabBytes {
                    return (order, fit.count, fit.firstObjectOffset)
                }
            }
            fraction /= 2
        }
        guard let fit = fit(order: maxOrder, stride: stride, align: align) else { return nil }
        return (maxOrder, fit.count, fit.firstObjectOffset)
    }

    /// The most objects a slab of `order` holds after its header, which itself
    /// grows by one bit per object.
    private static func fit(order: Int, stride: Int, align: Int) -> (count: Int, firstObjectOffset: Int)? {
        let slabBytes = pageBytes << order
        var count = (slabBytes - headerFixedWords * 8) / stride
        while count > 0 {
            let first = roundUp(headerBytes(objectCount: count), align)
            if first + count * stride <= slabBytes { return (count, first) }
            count -= 1
        }
        return nil
    }

    private static func roundUp(_ value: Int, _ alignment: Int) -> Int {
        (value + alignment - 1) & ~(alignment - 1)
    }
}
