/// A doubly linked list of slabs, linked through their headers; the cache
/// holds only the head and a count. Linux: the slabs_full/slabs_partial/
/// slabs_free list_heads of SLAB's struct kmem_cache_node.
struct SlabList {
    /// Address of the first slab, or 0 when empty.
    private(set) var head: UInt = 0
    private(set) var count = 0

    mutating func push<Memory>(_ slab: SlabHeader<Memory>) {
        slab.previous = 0
        slab.next = head
        if head != 0 { SlabHeader(base: head, memory: slab.memory).previous = slab.base }
        head = slab.base
        count += 1
    }

    mutating func remove<Memory>(_ slab: SlabHeader<Memory>) {
        if slab.previous != 0 {
            SlabHeader(base: slab.previous, memory: slab.memory).next = slab.next
        } else {
            head = slab.next
        }
        if slab.next != 0 { SlabHeader(base: slab.next, memory: slab.memory).previous = slab.previous }
        count -= 1
    }
}
