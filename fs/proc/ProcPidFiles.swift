import ABI
import Core
import Lib

/// The smaller files of /proc/PID (Linux: fs/proc/base.c): cmdline,
/// environ, the cwd/root/exe links, limits and oom_score_adj.
enum ProcPidFiles {
    /// cmdline: argv's strings as exec laid them out, each NUL-terminated
    /// (Linux: get_mm_cmdline); empty for a kernel thread or a zombie.
    static func cmdline(_ task: Task) -> [UInt8] {
        guard let space = task.mm else { return [] }
        return read(space.argumentArea, of: space)
    }

    /// environ: envp's strings (Linux: environ_read).
    static func environ(_ task: Task) -> [UInt8] {
        guard let space = task.mm else { return [] }
        return read(space.environmentArea, of: space)
    }

    /// The bytes of `area` in the process's memory, up to the 8 MiB a
    /// default stack limit allows (Linux: access_remote_vm).
    private static func read(_ area: Range<UInt64>, of space: AddressSpace) -> [UInt8] {
        guard !area.isEmpty else { return [] }
        return space.read(count: Int(min(area.count, 8 << 20)), at: area.lowerBound)
    }

    /// The name of the place `pick` chooses in the task's fs context: cwd,
    /// root. Like every symlink body, worked out under VFS.lock.
    static func placeName(_ task: Task, _ pick: (Task) -> Path?) throws(Errno) -> [UInt8] {
        guard let place = pick(task) else { throw .ENOENT }
        return try VFS.pathNameLocked(of: place)
    }

    /// exe: the program file's name (Linux: proc_exe_link); ENOENT for a kernel thread.
    static func executableName(_ task: Task) throws(Errno) -> [UInt8] {
        guard let file = task.mm?.executable else { throw .ENOENT }
        return try VFS.pathNameLocked(of: file.path)
    }

    /// Linux's rows of /proc/PID/limits (lim_rows in fs/proc/base.c).
    private static let limitRows: [(name: String, unit: String)] = [
        ("Max cpu time", "seconds"), ("Max file size", "bytes"), ("Max data size", "bytes"),
        ("Max stack size", "bytes"), ("Max core file size", "bytes"), ("Max resident set", "bytes"),
        ("Max processes", "processes"), ("Max open files", "files"), ("Max locked memory", "bytes"),
        ("Max address space", "bytes"), ("Max file locks", "locks"), ("Max pending signals", "signals"),
        ("Max msgqueue size", "bytes"), ("Max nice priority", ""), ("Max realtime priority", ""),
        ("Max realtime timeout", "us"),
    ]

    /// limits (Linux: proc_pid_limits): "%-25s %-20s %-20s %-10s".
    static func limits(_ task: Task) -> String {
        var text =
            padded("Limit", 25) + " " + padded("Soft Limit", 20) + " " + padded("Hard Limit", 20) + " "
            + padded("Units", 10) + "\n"
        for resource in RlimitResource.allCases {
            let row = limitRows[Int(resource.rawValue)]
            let limit = task.group.limits[resource]
            text +=
                padded(row.name, 25) + " " + padded(value(limit.rlim_cur), 20) + " "
                + padded(value(limit.rlim_max), 20) + " " + (row.unit.isEmpty ? "" : padded(row.unit, 10)) + "\n"
        }
        return text
    }

    private static func value(_ limit: UInt64) -> String {
        limit == Rlimit.RLIM_INFINITY ? "unlimited" : "\(limit)"
    }

    /// `text` left-aligned in `width` columns (printf's %-Ns).
    static func padded(_ text: String, _ width: Int) -> String {
        let length = text.utf8.count
        return length >= width ? text : text + String(repeating: " ", count: width - length)
    }

    /// oom_score_adj takes a number in -1000...1000; lowering it needs
    /// CAP_SYS_RESOURCE (Linux: __set_oom_adj, which answers EACCES).
    static func setOOMScoreAdjustment(_ task: Task, _ bytes: [UInt8]) throws(Errno) {
        guard let value = ProcSysctlValue.integer(bytes), value >= -1000, value <= 1000 else { throw .EINVAL }
        let group = try ProcPid.alive(task).group
        if value < group.oomScoreAdjustment && !Scheduler.current.credentials.isPrivileged { throw .EACCES }
        group.oomScoreAdjustment = Int(value)
    }
}
