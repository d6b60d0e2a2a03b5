/// A base address register decoded (Linux: drivers/pci/probe.c
/// __pci_read_base, decode_bar and pci_size): what kind of space the
/// function decodes, where the firmware put it and how large it is. The
/// size comes from the BAR sizing protocol: write all-ones, read back, and
/// the lowest writable address bit is the size (PCI 3.0, 6.2.5.1).
public struct PCIBar: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// I/O ports.
        case io
        /// Memory below 4 GiB (or below 1 MiB, the legacy type, decoded the same way).
        case memory32
        /// Memory anywhere, the BAR and the next one holding one 64-bit address.
        case memory64
        /// The expansion ROM (PCI_ROM_ADDRESS).
        case rom
    }

    public let kind: Kind
    public let prefetchable: Bool
    public let base: UInt64
    public let size: UInt64

    public init(kind: Kind, prefetchable: Bool, base: UInt64, size: UInt64) {
        self.kind = kind
        self.prefetchable = prefetchable
        self.base = base
        self.size = size
    }

    /// PCI_BASE_ADDRESS_SPACE_IO, the memory type bits and
    /// PCI_BASE_ADDRESS_MEM_PREFETCH of a BAR's low dword.
    static let spaceIO: UInt32 = 0x1
    static let memoryTypeMask: UInt32 = 0x6
    static let memoryType64: UInt32 = 0x4
    static let memoryPrefetch: UInt32 = 0x8
    static let ioAddressMask: UInt32 = 0xFFFF_FFFC  // PCI_BASE_ADDRESS_IO_MASK
    static let memoryAddressMask: UInt32 = 0xFFFF_FFF0  // PCI_BASE_ADDRESS_MEM_MASK
    /// I/O space on x86 ends at 0xFFFF (Linux: IO_SPACE_LIMIT).
    static let ioSpaceLimit: UInt32 = 0xFFFF

    /// Whether a BAR whose low dword reads `value` is the first half of a 64-bit memory BAR.
    public static func is64Bit(_ value: UInt32) -> Bool {
        value & spaceIO == 0 && value & memoryTypeMask == memoryType64
    }

    /// The BAR whose low dword read `value` and `sized` after all-ones
    /// were written (and, for a 64-bit BAR, whose high dword read `high`
    /// and `sizedHigh`); nil if it decodes nothing (reads back zero).
    public static func decode(value: UInt32, sized: UInt32, high: UInt32 = 0, sizedHigh: UInt32 = 0) -> PCIBar? {
        if value & spaceIO != 0 {
            let mask = UInt64(ioAddressMask & ioSpaceLimit)
            guard let size = size(base: UInt64(value) & mask, sized: UInt64(sized) & mask, mask: mask) else {
                return nil
            }
            return PCIBar(kind: .io, prefetchable: false, base: UInt64(value) & mask, size: size)
        }
        let wide = is64Bit(value)
        let mask: UInt64 = wide ? ~UInt64(0xF) : UInt64(memoryAddressMask)
        let base = (wide ? UInt64(high) << 32 : 0) | UInt64(value & memoryAddressMask)
        let readBack = (wide ? UInt64(sizedHigh) << 32 : 0) | UInt64(sized & memoryAddressMask)
        guard let size = size(base: base, sized: readBack, mask: mask) else { return nil }
        return PCIBar(
            kind: wide ? .memory64 : .memory32, prefetchable: value & memoryPrefetch != 0, base: base, size: size)
    }

    /// The expansion ROM whose register read `value`, and `sized` after
    /// the address bits were set; nil if there is none.
    public static func decodeROM(value: UInt32, sized: UInt32) -> PCIBar? {
        let mask = UInt64(PCIRegs.romAddressMask)
        let base = UInt64(value) & mask
        guard let size = size(base: base, sized: UInt64(sized) & mask, mask: mask) else { return nil }
        return PCIBar(kind: .rom, prefetchable: true, base: base, size: size)
    }

    /// The size the lowest writable address bit gives (Linux: pci_size);
    /// nil for a BAR that decodes nothing, or a read-back that cannot be
    /// a size (all-ones at the base with bits missing: a broken device).
    private static func size(base: UInt64, sized: UInt64, mask: UInt64) -> UInt64? {
        let writable = sized & mask
        guard writable != 0 else { return nil }
        let size = writable & (~writable &+ 1)
        if base == sized && (base | (size - 1)) & mask != mask { return nil }
        return size
    }

    /// The last address of the range (Linux: resource.end).
    public var end: UInt64 { base &+ size &- 1 }

    /// Linux's resource flags for it, as /sys/.../resource and
    /// /proc/bus/pci/devices show them (include/linux/ioport.h
    /// IORESOURCE_*, with the BAR's own low bits kept as Linux keeps them).
    public var resourceFlags: UInt64 {
        let sizeAlign: UInt64 = 0x4_0000  // IORESOURCE_SIZEALIGN
        let memory: UInt64 = 0x200  // IORESOURCE_MEM
        let prefetch: UInt64 = 0x2000  // IORESOURCE_PREFETCH
        switch kind {
        case .io: return 0x100 | sizeAlign | UInt64(Self.spaceIO)  // IORESOURCE_IO
        case .memory32: return memory | sizeAlign | (prefetchable ? prefetch | UInt64(Self.memoryPrefetch) : 0)
        case .memory64:
            return 0x10_0000 | memory | sizeAlign | UInt64(Self.memoryType64)  // IORESOURCE_MEM_64
                | (prefetchable ? prefetch | UInt64(Self.memoryPrefetch) : 0)
        case .rom: return memory | prefetch | 0x4000 | sizeAlign  // IORESOURCE_READONLY
        }
    }
}
