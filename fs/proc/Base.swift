import ABI
import Core
import Lib

/// /proc/self, /proc/thread-self and a directory per process (Linux:
/// fs/proc/base.c, fs/proc/self.c, fs/proc/thread_self.c): listed after
/// the registered entries of the root, at positions past theirs.
final class ProcProcesses: ProcDirectoryContents {
    /// Positions of the root's dynamic part (Linux: FIRST_PROCESS_ENTRY).
    private static let selfPosition: Int64 = 1 << 30
    private static let firstProcessPosition: Int64 = 1 << 31

    func entries() -> [ProcEntry] {
        var result = [selfLink(), threadSelfLink()]
        for task in PidAllocation.allTasks where task.pid > 0 && task.isGroupLeader {
            result.append(ProcPid.directory(task, position: Self.firstProcessPosition + Int64(task.pid)))
        }
        return result
    }

    func entry(named name: [UInt8]) -> ProcEntry? {
        if name == Array("self".utf8) { return selfLink() }
        if name == Array("thread-self".utf8) { return threadSelfLink() }
        guard let pid = ProcPid.number(name), let task = PidAllocation.task(pid), task.isGroupLeader else {
            return nil
        }
        return ProcPid.directory(task, position: Self.firstProcessPosition + Int64(pid))
    }

    /// /proc/self: the reader's process (Linux: proc_self_get_link).
    private func selfLink() -> ProcEntry {
        ProcEntry(
            name: "self", mode: FileMode.S_IFLNK | 0o777,
            content: .symlink({ Array("\(Scheduler.current.tgid)".utf8) }), position: Self.selfPosition)
    }

    /// /proc/thread-self: the reader's thread (Linux: proc_thread_self_get_link).
    private func threadSelfLink() -> ProcEntry {
        ProcEntry(
            name: "thread-self", mode: FileMode.S_IFLNK | 0o777,
            content: .symlink({
                let task = Scheduler.current
                return Array("\(task.tgid)/task/\(task.pid)".utf8)
            }), position: Self.selfPosition + 1)
    }
}

/// The entries of one process or thread (Linux: tgid_base_stuff and
/// tid_base_stuff). Each renders from the task when read; once the task
/// has been reaped they answer ESRCH, as Linux's do.
enum ProcPid {
    /// A decimal pid with no sign or leading zero (Linux: name_to_int).
    static func number(_ name: [UInt8]) -> Int32? {
        guard !name.isEmpty, name.count <= 10, name[0] != UInt8(ascii: "0") else { return nil }
        var value: Int64 = 0
        for byte in name {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value <= Int64(Int32.max) ? Int32(value) : nil
    }

    /// `task`, if it has not been reaped (Linux: get_proc_task).
    static func alive(_ task: Task) throws(Errno) -> Task {
        guard PidAllocation.task(task.pid) === task else { throw .ESRCH }
        return task
    }

    /// The owner of a process's entries: its effective IDs (Linux: task_dump_owner).
    static func owner(_ task: Task) -> () -> (uid: UInt32, gid: UInt32) {
        { (task.credentials.uid.effective, task.credentials.gid.effective) }
    }

    /// Whether the caller may look into `task`'s memory and descriptors
    /// (Linux: ptrace_may_access with PTRACE_MODE_READ_FSCREDS).
    static func mayAccess(_ task: Task) throws(Errno) {
        let caller = Scheduler.current
        guard caller.tgid == task.tgid || caller.credentials.mayInspect(task.credentials) else { throw .EACCES }
    }

    /// /proc/PID, or /proc/PID/task/TID for a thread (`thread`).
    static func directory(_ task: Task, position: Int64, thread: Bool = false) -> ProcEntry {
        ProcEntry(
            name: "\(task.pid)", mode: FileMode.S_IFDIR | 0o555,
            content: .directory(ProcPidDirectory(task, thread: thread)), position: position, owner: owner(task))
    }
}

/// The files in /proc/PID or /proc/PID/task/TID.
final class ProcPidDirectory: ProcDirectoryContents {
    private let task: Task
    private let thread: Bool

    init(_ task: Task, thread: Bool) {
        self.task = task
        self.thread = thread
    }

