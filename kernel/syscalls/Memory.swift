import ABI
import Core
import Lib

/// brk, mmap, munmap, mprotect, mremap, madvise (Linux: mm/mmap.c,
/// mm/mprotect.c, mm/mremap.c, mm/madvise.c).
enum MemorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.brk, syscall(brk)),
        (.mmap, syscall(mmap)),  // partial: no MAP_POPULATE/MAP_LOCKED effects
        (.munmap, syscall(munmap)),
        (.mprotect, syscall(mprotect)),
        (.mremap, syscall(mremap)),  // partial: no MREMAP_DONTUNMAP, and no old_size 0 duplication (shared mappings)
        (.madvise, syscall(madvise)),
        (.mincore, syscall(mincore)),
    ]

    static func space() throws(Errno) -> AddressSpace {
        guard let space = Scheduler.current.mm else { throw .EFAULT }
        return space
    }

    private static func protection(_ argument: ZeroExtended<MemoryProtection>) throws(Errno) -> VMAProtection {
        let prot = try argument.value()
        guard prot.subtracting([.PROT_READ, .PROT_WRITE, .PROT_EXEC]).isEmpty else { throw .EINVAL }
        var result: VMAProtection = []
        if prot.contains(.PROT_READ) { result.insert(.read) }
        if prot.contains(.PROT_WRITE) { result.insert(.write) }
        if prot.contains(.PROT_EXEC) { result.insert(.exec) }
        return result
    }

    /// The pages of `address` and `length`, within user space: EINVAL for
    /// a misaligned address, else `wrapping` when the rounded length wraps
    /// and `beyondUser` when the range passes TASK_SIZE — the errno differs
    /// by call, as Linux's own checks do.
    static func pages(
        _ address: UInt64, _ length: UInt64,
        wrapping: Errno, beyondUser: Errno
    ) throws(Errno) -> PageRange {
        let pages: PageRange
        do {
            pages = try PageRange(start: address, length: length)
        } catch .misaligned {
            throw .EINVAL
        } catch {
            throw wrapping
        }
        guard pages.end <= MemoryLayout64.taskSize else { throw beyondUser }
        return pages
    }

    static func brk(_ end: UInt64) throws(Errno) -> Int64 {
        Int64(try space().setBreak(end))
    }

    /// mmap(2) (Linux: ksys_mmap_pgoff → do_mmap): anonymous memory, or a
    /// file's pages — shared, so writes reach the file, or private, copied
    /// on first write. Shared anonymous memory is an unlinked ramfs file;
    /// a device chooses what its mappings show (/dev/zero: anonymous memory).
    static func mmap(
        _ address: UInt64, _ length: UInt64, _ prot: ZeroExtended<MemoryProtection>, _ flags: MapFlags,
        _ fd: FileDescriptor, _ offset: UInt64
    ) throws(Errno) -> Int64 {
        guard length > 0, offset % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        // More than user space holds, or so much that rounding wraps (Linux: do_mmap), before
        // the length sizes anything.
        guard case let size = AddressSpace.pageAlignUp(length), size > 0, size <= MemoryLayout64.taskSize else {
            throw .ENOMEM
        }
        let type = flags.intersection(.MAP_TYPE)
        guard type == .MAP_SHARED || type == .MAP_PRIVATE || type == .MAP_SHARED_VALIDATE else { throw .EINVAL }
        let shared = type != .MAP_PRIVATE
        let protection = try protection(prot)
        let noReplace = flags.contains(.MAP_FIXED_NOREPLACE)
        let fixed = flags.contains(.MAP_FIXED) || noReplace
        if noReplace,
            try space().areas.firstIntersecting(
                try pages(address, size, wrapping: .ENOMEM, beyondUser: .ENOMEM).range) != nil
        {
            throw .EEXIST
        }
        let hint = address == 0 ? nil : address
        // RLIMIT_AS, RLIMIT_DATA and overcommit (Linux: mmap_region); MAP_NORESERVE is not accounted.
        let privateWritable = protection.contains(.write) && !shared
        try space().checkExpansion(
            by: AddressSpace.pageAlignUp(length),
            data: privateWritable && !flags.contains(.MAP_GROWSDOWN),
            accountable: privateWritable && !flags.contains(.MAP_NORESERVE),
            replacing: fixed ? address..<max(address, address &+ length) : nil)

        let mapped: File?
        var areaFlags = VMAFlags.mayAccess
        if flags.contains(.MAP_ANONYMOUS) {
            mapped = shared ? try SharedAnonymous.file(size: length) : nil
        } else {
            let file = try fd.file()
            // A private mapping never writes the file, so only reading must be allowed.
            guard file.mayRead else { throw .EACCES }
            if shared && !file.mayWrite {
                if protection.contains(.write) { throw .EACCES }
                areaFlags.remove(.mayWrite)
            }
            if shared && protection.contains(.write) && file.flags.contains(.O_APPEND) { throw .EACCES }
            // Nothing on a noexec mount may be mapped executable (Linux: do_mmap's path_noexec).
            if protection.contains(.exec) && file.path.mount.flags.contains(.MS_NOEXEC) { throw .EPERM }
            mapped = try file.operations.mmap(file, shared: shared, length: length)
            areaFlags = try Memfd.checkMapping(
                file, shared: shared, writable: protection.contains(.write), flags: areaFlags)
        }
        guard let file = mapped else {
            return Int64(
                try space().mapAnonymous(
                    at: hint, length: length, protection: protection, fixed: fixed,
                    growsDown: flags.contains(.MAP_GROWSDOWN)))
        }
        if shared { areaFlags.insert(.shared) }
        return Int64(
            try space().mapFile(
                file, pageOffset: flags.contains(.MAP_ANONYMOUS) ? 0 : offset / MemoryLayout64.pageSize, at: hint,
                length: length,
                protection: protection, flags: areaFlags, fixed: fixed))
    }

    static func munmap(_ address: UInt64, _ length: UInt64) throws(Errno) -> Int64 {
        let pages = try pages(address, length, wrapping: .EINVAL, beyondUser: .EINVAL)
        guard !pages.isEmpty else { throw .EINVAL }
        try space().unmap(pages.range)
        return 0
    }

    static func mprotect(
        _ address: UInt64, _ length: UInt64,
        _ prot: ZeroExtended<MemoryProtection>
    ) throws(Errno) -> Int64 {
        // Linux: a zero length succeeds; a range that wraps or leaves user space maps nothing.
        let pages = try pages(address, length, wrapping: .ENOMEM, beyondUser: .ENOMEM)
        guard !pages.isEmpty else { return 0 }
        try space().protect(pages.range, to: try protection(prot))
        return 0
    }

    static func mremap(
        _ address: UInt64, _ oldLength: UInt64, _ newLength: UInt64,
        _ flagsArgument: ZeroExtended<MremapFlags>, _ newAddress: UInt64
    ) throws(Errno) -> Int64 {
        let flags = try flagsArgument.value()
        guard flags.subtracting([.MREMAP_MAYMOVE, .MREMAP_FIXED]).isEmpty,
            !flags.contains(.MREMAP_FIXED) || flags.contains(.MREMAP_MAYMOVE)
        else { throw .EINVAL }
        let old = try pages(address, oldLength, wrapping: .EINVAL, beyondUser: .EINVAL)
        // No old length 0 (Linux's duplication of a shared area); a new length is one user space can hold.
        guard !old.isEmpty, case let newSize = AddressSpace.pageAlignUp(newLength),
            newSize > 0, newSize <= MemoryLayout64.taskSize
        else { throw .EINVAL }
        let target = flags.contains(.MREMAP_FIXED) ? newAddress : nil
        return Int64(
            try space().remap(
                old.range, newLength: newSize, mayMove: flags.contains(.MREMAP_MAYMOVE),
                target: target))
    }

    /// madvise(2) (Linux: do_madvise). Advice is a hint except where Linux
    /// makes it a promise: after MADV_DONTNEED (and MADV_FREE, which may
    /// act the same) private anonymous pages read back as zeros, MADV_REMOVE
    /// frees a shared mapping's file pages, the fork advice changes what a
    /// child gets, and MADV_POPULATE_* faults the pages in. Advice Linux
    /// builds without here (memory failure, huge-page collapse) is EINVAL.
    static func madvise(_ address: UInt64, _ length: UInt64, _ adviceNumber: Int32) throws(Errno) -> Int64 {
        guard address % MemoryLayout64.pageSize == 0,
            let advice = MemoryAdvice(rawValue: adviceNumber)
        else { throw .EINVAL }
        // Linux: a length that rounds up past 2^64 is EINVAL; a range past user space maps nothing.
        let pages = try pages(address, length, wrapping: .EINVAL, beyondUser: .ENOMEM)
        guard !pages.isEmpty else { return 0 }
        let space = try space()
        let range = pages.range
        switch advice {
        case .MADV_HWPOISON, .MADV_SOFT_OFFLINE, .MADV_COLLAPSE: throw .EINVAL
        case .MADV_DONTNEED, .MADV_DONTNEED_LOCKED, .MADV_FREE:
            try space.discardPages(
                range, locked: advice == .MADV_DONTNEED_LOCKED, anonymousOnly: advice == .MADV_FREE)
        case .MADV_REMOVE: try space.removePages(range)
        case .MADV_DONTFORK, .MADV_DOFORK:
            try space.areas.setFlag(.dontCopy, advice == .MADV_DONTFORK, over: range) { (_: VMA) throws(Errno) in }
        case .MADV_WIPEONFORK, .MADV_KEEPONFORK: try space.setWipeOnFork(range, advice == .MADV_WIPEONFORK)
        case .MADV_DONTDUMP, .MADV_DODUMP:
            try space.areas.setFlag(.dontDump, advice == .MADV_DONTDUMP, over: range) { (_: VMA) throws(Errno) in }
        case .MADV_POPULATE_READ, .MADV_POPULATE_WRITE:
            try space.checkAreas(range) { (_: VMA) throws(Errno) in }
            space.populate(range)
        default: try space.checkAreas(range) { (_: VMA) throws(Errno) in }
        }
        return 0
    }

    /// mincore(2): one byte per page of the range, 1 where the page is in
    /// memory — here, present in the page table. ENOMEM if part of the
    /// range is not mapped, EINVAL for an unaligned start. The bytes go out
    /// a page of them at a time (Linux: do_mincore's loop), so no buffer is
    /// sized by the caller's length.
    static func mincore(_ address: UInt64, _ length: UInt64, _ vector: UserPointer<UInt8>) throws(Errno) -> Int64 {
        let pages = try pages(address, length, wrapping: .ENOMEM, beyondUser: .ENOMEM)
        let space = try space()
        let batch = Int(MemoryLayout64.pageSize)
        var residency: [UInt8] = []
        var written = 0
        var page = pages.start
        while page < pages.end {
            guard space.areas.vma(containing: page) != nil else { throw .ENOMEM }
            residency.append(space.pageTable.translate(VirtAddr(page)) == nil ? 0 : 1)
            page += MemoryLayout64.pageSize
            if residency.count == batch || page == pages.end {
                try vector.advanced(by: written).write(residency)
                written += residency.count
                residency.removeAll(keepingCapacity: true)
            }
        }
        return 0
    }
}
