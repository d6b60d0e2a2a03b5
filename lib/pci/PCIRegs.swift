/// The layout of a PCI function's configuration space (Linux:
/// include/uapi/linux/pci_regs.h; PCI Local Bus Specification 3.0, 6.1):
/// the offsets of the header's registers and the bits Apus uses.
public enum PCIRegs {
    public static let vendorID = 0x00  // PCI_VENDOR_ID
    public static let deviceID = 0x02  // PCI_DEVICE_ID
    public static let command = 0x04  // PCI_COMMAND
    public static let status = 0x06  // PCI_STATUS
    /// The revision (byte 0x08) and the class code above it (0x09-0x0B).
    public static let classRevision = 0x08  // PCI_CLASS_REVISION
    public static let headerType = 0x0E  // PCI_HEADER_TYPE
    public static let baseAddress0 = 0x10  // PCI_BASE_ADDRESS_0
    public static let subsystemVendorID = 0x2C  // PCI_SUBSYSTEM_VENDOR_ID
    public static let subsystemID = 0x2E  // PCI_SUBSYSTEM_ID
    public static let romAddress = 0x30  // PCI_ROM_ADDRESS
    public static let capabilityList = 0x34  // PCI_CAPABILITY_LIST
    public static let interruptLine = 0x3C  // PCI_INTERRUPT_LINE
    public static let interruptPin = 0x3D  // PCI_INTERRUPT_PIN
    /// A bridge's (header type 1) bus numbers and its expansion ROM.
    public static let primaryBus = 0x18  // PCI_PRIMARY_BUS
    public static let secondaryBus = 0x19  // PCI_SECONDARY_BUS
    public static let subordinateBus = 0x1A  // PCI_SUBORDINATE_BUS
    public static let bridgeROMAddress = 0x38  // PCI_ROM_ADDRESS1
    /// A CardBus bridge's (header type 2) capability pointer.
    public static let cardbusCapabilityList = 0x14  // PCI_CB_CAPABILITY_LIST

    /// The size of the conventional configuration space, and of the
    /// extended one PCI Express and ECAM give.
    public static let configSpaceSize = 256  // PCI_CFG_SPACE_SIZE
    public static let extendedConfigSpaceSize = 4096  // PCI_CFG_SPACE_EXP_SIZE

    // PCI_COMMAND bits.
    public static let commandIO: UInt16 = 0x1  // PCI_COMMAND_IO
    public static let commandMemory: UInt16 = 0x2  // PCI_COMMAND_MEMORY
    public static let commandMaster: UInt16 = 0x4  // PCI_COMMAND_MASTER
    public static let commandInterruptDisable: UInt16 = 0x400  // PCI_COMMAND_INTX_DISABLE
    /// PCI_STATUS_CAP_LIST: the function has a capability list.
    public static let statusCapabilityList: UInt16 = 0x10

    /// The header type's layout bits and its multi-function bit.
    public static let headerTypeMask: UInt8 = 0x7F
    public static let headerTypeMultiFunction: UInt8 = 0x80
    public static let headerTypeNormal: UInt8 = 0  // PCI_HEADER_TYPE_NORMAL
    public static let headerTypeBridge: UInt8 = 1  // PCI_HEADER_TYPE_BRIDGE
    public static let headerTypeCardbus: UInt8 = 2  // PCI_HEADER_TYPE_CARDBUS

    /// Base address registers of a normal function and of a bridge.
    public static let normalBARCount = 6
    public static let bridgeBARCount = 2
    /// PCI_ROM_ADDRESS_ENABLE and the ROM's address bits.
    public static let romEnable: UInt32 = 0x1
    public static let romAddressMask: UInt32 = 0xFFFF_F800
}

/// Where a function sits: domain (PCI segment), bus, device and function
/// (Linux: pci_domain_nr, bus->number and devfn with PCI_SLOT/PCI_FUNC).
public struct PCIAddress: Equatable, Hashable, Comparable, Sendable {
    public let domain: UInt16
    public let bus: UInt8
    /// Device in bits 3-7, function in bits 0-2 (Linux: devfn).
    public let devfn: UInt8

    public init(domain: UInt16 = 0, bus: UInt8, device: UInt8, function: UInt8) {
        self.domain = domain
        self.bus = bus
        devfn = (device & 0x1F) << 3 | (function & 7)
    }

    public var device: UInt8 { devfn >> 3 }  // PCI_SLOT
    public var function: UInt8 { devfn & 7 }  // PCI_FUNC

    /// "0000:00:03.0", the name in sysfs and the kernel log (Linux: pci_name).
    public var name: String {
        "\(hex(UInt64(domain), width: 4)):\(hex(UInt64(bus), width: 2)):\(hex(UInt64(device), width: 2)).\(function)"
    }

    public static func < (left: PCIAddress, right: PCIAddress) -> Bool {
        (left.domain, left.bus, left.devfn) < (right.domain, right.bus, right.devfn)
    }
}
