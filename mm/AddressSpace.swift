import Core
import Lib

/// A process's view of memory (Linux: struct mm_struct): its own top-level
/// page table, whose kernel half is shared with every other, and the user
/// mappings below TASK_SIZE. Demand paging, VMAs and copy-on-write build on
/// this with the user-space work; today mappings are made eagerly.
public final class AddressSpace {
    public let pageTable: PageTable

    public init?() {
        guard let root = PageAllocator.allocateZeroedPage() else { return nil }
        pageTable = PageTable(root: root)
        pageTable.shareKernelEntries(from: KernelPaging.pageTable)
    }

    /// Maps `pages` zeroed pages at `address` with `flags` (user is implied).
    public func mapZeroed(at address: VirtAddr, pages: Int, flags: PageFlags) throws(PageTableError) {
        guard pages >= 0, UserAccess.isUserRange(address.value, count: pages * Int(MemoryLayout64.pageSize)) else {
            throw .notUserSpace
        }
        for page in 0..<UInt64(pages) {
            guard let frame = PageAllocator.allocateZeroedPage() else { throw .outOfMemory }
            do {
                try pageTable.map(address + page * MemoryLayout64.pageSize, to: frame, flags: flags.union(.user),
                                  allocateTable: PageAllocator.allocateZeroedPage)
            } catch {
                try? PageAllocator.free(frame)
                throw error
            }
        }
    }

    /// Copies `bytes` into already mapped user pages, through the direct map
    /// (used while building a new program's image, before it runs).
    public func write(_ bytes: [UInt8], at address: VirtAddr) {
        var offset = 0
        while offset < bytes.count {
            let target = address + UInt64(offset)
            guard let mapping = pageTable.translate(target) else { return }
            let chunk = min(bytes.count - offset, Int(MemoryLayout64.pageSize - target.value % MemoryLayout64.pageSize))
            PhysicalMemory.copy(Array(bytes[offset..<(offset + chunk)]), to: mapping.physical)
            offset += chunk
        }
    }

    /// Frees every user page and page table (Linux: exit_mmap), then the root.
    func release() {
        if pageTable.isActive { KernelPaging.pageTable.activate() }
        pageTable.releaseUserHalf { frame in try? PageAllocator.free(frame) }
        try? PageAllocator.free(pageTable.root)
    }
}
