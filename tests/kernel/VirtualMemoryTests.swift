import Core
import Kernel
import Lib

enum VmallocTests {
    static func run(_ t: inout TestReporter) {
        let size: UInt64 = 1 << 20
        var frames: [UInt64] = []
        frames.reserveCapacity(256)
        // Page tables for the vmalloc range stay once built (as in Linux); a
        // first round builds them so the count below sees only vmalloc's pages.
        if let warmUp = try? Vmalloc.allocate(size: size) { try? Vmalloc.free(warmUp) }
        KernelAllocator.shrink()
        let before = PageAllocator.freePages
        guard let area = try? Vmalloc.allocate(size: size) else {
            t.check(false, "vmalloc: 1 MiB allocation")
            return
        }
        var contentOK = true
        for page in stride(from: 0, to: size, by: Int(MemoryLayout64.pageSize)) {
            let address = area + page
            if KernelMemory.load(address) != 0 { contentOK = false }  // vmalloc memory is zeroed
            KernelMemory.store(page ^ 0x5A5A, address)
            if let frame = KernelPaging.pageTable.translate(address)?.physical.value { frames.append(frame) }
        }
        for page in stride(from: 0, to: size, by: Int(MemoryLayout64.pageSize))
        where KernelMemory.load(area + page) != page ^ 0x5A5A {
            contentOK = false
        }
        let sorted = frames.sorted()
        let distinct = sorted.indices.filter { $0 == 0 || sorted[$0] != sorted[$0 - 1] }.count
        t.check(contentOK, "vmalloc: 1 MiB area starts zeroed and keeps what is written to each page")
        t.check(frames.count == 256 && distinct == 256, "vmalloc: backed by 256 distinct pages (\(distinct) found)")
        t.check(
            KernelPaging.pageTable.translate(area + size) == nil, "vmalloc: the guard page after the area is unmapped")
        // Kernel stacks live in vmalloc space too, so first fit may put the
        // next area in a hole below this one: it must only keep off the area
        // and its guard page.
        let second = try? Vmalloc.allocate(size: 4096)
        t.check(
            second.map {
                ($0.value >= area.value + size + MemoryLayout64.pageSize || $0.value + 4096 < area.value)
                    && KernelPaging.pageTable.translate(area + size) == nil
            } ?? false,
            "vmalloc: the next area keeps off this one and its guard page")
        if let second { try? Vmalloc.free(second) }
        try? Vmalloc.free(area)
        KernelAllocator.shrink()
        let after = PageAllocator.freePages
        t.check(KernelPaging.pageTable.translate(area) == nil, "vfree: the area is unmapped")
        t.check(after == before, "vfree: every page returned (\(before) before, \(after) after)")
    }
}

enum PagingTests {
    static func run(_ t: inout TestReporter) {
        let table = KernelPaging.pageTable
        let virtual = VirtAddr(MemoryLayout64.vmallocEnd - 16 * MemoryLayout64.pageSize)
        guard let frame = PageAllocator.allocateZeroedPage() else {
            t.check(false, "paging: a page to map")
            return
        }
        do {
            try table.map(virtual, to: frame, flags: .kernelData, allocateTable: KernelPaging.allocateTableFrame)
            KernelMemory.store(0xC0FF_EE00_1234_5678, virtual)
            t.check(
                PhysicalMemory.read64(frame) == 0xC0FF_EE00_1234_5678,
                "paging: a write through a new mapping lands in its frame")
            let mapping = table.translate(virtual)
            t.check(
                mapping?.physical == frame && mapping?.flags.contains(.writable) == true,
                "paging: translate finds the frame, writable")
            var refused = false
            do {
                try table.map(virtual, to: frame, flags: .kernelData, allocateTable: KernelPaging.allocateTableFrame)
            } catch { refused = error == .alreadyMapped }
            t.check(refused, "paging: mapping an already mapped page is refused")
            try table.protect(virtual, flags: .kernelReadOnly)
            t.check(
                table.translate(virtual)?.flags.contains(.writable) == false, "paging: protect makes the page read-only"
            )
            let unmapped = try table.unmap(virtual)
            t.check(
                unmapped == frame && table.translate(virtual) == nil,
                "paging: unmap returns the frame and removes the mapping")
        } catch {
            t.check(false, "paging: map/protect/unmap failed")
        }
        try? PageAllocator.free(frame)
        let misaligned =
            (try? table.map(
                VirtAddr(virtual.value + 1), to: frame, flags: .kernelData,
                allocateTable: KernelPaging.allocateTableFrame)) == nil
        t.check(misaligned, "paging: a misaligned address is refused")
        let kernelText = table.translate(VirtAddr(KernelImage.text.lowerBound))
        t.check(kernelText?.flags.contains(.writable) == false, "paging: kernel text is mapped read-only")
        t.check(PageAllocator.block(containing: frame) == nil, "paging: the test frame is back with the page allocator")
    }
}
