/// The PCI Express memory-mapped configuration table, "MCFG" (PCI
/// Firmware Specification 3.2, 4.1.2; Linux: struct acpi_table_mcfg and
/// arch/x86/pci/mmconfig-shared.c pci_parse_mcfg): where each PCI
/// segment's Enhanced Configuration Access Mechanism (ECAM) window lies.
public struct MCFG: Equatable {
    /// One ECAM window (Linux: struct acpi_mcfg_allocation).
    public struct Allocation: Equatable, Sendable {
        /// The window's address for bus 0, even when it starts at a later bus.
        public let baseAddress: UInt64
        public let segment: UInt16
        public let startBus: UInt8
        public let endBus: UInt8

        public init(baseAddress: UInt64, segment: UInt16, startBus: UInt8, endBus: UInt8) {
            self.baseAddress = baseAddress
            self.segment = segment
            self.startBus = startBus
            self.endBus = endBus
        }

        /// Each bus has 1 MiB: 32 devices of 8 functions of 4 KiB (Linux:
        /// PCI_MMCFG_BUS_OFFSET).
        public static let busSize: UInt64 = 1 << 20

        /// Where bus `bus`'s configuration space starts; nil outside the window.
        public func busAddress(_ bus: UInt8) -> UInt64? {
            guard bus >= startBus, bus <= endBus else { return nil }
            return baseAddress &+ UInt64(bus) * Self.busSize
        }
    }

    /// The header, 8 reserved bytes, then 16 bytes per allocation.
    static let allocationsOffset = 44
    static let allocationSize = 16

    public let allocations: [Allocation]

    /// The table in `bytes`; nil if it is not an MCFG. Allocations whose
    /// bus range is backwards are left out, as Linux refuses them.
    public init?(_ bytes: [UInt8]) {
        guard let header = ACPITableHeader(bytes), header.signature == "MCFG", bytes.count >= Int(header.length) else {
            return nil
        }
        let table = TableBytes(bytes: Array(bytes.prefix(Int(header.length))))
        allocations = stride(from: Self.allocationsOffset, to: Int(header.length), by: Self.allocationSize).compactMap {
            guard let base = table.u64($0), let segment = table.u16($0 + 8), let start = table.u8($0 + 10),
                let end = table.u8($0 + 11), start <= end
            else { return nil }
            return Allocation(baseAddress: base, segment: segment, startBus: start, endBus: end)
        }
    }
}
