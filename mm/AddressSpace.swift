import ABI
import Core
import Lib

/// A process's memory (Linux: struct mm_struct): its own top-level page
/// table, whose kernel half is shared with every other, and the virtual
/// memory areas (VMAs) that say what may be mapped where. Pages appear on
/// first touch (demand paging, mm/memory.c handle_mm_fault); the page table
/// only caches what the VMAs allow.
public final class AddressSpace {
    public let pageTable: PageTable
    public let areas = VMATree()
    /// The heap (Linux: start_brk and brk); the break itself is byte-exact,
    /// its VMA ends at the break rounded up to a page.
    public private(set) var heapStart: UInt64 = 0
    public private(set) var programBreak: UInt64 = 0
    /// mmap places areas top-down from here (Linux: mmap_base, below the stack gap).
    public var mmapBase: UInt64 = MemoryLayout64.taskSize - (128 << 20)
    /// How far a stack may grow (Linux: RLIMIT_STACK, 8 MiB by default).
    public var stackLimit: UInt64 = 8 << 20
    /// Nothing is mapped below this (Linux: mmap_min_addr), so NULL stays a fault.
    public static let lowestAddress: UInt64 = 0x10000

    public init?() {
        guard let root = PageAllocator.allocateZeroedPage() else { return nil }
        pageTable = PageTable(root: root)
        pageTable.shareKernelEntries(from: KernelPaging.pageTable)
    }

    private static func pageAlignUp(_ value: UInt64) -> UInt64 {
        (value + MemoryLayout64.pageSize - 1) & ~(MemoryLayout64.pageSize - 1)
    }

    /// The page-table bits that express a VMA's protection.
    private static func pageFlags(_ protection: VMAProtection) -> PageFlags {
        var flags: PageFlags = [.present, .user]
        if protection.contains(.write) { flags.insert(.writable) }
        if !protection.contains(.exec) { flags.insert(.noExecute) }
        return flags
    }

    // MARK: Mapping

    /// Adds an anonymous area (Linux: do_mmap for MAP_ANONYMOUS|MAP_PRIVATE).
    /// `address` nil lets the kernel choose, top-down below mmap_base.
    @discardableResult
    public func mapAnonymous(at address: UInt64?, length: UInt64, protection: VMAProtection,
                             fixed: Bool = false, growsDown: Bool = false, label: VMALabel? = nil) throws(Errno) -> UInt64 {
        let size = AddressSpace.pageAlignUp(length)
        guard size > 0 else { throw .EINVAL }
        let start: UInt64
        if fixed, let address {
            guard address % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
            guard address >= AddressSpace.lowestAddress, UserAccess.isUserRange(address, count: Int(size)) else { throw .ENOMEM }
            start = address
        } else {
            start = try areas.findFreeRange(length: size, hint: address ?? 0, lowest: AddressSpace.lowestAddress,
                                            mmapBase: mmapBase, highest: MemoryLayout64.taskSize)
        }
        var flags = VMAFlags.mayAccess
        if growsDown { flags.insert(.growsDown) }
        let area = VMA(start: start, end: start + size, protection: protection, flags: flags, label: label)
        if fixed {
            let replaced = try areas.mapFixed(area).replaced
            for piece in replaced { releasePages(piece.start..<piece.end) }
        } else {
            try areas.map(area)
        }
        return start
    }

    /// munmap: areas and the pages behind them go.
    public func unmap(_ range: Range<UInt64>) throws(Errno) {
        for piece in try areas.unmap(range) { releasePages(piece.start..<piece.end) }
    }

    /// mprotect: the areas change, and so do the pages already present.
    public func protect(_ range: Range<UInt64>, to protection: VMAProtection) throws(Errno) {
        try areas.protect(range, to: protection)
        var address = range.lowerBound
        while address < range.upperBound {
            if pageTable.translate(VirtAddr(address)) != nil {
                try? pageTable.protect(VirtAddr(address), flags: AddressSpace.pageFlags(protection))
            }
            address += MemoryLayout64.pageSize
        }
    }

