import ABI
import Core
import Lib
import Synchronization

/// What the kernel does when memory runs out (Linux: mm/oom_kill.c). A user
/// page that cannot be had calls the OOM killer, which kills the process
/// holding the most memory and lets the faulting access retry once the
/// victim's pages are back. Swift's heap cannot hand a failure back to the
/// code that asked, so a kernel-heap request nothing can serve ends the task
/// it serves, or stops the machine.
enum OOMKill {
    /// The last victim, while it still holds its memory: another kill
    /// before it has let go would take a second process for one shortage
    /// (Linux: tsk_is_oom_victim aborting oom_evaluate_task).
    private struct Victim {
        let space: AddressSpace
        let killedAt: UInt64
    }
    private static let victim = IRQSafeLocked<Victim?>(nil)
    /// A victim that has not let go after this long is passed over (Linux's
    /// oom_reaper gives up and sets MMF_OOM_SKIP).
    private static var victimGraceJiffies: UInt64 { Jiffies.fromMilliseconds(5000) }

    /// A user page fault found no free page (Linux: pagefault_out_of_memory
    /// → out_of_memory). Kills the process with the highest badness; the
    /// caller returns to user space and the access faults again, by then
    /// served from what the victim freed; or this task is the victim, and
    /// dies here.
    static func pagefaultOutOfMemory() {
        let task = Scheduler.current
        let killed = WaitStatus.signaled(by: .SIGKILL, coreDumped: false)
        if task.hasFatalSignalPending || task.group.isExiting { Scheduler.exitGroup(status: killed) }
        if victimStillExiting() {
            waitForMemory()
            return
        }
        var candidates = processes()
        guard let chosen = candidates.indices.max(by: { candidates[$0].badness < candidates[$1].badness }) else {
            pr_emerg("Out of memory and no killable processes...")
            panic("System is deadlocked on memory")
        }
        pr_warn(
            "\(task.comm) invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0"
        )
        dumpTasks(candidates)
        let target = candidates.remove(at: chosen)
        kill(target)
        if target.group === task.group { Scheduler.exitGroup(status: killed) }
        waitForMemory()
    }

    /// One process as the OOM killer weighs it (Linux: oom_badness over
    /// get_mm_rss and mm_pgtables_bytes; no swap, no oom_score_adj yet).
    private struct Candidate {
        let leader: Task
        let group: ThreadGroup
        let space: AddressSpace
        let usage: AddressSpace.MemoryUsage
        var badness: Int { usage.residentPages + usage.pageTablePages }
    }

    /// Every process that could be killed: not init, not a kernel thread,
    /// not already on its way out.
    private static func processes() -> [Candidate] {
        Scheduler.allTasks.compactMap { task -> Candidate? in
            guard task.isProcess, task.isGroupLeader, task.pid > 1, !task.group.isExiting,
                let space = task.group.threads.lazy.compactMap({ $0.mm }).first
            else { return nil }
            return Candidate(leader: task, group: task.group, space: space, usage: space.memoryUsage())
        }
    }

    /// The task table Linux prints before choosing (dump_tasks), in pages.
    private static func dumpTasks(_ candidates: [Candidate]) {
        pr_info("Tasks state (memory values in pages):")
        pr_info("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
        for candidate in candidates {
            let usage = candidate.usage
            let uid = candidate.leader.credentials.uid.real
            let columns: [(Int, Int)] = [
                (Int(uid), 5), (Int(candidate.group.tgid), 5), (usage.virtualPages, 8), (usage.residentPages, 8),
                (usage.pageTablePages * Int(MemoryLayout64.pageSize), 14), (0, 8), (0, 13),
            ]
            let text = columns.map { pad($0.0, $0.1) }.joined(separator: " ")
            pr_info("[\(pad(Int(candidate.leader.pid), 7))] \(text) \(candidate.leader.comm)")
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: " ", count: max(width - digits.count, 0)) + digits
    }

    /// SIGKILL to the whole process, with Linux's lines (oom_kill_process,
    /// __oom_kill_process).
    private static func kill(_ target: Candidate) {
        let usage = target.usage
        let kB = Int(MemoryLayout64.pageSize / 1024)
        let uid = target.leader.credentials.uid.real
        let name = target.leader.comm
        pr_info(
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=\(name),pid=\(target.group.tgid),uid=\(uid)"
        )
        pr_err(
            "Out of memory: Killed process \(target.group.tgid) (\(name)) total-vm:\(usage.virtualPages * kB)kB, anon-rss:\(usage.anonymousPages * kB)kB, file-rss:\(usage.filePages * kB)kB, shmem-rss:0kB, UID:\(uid) pgtables:\(usage.pageTablePages * kB)kB oom_score_adj:0"
        )
        victim.withLock { $0 = Victim(space: target.space, killedAt: Jiffies.value) }
        VMEvents.oomKills.add(1, ordering: .relaxed)
        Signals.send(.SIGKILL, toProcess: target.group, from: nil)
    }

    /// Whether the last victim still holds its memory and is within its grace.
    private static func victimStillExiting() -> Bool {
        victim.withLock { recorded in
            guard let last = recorded else { return false }
            if last.space.users == 0 || Jiffies.value - last.killedAt > victimGraceJiffies {
                recorded = nil
                return false
            }
            return true
        }
    }

    /// Lets the victim run and exit before the access is tried again (Linux:
    /// schedule_timeout_killable(1)).
    private static func waitForMemory() {
        Scheduler.setCurrentState(.interruptible)
        _ = Scheduler.sleep(timeout: 1)
    }

    /// Swift's heap could not serve `bytes` (mm/SwiftHeap.swift). In a user
    /// task's system call that task dies, as by SIGKILL; at boot, in a
    /// kernel thread, in init, in an interrupt or under a spinlock (which
    /// the exit could need), Linux's panic.
    static func heapExhausted(bytes: Int) -> Never {
        guard Scheduler.isRunning, !PreemptCount.inAtomic, Scheduler.current.mm != nil,
            Scheduler.current.pid > 1
        else {
            pr_emerg("Out of memory: the kernel heap cannot serve \(bytes) bytes")
            panic("Out of memory")
        }
        let task = Scheduler.current
        pr_err("\(task.comm) invoked oom-killer: the kernel heap cannot serve \(bytes) bytes")
        pr_err("Out of memory: Killed process \(task.pid) (\(task.comm)) UID:\(task.credentials.uid.real)")
        SwiftHeap.releaseReserve()
        Scheduler.exitGroup(status: WaitStatus.signaled(by: .SIGKILL, coreDumped: false))
    }

    /// The task the handler killed may need a little memory to leave.
    static var currentIsExiting: Bool { Scheduler.isRunning && Scheduler.current.flags.contains(.exiting) }
}
