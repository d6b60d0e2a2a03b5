import ABI
import Core
import Lib

/// brk, mmap, munmap, mprotect (Linux: mm/mmap.c, mm/mprotect.c).
enum MemorySyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.brk, brk),
        (.mmap, mmap),  // partial: anonymous private mappings; files arrive with the VFS
        (.munmap, munmap),
        (.mprotect, mprotect),
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
}
