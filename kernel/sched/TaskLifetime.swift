import ABI
import Core
import Lib

extension Task {
    /// A copy of the running process (Linux: kernel/fork.c copy_process): a
    /// new pid and kernel stack, the parent's memory shared copy-on-write,
    /// its FPU registers, and a first switch that returns to user space from
    /// the same system call with RAX = 0. The child starts as TASK_NEW.
    /// It gets copies of the parent's open files and fs context, or shares
    /// them (CLONE_FILES, CLONE_FS: the same objects).
    static func fork(
        of parent: Task, registers: TrapFrame, sharesFiles: Bool = false, sharesFS: Bool = false
    ) throws(Errno) -> Task {
        guard let space = parent.mm else { throw .EINVAL }
        let childSpace = try space.fork()
        guard let stack = PageAllocator.allocate(order: stackOrder) else {
            childSpace.release()
            throw .ENOMEM
        }
        guard let pid = PidAllocation.allocate() else {
            try? PageAllocator.free(stack, order: stackOrder)
            childSpace.release()
            throw .EAGAIN
        }
        var frame = registers
        frame.rax = 0
        let top = stack.directMapped + (MemoryLayout64.pageSize << UInt64(stackOrder))
        let child = Task(pid: pid, name: parent.comm, flags: [], parent: parent, stack: stack,
                         context: ThreadContext(stackTop: top, forkedFrame: frame),
                         files: sharesFiles ? parent.files : parent.files.copy(),
                         fs: sharesFS ? parent.fs : parent.fs.copy())
        child.mm = childSpace
        // The parent's user registers are live in the CPU: save them, then copy.
        parent.fpu?.save()
        child.fpu = parent.fpu.map { FPUState(copying: $0) }
        child.segmentBases = UserSegmentBases.live
        parent.children.append(child)
        return child
    }

    /// Frees what a dead or zombie task no longer needs: its kernel stack and
    /// memory. Runs on the next task's stack after the final switch.
    func releaseResources() {
        if let stack { try? PageAllocator.free(stack, order: Task.stackOrder) }
        mm?.release()
        mm = nil
        fpu = nil
        entry = nil
        kthread = nil
    }

    /// Removes a task for good: its pid, and its place among its parent's
    /// children (Linux: release_task, after wait() or for a kernel thread at once).
    func reap() {
        PidAllocation.free(pid)
        parent?.children.removeAll { $0 === self }
        parent = nil
    }
}

/// The first C-level step of a forked child (switch.S's ret_from_fork).
@c(schedule_tail)
func scheduleTail() {
    Scheduler.finishTaskSwitch()
}
