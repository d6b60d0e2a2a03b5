/// The identity of a function as drivers match it and as uevents and
/// modaliases show it (Linux: the fields of struct pci_dev that
/// pci_match_one_device compares, and drivers/pci/pci-driver.c
/// pci_uevent).
public struct PCIIdentity: Equatable, Sendable {
    public let vendor: UInt16
    public let device: UInt16
    public let subsystemVendor: UInt16
    public let subsystemDevice: UInt16
    /// Base class, subclass and programming interface, 24 bits.
    public let classCode: UInt32

    public init(vendor: UInt16, device: UInt16, subsystemVendor: UInt16, subsystemDevice: UInt16, classCode: UInt32) {
        self.vendor = vendor
        self.device = device
        self.subsystemVendor = subsystemVendor
        self.subsystemDevice = subsystemDevice
        self.classCode = classCode
    }

    /// "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", what
    /// modprobe matches drivers' aliases against (Linux: pci_uevent's MODALIAS).
    public var modalias: String {
        "pci:v" + upperHex(UInt64(vendor), width: 8) + "d" + upperHex(UInt64(device), width: 8) + "sv"
            + upperHex(UInt64(subsystemVendor), width: 8) + "sd" + upperHex(UInt64(subsystemDevice), width: 8)
            + "bc" + upperHex(UInt64(classCode >> 16), width: 2) + "sc"
            + upperHex(UInt64((classCode >> 8) & 0xFF), width: 2) + "i" + upperHex(UInt64(classCode & 0xFF), width: 2)
    }

    /// The text of the function's `uevent` file, without the DRIVER line
    /// (Linux: pci_uevent).
    public func ueventText(slotName: String) -> String {
        "PCI_CLASS=" + upperHex(UInt64(classCode), width: 1) + "\nPCI_ID=" + upperHex(UInt64(vendor), width: 4) + ":"
            + upperHex(UInt64(device), width: 4) + "\nPCI_SUBSYS_ID=" + upperHex(UInt64(subsystemVendor), width: 4)
            + ":" + upperHex(UInt64(subsystemDevice), width: 4) + "\nPCI_SLOT_NAME=" + slotName + "\nMODALIAS="
            + modalias + "\n"
    }
}

/// One line of a driver's ID table (Linux: struct pci_device_id and the
/// PCI_DEVICE and PCI_DEVICE_CLASS macros): the identities it drives, with
/// `PCIDeviceID.any` as a wildcard and the class compared under a mask.
public struct PCIDeviceID: Equatable, Sendable {
    /// PCI_ANY_ID.
    public static let any: UInt32 = 0xFFFF_FFFF

    public let vendor: UInt32
    public let device: UInt32
    public let subsystemVendor: UInt32
    public let subsystemDevice: UInt32
    public let classCode: UInt32
    public let classMask: UInt32

    public init(
        vendor: UInt32, device: UInt32 = PCIDeviceID.any, subsystemVendor: UInt32 = PCIDeviceID.any,
        subsystemDevice: UInt32 = PCIDeviceID.any, classCode: UInt32 = 0, classMask: UInt32 = 0
    ) {
        self.vendor = vendor
        self.device = device
        self.subsystemVendor = subsystemVendor
        self.subsystemDevice = subsystemDevice
        self.classCode = classCode
        self.classMask = classMask
    }

    /// Whether this line matches `identity` (Linux: pci_match_one_device).
    public func matches(_ identity: PCIIdentity) -> Bool {
        func field(_ wanted: UInt32, _ actual: UInt16) -> Bool { wanted == Self.any || wanted == UInt32(actual) }
        return field(vendor, identity.vendor) && field(device, identity.device)
            && field(subsystemVendor, identity.subsystemVendor) && field(subsystemDevice, identity.subsystemDevice)
            && (classCode ^ identity.classCode) & classMask == 0
    }

    /// The first line of `table` that matches `identity` (Linux: pci_match_id).
    public static func match(_ table: [PCIDeviceID], _ identity: PCIIdentity) -> PCIDeviceID? {
        table.first { $0.matches(identity) }
    }
}
