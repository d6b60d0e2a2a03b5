import ABI
import Core
import Lib

/// A PCI function the kernel found (Linux: struct pci_dev,
/// include/linux/pci.h): where it is, what it is, the resources its BARs
/// decode, its capabilities, its interrupt pin and line, its directory in
/// sysfs and the driver bound to it. Drivers reach its configuration
/// space, enable it, and map its memory BARs through it.
public final class PCIDevice {
    public let address: PCIAddress
    public let identity: PCIIdentity
    public let revision: UInt8
    /// The header layout (0 normal, 1 PCI-to-PCI bridge, 2 CardBus),
    /// without the multi-function bit (Linux: hdr_type).
    public let headerType: UInt8
    /// INTA# to INTD# as 1-4, 0 if the function does not interrupt
    /// (Linux: pin).
    public let interruptPin: UInt8
    /// The interrupt line the firmware routed the pin to, the I/O APIC
    /// input on a PC; 0 without a pin (Linux: irq).
    public let irq: UInt8
    /// BARs 0-5 (a 64-bit BAR fills two slots, the second nil) and the
    /// expansion ROM (Linux: resource[PCI_STD_RESOURCES], PCI_ROM_RESOURCE).
    public let resources: [PCIBar?]
    public let capabilities: [PCICapability]
    /// The bridge whose secondary bus this function is on; nil on bus 0.
    public let parent: PCIDevice?
    /// A bridge's secondary bus (Linux: subordinate->number).
    public let secondaryBus: UInt8?
    /// Its directory, /sys/devices/pci0000:00/.../0000:bb:dd.f.
    let kobject: KObject
    /// The driver bound to it (Linux: dev.driver).
    public internal(set) var driver: (any PCIDriver)?
    /// How many times it was enabled (Linux: enable_cnt); changed under
    /// the PCI registry's lock, like `driver`.
    private var enableCount = 0

    /// The index of the ROM in `resources` (Linux: PCI_ROM_RESOURCE).
    public static let romResource = 6

    init(
        address: PCIAddress, identity: PCIIdentity, revision: UInt8, headerType: UInt8, interruptPin: UInt8,
        irq: UInt8, resources: [PCIBar?], capabilities: [PCICapability], parent: PCIDevice?, secondaryBus: UInt8?,
        kobject: KObject
    ) {
        self.address = address
        self.identity = identity
        self.revision = revision
        self.headerType = headerType
        self.interruptPin = interruptPin
        self.irq = irq
        self.resources = resources
        self.capabilities = capabilities
        self.parent = parent
        self.secondaryBus = secondaryBus
        self.kobject = kobject
    }

    /// "0000:00:03.0" (Linux: pci_name).
    public var name: String { address.name }

    // Configuration space (Linux: pci_read_config_byte and friends).
    public func read8(_ offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: PCIConfig.read(address, offset: offset, width: 1))
    }
    public func read16(_ offset: Int) -> UInt16 {
        UInt16(truncatingIfNeeded: PCIConfig.read(address, offset: offset, width: 2))
    }
    public func read32(_ offset: Int) -> UInt32 { PCIConfig.read(address, offset: offset, width: 4) }
    public func write8(_ offset: Int, _ value: UInt8) {
        PCIConfig.write(address, offset: offset, width: 1, UInt32(value))
    }
    public func write16(_ offset: Int, _ value: UInt16) {
        PCIConfig.write(address, offset: offset, width: 2, UInt32(value))
    }
    public func write32(_ offset: Int, _ value: UInt32) { PCIConfig.write(address, offset: offset, width: 4, value) }

    /// The bytes of configuration space it has: 4096 for a PCI Express
    /// function reached through ECAM, else 256 (Linux: pci_cfg_space_size).
    public var configSpaceSize: Int {
        capability(PCICapability.express) != nil ? PCIConfig.spaceSize : PCIRegs.configSpaceSize
    }

    /// Its first capability with `id` (Linux: pci_find_capability).
    public func capability(_ id: UInt8) -> PCICapability? { capabilities.first { $0.id == id } }

    /// Its MSI-X capability decoded, if it has one.
    public var msix: MSIXCapability? {
        capability(PCICapability.msix).map {
            MSIXCapability(control: read16($0.offset + 2), table: read32($0.offset + 4), pending: read32($0.offset + 8))
        }
    }

    public var isEnabled: Bool { PCI.locked { enableCount > 0 } }

    /// Turns on decoding of the spaces its BARs use (Linux:
    /// pci_enable_device, pci_enable_resources); counted, so each enable
    /// needs its disable.
    public func enable() {
        let first = PCI.locked {
            enableCount += 1
            return enableCount == 1
        }
        guard first else { return }
        var command = read16(PCIRegs.command)
        for bar in resources.prefix(Self.romResource).compactMap({ $0 }) {
            command |= bar.kind == .io ? PCIRegs.commandIO : PCIRegs.commandMemory
        }
        write16(PCIRegs.command, command)
    }

    /// Undoes one `enable`; the last turns bus mastering off and, as
    /// Linux does, leaves decoding on (Linux: pci_disable_device).
    public func disable() {
        let last = PCI.locked {
            guard enableCount > 0 else { return false }
            enableCount -= 1
            return enableCount == 0
        }
        guard last else { return }
        write16(PCIRegs.command, read16(PCIRegs.command) & ~PCIRegs.commandMaster)
    }

    /// Lets it start DMA (Linux: pci_set_master).
    public func setMaster() { write16(PCIRegs.command, read16(PCIRegs.command) | PCIRegs.commandMaster) }

    /// Routes its INTx line to `handler` (Linux: request_irq of dev->irq):
    /// level-triggered, so the handler must make the function deassert
    /// its pin (read or clear its interrupt cause) before returning.
    /// ENODEV without a pin or line, EBUSY if the line cannot be had.
    public func requestIrq(name: String, _ handler: @escaping () -> Void) throws(Errno) {
        guard interruptPin != 0, irq != 0 else { throw .ENODEV }
        guard Irq.request(isaLine: Int(irq), name: name, level: true, handler) else { throw .EBUSY }
    }

    /// Gives its line back (Linux: free_irq).
    public func freeIrq() {
        guard interruptPin != 0, irq != 0 else { return }
        Irq.free(isaLine: Int(irq))
    }

    /// Its memory BAR `index` mapped uncached into the kernel's address
    /// space (Linux: pci_iomap, ioremap); EINVAL for an I/O or missing
    /// BAR, ENOMEM if there is no room.
    public func iomap(bar index: Int) throws(Errno) -> MMIORegion {
        guard index >= 0, index < Self.romResource, let bar = resources[index], bar.kind != .io, bar.base != 0 else {
            throw .EINVAL
        }
        do {
            return try Vmalloc.ioremap(PhysAddr(bar.base), size: bar.size)
        } catch {
            throw .ENOMEM
        }
    }

    /// Undoes `iomap` (Linux: pci_iounmap).
    public func iounmap(_ region: MMIORegion) {
        try? Vmalloc.free(VirtAddr(region.base.value & ~(MemoryLayout64.pageSize - 1)))
    }
}
