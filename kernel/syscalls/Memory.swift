import ABI
import Core
import Lib

/// brk, mmap, munmap, mprotect, mremap, madvise (Linux: mm/mmap.c,
/// mm/mprotect.c, mm/mremap.c, mm/madvise.c).
enum MemorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.brk, brk),
        (.mmap, mmap),  // partial: no MAP_POPULATE/MAP_LOCKED effects; device files (/dev/zero) are ENODEV
        (.munmap, munmap),
        (.mprotect, mprotect),
        (.mremap, mremap),  // partial: no MREMAP_DONTUNMAP, and no old_size 0 duplication (shared mappings)
        (.madvise, madvise),
        (.mincore, mincore),
    ]

    private static func space() throws(Errno) -> AddressSpace {
        guard let space = Scheduler.current.mm else { throw .EFAULT }
        return space
    }

    private static func protection(_ value: UInt64) throws(Errno) -> VMAProtection {
        let prot = MemoryProtection(rawValue: Int32(truncatingIfNeeded: value))
        guard value >> 32 == 0, prot.subtracting([.PROT_READ, .PROT_WRITE, .PROT_EXEC]).isEmpty else { throw .EINVAL }
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

    static func brk(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        Int64(try space().setBreak(arguments.a0))
    }

    /// mmap(2) (Linux: ksys_mmap_pgoff → do_mmap): anonymous memory, or a
    /// file's pages — shared, so writes reach the file, or private, copied
    /// on first write. Shared anonymous memory is an unlinked ramfs file.
    static func mmap(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let (address, length, prot, offset) = (arguments.a0, arguments.a1, arguments.a2, arguments.a5)
        let flags = MapFlags(rawValue: Int32(truncatingIfNeeded: arguments.a3))
        guard length > 0, offset % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        let type = flags.intersection(.MAP_TYPE)
        guard type == .MAP_SHARED || type == .MAP_PRIVATE || type == .MAP_SHARED_VALIDATE else { throw .EINVAL }
        let shared = type != .MAP_PRIVATE
        let protection = try protection(prot)
        let noReplace = flags.contains(.MAP_FIXED_NOREPLACE)
        let fixed = flags.contains(.MAP_FIXED) || noReplace
        if noReplace, try space().areas.firstIntersecting(try pageRange(address, length)) != nil { throw .EEXIST }
        let hint = address == 0 ? nil : address

        if flags.contains(.MAP_ANONYMOUS) && !shared {
            return Int64(try space().mapAnonymous(at: hint, length: length, protection: protection, fixed: fixed,
                                                  growsDown: flags.contains(.MAP_GROWSDOWN)))
        }
        let file: File
        var areaFlags = VMAFlags.mayAccess
        if flags.contains(.MAP_ANONYMOUS) {
            file = SharedAnonymous.file(size: length)
        } else {
            file = try FileArguments.file(arguments.a4)
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
        return Int64(try space().mapFile(file, pageOffset: offset / MemoryLayout64.pageSize, at: hint, length: length,
                                         protection: protection, flags: areaFlags, fixed: fixed))
    }

    static func munmap(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try space().unmap(try pageRange(arguments.a0, arguments.a1))
        return 0
    }

    static func mprotect(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        try space().protect(try pageRange(arguments.a0, arguments.a1), to: try protection(arguments.a2))
        return 0
    }

    static func mremap(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let flags = MremapFlags(rawValue: Int32(truncatingIfNeeded: arguments.a3))
        guard arguments.a3 >> 32 == 0, flags.subtracting([.MREMAP_MAYMOVE, .MREMAP_FIXED]).isEmpty,
              !flags.contains(.MREMAP_FIXED) || flags.contains(.MREMAP_MAYMOVE) else { throw .EINVAL }
        let old = try pageRange(arguments.a0, arguments.a1)
        let target = flags.contains(.MREMAP_FIXED) ? arguments.a4 : nil
        return Int64(try space().remap(old, newLength: arguments.a2, mayMove: flags.contains(.MREMAP_MAYMOVE), target: target))
    }

    /// Advice is a hint except where Linux makes it a promise: after
    /// MADV_DONTNEED (and MADV_FREE, which may act the same) private
    /// anonymous pages read back as zeros.
    static func madvise(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        guard arguments.a0 % MemoryLayout64.pageSize == 0,
              let advice = MemoryAdvice(rawValue: Int32(truncatingIfNeeded: arguments.a2)) else { throw .EINVAL }
        guard arguments.a1 > 0 else { return 0 }
        let range = try pageRange(arguments.a0, arguments.a1)
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
    static func mincore(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        guard arguments.a0 % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        guard arguments.a1 > 0 else { return 0 }
        guard UserAccess.isUserRange(arguments.a0, count: Int(min(arguments.a1, UInt64(Int.max)))) else { throw .ENOMEM }
        let range = try pageRange(arguments.a0, arguments.a1)
        let space = try space()
        var residency: [UInt8] = []
        var address = range.lowerBound
        while address < range.upperBound {
            guard space.areas.vma(containing: address) != nil else { throw .ENOMEM }
            residency.append(space.pageTable.translate(VirtAddr(address)) == nil ? 0 : 1)
            address += MemoryLayout64.pageSize
        }
        try UserAccess.copyToUser(arguments.a2, residency)
        return 0
    }
}
