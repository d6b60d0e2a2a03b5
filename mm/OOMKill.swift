import ABI
import Core
import Lib

/// What the kernel does when memory runs out (Linux: mm/oom_kill.c
/// out_of_memory). Swift's heap cannot hand a failure back to the code that
/// asked, so the request either kills the task it serves or stops the
/// machine. There is no OOM killer that picks the largest process yet.
enum OOMKill {
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
