/// One segment of a buffer chain: a bus address and a length.
public struct VirtqueueSegment: Equatable, Sendable {
    public let address: UInt64
    public let length: UInt32

    public init(address: UInt64, length: UInt32) {
        self.address = address
        self.length = length
    }
}

/// A buffer the device has finished with: the head descriptor of its chain
/// and the bytes the device says it wrote, checked against the chain.
public struct VirtqueueUsedBuffer: Equatable, Sendable {
    public let id: UInt16
    public let length: UInt32

    public init(id: UInt16, length: UInt32) {
        self.id = id
        self.length = length
    }
}

/// The driver side of a split virtqueue (virtio 1.x, 2.7; Linux:
/// drivers/virtio/virtio_ring.c, the split half of vring_virtqueue).
/// Descriptor links, the free list and each chain's size live in the
/// driver's own arrays; the shared memory is only written for the device
/// and read back only in the used ring, where every field is validated.
public struct Virtqueue<Memory: VirtqueueMemory> {
    public let layout: VirtqueueLayout
    public private(set) var memory: Memory
    /// VIRTIO_F_EVENT_IDX was negotiated: notifications follow used_event
    /// and avail_event instead of the ring flags.
    public let eventIndex: Bool

    /// The first free descriptor and how many are free (free_head, num_free).
    public private(set) var freeCount: Int
    private var freeHead: Int
    /// Each descriptor's successor, in a chain or in the free list.
    private var next: [UInt16]
    /// Per head in flight: how many descriptors its chain holds (0: not in
    /// flight) and how many bytes the device may write into it.
    private var chainLength: [UInt16]
    private var writableBytes: [UInt64]
    /// The driver's copy of the available index (avail_idx_shadow), the
    /// next used element to consume (last_used_idx), and how many buffers
    /// were made available since the last notification check (num_added).
    public private(set) var availableIndex: UInt16 = 0
    public private(set) var lastUsedIndex: UInt16 = 0
    private var addedSinceKick: UInt16 = 0
    public private(set) var isBroken = false

    /// A queue over zeroed `memory` laid out as `layout`, every descriptor free.
    public init(layout: VirtqueueLayout, memory: Memory, eventIndex: Bool) {
        self.layout = layout
        self.memory = memory
        self.eventIndex = eventIndex
        freeCount = layout.size
        freeHead = 0
        next = (0..<layout.size).map { UInt16(truncatingIfNeeded: $0 + 1) }
        chainLength = Array(repeating: 0, count: layout.size)
        writableBytes = Array(repeating: 0, count: layout.size)
    }

    /// The number of chains the device has not returned yet.
    public var inFlight: Int { Int(availableIndex &- lastUsedIndex) }

    /// Makes a chain of `readable` segments followed by `writable` ones
    /// available to the device and returns its head (virtqueue_add_sgs).
    /// The device sees it at once; call `kickPrepare` to learn whether to
    /// notify it.
    public mutating func add(
        readable: [VirtqueueSegment], writable: [VirtqueueSegment]
    ) throws(VirtqueueError) -> UInt16 {
        guard !isBroken else { throw .broken }
        let count = readable.count + writable.count
        guard count > 0, !readable.contains(where: { $0.length == 0 }),
            !writable.contains(where: { $0.length == 0 })
        else { throw .emptyBuffer }
        guard count <= freeCount else { throw .noSpace }
        let head = freeHead
        var index = head
        var writable64: UInt64 = 0
        for (position, segment) in (readable + writable).enumerated() {
            let deviceWrites = position >= readable.count
            if deviceWrites { writable64 += UInt64(segment.length) }
            let last = position == count - 1
            var flags: UInt16 = deviceWrites ? VirtqueueLayout.descriptorWrite : 0
            if !last { flags |= VirtqueueLayout.descriptorNext }
            let offset = layout.descriptorOffset(index)
            memory.store64(segment.address, at: offset)
            memory.store32(segment.length, at: offset + 8)
            memory.store16(flags, at: offset + 12)
            memory.store16(last ? 0 : next[index], at: offset + 14)
            if !last { index = Int(next[index]) }
        }
        freeHead = Int(next[index])
        freeCount -= count
        chainLength[head] = UInt16(count)
        writableBytes[head] = writable64
        // The ring entry, then (ordered after it) the index that publishes it.
        memory.store16(UInt16(head), at: layout.availableEntryOffset(Int(availableIndex) & (layout.size - 1)))
        memory.writeBarrier()
        availableIndex &+= 1
        memory.store16(availableIndex, at: layout.availableIndexOffset)
        addedSinceKick &+= 1
        return UInt16(head)
    }

    /// Whether the device wants a notification for the buffers added since
    /// the last call (virtqueue_kick_prepare_split).
    public mutating func kickPrepare() -> Bool {
        // The new index must be visible before the device's wish is read.
        memory.fullBarrier()
        let new = availableIndex
        let old = new &- addedSinceKick
        addedSinceKick = 0
        if eventIndex {
            return Self.needEvent(event: memory.load16(at: layout.availableEventOffset), new: new, old: old)
        }
        return memory.load16(at: layout.usedFlagsOffset) & VirtqueueLayout.usedNoNotify == 0
    }

    /// Whether moving an index from `old` to `new` passes `event`
    /// (vring_need_event): true when event lies in [old, new), modulo 2^16.
    public static func needEvent(event: UInt16, new: UInt16, old: UInt16) -> Bool {
        new &- event &- 1 < new &- old
    }

    /// The next buffer the device has used, or nil when there is none
    /// (virtqueue_get_buf_ctx_split). Its descriptors return to the free list.
    public mutating func popUsed() throws(VirtqueueError) -> VirtqueueUsedBuffer? {
        guard !isBroken else { throw .broken }
        let usedIndex = memory.load16(at: layout.usedIndexOffset)
        guard usedIndex != lastUsedIndex else { return nil }
        guard usedIndex &- lastUsedIndex <= UInt16(truncatingIfNeeded: inFlight) else {
            return try fail(.usedIndexTooFar(usedIndex: usedIndex))
        }
        // The element must not be read before the index that covers it.
        memory.readBarrier()
        let offset = layout.usedElementOffset(Int(lastUsedIndex) & (layout.size - 1))
        let id = memory.load32(at: offset)
        let length = memory.load32(at: offset + 4)
        guard id < UInt32(layout.size) else { return try fail(.usedIDOutOfRange(id: id)) }
        let head = Int(id)
        guard chainLength[head] != 0 else { return try fail(.usedIDNotInFlight(id: id)) }
        guard UInt64(length) <= writableBytes[head] else {
            return try fail(.usedLengthTooLong(id: id, length: length, writable: writableBytes[head]))
        }
        detach(head: head)
        lastUsedIndex &+= 1
        if eventIndex {
            // Ask for an interrupt at the next element (virtio_store_mb).
            memory.store16(lastUsedIndex, at: layout.usedEventOffset)
            memory.fullBarrier()
        }
        return VirtqueueUsedBuffer(id: UInt16(head), length: length)
    }

    /// Puts a returned chain at the front of the free list (detach_buf_split).
    private mutating func detach(head: Int) {
        var tail = head
        for _ in 1..<Int(chainLength[head]) { tail = Int(next[tail]) }
        next[tail] = UInt16(freeHead)
        freeHead = head
        freeCount += Int(chainLength[head])
        chainLength[head] = 0
        writableBytes[head] = 0
    }

    private mutating func fail(_ error: VirtqueueError) throws(VirtqueueError) -> VirtqueueUsedBuffer? {
        isBroken = true
        throw error
    }
}