    func entries() -> [ProcEntry] {
        let task = task
        let whole = !thread
        var list: [(String, UInt32, ProcContent)] = [
            ("cmdline", 0o444, text { ProcPidFiles.cmdline(task) }),
            (
                "comm", 0o644,
                .file(
                    show: { () throws(Errno) -> [UInt8] in
                        Array("\(try ProcPid.alive(task).comm)\n".utf8)
                    },
                    write: { (bytes: [UInt8]) throws(Errno) in
                        try ProcPidDirectory.setComm(task, bytes)
                    })
            ),
            (
                "cwd", 0o777,
                link { () throws(Errno) -> [UInt8] in try ProcPidFiles.placeName(task) { $0.fs.workingDirectory } }
            ),
            (
                "environ", 0o400,
                text { () throws(Errno) -> [UInt8] in
                    try ProcPid.mayAccess(task)
                    return ProcPidFiles.environ(task)
                }
            ),
            ("exe", 0o777, link { () throws(Errno) -> [UInt8] in try ProcPidFiles.executableName(task) }),
            ("fd", 0o500, .directory(ProcFdDirectory(task, info: false))),
            ("fdinfo", 0o500, .directory(ProcFdDirectory(task, info: true))),
            ("limits", 0o444, text { Array(ProcPidFiles.limits(task).utf8) }),
            ("maps", 0o444, text { Array(ProcTaskMMU.maps(task).utf8) }),
            ("mem", 0o600, .operations({ ProcMemFile(task) })),
            ("mountinfo", 0o444, text { Array(ProcMounts.mountinfo(for: task).utf8) }),
            ("mounts", 0o444, text { Array(ProcMounts.mounts(for: task).utf8) }),
            (
                "oom_score_adj", 0o644,
                .file(
                    show: { () throws(Errno) -> [UInt8] in
                        Array("\(try ProcPid.alive(task).group.oomScoreAdjustment)\n".utf8)
                    },
                    write: { (bytes: [UInt8]) throws(Errno) in
                        try ProcPidFiles.setOOMScoreAdjustment(task, bytes)
                    })
            ),
            ("root", 0o777, link { () throws(Errno) -> [UInt8] in try ProcPidFiles.placeName(task) { $0.fs.root } }),
            ("smaps_rollup", 0o444, text { Array(ProcTaskMMU.smapsRollup(task).utf8) }),
            ("stat", 0o444, text { Array(ProcArray.stat(task, wholeProcess: whole).utf8) }),
            ("statm", 0o444, text { Array(ProcArray.statm(task).utf8) }),
            ("status", 0o444, text { Array(ProcArray.status(task).utf8) }),
        ]
        if !thread {
            list.append(("task", 0o555, .directory(ProcTaskDirectory(task))))
        }
        let owner = ProcPid.owner(task)
        return list.enumerated().map { index, item in
            let type: UInt32
            switch item.2 {
            case .file, .operations: type = FileMode.S_IFREG
            case .directory: type = FileMode.S_IFDIR
            case .symlink: type = FileMode.S_IFLNK
            }
            return ProcEntry(
                name: item.0, mode: type | item.1, content: item.2, position: Int64(index) + 2, owner: owner)
        }
    }

    /// A read-only file rendered from the task, ESRCH once it is reaped.
    private func text(_ render: @escaping () throws(Errno) -> [UInt8]) -> ProcContent {
        let task = task
        return .file(
            show: { () throws(Errno) -> [UInt8] in
                _ = try ProcPid.alive(task)
                return try render()
            }, write: nil)
    }

    /// A link whose target is a place the caller must be allowed to see
    /// (Linux: proc_fd_access_allowed).
    private func link(_ target: @escaping () throws(Errno) -> [UInt8]) -> ProcContent {
        let task = task
        return .symlink({ () throws(Errno) -> [UInt8] in
            try ProcPid.mayAccess(try ProcPid.alive(task))
            return try target()
        })
    }

    /// Writing comm renames the thread, only from inside its own process
    /// (Linux: comm_write, which refuses others with EINVAL).
    static func setComm(_ task: Task, _ bytes: [UInt8]) throws(Errno) {
        guard try ProcPid.alive(task).tgid == Scheduler.current.tgid else { throw .EINVAL }
        let name = bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes
        task.setName(String(decoding: name, as: UTF8.self))
    }
}

/// /proc/PID/task: the threads of the process (Linux: proc_task_readdir).
final class ProcTaskDirectory: ProcDirectoryContents {
    private let leader: Task

    init(_ leader: Task) { self.leader = leader }

    func entries() -> [ProcEntry] {
        let threads = PidAllocation.allTasks.filter { $0.pid > 0 && $0.group === leader.group }
        return threads.map { ProcPid.directory($0, position: Int64($0.pid) + 2, thread: true) }
    }

    func entry(named name: [UInt8]) -> ProcEntry? {
        guard let pid = ProcPid.number(name), let task = PidAllocation.task(pid), task.group === leader.group else {
            return nil
        }
        return ProcPid.directory(task, position: Int64(pid) + 2, thread: true)
    }
}
