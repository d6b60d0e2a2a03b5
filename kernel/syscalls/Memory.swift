import ABI
import Core
import Lib

/// brk, mmap, munmap, mprotect, mremap, madvise (Linux: mm/mmap.c,
/// mm/mprotect.c, mm/mremap.c, mm/madvise.c).
enum MemorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.brk, syscall(brk)),
        (.mmap, syscall(mmap)),  // partial: no MAP_POPULATE/MAP_LOCKED effects; device files (/dev/zero) are ENODEV
        (.munmap, syscall(munmap)),
        (.mprotect, syscall(mprotect)),
        (.mremap, syscall(mremap)),  // partial: no MREMAP_DONTUNMAP, and no old_size 0 duplication (shared mappings)
        (.madvise, syscall(madvise)),
        (.mincore, syscall(mincore)),
    ]

    private static func space() throws(Errno) -> AddressSpace {
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

    /// A page-aligned range of `length` bytes rounded up; EINVAL otherwise.
    private static func pageRange(_ address: UInt64, _ length: UInt64) throws(Errno) -> Range<UInt64> {
        let size = (length + MemoryLayout64.pageSize - 1) & ~(MemoryLayout64.pageSize - 1)
        guard address % MemoryLayout64.pageSize == 0, size > 0, UserAccess.isUserRange(address, count: Int(size)) else {
            throw .EINVAL
        }
        return address..<(address + size)
    }

    static func brk(_ end: UInt64) throws(Errno) -> Int64 {
        Int64(try space().setBreak(end))
    }

    /// mmap(2) (Linux: ksys_mmap_pgoff → do_mmap): anonymous memory, or a
    /// file's pages — shared, so writes reach the file, or private, copied
    /// on first write. Shared anonymous memory is an unlinked ramfs file.
    static func mmap(
        _ address: UInt64, _ length: UInt64, _ prot: ZeroExtended<MemoryProtection>, _ flags: MapFlags,
        _ fd: FileDescriptor, _ offset: UInt64
    ) throws(Errno) -> Int64 {
        guard length > 0, offset % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        let type = flags.intersection(.MAP_TYPE)
        guard type == .MAP_SHARED || type == .MAP_PRIVATE || type == .MAP_SHARED_VALIDATE else { throw .EINVAL }
        let shared = type != .MAP_PRIVATE
        let protection = try protection(prot)
        let noReplace = flags.contains(.MAP_FIXED_NOREPLACE)
        let fixed = flags.contains(.MAP_FIXED) || noReplace
        if noReplace, try space().areas.firstIntersecting(try pageRange(address, length)) != nil { throw .EEXIST }
        let hint = address == 0 ? nil : address
        // RLIMIT_AS, RLIMIT_DATA and overcommit (Linux: mmap_region); MAP_NORESERVE is not accounted.
        let privateWritable = protection.contains(.write) && !shared
        try space().checkExpansion(
            by: AddressSpace.pageAlignUp(length),
            data: privateWritable && !flags.contains(.MAP_GROWSDOWN),
            accountable: privateWritable && !flags.contains(.MAP_NORESERVE),
            replacing: fixed ? address..<max(address, address &+ length) : nil)

        if flags.contains(.MAP_ANONYMOUS) && !shared {
            return Int64(
                try space().mapAnonymous(
                    at: hint, length: length, protection: protection, fixed: fixed,
                    growsDown: flags.contains(.MAP_GROWSDOWN)))
        }
        let file: File
        var areaFlags = VMAFlags.mayAccess
        if flags.contains(.MAP_ANONYMOUS) {
            file = SharedAnonymous.file(size: length)
        } else {
            file = try fd.file()
            // A private mapping never writes the file, so only reading must be allowed.
            guard file.mayRead else { throw .EACCES }
            if shared && !file.mayWrite {
                if protection.contains(.write) { throw .EACCES }
                areaFlags.remove(.mayWrite)
            }
            if shared && protection.contains(.write) && file.flags.contains(.O_APPEND) { throw .EACCES }
            try file.operations.mmap(file)
        }
        if shared { areaFlags.insert(.shared) }
        return Int64(
            try space().mapFile(
                file, pageOffset: offset / MemoryLayout64.pageSize, at: hint, length: length,
                protection: protection, flags: areaFlags, fixed: fixed))
    }

    static func munmap(_ address: UInt64, _ length: UInt64) throws(Errno) -> Int64 {
        try space().unmap(try pageRange(address, length))
        return 0
    }

    static func mprotect(
        _ address: UInt64, _ length: UInt64,
        _ prot: ZeroExtended<MemoryProtection>
    ) throws(Errno) -> Int64 {
        try space().protect(try pageRange(address, length), to: try protection(prot))
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
        let old = try pageRange(address, oldLength)
        let target = flags.contains(.MREMAP_FIXED) ? newAddress : nil
        return Int64(
            try space().remap(old, newLength: newLength, mayMove: flags.contains(.MREMAP_MAYMOVE), target: target))
    }

    /// Advice is a hint except where Linux makes it a promise: after
    /// MADV_DONTNEED (and MADV_FREE, which may act the same) private
    /// anonymous pages read back as zeros.
    static func madvise(_ address: UInt64, _ length: UInt64, _ adviceNumber: Int32) throws(Errno) -> Int64 {
        guard address % MemoryLayout64.pageSize == 0,
            let advice = MemoryAdvice(rawValue: adviceNumber)
        else { throw .EINVAL }
        guard length > 0 else { return 0 }
        let range = try pageRange(address, length)
        switch advice {
        case .MADV_DONTNEED, .MADV_FREE, .MADV_DONTNEED_LOCKED: try space().discardPages(range)
        case .MADV_REMOVE, .MADV_HWPOISON, .MADV_SOFT_OFFLINE, .MADV_COLLAPSE: throw .EINVAL
        default: break
        }
        return 0
    }

    /// mincore(2): one byte per page of the range, 1 where the page is in
    /// memory — here, present in the page table. ENOMEM if part of the
    /// range is not mapped, EINVAL for an unaligned start.
    static func mincore(_ address: UInt64, _ length: UInt64, _ vector: UserPointer<UInt8>) throws(Errno) -> Int64 {
        guard address % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        guard length > 0 else { return 0 }
        guard UserAccess.isUserRange(address, count: Int(min(length, UInt64(Int.max)))) else { throw .ENOMEM }
        let range = try pageRange(address, length)
        let space = try space()
        var residency: [UInt8] = []
        var page = range.lowerBound
        while page < range.upperBound {
            guard space.areas.vma(containing: page) != nil else { throw .ENOMEM }
            residency.append(space.pageTable.translate(VirtAddr(page)) == nil ? 0 : 1)
            page += MemoryLayout64.pageSize
        }
        try vector.write(residency)
        return 0
    }
}
