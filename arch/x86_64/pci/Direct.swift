import Core
import Lib

/// Configuration mechanism #1, through I/O ports 0xCF8 and 0xCFC (Linux:
/// arch/x86/pci/direct.c pci_conf1_read/write; PCI 3.0, 3.2.2.3.2): the
/// function and the register's dword go to CONFIG_ADDRESS, then the data
/// is read or written at CONFIG_DATA plus the byte offset in the dword.
/// Every PC chipset has it; it reaches the first 256 bytes of a function.
final class PCIDirect: PCIRawOps {
    static let configAddress = IOPort(0xCF8)
    static let configDataBase: UInt16 = 0xCFC

    let name = "type 1"
    let configSpaceSize = PCIRegs.configSpaceSize

    /// Whether the chipset has mechanism #1 (Linux: pci_check_type1):
    /// CONFIG_ADDRESS keeps the enable bit written to it.
    static func probe() -> Bool {
        let saved = configAddress.read32()
        configAddress.write32(0x8000_0000)
        let present = configAddress.read32() == 0x8000_0000
        configAddress.write32(saved)
        return present
    }

    /// PCI_CONF1_ADDRESS: the enable bit, bus, devfn and dword offset.
    private func select(_ address: PCIAddress, _ offset: Int) -> IOPort {
        Self.configAddress.write32(
            0x8000_0000 | UInt32(address.bus) << 16 | UInt32(address.devfn) << 8 | UInt32(offset & 0xFC))
        return IOPort(Self.configDataBase + UInt16(offset & 3))
    }

    func read(_ address: PCIAddress, offset: Int, width: Int) -> UInt32 {
        let data = select(address, offset)
        switch width {
        case 1: return UInt32(data.read8())
        case 2: return UInt32(data.read16())
        default: return data.read32()
        }
    }

    func write(_ address: PCIAddress, offset: Int, width: Int, _ value: UInt32) {
        let data = select(address, offset)
        switch width {
        case 1: data.write8(UInt8(truncatingIfNeeded: value))
        case 2: data.write16(UInt16(truncatingIfNeeded: value))
        default: data.write32(value)
        }
    }
}
