import ABI
import Core
import Lib

/// Core dumps (Linux: fs/coredump.c): a signal whose default action is to
/// dump core writes an ELF core file of the process, named by
/// /proc/sys/kernel/core_pattern, before the process ends.
enum Coredump {
    /// /proc/sys/kernel/core_pattern (Linux: core_pattern, at most
    /// CORENAME_MAX_SIZE bytes).
    private static let pattern = SpinLocked<[UInt8]>(Array("core".utf8))
    private static let maximumPatternLength = 128

    /// The sysctl setting; a trailing newline is dropped.
    static var patternSetting: SysctlSetting {
        SysctlSetting(
            name: "core_pattern", show: { String(decoding: pattern.withLock { $0 }, as: UTF8.self) + "\n" },
            store: { (bytes: [UInt8]) throws(Errno) in
                let value = bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes
                guard value.count < maximumPatternLength else { throw .EINVAL }
                pattern.withLock { $0 = value }
            })
    }

    /// Writes the running task's core for `info` (Linux: do_coredump) and
    /// says whether it did, which is whether the wait status gets its core
    /// bit. Nothing is written with RLIMIT_CORE below a page (Linux's
    /// min_coredump), or for a pattern piping to a helper ("|...", which
    /// Apus does not run). The file is made anew in the working directory
    /// (an old one of that name is unlinked first), O_EXCL and O_NOFOLLOW,
    /// mode 0600, as the task's own user.
    /// `threads` are the process's threads as they were when the dump began,
    /// for their status notes: the others may be gone by the time it is written.
    static func dump(_ info: Siginfo, frame: TrapFrame, task: Task, threads: [Task]) -> Bool {
        // Writing the file sleeps (the VFS mutex, page allocation), and a return to user mode from an
        // interrupt comes here with interrupts off: on for the dump, as Linux's exit_to_user_mode_loop has them.
        let interruptsWereOn = CPU.interruptsEnabled
        CPU.enableInterrupts()
        defer { if !interruptsWereOn { _ = CPU.saveAndDisableInterrupts() } }
        return write(info, frame: frame, task: task, threads: threads)
    }

    private static func write(_ info: Siginfo, frame: TrapFrame, task: Task, threads: [Task]) -> Bool {
        let limit = task.group.limits.current(.RLIMIT_CORE)
        let pattern = self.pattern.withLock { $0 }
        guard limit >= MemoryLayout64.pageSize, pattern.first != UInt8(ascii: "|"), let space = task.mm else {
            return false
        }
        var facts = CoreName()
        facts.pid = task.tgid
        facts.tid = task.pid
        facts.uid = task.credentials.uid.real
        facts.gid = task.credentials.gid.real
        facts.signal = info.si_signo
        facts.seconds = Timekeeping.realtime / 1_000_000_000
        facts.hostname = UTSName.nodename
        facts.command = Array(task.comm.utf8)
        facts.executablePath = space.executable.flatMap { try? VFS.pathName(of: $0.path) } ?? []
        facts.coreLimit = limit
        let name = facts.format(pattern)
        guard !name.isEmpty else { return false }
        let (start, root) = (task.fs.workingDirectory, task.fs.root)
        try? VFS.unlink(name, relativeTo: start, root: root)
        guard
            let file = try? VFS.open(
                name, flags: [.O_CREAT, .O_WRONLY, .O_NOFOLLOW, .O_EXCL, .O_LARGEFILE], mode: 0o600,
                relativeTo: start, root: root),
            file.inode.fileType == FileMode.S_IFREG
        else { return false }
        return ElfCoreDump.write(to: file, info: info, frame: frame, task: task, threads: threads, limit: limit)
    }
}
