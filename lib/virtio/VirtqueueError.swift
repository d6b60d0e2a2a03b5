/// Why a virtqueue operation was refused. The used ring is written by the
/// device, so everything read from it is checked; a device that breaks the
/// rules leaves the queue broken (Linux: BAD_RING sets vq->broken).
public enum VirtqueueError: Error, Equatable, Sendable {
    /// A buffer chain with no segment, or with a segment of length zero.
    case emptyBuffer
    /// Fewer free descriptors than the chain needs.
    case noSpace
    /// The used index moved further ahead than there are buffers in flight.
    case usedIndexTooFar(usedIndex: UInt16)
    /// A used element whose id is not a descriptor of the queue.
    case usedIDOutOfRange(id: UInt32)
    /// A used element whose id is not the head of a chain in flight.
    case usedIDNotInFlight(id: UInt32)
    /// A used element claiming more bytes than the chain lets the device write.
    case usedLengthTooLong(id: UInt32, length: UInt32, writable: UInt64)
    /// An earlier error broke the queue: it needs a reset.
    case broken
}
