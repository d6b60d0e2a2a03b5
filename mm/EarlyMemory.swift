import Core
import Lib

/// Boot-time memory, before the page allocator exists (Linux: mm/memblock.c's
/// global `memblock`). Filled from the firmware's memory map minus what is
/// already in use, then handed to the buddy allocator by PageAllocator.
public enum EarlyMemory {
    private struct State {
        var memblock = Memblock()
        /// Only the first 1 GiB is mapped until paging_init builds the direct map.
        var allocationLimit: UInt64 = 1 << 30
        var isRetired = false
    }
    private static let state = IRQSafeLocked(State())

    /// A snapshot of the regions, to walk without holding the lock (the walk may allocate).
    public static var memblock: Memblock { state.withLock { $0.memblock } }
    public static var isRetired: Bool { state.withLock { $0.isRetired } }

    /// Registers usable RAM and reserves everything that is already taken:
    /// the real-mode area and BIOS below 1 MiB, the kernel image, the boot
    /// loader's info block and command line, and the initrd.
    public static func setUp(from boot: BootParams) {
        for index in 0..<boot.regionCount {
            let region = boot.region(index)
            if region.type == .usable {
                state.withLock { _ = try? $0.memblock.addMemory(base: region.base, size: region.length) }
            }
        }
        reserve(0, 1 << 20)
        reserve(
            KernelImage.physicalRange.lowerBound,
            KernelImage.physicalRange.upperBound - KernelImage.physicalRange.lowerBound)
        reserve(boot.infoBlock.value & ~0xFFF, 2 * MemoryLayout64.pageSize)
        if let commandLine = boot.commandLine { reserve(commandLine.value, UInt64(boot.commandLineLength) + 1) }
        for index in 0..<boot.moduleCount {
            let module = boot.module(index)
            reserve(module.start.value, module.size)
        }
    }

    private static func reserve(_ base: UInt64, _ size: UInt64) {
        let start = base & ~(MemoryLayout64.pageSize - 1)
        let end = (base + size + MemoryLayout64.pageSize - 1) & ~(MemoryLayout64.pageSize - 1)
        state.withLock { _ = try? $0.memblock.reserve(base: start, size: end - start) }
    }

    /// Whole pages for boot-time structures; nil once the buddy allocator owns memory.
    public static func allocate(bytes: UInt64, align: UInt64 = MemoryLayout64.pageSize) -> PhysAddr? {
        let base = state.withLock { state -> UInt64? in
            guard !state.isRetired else { return nil }
            return try? state.memblock.allocate(size: bytes, align: align, limit: state.allocationLimit)
        }
        return base.map { PhysAddr($0) }
    }

    static func directMapComplete() { state.withLock { $0.allocationLimit = .max } }
    static func retire() { state.withLock { $0.isRetired = true } }
}
