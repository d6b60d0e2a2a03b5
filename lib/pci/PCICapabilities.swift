/// One entry of a function's capability list: its ID and where it starts
/// in configuration space.
public struct PCICapability: Equatable, Sendable {
    public let id: UInt8
    public let offset: Int

    public init(id: UInt8, offset: Int) {
        self.id = id
        self.offset = offset
    }

    // Capability IDs (Linux: PCI_CAP_ID_* in pci_regs.h).
    public static let powerManagement: UInt8 = 0x01  // PCI_CAP_ID_PM
    public static let msi: UInt8 = 0x05  // PCI_CAP_ID_MSI
    public static let vendorSpecific: UInt8 = 0x09  // PCI_CAP_ID_VNDR
    public static let bridgeSubsystem: UInt8 = 0x0D  // PCI_CAP_ID_SSVID
    public static let express: UInt8 = 0x10  // PCI_CAP_ID_EXP
    public static let msix: UInt8 = 0x11  // PCI_CAP_ID_MSIX
    public static let sata: UInt8 = 0x12  // PCI_CAP_ID_SATA

    /// A short name for the log and for docs, as lspci calls them.
    public var name: String {
        switch id {
        case Self.powerManagement: return "Power Management"
        case 0x04: return "Slot Identification"
        case Self.msi: return "MSI"
        case 0x07: return "PCI-X"
        case 0x0C: return "Hot-plug"
        case Self.vendorSpecific: return "Vendor Specific"
        case Self.bridgeSubsystem: return "Subsystem"
        case Self.express: return "Express"
        case Self.msix: return "MSI-X"
        case Self.sata: return "SATA"
        default: return "ID 0x" + hex(UInt64(id), width: 2)
        }
    }

    /// The list of a function whose status register is `status` and whose
    /// header type is `headerType`, read through `read8` (Linux:
    /// pci_find_capability and __pci_find_next_cap_ttl). Pointers are
    /// dword-aligned and point past the header; at most 48 entries are
    /// followed, so a list that loops ends.
    public static func list(status: UInt16, headerType: UInt8, read8: (Int) -> UInt8) -> [PCICapability] {
        guard status & PCIRegs.statusCapabilityList != 0 else { return [] }
        let start: Int
        switch headerType & PCIRegs.headerTypeMask {
        case PCIRegs.headerTypeNormal, PCIRegs.headerTypeBridge: start = PCIRegs.capabilityList
        case PCIRegs.headerTypeCardbus: start = PCIRegs.cardbusCapabilityList
        default: return []
        }
        var found: [PCICapability] = []
        var position = Int(read8(start))
        // PCI_FIND_CAP_TTL: 48 capabilities fill the 192 bytes after the header.
        for _ in 0..<48 {
            position &= ~3
            guard position >= 0x40, position < PCIRegs.configSpaceSize - 1 else { break }
            let id = read8(position)
            guard id != 0xFF else { break }
            found.append(PCICapability(id: id, offset: position))
            position = Int(read8(position + 1))
        }
        return found
    }
}

/// What an MSI-X capability says (Linux: PCI_MSIX_FLAGS, PCI_MSIX_TABLE,
/// PCI_MSIX_PBA; PCI 3.0, 6.8.2): how many vectors, and in which BAR and
/// at which offset the vector table and the pending-bit array lie.
public struct MSIXCapability: Equatable, Sendable {
    public let tableSize: Int
    public let tableBAR: Int
    public let tableOffset: UInt32
    public let pendingBAR: Int
    public let pendingOffset: UInt32
    public let enabled: Bool

    /// Each vector's entry in the table: address low and high, data, and
    /// vector control (PCI_MSIX_ENTRY_SIZE).
    public static let entrySize = 16

    /// The capability from its message control word and the two dwords after it.
    public init(control: UInt16, table: UInt32, pending: UInt32) {
        tableSize = Int(control & 0x7FF) + 1  // PCI_MSIX_FLAGS_QSIZE
        enabled = control & 0x8000 != 0  // PCI_MSIX_FLAGS_ENABLE
        tableBAR = Int(table & 7)  // PCI_MSIX_TABLE_BIR
        tableOffset = table & ~7  // PCI_MSIX_TABLE_OFFSET
        pendingBAR = Int(pending & 7)
        pendingOffset = pending & ~7
    }
}
