/// The memory a virtqueue lives in, addressed by byte offset from the
/// start of its `VirtqueueLayout`. Virtio 1.x rings are little-endian.
/// The kernel implements it over DMA memory shared with the device, the
/// host tests over an array; the barriers are the ones Linux's
/// virtio_ring.c issues (virtio_wmb, virtio_rmb, virtio_mb) and may be
/// empty where nothing else runs concurrently.
public protocol VirtqueueMemory {
    func load16(at offset: Int) -> UInt16
    func load32(at offset: Int) -> UInt32
    mutating func store16(_ value: UInt16, at offset: Int)
    mutating func store32(_ value: UInt32, at offset: Int)
    mutating func store64(_ value: UInt64, at offset: Int)
    /// Stores before it are seen by the device before stores after it.
    mutating func writeBarrier()
    /// Loads after it do not see older values than loads before it.
    func readBarrier()
    /// Both, and stores before it are visible before loads after it.
    mutating func fullBarrier()
}
