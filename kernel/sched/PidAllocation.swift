import ABI
import Core
import Lib

/// Process IDs (Linux: kernel/pid.c): the idle task is 0, then IDs are
/// handed out cyclically up to pid_max, so a just-freed ID is not reused at
/// once — a stale PID in user space is less likely to name a new process.
/// The table from ID to task is Linux's find_task_by_vpid; a task is in it
/// from creation until it is reaped, zombies included. It is kept sorted by
/// pid and searched by bisection (a Dictionary would need floating point).
enum PidAllocation {
    private struct Table {
        var allocator: PidAllocator? = nil
        var tasks: [Task] = []
        /// Linux's max_threads (set_max_threads in fork_init).
        var threadLimit = Int.max
        /// IDs handed out since boot (Linux: total_forks) and the last one (last_pid).
        var created = 0
        var last: Int32 = 0
    }
    private static let registry = IRQSafeLocked(Table())

    static func initialize(threadLimit: Int) {
        let pids = PidAllocator()
        try? pids.allocate(exactly: 0)
        registry.withLock {
            $0.allocator = pids
            $0.threadLimit = threadLimit
        }
    }

    /// An ID for a new task of real user `uid`, or nil, which fork reports
    /// as EAGAIN (Linux: copy_process): the IDs have run out, the machine's
    /// thread limit is reached, or the user already has `userLimit` tasks
    /// (RLIMIT_NPROC; nil for a caller it does not bind). Zombies count
    /// until reaped, as in Linux's nr_threads.
    static func allocate(forUser uid: UInt32, userLimit: UInt64?) -> Int32? {
        registry.withLock { table -> Int32? in
            guard table.tasks.count < table.threadLimit else { return nil }
            if let userLimit, UInt64(table.tasks.count { $0.credentials.uid.real == uid }) >= userLimit { return nil }
            guard let pid = try? table.allocator?.allocate() else { return nil }
            table.created += 1
            table.last = Int32(pid)
            return Int32(pid)
        }
    }

    /// The index of `pid` in `tasks`, or where it would be inserted.
    private static func index(of pid: Int32, in tasks: [Task]) -> Int {
        var low = 0
        var high = tasks.count
        while low < high {
            let middle = (low + high) / 2
            if tasks[middle].pid < pid { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Makes `task` findable by its pid (Linux: attach_pid).
    static func attach(_ task: Task) {
        registry.withLock {
            $0.tasks.insert(task, at: index(of: task.pid, in: $0.tasks))
            task.debugSlot = DebugInfo.addTask(
                pid: task.pid, tgid: task.tgid, kernelThread: task.flags.contains(.kernelThread),
                state: task.state.rawValue, comm: task.comm)
        }
    }

    /// Forgets the task and frees its pid (Linux: detach_pid, free_pid).
    static func free(_ pid: Int32) {
        registry.withLock { table in
            let position = index(of: pid, in: table.tasks)
            if position < table.tasks.count && table.tasks[position].pid == pid {
                let task = table.tasks.remove(at: position)
                // A thread is reaped before its last switch: later state changes must not
                // land in a slot a new task may take.
                DebugInfo.removeTask(slot: task.debugSlot)
                task.debugSlot = -1
            }
            try? table.allocator?.free(Int(pid))
        }
    }

    /// The task with thread ID `pid`, zombies included (Linux: find_task_by_vpid).
    static func task(_ pid: Int32) -> Task? {
        guard pid > 0 else { return nil }
        return registry.withLock { table -> Task? in
            let position = index(of: pid, in: table.tasks)
            return position < table.tasks.count && table.tasks[position].pid == pid ? table.tasks[position] : nil
        }
    }

    /// Tasks made since boot and the last pid given (/proc/stat's
    /// processes, /proc/loadavg's last field).
    static var totalCreated: Int { registry.withLock { $0.created } }
    static var lastAllocated: Int32 { registry.withLock { $0.last } }

    /// The `kernel.pid_max` sysctl: PIDs handed out are below it.
    static var pidMax: Int { registry.withLock { $0.allocator?.pidMax ?? PidAllocator.defaultPidMax } }

    /// Sets pid_max; EINVAL outside what the allocator can hold.
    static func setPidMax(_ value: Int) throws(Errno) {
        try registry.withLock { (table) throws(Errno) in
            do throws(PidAllocatorError) {
                try table.allocator?.setPidMax(value)
            } catch {
                throw .EINVAL
            }
        }
    }

    /// Every task, in pid order (Linux: for_each_process_thread).
    static var allTasks: [Task] { registry.withLock { $0.tasks } }
}
