import Core
import Lib

/// Choosing how configuration space is reached (Linux:
/// arch/x86/pci/init.c pci_arch_init, pci_direct_probe and
/// mmconfig-shared.c pci_mmcfg_early_init). With an MCFG table, ECAM
/// serves every access once a read of 00:00.0 through it agrees with one
/// through the ports; Linux keeps the ports for the first 256 bytes
/// (old chipsets' ECAM errata), Apus uses one mechanism for all, which is
/// what makes `-M q35` runs test ECAM. Without MCFG (QEMU's `pc`), or if
/// ECAM disagrees, the ports.
enum PCIArch {
    static func initialize(boot: BootParams) -> (any PCIRawOps)? {
        let direct = PCIDirect.probe() ? PCIDirect() : nil
        if let bytes = ACPITables.find("MCFG", boot: boot), let mcfg = MCFG(bytes), !mcfg.allocations.isEmpty {
            for window in mcfg.allocations {
                let start = window.baseAddress &+ UInt64(window.startBus) * MCFG.Allocation.busSize
                let end = window.baseAddress &+ (UInt64(window.endBus) + 1) * MCFG.Allocation.busSize &- 1
                pr_info(
                    "PCI: MMCONFIG for domain \(hex(UInt64(window.segment), width: 4)) [bus \(hex(UInt64(window.startBus), width: 2))-\(hex(UInt64(window.endBus), width: 2))] at [mem \(hex(start))-\(hex(end))] (base \(hex(window.baseAddress)))"
                )
            }
            let ecam = PCIMMConfig(windows: mcfg.allocations)
            let host = PCIAddress(bus: 0, device: 0, function: 0)
            let agrees = direct.map {
                $0.read(host, offset: PCIRegs.vendorID, width: 4) == ecam.read(host, offset: PCIRegs.vendorID, width: 4)
            }
            if agrees ?? true {
                pr_info("PCI: Using ECAM for base and extended configuration access")
                return ecam
            }
            pr_warn("PCI: ECAM disagrees with configuration type 1 at 0000:00:00.0; not using it")
        }
        guard let direct else {
            pr_info("PCI: no configuration mechanism found")
            return nil
        }
        pr_info("PCI: Using configuration type 1 for base access")
        return direct
    }
}
