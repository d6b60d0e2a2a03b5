/// Feature bits (virtio 1.x, 6 "Reserved Feature Bits"; Linux:
/// include/uapi/linux/virtio_config.h and virtio_ring.h). Bits 0-23 are
/// the device type's own; the driver reads all 64 through the
/// feature-select windows of the transport.
public struct VirtioFeatures: OptionSet, Equatable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let indirectDescriptors = VirtioFeatures(rawValue: 1 << 28)  // VIRTIO_RING_F_INDIRECT_DESC
    public static let eventIndex = VirtioFeatures(rawValue: 1 << 29)  // VIRTIO_RING_F_EVENT_IDX
    public static let version1 = VirtioFeatures(rawValue: 1 << 32)  // VIRTIO_F_VERSION_1
    public static let accessPlatform = VirtioFeatures(rawValue: 1 << 33)  // VIRTIO_F_ACCESS_PLATFORM
    public static let ringPacked = VirtioFeatures(rawValue: 1 << 34)  // VIRTIO_F_RING_PACKED
    public static let inOrder = VirtioFeatures(rawValue: 1 << 35)  // VIRTIO_F_IN_ORDER
    public static let orderPlatform = VirtioFeatures(rawValue: 1 << 36)  // VIRTIO_F_ORDER_PLATFORM
    public static let singleRootIOV = VirtioFeatures(rawValue: 1 << 37)  // VIRTIO_F_SR_IOV
    public static let notificationData = VirtioFeatures(rawValue: 1 << 38)  // VIRTIO_F_NOTIFICATION_DATA

    /// The features both sides take: what the device offers and the driver
    /// supports (Linux: virtio_dev_probe). Apus drives modern devices only,
    /// so a device that does not offer VIRTIO_F_VERSION_1 gives nil.
    public static func negotiate(device: VirtioFeatures, driver: VirtioFeatures) -> VirtioFeatures? {
        guard device.contains(.version1) else { return nil }
        return device.intersection(driver.union(.version1))
    }

    /// The 32-bit half the feature windows carry for `select` 0 (bits 0-31)
    /// or 1 (bits 32-63).
    public func word(_ select: Int) -> UInt32 { UInt32(truncatingIfNeeded: rawValue >> (select == 0 ? 0 : 32)) }
}
