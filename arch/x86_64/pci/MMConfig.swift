import Core
import Lib

/// The Enhanced Configuration Access Mechanism (Linux:
/// arch/x86/pci/mmconfig_64.c and mmconfig-shared.c; PCI Express 4.0,
/// 7.2.2): each function's 4 KiB of configuration space is memory at
/// base + bus << 20 + devfn << 12, in the windows ACPI's MCFG lists.
/// Linux maps every window whole; Apus maps a bus's megabyte the first
/// time it is reached, so a 256-bus window costs page tables only for
/// the buses that exist.
final class PCIMMConfig: PCIRawOps {
    let name = "ECAM"
    let configSpaceSize = PCIRegs.extendedConfigSpaceSize
    let windows: [MCFG.Allocation]
    /// The buses mapped so far; touched only under PCIConfig's lock.
    private var mapped = [MMIORegion?](repeating: nil, count: 256)

    init(windows: [MCFG.Allocation]) { self.windows = windows }

    /// Bus `bus`'s megabyte, mapped uncached on first use; nil if no
    /// window covers it or it cannot be mapped.
    private func region(_ address: PCIAddress) -> MMIORegion? {
        if let region = mapped[Int(address.bus)] { return region }
        guard
            let physical = windows.lazy.compactMap({
                $0.segment == address.domain ? $0.busAddress(address.bus) : nil
            }).first,
            let region = try? Vmalloc.ioremap(PhysAddr(physical), size: MCFG.Allocation.busSize)
        else { return nil }
        mapped[Int(address.bus)] = region
        return region
    }

    func read(_ address: PCIAddress, offset: Int, width: Int) -> UInt32 {
        guard let region = region(address) else { return UInt32.max >> (32 - 8 * UInt32(width)) }
        let at = UInt64(address.devfn) << 12 + UInt64(offset)
        switch width {
        case 1: return UInt32(region.read8(at))
        case 2: return UInt32(region.read16(at))
        default: return region.read32(at)
        }
    }

    func write(_ address: PCIAddress, offset: Int, width: Int, _ value: UInt32) {
        guard let region = region(address) else { return }
        let at = UInt64(address.devfn) << 12 + UInt64(offset)
        switch width {
        case 1: region.write8(at, UInt8(truncatingIfNeeded: value))
        case 2: region.write16(at, UInt16(truncatingIfNeeded: value))
        default: region.write32(at, value)
        }
    }
}