    /// Starts the heap right after the program image (execve sets it).
    public func setHeapStart(_ address: UInt64) {
        heapStart = AddressSpace.pageAlignUp(address)
        programBreak = heapStart
    }

    /// brk(2): moves the break if it can and returns the break in effect —
    /// the new one, or the old one when the request fails (Linux returns the
    /// unchanged break rather than an error).
    public func setBreak(_ requested: UInt64) -> UInt64 {
        guard requested >= heapStart, requested < mmapBase else { return programBreak }
        let oldEnd = AddressSpace.pageAlignUp(programBreak)
        let newEnd = AddressSpace.pageAlignUp(requested)
        guard let removed = try? areas.resizeHeap(from: oldEnd, to: newEnd) else { return programBreak }
        for piece in removed { releasePages(piece.start..<piece.end) }
        programBreak = requested
        return programBreak
    }

    // MARK: Faults

    /// Resolves a fault at `address` if the VMAs allow the access (Linux:
    /// do_user_addr_fault → handle_mm_fault): a missing page of an
    /// anonymous area becomes a zeroed page; a fault just below a stack
    /// grows it. Returns false for an access no area allows: the caller then
    /// delivers SIGSEGV, or EFAULT for a kernel copy.
    public func handleFault(at address: UInt64, write: Bool, instructionFetch: Bool) -> Bool {
        guard address < MemoryLayout64.taskSize, var area = areas.find(address) else { return false }
        if !area.contains(address) {
            // A stack grows to a fault below it, within RLIMIT_STACK (Linux: acct_stack_growth).
            guard area.flags.contains(.growsDown), area.end - (address & ~(MemoryLayout64.pageSize - 1)) <= stackLimit,
                  (try? areas.expandDown(area, to: address)) != nil,
                  let grown = areas.vma(containing: address) else { return false }
            area = grown
        }
        if write && !area.protection.contains(.write) { return false }
        if instructionFetch && !area.protection.contains(.exec) { return false }
        if !write && !instructionFetch && area.protection.isEmpty { return false }
        let page = VirtAddr(address).pageAlignedDown
        // Present already (e.g. a race with another thread's fault): nothing to do.
        if pageTable.translate(page) != nil { return !write || pageTable.translate(page)!.flags.contains(.writable) }
        guard let frame = PageAllocator.allocateZeroedPage() else { return false }
        do {
            try pageTable.map(page, to: frame, flags: AddressSpace.pageFlags(area.protection),
                              allocateTable: PageAllocator.allocateZeroedPage)
        } catch {
            try? PageAllocator.free(frame)
            return false
        }
        return true
    }

    /// Copies `bytes` into the address space, faulting pages in as needed
    /// (used while building a new program's image, before it runs).
    public func write(_ bytes: [UInt8], at address: VirtAddr) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let target = address + UInt64(offset)
            if pageTable.translate(target) == nil && !handleFault(at: target.value, write: false, instructionFetch: false) {
                throw .EFAULT
            }
            guard let mapping = pageTable.translate(target) else { throw .EFAULT }
            let chunk = min(bytes.count - offset, Int(MemoryLayout64.pageSize - target.value % MemoryLayout64.pageSize))
            PhysicalMemory.copy(Array(bytes[offset..<(offset + chunk)]), to: mapping.physical)
            offset += chunk
        }
    }

    /// Frees the present pages of `range`.
    private func releasePages(_ range: Range<UInt64>) {
        var address = range.lowerBound
        while address < range.upperBound {
            if let frame = try? pageTable.unmap(VirtAddr(address)) { try? PageAllocator.free(frame) }
            address += MemoryLayout64.pageSize
        }
    }

    /// Frees every user page and page table (Linux: exit_mmap), then the root.
    func release() {
        if pageTable.isActive { KernelPaging.pageTable.activate() }
        pageTable.releaseUserHalf { frame in try? PageAllocator.free(frame) }
        try? PageAllocator.free(pageTable.root)
    }
}
