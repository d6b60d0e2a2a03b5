/// The device status byte (virtio 1.x, 2.1; Linux:
/// include/uapi/linux/virtio_config.h, VIRTIO_CONFIG_S_*).
public struct VirtioDeviceStatus: OptionSet, Equatable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let acknowledge = VirtioDeviceStatus(rawValue: 1)  // VIRTIO_CONFIG_S_ACKNOWLEDGE
    public static let driver = VirtioDeviceStatus(rawValue: 2)  // VIRTIO_CONFIG_S_DRIVER
    public static let driverOK = VirtioDeviceStatus(rawValue: 4)  // VIRTIO_CONFIG_S_DRIVER_OK
    public static let featuresOK = VirtioDeviceStatus(rawValue: 8)  // VIRTIO_CONFIG_S_FEATURES_OK
    public static let needsReset = VirtioDeviceStatus(rawValue: 0x40)  // VIRTIO_CONFIG_S_NEEDS_RESET
    public static let failed = VirtioDeviceStatus(rawValue: 0x80)  // VIRTIO_CONFIG_S_FAILED
}

/// Why device initialisation stopped.
public enum VirtioStatusError: Error, Equatable, Sendable {
    /// The device cleared FEATURES_OK: it refuses the negotiated features.
    case featuresRejected
    /// The device reports FAILED or DEVICE_NEEDS_RESET.
    case deviceError(VirtioDeviceStatus)
}

/// The initialisation sequence of 3.1.1, one status write at a time:
/// after a reset, ACKNOWLEDGE, DRIVER, (the driver writes its features)
/// FEATURES_OK, which must read back set, (the driver sets up its queues)
/// DRIVER_OK. On any error the driver writes `failed`.
public struct VirtioStatusSequence: Equatable, Sendable {
    /// The bits written so far.
    public private(set) var written: VirtioDeviceStatus = []

    public init() {}

    /// The next value to write, given the status read back after the last
    /// write, or nil once DRIVER_OK is written.
    public mutating func next(readBack: VirtioDeviceStatus) throws(VirtioStatusError) -> VirtioDeviceStatus? {
        let errors = readBack.intersection([.failed, .needsReset])
        guard errors.isEmpty else { throw .deviceError(errors) }
        if written.contains(.featuresOK), !readBack.contains(.featuresOK) { throw .featuresRejected }
        for bit in [VirtioDeviceStatus.acknowledge, .driver, .featuresOK, .driverOK] where !written.contains(bit) {
            written.insert(bit)
            return written
        }
        return nil
    }

    /// What to write when the driver gives up: the bits so far and FAILED.
    public var failed: VirtioDeviceStatus { written.union(.failed) }
}
