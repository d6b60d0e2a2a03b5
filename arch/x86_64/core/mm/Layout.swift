/// The virtual memory map (Linux: Documentation/arch/x86/x86_64/mm.rst).
/// Swift cannot dereference pointers with bits 47-63 set, so everything the
/// kernel touches lives below 2^47; user space gets the bottom 64 TiB.
/// arch/x86_64/boot/layout.h repeats these numbers for assembly.
public enum MemoryLayout64 {
    public static let pageSize: UInt64 = 4096
    public static let pageShift: UInt64 = 12

    /// User space ends here (Linux: TASK_SIZE_MAX), one guard page short of the kernel half.
    public static let taskSize: UInt64 = 0x0000_4000_0000_0000 - pageSize
    /// All of physical memory, mapped linearly (Linux: PAGE_OFFSET, __va/__pa).
    public static let pageOffset: UInt64 = 0x0000_4000_0000_0000
    public static let directMapEnd: UInt64 = 0x0000_6000_0000_0000
    /// vmalloc and ioremap space (Linux: VMALLOC_START..VMALLOC_END).
    public static let vmallocStart: UInt64 = 0x0000_6000_0000_0000
    public static let vmallocEnd: UInt64 = 0x0000_6100_0000_0000
    /// The kernel image: physical address 0 appears here (Linux: __START_KERNEL_map).
    public static let kernelImageBase: UInt64 = 0x0000_7FFF_8000_0000
    /// Loadable modules sit within ±2 GiB of the image so rel32 calls reach it (Linux: MODULES_VADDR).
    public static let modulesStart: UInt64 = 0x0000_7FFF_C000_0000
    public static let modulesEnd: UInt64 = 0x0000_7FFF_FF00_0000
}

/// A physical address (Linux: phys_addr_t). Distinct from VirtAddr so the two cannot be mixed up.
public struct PhysAddr: Hashable, Comparable, Sendable {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public static func < (a: PhysAddr, b: PhysAddr) -> Bool { a.value < b.value }
    public static func + (a: PhysAddr, offset: UInt64) -> PhysAddr { PhysAddr(a.value + offset) }

    /// Where the direct map shows this byte (Linux: __va).
    public var directMapped: VirtAddr { VirtAddr(value + MemoryLayout64.pageOffset) }
    public var pageFrameNumber: UInt64 { value >> MemoryLayout64.pageShift }
    public var isPageAligned: Bool { value & (MemoryLayout64.pageSize - 1) == 0 }
}

/// A kernel or user virtual address (Linux: unsigned long addresses, void *).
public struct VirtAddr: Hashable, Comparable, Sendable {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }
    public static func < (a: VirtAddr, b: VirtAddr) -> Bool { a.value < b.value }
    public static func + (a: VirtAddr, offset: UInt64) -> VirtAddr { VirtAddr(a.value + offset) }

    public var isInDirectMap: Bool {
        value >= MemoryLayout64.pageOffset && value < MemoryLayout64.directMapEnd
    }
    public var isInKernelImage: Bool { value >= MemoryLayout64.kernelImageBase }
    public var isUser: Bool { value < MemoryLayout64.taskSize }

    /// The physical address behind a direct-map or image address (Linux: __pa).
    /// Other addresses need a page-table walk.
    public var physical: PhysAddr? {
        if isInDirectMap { return PhysAddr(value - MemoryLayout64.pageOffset) }
        if isInKernelImage { return PhysAddr(value - MemoryLayout64.kernelImageBase) }
        return nil
    }
    public var isPageAligned: Bool { value & (MemoryLayout64.pageSize - 1) == 0 }
    public var pageAlignedDown: VirtAddr { VirtAddr(value & ~(MemoryLayout64.pageSize - 1)) }
}
