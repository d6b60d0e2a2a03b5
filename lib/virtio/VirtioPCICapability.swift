/// One virtio structure a modern virtio-pci device describes with a
/// vendor-specific capability (virtio 1.x, 4.1.4; Linux: struct
/// virtio_pci_cap and virtio_pci_notify_cap in
/// include/uapi/linux/virtio_pci.h): which structure, in which BAR, where.
public struct VirtioPCICapability: Equatable, Sendable {
    /// cfg_type (VIRTIO_PCI_CAP_*_CFG).
    public enum Kind: UInt8, Sendable {
        case common = 1
        case notify = 2
        case isr = 3
        case device = 4
        /// The window that reaches BARs through configuration space.
        case pci = 5
        case sharedMemory = 8
        case vendor = 9
    }

    public let kind: Kind
    public let bar: Int
    public let offset: UInt32
    public let length: UInt32
    /// For `notify` only: a queue's notify address is offset +
    /// queue_notify_off * this.
    public let notifyOffsetMultiplier: UInt32

    /// The fields' offsets inside the capability.
    static let typeOffset = 3, barOffset = 4, offsetOffset = 8, lengthOffset = 12, multiplierOffset = 16
    /// sizeof(struct virtio_pci_cap) and sizeof(struct virtio_pci_notify_cap).
    static let size = 16, notifySize = 20

    public init(kind: Kind, bar: Int, offset: UInt32, length: UInt32, notifyOffsetMultiplier: UInt32 = 0) {
        self.kind = kind
        self.bar = bar
        self.offset = offset
        self.length = length
        self.notifyOffsetMultiplier = notifyOffsetMultiplier
    }

    /// The structure `capability` describes, read through `read8`; nil when
    /// it is not a virtio capability Apus knows, runs past configuration
    /// space, names a BAR beyond 5
    /// (reserved values the driver must ignore), is too short for its
    /// fields, or its range wraps.
    public static func decode(_ capability: PCICapability, read8: (Int) -> UInt8) -> VirtioPCICapability? {
        guard capability.id == PCICapability.vendorSpecific else { return nil }
        let base = capability.offset
        func read32(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 | UInt32(read8(base + at + $1)) << (8 * $1) }
        }
        let capabilityLength = Int(read8(base + 2))  // cap_len
        // It must fit in the conventional configuration space it was found in.
        guard capabilityLength >= size, base + capabilityLength <= PCIRegs.configSpaceSize,
            let kind = Kind(rawValue: read8(base + typeOffset))
        else { return nil }
        let bar = Int(read8(base + barOffset))
        guard bar <= 5 else { return nil }
        let offset = read32(offsetOffset), length = read32(lengthOffset)
        guard offset.addingReportingOverflow(length).overflow == false else { return nil }
        var multiplier: UInt32 = 0
        if kind == .notify {
            guard capabilityLength >= notifySize else { return nil }
            multiplier = read32(multiplierOffset)
        }
        return VirtioPCICapability(
            kind: kind, bar: bar, offset: offset, length: length, notifyOffsetMultiplier: multiplier)
    }

    /// Where in its BAR a queue with `queueNotifyOffset` is notified, or nil
    /// when that lies outside this notify structure (4.1.4.4 needs two bytes).
    public func notifyAddress(queueNotifyOffset: UInt16) -> UInt32? {
        let (scaled, overflow) = UInt32(queueNotifyOffset).multipliedReportingOverflow(by: notifyOffsetMultiplier)
        guard kind == .notify, !overflow, scaled <= length, length - scaled >= 2 else { return nil }
        return offset + scaled
    }
}

/// The structures a modern virtio-pci driver needs, each the first of its
/// kind in the capability list (4.1.4: the driver uses the first it can).
public struct VirtioPCILayout: Equatable, Sendable {
    public let common: VirtioPCICapability
    public let notify: VirtioPCICapability
    public let isr: VirtioPCICapability
    /// Device-specific configuration; some device types have none.
    public let device: VirtioPCICapability?

    /// The layout from a function's capability list, or nil when the
    /// common, notify or ISR structure is missing (a legacy-only device).
    public init?(capabilities: [PCICapability], read8: (Int) -> UInt8) {
        let found = capabilities.compactMap { VirtioPCICapability.decode($0, read8: read8) }
        func first(_ kind: VirtioPCICapability.Kind) -> VirtioPCICapability? { found.first { $0.kind == kind } }
        guard let common = first(.common), let notify = first(.notify), let isr = first(.isr) else { return nil }
        self.common = common
        self.notify = notify
        self.isr = isr
        device = first(.device)
    }
}

/// The common configuration structure's fields (struct
/// virtio_pci_common_cfg; Linux: VIRTIO_PCI_COMMON_* in virtio_pci.h).
/// The queue_* fields describe the queue chosen by queue_select.
public enum VirtioPCICommonConfig {
    public static let deviceFeatureSelect = 0  // VIRTIO_PCI_COMMON_DFSELECT, le32
    public static let deviceFeature = 4  // VIRTIO_PCI_COMMON_DF, le32
    public static let driverFeatureSelect = 8  // VIRTIO_PCI_COMMON_GFSELECT, le32
    public static let driverFeature = 12  // VIRTIO_PCI_COMMON_GF, le32
    public static let msixConfig = 16  // VIRTIO_PCI_COMMON_MSIX, le16
    public static let numQueues = 18  // VIRTIO_PCI_COMMON_NUMQ, le16
    public static let deviceStatus = 20  // VIRTIO_PCI_COMMON_STATUS, u8
    public static let configGeneration = 21  // VIRTIO_PCI_COMMON_CFGGENERATION, u8
    public static let queueSelect = 22  // VIRTIO_PCI_COMMON_Q_SELECT, le16
    public static let queueSize = 24  // VIRTIO_PCI_COMMON_Q_SIZE, le16
    public static let queueMSIXVector = 26  // VIRTIO_PCI_COMMON_Q_MSIX, le16
    public static let queueEnable = 28  // VIRTIO_PCI_COMMON_Q_ENABLE, le16
    public static let queueNotifyOffset = 30  // VIRTIO_PCI_COMMON_Q_NOFF, le16
    public static let queueDescriptor = 32  // VIRTIO_PCI_COMMON_Q_DESCLO, le64
    public static let queueDriver = 40  // VIRTIO_PCI_COMMON_Q_AVAILLO, le64
    public static let queueDevice = 48  // VIRTIO_PCI_COMMON_Q_USEDLO, le64
    /// The structure's size before the optional queue_notify_data and queue_reset.
    public static let size = 56
    /// The MSI-X vector value that means "no vector" (VIRTIO_MSI_NO_VECTOR).
    public static let noVector: UInt16 = 0xFFFF
}
