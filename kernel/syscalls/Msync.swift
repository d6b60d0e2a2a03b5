import ABI
import Core
import Lib

/// msync(2) (Linux: mm/msync.c). A shared file mapping shows the page
/// cache's own frames, and ramfs and tmpfs keep their files only there, so
/// there is nothing to write back: the call checks its arguments and the
/// range as Linux does.
enum MsyncSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.msync, syscall(msync))
    ]

    /// EINVAL for unknown flags, MS_ASYNC with MS_SYNC or an unaligned
    /// start; EBUSY for MS_INVALIDATE over a locked area; ENOMEM if part of
    /// the range is unmapped (at once for a bare MS_SYNC, else after the
    /// areas that are mapped).
    static func msync(_ address: UInt64, _ length: UInt64, _ flags: MsyncFlags) throws(Errno) -> Int64 {
        guard flags.subtracting([.MS_ASYNC, .MS_INVALIDATE, .MS_SYNC]).isEmpty,
            address % MemoryLayout64.pageSize == 0,
            !flags.isSuperset(of: [.MS_ASYNC, .MS_SYNC])
        else { throw .EINVAL }
        // The rounded length wraps as Linux's does: to 0, which syncs nothing.
        let (end, overflow) = address.addingReportingOverflow(AddressSpace.pageAlignUp(length))
        guard !overflow else { throw .ENOMEM }
        let space = try MemorySyscalls.space()
        var unmapped = false
        var start = address
        while start < end {
            guard let area = space.areas.find(start) else { throw .ENOMEM }
            if start < area.start {
                if flags == .MS_SYNC || area.start >= end { throw .ENOMEM }
                unmapped = true
            }
            if flags.contains(.MS_INVALIDATE) && area.flags.contains(.locked) { throw .EBUSY }
            start = area.end
        }
        if unmapped { throw .ENOMEM }
        return 0
    }
}
