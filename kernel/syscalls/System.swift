import ABI
import Core
import Lib

/// The system's name and figures (Linux: kernel/sys.c newuname,
/// sethostname, setdomainname, sysinfo).
enum SystemSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (
            .uname,
            syscall { (buffer: UserPointer<Utsname>) throws(Errno) in
                try buffer.write(UTSName.current)
                return 0
            }
        ),
        (
            .sethostname,
            syscall { (text: UserPointer<UInt8>, length: Int32) throws(Errno) in
                UTSName.nodename = try name(text, length: length)
                return 0
            }
        ),
        (
            .setdomainname,
            syscall { (text: UserPointer<UInt8>, length: Int32) throws(Errno) in
                UTSName.domainname = try name(text, length: length)
                return 0
            }
        ),
        (.sysinfo, syscall(sysinfo)),  // partial: no load averages (always 0), no shared or buffer memory figures
    ]

    /// sethostname/setdomainname(name, len): privileged (CAP_SYS_ADMIN,
    /// EPERM), at most 64 bytes (EINVAL), taken as given — no NUL needed.
    private static func name(_ text: UserPointer<UInt8>, length: Int32) throws(Errno) -> [UInt8] {
        guard Scheduler.current.credentials.isPrivileged else { throw .EPERM }
        guard length >= 0, Int(length) <= UTSName.maximumLength else { throw .EINVAL }
        let bytes = try text.read(count: Int(length))
        // A NUL inside ends the name, as the C string uname returns would.
        return Array(bytes.prefix { $0 != 0 })
    }

    /// sysinfo(info): uptime in whole seconds rounded up, memory in bytes
    /// (mem_unit 1), and the number of tasks.
    static func sysinfo(_ buffer: UserPointer<Sysinfo>) throws(Errno) -> Int64 {
        var info = Sysinfo()
        let uptime = Timekeeping.monotonic
        info.uptime = (uptime + TimeUnits.nanosecondsPerSecond - 1) / TimeUnits.nanosecondsPerSecond
        let pageSize = UInt64(MemoryLayout64.pageSize)
        info.totalram = UInt64(PageAllocator.totalPages) * pageSize
        info.freeram = UInt64(PageAllocator.freePages) * pageSize
        info.procs = UInt16(clamping: PidAllocation.allTasks.count)
        info.mem_unit = 1
        try buffer.write(info)
        return 0
    }
}
