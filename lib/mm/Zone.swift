/// Memory zones: ranges of physical memory that differ in who can address them.
/// Linux: include/linux/mmzone.h (enum zone_type), arch/x86/include/asm/dma.h.
///
/// ISA DMA reaches only the first 16 MiB and 32-bit devices only the first
/// 4 GiB, so the page allocator keeps those frames apart and hands them to
/// ordinary requests last.
public enum ZoneType: Int, CaseIterable, Sendable {
    case dma
    case dma32
    case normal

    /// The zone a frame belongs to.
    public init(pfn: PFN) {
        if pfn < ZoneType.dma.endPFN {
            self = .dma
        } else if pfn < ZoneType.dma32.endPFN {
            self = .dma32
        } else {
            self = .normal
        }
    }

    /// The first frame above the zone (Linux: MAX_DMA_PFN, MAX_DMA32_PFN).
    /// Both boundaries are multiples of the largest buddy block, so a
    /// naturally aligned block never straddles two zones.
    public var endPFN: PFN {
        switch self {
        case .dma: (16 << 20) >> pageShift
        case .dma32: (4 << 30) >> pageShift
        case .normal: PFN.max
        }
    }

    /// The name Linux prints in the boot log and /proc/buddyinfo.
    public var name: String {
        switch self {
        case .dma: "DMA"
        case .dma32: "DMA32"
        case .normal: "Normal"
        }
    }
}
