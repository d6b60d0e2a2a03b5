import ABI
import Core
import Lib

/// brk, mmap, munmap, mprotect, mremap, madvise (Linux: mm/mmap.c,
/// mm/mprotect.c, mm/mremap.c, mm/madvise.c).
enum MemorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.brk, brk),
        (.mmap, mmap),  // partial: anonymous private mappings; files arrive with the VFS
        (.munmap, munmap),
        (.mprotect, mprotect),
        (.mremap, mremap),  // partial: no MREMAP_DONTUNMAP, and no old_size 0 duplication (shared mappings)
        (.madvise, madvise),
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

    static func mmap(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let (address, length, prot) = (arguments.a0, arguments.a1, arguments.a2)
        let flags = MapFlags(rawValue: Int32(truncatingIfNeeded: arguments.a3))
        guard length > 0 else { throw .EINVAL }
        guard flags.contains(.MAP_ANONYMOUS) else { throw .ENODEV }
        guard flags.contains(.MAP_PRIVATE), !flags.contains(.MAP_SHARED) else { throw .EINVAL }
        let noReplace = flags.contains(.MAP_FIXED_NOREPLACE)
        if noReplace, try space().areas.firstIntersecting(try pageRange(address, length)) != nil { throw .EEXIST }
        let start = try space().mapAnonymous(at: address == 0 ? nil : address, length: length,
                                             protection: try protection(prot), fixed: flags.contains(.MAP_FIXED) || noReplace,
                                             growsDown: flags.contains(.MAP_GROWSDOWN))
        return Int64(start)
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
}
