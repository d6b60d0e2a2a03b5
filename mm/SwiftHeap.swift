import Core
import Lib
import Synchronization

/// Where Swift's own heap (objects, arrays, strings) comes from: posix_memalign
/// and free in arch/x86_64/lib/runtime.S forward here. Three phases, as the
/// kernel's allocators come up:
/// 1. early: small requests from the brk area in the image's .bss, large ones
///    (the buddy allocator's per-frame arrays) from memblock;
/// 2. kmalloc, once the slab allocator runs; a large block the buddy allocator
///    cannot give contiguously (beyond its largest order, or fragmented) is
///    pieced together from single pages by vmalloc (Linux: kvmalloc).
/// Memory from phase 1 is never given back (as Linux's memblock/brk).
///
/// Swift's runtime cannot take a refusal back (swift_allocObject traps on
/// NULL), so a request nothing can serve goes to the out-of-memory handler
/// (mm/OOMKill.swift) instead of returning 0.
enum SwiftHeap {
    private static let brkNext = IRQSafeLocked<UInt64>(0)
    private static let largeRequest = 64 * 1024
    /// Set while the out-of-memory handler reports: what is left of brk
    /// serves its Strings, and the exit of the task it kills.
    private static let reserveInUse = Atomic<Bool>(false)

    static func allocate(size: Int, alignment: Int) -> UInt {
        let align = max(alignment, 16)
        if let address = allocateFromAllocators(size: size, align: align) { return address }
        if reserveInUse.exchange(true, ordering: .relaxed) || OOMKill.currentIsExiting {
            return allocateFromBrk(size: UInt64(size), align: UInt64(align))
        }
        OOMKill.heapExhausted(bytes: size)
    }

    /// The handler has reported: the next exhaustion is reported afresh.
    static func releaseReserve() { reserveInUse.store(false, ordering: .relaxed) }

    private static func allocateFromAllocators(size: Int, align: Int) -> UInt? {
        if KernelAllocator.isReady {
            if let address = KernelAllocator.allocate(size: size, align: align) { return address }
            guard size > Int(MemoryLayout64.pageSize), align <= Int(MemoryLayout64.pageSize),
                let area = try? Vmalloc.allocate(size: UInt64(size))
            else { return nil }
            return UInt(area.value)
        }
        if size >= largeRequest, let block = EarlyMemory.allocate(bytes: UInt64(size), align: UInt64(max(align, 4096)))
        {
            return UInt(block.directMapped.value)
        }
        let address = allocateFromBrk(size: UInt64(size), align: UInt64(align))
        return address == 0 ? nil : address
    }

    private static func allocateFromBrk(size: UInt64, align: UInt64) -> UInt {
        let area = KernelImage.brk
        return brkNext.withLock { next -> UInt in
            if next == 0 { next = area.lowerBound }
            let start = (next + align - 1) & ~(align - 1)
            guard start + size <= area.upperBound else { return 0 }
            next = start + size
            return UInt(start)
        }
    }

    static func free(_ address: UInt) {
        guard address != 0, !KernelImage.brk.contains(UInt64(address)) else { return }
        if (MemoryLayout64.vmallocStart..<MemoryLayout64.vmallocEnd).contains(UInt64(address)) {
            try? Vmalloc.free(VirtAddr(UInt64(address)))
            return
        }
        // Early memblock blocks are not buddy-managed; kfree refuses them, and they stay allocated.
        try? KernelAllocator.free(address)
    }

    /// Bytes of brk used so far, for the boot summary.
    static var brkUsed: UInt64 { brkNext.withLock { $0 == 0 ? 0 : $0 - KernelImage.brk.lowerBound } }
}

@c(kernel_heap_allocate)
func kernelHeapAllocate(size: Int, alignment: Int) -> UInt {
    SwiftHeap.allocate(size: size, alignment: alignment)
}

@c(kernel_heap_free)
func kernelHeapFree(address: UInt) {
    SwiftHeap.free(address)
}
