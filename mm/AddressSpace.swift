import ABI
import Core
import Lib
import Synchronization

/// A process's memory (Linux: struct mm_struct): its own top-level page
/// table, whose kernel half is shared with every other, and the virtual
/// memory areas (VMAs) that say what may be mapped where. Pages appear on
/// first touch (demand paging, mm/memory.c handle_mm_fault); the page table
/// only caches what the VMAs allow.
public final class AddressSpace {
    public let pageTable: PageTable
    public private(set) var areas = VMATree()
    /// The heap (Linux: start_brk and brk); the break itself is byte-exact,
    /// its VMA ends at the break rounded up to a page.
    public private(set) var heapStart: UInt64 = 0
    public private(set) var programBreak: UInt64 = 0
    /// mmap places areas top-down from here (Linux: mmap_base, below the stack gap).
    public var mmapBase: UInt64 = MemoryLayout64.taskSize - (128 << 20)
    /// How far a stack may grow (Linux: RLIMIT_STACK, 8 MiB by default).
    public var stackLimit: UInt64 = 8 << 20
    /// The program file exec loaded, kept open while the program runs, so it
    /// cannot be written (ETXTBSY) (Linux: mm->exe_file).
    public var executable: File? = nil
    /// mlockall(MCL_FUTURE): new mappings start locked (Linux: VM_LOCKED in mm->def_flags).
    public var lockFuture = false
    /// Where exec put argv's and envp's strings (Linux: arg_start/arg_end,
    /// env_start/env_end), which /proc/PID/cmdline and environ read.
    public var argumentArea: Range<UInt64> = 0..<0
    public var environmentArea: Range<UInt64> = 0..<0
    /// The auxiliary vector exec gave the program (Linux: saved_auxv).
    public var auxiliaryVector: [UInt64] = []
    /// Nothing is mapped below this (Linux: mmap_min_addr), so NULL stays a fault.
    public static let lowestAddress: UInt64 = 0x10000
    /// Pages mapped now, and the most there ever were (Linux: the
    /// MM_*PAGES rss counters and hiwater_rss): what getrusage's ru_maxrss reports.
    public private(set) var residentPages: UInt64 = 0
    public private(set) var peakResidentPages: UInt64 = 0
    public var peakResidentKilobytes: UInt64 { peakResidentPages * (MemoryLayout64.pageSize / 1024) }

    /// A number no other address space has had, for keys that must not
    /// outlive it (futexes); an object's address could be reused.
    public let id: UInt64
    private static let lastID = Atomic<UInt64>(0)
    /// Tasks using this address space: the threads of a process, and a
    /// vfork child until it execs (Linux: mm_users). The last one out
    /// frees it.
    public private(set) var users = 1
    private let usersLock = SpinLock()

