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

extension ZoneType {
    /// The zone's first frame (Linux: zone_start_pfn); the frames from it to
    /// the end of RAM within the zone, holes included (spanned); and those
    /// that are RAM (present), for RAM made of `memory`'s regions (Linux:
    /// zone_spanned_pages_in_node, zone_absent_pages_in_node).
    public func span(over memory: some Collection<MemblockRegion>) -> (startPFN: PFN, spanned: UInt64, present: UInt64)
    {
        let low: PFN = self == .dma ? 0 : ZoneType(rawValue: rawValue - 1)!.endPFN
        // Memblock's regions are whole frames.
        let frames = memory.map { $0.base / pageSize..<$0.end / pageSize }.filter { !$0.isEmpty }
        guard let first = frames.map({ $0.lowerBound }).min(), let last = frames.map({ $0.upperBound }).max() else {
            return (low, 0, 0)
        }
        let start = Swift.max(low, first)
        let end = Swift.min(endPFN, last)
        guard start < end else { return (start, 0, 0) }
        let present = frames.reduce(UInt64(0)) { total, range in
            let lower = Swift.max(range.lowerBound, start)
            let upper = Swift.min(range.upperBound, end)
            return total + (upper > lower ? upper - lower : 0)
        }
        return (start, UInt64(end - start), present)
    }
}
