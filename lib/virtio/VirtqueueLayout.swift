/// Where the three parts of a split virtqueue of `size` entries lie in
/// one contiguous area (virtio 1.x, 2.7; Linux: vring_init and
/// vring_size in include/uapi/linux/virtio_ring.h): the descriptor table,
/// then the available ring, then the used ring aligned to 4. Modern
/// devices take the three addresses separately (queue_desc, queue_driver,
/// queue_device), so no legacy page alignment is needed.
public struct VirtqueueLayout: Equatable, Sendable {
    /// The number of descriptors and of entries in each ring: a power of two.
    public let size: Int

    /// The largest queue the specification allows.
    public static let maxSize = 32768

    /// Each descriptor: addr (le64), len (le32), flags (le16), next (le16).
    public static let descriptorSize = 16  // sizeof(struct vring_desc)
    /// Each used element: id (le32), len (le32).
    public static let usedElementSize = 8  // sizeof(struct vring_used_elem)

    /// The alignments the specification requires of each part (2.7, table
    /// "Virtqueue Part Alignment").
    public static let descriptorAlignment = 16  // VRING_DESC_ALIGN_SIZE
    public static let availableAlignment = 2  // VRING_AVAIL_ALIGN_SIZE
    public static let usedAlignment = 4  // VRING_USED_ALIGN_SIZE

    /// Descriptor flags (VRING_DESC_F_*).
    public static let descriptorNext: UInt16 = 1  // VRING_DESC_F_NEXT
    public static let descriptorWrite: UInt16 = 2  // VRING_DESC_F_WRITE
    public static let descriptorIndirect: UInt16 = 4  // VRING_DESC_F_INDIRECT
    /// The driver asks for no interrupt (ignored with VIRTIO_F_EVENT_IDX).
    public static let availableNoInterrupt: UInt16 = 1  // VRING_AVAIL_F_NO_INTERRUPT
    /// The device asks for no notification (ignored with VIRTIO_F_EVENT_IDX).
    public static let usedNoNotify: UInt16 = 1  // VRING_USED_F_NO_NOTIFY

    /// A layout for `size` entries, or nil when it is not a power of two
    /// between 1 and 32768.
    public init?(size: Int) {
        guard size >= 1, size <= Self.maxSize, size & (size - 1) == 0 else { return nil }
        self.size = size
    }

    // The descriptor table: at offset 0.
    public var descriptorTableOffset: Int { 0 }
    public var descriptorTableSize: Int { Self.descriptorSize * size }
    public func descriptorOffset(_ index: Int) -> Int { descriptorTableOffset + Self.descriptorSize * index }

    // The available ring (the driver area): flags, idx, ring[size], used_event.
    public var availableOffset: Int { descriptorTableOffset + descriptorTableSize }
    public var availableSize: Int { 6 + 2 * size }
    public var availableFlagsOffset: Int { availableOffset }
    public var availableIndexOffset: Int { availableOffset + 2 }
    public func availableEntryOffset(_ index: Int) -> Int { availableOffset + 4 + 2 * index }
    /// vring_used_event: where the driver says which used index should interrupt it.
    public var usedEventOffset: Int { availableOffset + 4 + 2 * size }

    // The used ring (the device area): flags, idx, ring[size] of id/len, avail_event.
    public var usedOffset: Int { alignUp(availableOffset + availableSize, Self.usedAlignment) }
    public var usedSize: Int { 6 + Self.usedElementSize * size }
    public var usedFlagsOffset: Int { usedOffset }
    public var usedIndexOffset: Int { usedOffset + 2 }
    public func usedElementOffset(_ index: Int) -> Int { usedOffset + 4 + Self.usedElementSize * index }
    /// vring_avail_event: where the device says which available index should notify it.
    public var availableEventOffset: Int { usedOffset + 4 + Self.usedElementSize * size }

    /// The bytes the whole queue needs (vring_size with an alignment of 4).
    public var totalSize: Int { usedOffset + usedSize }

    private func alignUp(_ value: Int, _ alignment: Int) -> Int { (value + alignment - 1) & ~(alignment - 1) }
}
