import Core
import Lib

/// The kernel's page tables (Linux: arch/x86/mm/init_64.c paging_init,
/// kernel_physical_mapping_init). head.S left a provisional 1 GiB mapping;
/// this builds the real one — the direct map of all RAM and a mapping of the
/// image with per-section permissions — and switches to it.
public enum KernelPaging {
    private static let kernelTable = BootOnce<PageTable>()
    private static let directMapLimit = BootOnce<UInt64>()
    public static var pageTable: PageTable { kernelTable.value }
    /// The end of the highest RAM the direct map covers; 0 before paging_init.
    public static var directMapEnd: UInt64 { directMapLimit.valueIfSet ?? 0 }

    /// Frames for page tables: memblock before the buddy allocator exists, the buddy allocator after.
    public static func allocateTableFrame() -> PhysAddr? {
        if PageAllocator.isReady { return PageAllocator.allocateZeroedPage() }
        return EarlyMemory.allocate(bytes: MemoryLayout64.pageSize)
    }

    public static func initialize(boot: BootParams) {
        guard let table = PageTable(allocateRoot: allocateTableFrame) else {
            fatalError("paging_init: no memory for the page table root")
        }
        var directMapEnd: UInt64 = 0

        // Direct map: every RAM-like region, with 2 MiB pages where alignment allows.
        for index in 0..<boot.regionCount {
            let region = boot.region(index)
            switch region.type {
            case .usable, .acpiReclaimable, .acpiNVS: break
            default: continue
            }
            mapDirect(table, from: region.base, to: region.end, flags: .kernelData)
            directMapEnd = max(directMapEnd, region.end)
        }
        // The first MiB holds the BIOS data and the boot info some loaders leave there.
        mapDirect(table, from: 0, to: 1 << 20, flags: .kernelData)

        // The image: code executable and read-only, constants read-only, data writable.
        mapImage(table, KernelImage.text, flags: .kernelText)
        mapImage(table, KernelImage.readOnlyData, flags: .kernelReadOnly)
        mapImage(table, KernelImage.writableData, flags: .kernelData, except: KernelImage.initStackGuard)

        table.activate()
        kernelTable.set(table)
        directMapLimit.set(directMapEnd)
        EarlyMemory.directMapComplete()
    }

    private static func mapDirect(_ table: PageTable, from start: UInt64, to end: UInt64, flags: PageFlags) {
        let large: UInt64 = 2 << 20
        var address = start & ~(MemoryLayout64.pageSize - 1)
        while address < end {
            let virtual = PhysAddr(address).directMapped
            let size: PageSize = (address % large == 0 && address + large <= end) ? .large : .small
            // Regions may overlap at page granularity; an existing mapping is fine.
            do {
                try table.map(
                    virtual, to: PhysAddr(address), size: size, flags: flags, allocateTable: allocateTableFrame)
            } catch .alreadyMapped, .insideLargePage {
            } catch {
                fatalError("paging_init: cannot map the direct map")
            }
            address += size == .large ? large : MemoryLayout64.pageSize
        }
    }

    private static func mapImage(
        _ table: PageTable, _ range: Range<UInt64>, flags: PageFlags, except hole: UInt64? = nil
    ) {
        var virtual = range.lowerBound & ~(MemoryLayout64.pageSize - 1)
        while virtual < range.upperBound {
            if virtual == hole {
                virtual += MemoryLayout64.pageSize
                continue
            }
            let physical = PhysAddr(virtual - MemoryLayout64.kernelImageBase)
            do {
                try table.map(VirtAddr(virtual), to: physical, flags: flags, allocateTable: allocateTableFrame)
            } catch {
                fatalError("paging_init: cannot map the kernel image")
            }
            virtual += MemoryLayout64.pageSize
        }
    }
}