    public init?() {
        guard let root = PageAllocator.allocateZeroedPage() else { return nil }
        pageTable = PageTable(root: root)
        pageTable.shareKernelEntries(from: KernelPaging.pageTable)
        id = AddressSpace.lastID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// One more task uses this address space (Linux: mmget, for CLONE_VM).
    public func addUser() {
        usersLock.withLockIrqSave { users += 1 }
    }

    /// A task stops using it (Linux: mmput): at exit, at exec, or when a
    /// fork fails. The last user frees the memory, the page tables and the root.
    public func dropUser() {
        let last = usersLock.withLockIrqSave { () -> Bool in
            users -= 1
            return users == 0
        }
        if last { release() }
    }

    /// Rounds up to a page; a value within a page of 2^64 wraps to 0 (Linux's PAGE_ALIGN).
    static func pageAlignUp(_ value: UInt64) -> UInt64 {
        (value &+ (MemoryLayout64.pageSize - 1)) & ~(MemoryLayout64.pageSize - 1)
    }

    /// The page-table bits that express a VMA's protection. x86 has no
    /// "present but inaccessible": a PROT_NONE page stays present, keeping
    /// its frame, but only for the kernel, so user accesses fault (Linux
    /// uses a non-present _PAGE_PROTNONE entry instead).
    private static func pageFlags(_ protection: VMAProtection) -> PageFlags {
        var flags: PageFlags = protection.isEmpty ? [.present] : [.present, .user]
        if protection.contains(.write) { flags.insert(.writable) }
        if !protection.contains(.exec) { flags.insert(.noExecute) }
        return flags
    }

    /// The bits for `frame` in `area`: in a private area a frame someone
    /// else also holds (a forked sibling, the page cache) stays read-only,
    /// so that the first write copies it (Linux: the CoW test of do_wp_page
    /// and mprotect's vma_wants_writenotify).
    private func pageFlags(_ area: VMA, frame: PhysAddr) -> PageFlags {
        var flags = AddressSpace.pageFlags(area.protection)
        if !area.flags.contains(.shared) && UserFrames.isShared(frame) { flags.remove(.writable) }
        return flags
    }

    // MARK: Mapping

    /// Adds an anonymous area (Linux: do_mmap for MAP_ANONYMOUS|MAP_PRIVATE).
    /// `address` nil lets the kernel choose, top-down below mmap_base.
    @discardableResult
    public func mapAnonymous(
        at address: UInt64?, length: UInt64, protection: VMAProtection,
        fixed: Bool = false, growsDown: Bool = false, label: VMALabel? = nil
    ) throws(Errno) -> UInt64 {
        var flags = VMAFlags.mayAccess
        if growsDown { flags.insert(.growsDown) }
        return try insertArea(at: address, length: length, fixed: fixed) { start, end in
            VMA(start: start, end: end, protection: protection, flags: flags, label: label)
        }
    }

    /// Adds an area showing `backing`'s pages from page `pageOffset` on
    /// (Linux: do_mmap for a file, or shared anonymous memory). A shared
    /// area writes into the backing's pages; a private one copies a page
    /// on its first write. `flags` carries MAP_SHARED and the may-flags the
    /// open file allows.
    @discardableResult
    public func mapFile(
        _ backing: any VMABacking, pageOffset: UInt64, at address: UInt64?, length: UInt64,
        protection: VMAProtection, flags: VMAFlags, fixed: Bool = false
    ) throws(Errno) -> UInt64 {
        guard flags.permits(protection) else { throw .EACCES }
        return try insertArea(at: address, length: length, fixed: fixed) { start, end in
            VMA(
                start: start, end: end, protection: protection, flags: flags, backing: backing,
                filePageOffset: pageOffset)
        }
    }

    /// Adds an area showing pages the kernel provides, the vDSO's, at
    /// `address` exactly (Linux: _install_special_mapping).
    func installSpecialMapping(
        _ pages: SpecialMapping, at address: UInt64, length: UInt64, protection: VMAProtection,
        flags: VMAFlags, label: VMALabel
    ) throws(Errno) {
        _ = try insertArea(at: address, length: length, fixed: true) { start, end in
            VMA(start: start, end: end, protection: protection, flags: flags, backing: pages, label: label)
        }
    }

    /// Where a new area of `length` bytes goes when its place is the
    /// kernel's choice: top-down below mmap_base, near `hint` if that is
    /// free (Linux: get_unmapped_area).
    func unmappedArea(length: UInt64, hint: UInt64 = 0) throws(Errno) -> UInt64 {
        try areas.findFreeRange(
            length: length, hint: hint, lowest: AddressSpace.lowestAddress, mmapBase: mmapBase,
            highest: MemoryLayout64.taskSize)
    }

    /// Places a new area: at `address` exactly if `fixed` (replacing what
    /// was there), else where the kernel finds room (hint `address`).
    private func insertArea(
        at address: UInt64?, length: UInt64, fixed: Bool,
        _ make: (UInt64, UInt64) -> VMA
    ) throws(Errno) -> UInt64 {
        let size = AddressSpace.pageAlignUp(length)
        guard length > 0 else { throw .EINVAL }
        // More than user space holds, or so much that rounding up wrapped (Linux: do_mmap).
        guard size > 0, size <= MemoryLayout64.taskSize else { throw .ENOMEM }
        let start: UInt64
        if fixed, let address {
            guard address % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
            guard address >= AddressSpace.lowestAddress, UserAccess.isUserRange(address, count: Int(size)) else {
                throw .ENOMEM
            }
            start = address
        } else {
            start = try unmappedArea(length: size, hint: address ?? 0)
        }
        let area = make(start, start + size)
        if fixed {
            let replaced = try areas.mapFixed(area).replaced
            for piece in replaced { releasePages(piece.start..<piece.end) }
        } else {
            try areas.map(area)
        }
        if lockFuture {
            try? areas.setLocked(start..<(start + size), true)
            populate(start..<(start + size))
        }
        return start
    }

    /// Faults in the missing pages of `range`, for writing where the
    /// mapping is private and writable, so none is left to copy (Linux:
    /// __mm_populate, after mlock).
    public func populate(_ range: Range<UInt64>) {
        forEachPage(in: range) { address in
            guard pageTable.translate(VirtAddr(address)) == nil, let area = areas.vma(containing: address) else {
                return
            }
            let write = area.protection.contains(.write) && !area.flags.contains(.shared)
            try? handleFault(at: address, write: write, instructionFetch: false)
        }
    }

    /// ENOMEM unless `size` more bytes of mappings fit the caller's
    /// RLIMIT_AS, and, for `data` (private, writable, not a stack), its
    /// RLIMIT_DATA (Linux: may_expand_vm), and unless memory can be
    /// promised to an `accountable` (private writable) mapping that size
    /// (Linux: security_vm_enough_memory_mm). `replacing` is what a
    /// MAP_FIXED mapping takes over, which no longer counts.
    public func checkExpansion(
        by size: UInt64, data: Bool, accountable: Bool,
        replacing replaced: Range<UInt64>? = nil
    ) throws(Errno) {
        if accountable { try Overcommit.checkEnoughMemory(forBytes: size) }
        guard Scheduler.isRunning else { return }
        let limits = Scheduler.current.group.limits
        var total: UInt64 = 0
        var dataTotal: UInt64 = 0
        for area in areas {
            var length = area.length
            if let replaced, replaced.overlaps(area.start..<area.end) {
                length -= min(area.end, replaced.upperBound) - max(area.start, replaced.lowerBound)
            }
            total += length
            if AddressSpace.isData(area.protection, area.flags) { dataTotal += length }
        }
        guard AddressSpace.fits(size, above: total, under: limits.current(.RLIMIT_AS)),
            !data || AddressSpace.fits(size, above: dataTotal, under: limits.current(.RLIMIT_DATA))
        else {
            throw .ENOMEM
        }
    }

    /// Whether `used` + `size` bytes stay within `limit`, counted in whole
    /// pages as Linux counts them; `size` is the user's and may be near 2^64.
    private static func fits(_ size: UInt64, above used: UInt64, under limit: UInt64) -> Bool {
        let pages = limit & ~(MemoryLayout64.pageSize - 1)
        return used <= pages && size <= pages - used
    }

    /// A mapping RLIMIT_DATA counts (Linux: is_data_mapping): private and
    /// writable, and not a stack.
    public static func isData(_ protection: VMAProtection, _ flags: VMAFlags) -> Bool {
        protection.contains(.write) && !flags.contains(.shared) && !flags.contains(.growsDown)
    }

    /// munmap: areas and the pages behind them go.
    public func unmap(_ range: Range<UInt64>) throws(Errno) {
        for piece in try areas.unmap(range) { releasePages(piece.start..<piece.end) }
    }

    /// mprotect: the areas change, and so do the pages already present.
    public func protect(_ range: Range<UInt64>, to protection: VMAProtection) throws(Errno) {
        try areas.protect(range, to: protection)
        pageTable.update(
            range, keepGoing: { !Signals.longLoopMustEnd() },
            with: { address, frame, _ in
                guard let area = areas.vma(containing: address.value) else { return .keep }
                return .protect(pageFlags(area, frame: frame))
            })
    }

    /// Starts the heap right after the program image (execve sets it).
    public func setHeapStart(_ address: UInt64) {
        heapStart = AddressSpace.pageAlignUp(address)
        programBreak = heapStart
    }

    /// brk(2): moves the break if it can and returns the break in effect —
    /// the new one, or the old one when the request fails (Linux returns the
    /// unchanged break rather than an error). Growth counts against
    /// RLIMIT_AS and RLIMIT_DATA, and must not overcommit.
    public func setBreak(_ requested: UInt64) -> UInt64 {
        guard requested >= heapStart, requested < mmapBase else { return programBreak }
        let oldEnd = AddressSpace.pageAlignUp(programBreak)
        let newEnd = AddressSpace.pageAlignUp(requested)
        if newEnd > oldEnd, (try? checkExpansion(by: newEnd - oldEnd, data: true, accountable: true)) == nil {
            return programBreak
        }
        guard let removed = try? areas.resizeHeap(from: oldEnd, to: newEnd) else { return programBreak }
        for piece in removed { releasePages(piece.start..<piece.end) }
        programBreak = requested
        return programBreak
    }

    /// What the address space holds, in pages (Linux: total_vm, the
    /// MM_ANONPAGES/MM_FILEPAGES counters and mm_pgtables_bytes). Counted by
    /// walking the page tables, for the rare readers that need it.
    public struct MemoryUsage: Sendable {
        public var virtualPages = 0
        public var anonymousPages = 0
        public var filePages = 0
        /// The tables below the root that map user space, and the root.
        public var pageTablePages = 1
        public var residentPages: Int { anonymousPages + filePages }
    }

    public func memoryUsage() -> MemoryUsage {
        var usage = MemoryUsage()
        usage.virtualPages = Int(areas.mappedBytes / MemoryLayout64.pageSize)
        var last: UInt64? = nil
        pageTable.forEachUserPage { address, frame, _ in
            // Pages come in address order: a new table at each level whose span was not seen yet.
            for shift: UInt64 in [21, 30, 39] where last.map({ $0 >> shift != address.value >> shift }) ?? true {
                usage.pageTablePages += 1
            }
            last = address.value
            // A file's page is shared with its cache; a private copy of one is anonymous.
            if areas.vma(containing: address.value)?.backing != nil && UserFrames.isShared(frame) {
                usage.filePages += 1
            } else {
                usage.anonymousPages += 1
            }
            return nil
        }
        return usage
    }

    // MARK: Faults

    /// Resolves a fault at `address` if the VMAs allow the access (Linux:
    /// do_user_addr_fault → handle_mm_fault): a missing page of an
    /// anonymous area becomes a zeroed page; a fault just below a stack
    /// grows it. Throws what stood in the way: the caller delivers the
    /// signal it means, calls the OOM killer, or for a kernel copy returns
    /// EFAULT.
    public func handleFault(
        at address: UInt64, write: Bool, instructionFetch: Bool, present: Bool = false
    ) throws(VMFault) {
        guard address < MemoryLayout64.taskSize, var area = areas.find(address) else { throw .noMapping }
        if !area.contains(address) {
            // A stack grows to a fault below it, within RLIMIT_STACK (Linux: acct_stack_growth).
            guard area.flags.contains(.growsDown), area.end - (address & ~(MemoryLayout64.pageSize - 1)) <= stackLimit,
                (try? areas.expandDown(area, to: address)) != nil,
                let grown = areas.vma(containing: address)
            else { throw .noMapping }
            area = grown
        }
        if write && !area.protection.contains(.write) { throw .accessDenied }
        if instructionFetch && !area.protection.contains(.exec) { throw .accessDenied }
        if !write && !instructionFetch && area.protection.isEmpty { throw .accessDenied }
        let page = VirtAddr(address).pageAlignedDown
        if let mapping = pageTable.translate(page) {
            // A write to a page the VMA allows but the entry does not: copy-on-write after fork.
            guard write, !mapping.flags.contains(.writable) else {
                if present { throw .accessDenied }
                return
            }
            guard breakCopyOnWrite(page, frame: mapping.physical, area: area) else { throw .outOfMemory }
            return
        }
        let (frame, isNew) = try newPage(for: area, at: page.value, write: write)
        // A frame just made for this mapping is its alone: writable as the area allows.
        let flags = isNew ? AddressSpace.pageFlags(area.protection) : pageFlags(area, frame: frame)
        do {
            try pageTable.map(page, to: frame, flags: flags, allocateTable: PageAllocator.allocateZeroedPage)
        } catch {
            UserFrames.release(frame)
            throw .outOfMemory
        }
        residentPages += 1
        peakResidentPages = max(peakResidentPages, residentPages)
    }

    /// The frame a missing page gets, with a reference for this mapping,
    /// and whether it is a new one: zeros for anonymous memory; for a
    /// mapped object its page — the very frame, or for a write to a private
    /// mapping a copy (Linux: do_anonymous_page, do_read_fault/do_shared_fault,
    /// do_cow_fault).
    private func newPage(for area: VMA, at address: UInt64, write: Bool) throws(VMFault) -> (PhysAddr, isNew: Bool) {
        guard let backing = area.backing else {
            guard let zeroed = UserFrames.allocate() else { throw .outOfMemory }
            return (zeroed.address, true)
        }
        let cached = PhysAddr(try backing.frame(forPage: area.filePage(at: address)) << MemoryLayout64.pageShift)
        guard write && !area.flags.contains(.shared) else { return (cached, false) }
        defer { UserFrames.release(cached) }
        guard let copy = UserFrames.allocate(zeroed: false) else { throw .outOfMemory }
        copy.copyPage(from: cached)
        return (copy.address, true)
    }

    /// Gives this address space its own copy of a shared page — or, if no one
    /// else maps it any more, simply makes it writable again (Linux: do_wp_page).
    private func breakCopyOnWrite(_ page: VirtAddr, frame: PhysAddr, area: VMA) -> Bool {
        guard UserFrames.isShared(frame) && !area.flags.contains(.shared) else {
            return (try? pageTable.replace(page, with: frame, flags: AddressSpace.pageFlags(area.protection))) != nil
        }
        guard let copy = UserFrames.allocate(zeroed: false) else { return false }
        copy.copyPage(from: frame)
        guard (try? pageTable.replace(page, with: copy.address, flags: AddressSpace.pageFlags(area.protection))) != nil
        else {
            UserFrames.release(copy.address)
            return false
        }
        UserFrames.release(frame)
        return true
    }

    /// The child's address space for fork (Linux: dup_mm → dup_mmap,
    /// copy_page_range): the same areas, and every present page shared with
    /// the parent, read-only in both, to be copied by whichever writes first.
    /// MADV_DONTFORK areas are not copied and MADV_WIPEONFORK ones start
    /// empty in the child.
    public func fork() throws(Errno) -> AddressSpace {
        guard let child = AddressSpace() else { throw .ENOMEM }
        child.areas = areas.copy()
        child.heapStart = heapStart
        child.programBreak = programBreak
        child.mmapBase = mmapBase
        child.executable = executable
        child.stackLimit = stackLimit
        child.argumentArea = argumentArea
        child.environmentArea = environmentArea
        child.auxiliaryVector = auxiliaryVector
        var failed = false
        // Area by area, as Linux's dup_mmap calls copy_page_range for each VMA.
        for area in child.areas where !area.flags.contains(.wipeOnFork) {
            do throws(PageTableError) {
                try pageTable.copy(
                    area.start..<area.end, into: child.pageTable, allocateTable: { PageAllocator.allocate() },
                    share: { frame, flags in
                        UserFrames.share(frame)
                        child.residentPages += 1
                        // MAP_SHARED pages stay shared as they are; private ones become copy-on-write.
                        return area.flags.contains(.shared) ? flags : flags.subtracting(.writable)
                    })
            } catch {
                failed = true
                break
            }
        }
        pageTable.flushUserMappings()
        child.peakResidentPages = child.residentPages
        guard !failed else {
            child.dropUser()
            throw .ENOMEM
        }
        return child
    }

    /// Copies `bytes` into the address space, faulting pages in as needed
    /// and never into a shared page (used while building a new program's
    /// image, before it runs: .bss in a page mapped from the file).
    public func write(_ bytes: [UInt8], at address: VirtAddr) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let target = address + UInt64(offset)
            if pageTable.translate(target) == nil {
                do throws(VMFault) {
                    try handleFault(at: target.value, write: false, instructionFetch: false)
                } catch {
                    throw error == .outOfMemory ? .ENOMEM : .EFAULT
                }
            }
            // A page shared with a file's cache (or a fork) gets its own copy first.
            if let shared = pageTable.translate(target.pageAlignedDown), UserFrames.isShared(shared.physical),
                let area = areas.vma(containing: target.value), !area.flags.contains(.shared),
                !breakCopyOnWrite(target.pageAlignedDown, frame: shared.physical, area: area)
            {
                throw .ENOMEM
            }
            guard let mapping = pageTable.translate(target) else { throw .EFAULT }
            let chunk = min(bytes.count - offset, Int(MemoryLayout64.pageSize - target.value % MemoryLayout64.pageSize))
            guard let frame = Frame(containing: mapping.physical) else { throw .EFAULT }
            frame.write(Array(bytes[offset..<(offset + chunk)]), at: frame.offset(of: mapping.physical))
            offset += chunk
        }
    }

    /// Up to `count` bytes at `address`, faulting pages in as the owner's
    /// access would, stopping short at the first address that cannot be
    /// read (Linux: access_remote_vm, for /proc/PID/cmdline, environ, mem).
    public func read(count: Int, at address: UInt64) -> [UInt8] {
        var result: [UInt8] = []
        while result.count < count {
            let (target, overflow) = address.addingReportingOverflow(UInt64(result.count))
            guard !overflow, target < MemoryLayout64.taskSize,
                let area = areas.vma(containing: target), area.protection.contains(.read)
            else { break }
            let place = VirtAddr(target)
            if pageTable.translate(place) == nil {
                guard (try? handleFault(at: target, write: false, instructionFetch: false)) != nil else { break }
            }
            guard let mapping = pageTable.translate(place), let frame = Frame(containing: mapping.physical) else {
                break
            }
            let chunk = min(count - result.count, Int(MemoryLayout64.pageSize - target % MemoryLayout64.pageSize))
            result.append(contentsOf: frame.read(at: frame.offset(of: mapping.physical), count: chunk))
        }
        return result
    }

    /// Drops the present pages of `range`, and the page tables that only
    /// mapped it. A killed task stops early: a range can span terabytes, and
    /// pages left behind go with the rest at exit (Linux: zap_page_range's
    /// fatal-signal checks).
    func releasePages(_ range: Range<UInt64>) {
        var batch = UserFrames.ReleaseBatch()
        pageTable.unmap(
            range, keepGoing: { !Signals.longLoopMustEnd() }, leaf: { batch.add($0) },
            table: { try? PageAllocator.free($0) })
        residentPages -= min(residentPages, UInt64(batch.finish()))
    }

    /// Lets go of a frame this address space had mapped.
    public func releaseResident(_ frame: PhysAddr) {
        UserFrames.release(frame)
        residentPages -= min(residentPages, 1)
    }

    /// Calls `body` with each page address of `range`, stopping early when
    /// the running task is killed: a range can span terabytes, and pages
    /// left behind go with the rest at exit (Linux: the fatal-signal checks
    /// of __mm_populate and move_page_tables).
    func forEachPage(in range: Range<UInt64>, _ body: (UInt64) -> Void) {
        var address = range.lowerBound
        while address < range.upperBound {
            if address % Self.pagesBetweenChecks == 0 && Signals.longLoopMustEnd() { return }
            body(address)
            address += MemoryLayout64.pageSize
        }
    }

    /// Bytes walked between looks for a fatal signal: 512 pages.
    private static let pagesBetweenChecks: UInt64 = 512 * MemoryLayout64.pageSize

    /// Drops every user page (shared ones stay with their other users), frees
    /// the page tables (Linux: exit_mmap), then the root.
    private func release() {
        if pageTable.isActive { KernelPaging.pageTable.activate() }
        var batch = UserFrames.ReleaseBatch()
        pageTable.releaseUserHalf(leaf: { batch.add($0) }, table: { try? PageAllocator.free($0) })
        batch.finish()
        try? PageAllocator.free(pageTable.root)
    }
}
