import Core
import Lib

/// Memory bring-up in Linux's order (init/main.c mm_core_init): the firmware
/// map into memblock, the kernel's own page tables, the buddy allocator over
/// everything memblock left free, then the slab allocator, after which Swift's
/// heap moves onto kmalloc.
public enum MemoryInit {
    public static func initialize(boot: BootParams) {
        pr_info("BIOS-provided physical RAM map:")
        var endPFN: UInt64 = 0
        for index in 0..<boot.regionCount {
            let region = boot.region(index)
            pr_info(
                "BIOS-e820: [mem 0x\(hex(region.base, width: 16))-0x\(hex(region.end - 1, width: 16))] \(region.type.name)"
            )
            if region.type == .usable { endPFN = max(endPFN, region.end >> MemoryLayout64.pageShift) }
        }
        EarlyMemory.setUp(from: boot)
        KernelPaging.initialize(boot: boot)
        pr_info(
            "Direct map: [mem 0x0000000000000000-0x\(hex(KernelPaging.directMapEnd - 1, width: 16))] at 0x\(hex(MemoryLayout64.pageOffset, width: 16))"
        )

        pr_info("Zone ranges:")
        for zone in ZoneType.allCases {
            let start = zone == .dma ? 0 : ZoneType(rawValue: zone.rawValue - 1)!.endPFN
            let end = min(zone.endPFN, endPFN)
            if start < end {
                pr_info(
                    "  \(zone.name.padding(8))[mem 0x\(hex(start << 12, width: 16))-0x\(hex((end << 12) - 1, width: 16))]"
                )
            } else {
                pr_info("  \(zone.name.padding(8))empty")
            }
        }
        let totalRAM = EarlyMemory.memblock.totalMemory
        // Per-frame arrays come from memblock while it still hands out memory.
        UserFrames.initialize(frameCount: Int(endPFN))
        PageAllocator.initialize(endPFN: endPFN)
        KernelAllocator.initialize()

        let free = UInt64(PageAllocator.freePages)
        let image = KernelImage.physicalRange
        pr_info(
            "Memory: \(decimal(free * 4))K/\(decimal(totalRAM / 1024))K available (\(decimal((KernelImage.text.upperBound - KernelImage.text.lowerBound) / 1024))K kernel code, \(decimal((image.upperBound - image.lowerBound) / 1024))K kernel image, \(decimal((totalRAM / 1024) - free * 4))K reserved)"
        )
        for zone in ZoneType.allCases where PageAllocator.managedPages(in: zone) > 0 {
            let counts = (0...BuddyAllocator.maxOrder).map {
                decimal(UInt64(PageAllocator.freeBlocks(in: zone, order: $0)))
            }
            pr_info("Node 0, zone \(zone.name.padding(8)) free blocks per order: \(counts.joined(separator: " "))")
        }
    }
}

extension String {
    /// Left-aligned in `width` columns, as printf's %-8s.
    func padding(_ width: Int) -> String {
        let length = utf8.count
        return length >= width ? self : self + String(repeating: " ", count: width - length)
    }
}
