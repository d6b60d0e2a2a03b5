import ABI
import Core
import Lib

/// clone's arguments (Linux: struct kernel_clone_args): the flags, the
/// signal for the parent at exit (nil: none), the child's stack pointer (0:
/// the parent's), where to store the new thread ID, and the TLS pointer.
struct CloneArguments {
    var flags: CloneFlags
    var exitSignal: Signal?
    var stack: UInt64 = 0
    var parentTID = UserPointer<Int32>.null
    var childTID = UserPointer<Int32>.null
    var tls: UInt64 = 0

    /// What clone accepts. Namespaces (CLONE_NEW*), pidfds and
    /// CLONE_CLEAR_SIGHAND/INTO_CGROUP do not exist here and are EINVAL, as
    /// in a Linux built without them; CLONE_PTRACE and CLONE_UNTRACED have
    /// nothing to do without ptrace, CLONE_DETACHED is ignored by Linux too,
    /// CLONE_IO has no I/O context to share.
    static let supported: CloneFlags = [
        .CLONE_VM, .CLONE_FS, .CLONE_FILES, .CLONE_SIGHAND, .CLONE_PTRACE, .CLONE_VFORK, .CLONE_PARENT,
        .CLONE_THREAD, .CLONE_SYSVSEM, .CLONE_SETTLS, .CLONE_PARENT_SETTID, .CLONE_CHILD_CLEARTID,
        .CLONE_DETACHED, .CLONE_UNTRACED, .CLONE_CHILD_SETTID, .CLONE_IO,
    ]

    /// The flag rules of Linux's copy_process.
    func validate(caller: Task) throws(Errno) {
        guard flags.isSubset(of: Self.supported) else { throw .EINVAL }
        // A thread shares the signal actions, and shared actions need shared memory.
        if flags.contains(.CLONE_THREAD) && !flags.contains(.CLONE_SIGHAND) { throw .EINVAL }
        if flags.contains(.CLONE_SIGHAND) && !flags.contains(.CLONE_VM) { throw .EINVAL }
        // init's siblings would be nobody's children (Linux: SIGNAL_UNKILLABLE).
        if flags.contains(.CLONE_PARENT) && caller.group === Scheduler.childReaper?.group { throw .EINVAL }
    }
}

extension Task {
    /// fork, vfork and clone (Linux: kernel/fork.c kernel_clone): makes the
    /// child, stores its TID for CLONE_PARENT_SETTID, lets it run, and for
    /// CLONE_VFORK sleeps until it has exec'd or exited. Returns the child's TID.
    static func kernelClone(_ arguments: CloneArguments, registers: TrapFrame) throws(Errno) -> Int32 {
        let caller = Scheduler.current
        let child = try copyProcess(of: caller, registers: registers, arguments)
        let pid = child.pid
        if arguments.flags.contains(.CLONE_PARENT_SETTID) { try? arguments.parentTID.write(pid) }
        let vforkDone: Completion? = arguments.flags.contains(.CLONE_VFORK) ? Completion() : nil
        child.vforkDone = vforkDone
        Scheduler.wakeUpNewTask(child)
        // Killable: a fatal signal lets the parent go (it then exits), as in Linux.
        if let vforkDone { try? vforkDone.waitKillable() }
        return pid
    }

    /// A new task made from the running one (Linux: copy_process): a new
    /// pid and kernel stack; the address space shared (CLONE_VM) or copied
    /// copy-on-write; the signal actions shared (CLONE_SIGHAND) or copied;
    /// the thread group joined (CLONE_THREAD) or a new process made; the
    /// open files and the fs context shared (CLONE_FILES, CLONE_FS: the same
    /// objects) or copied; a first switch that returns to user space from
    /// the same system call with RAX = 0, on the new stack if one was given.
    /// TASK_NEW until woken.
    static func copyProcess(of parent: Task, registers: TrapFrame, _ arguments: CloneArguments) throws(Errno) -> Task {
        let flags = arguments.flags
        try arguments.validate(caller: parent)
        guard let space = parent.mm else { throw .EINVAL }
        // A clone racing with a group exit would escape the kill (Linux: fatal_signal_pending check).
        if parent.hasSignalPending { throw .ERESTARTNOINTR }
        let childSpace: AddressSpace
        if flags.contains(.CLONE_VM) {
            space.addUser()
            childSpace = space
        } else {
            childSpace = try space.fork()
        }
        guard let stack = allocateStack() else {
            childSpace.dropUser()
            throw .ENOMEM
        }
        // RLIMIT_NPROC binds neither root nor CAP_SYS_RESOURCE (Linux: copy_process).
        let credentials = parent.credentials
        let userLimit =
            credentials.uid.real == 0 || credentials.isPrivileged ? nil : parent.group.limits.current(.RLIMIT_NPROC)
        guard let pid = PidAllocation.allocate(forUser: credentials.uid.real, userLimit: userLimit) else {
            freeStack(stack)
            childSpace.dropUser()
            throw .EAGAIN
        }
        var frame = registers
        frame.rax = 0
        if arguments.stack != 0 { frame.rsp = arguments.stack }
        let top = stack + stackSize
        let isThread = flags.contains(.CLONE_THREAD)
        let realParent = flags.contains(.CLONE_PARENT) || isThread ? parent.realParent : parent
        let child = TaskList.lock.withLockIrqSave { () -> Task in
            let child = Task(
                pid: pid, name: parent.comm, flags: [.forkNoExec], parent: isThread ? nil : realParent,
                stack: stack, context: ThreadContext(stackTop: top, forkedFrame: frame),
                files: flags.contains(.CLONE_FILES) ? parent.files : parent.files.copy(),
                fs: flags.contains(.CLONE_FS) ? parent.fs : parent.fs.copy(),
                group: isThread ? parent.group : ThreadGroup(tgid: pid, forkedFrom: parent.group),
                sighand: flags.contains(.CLONE_SIGHAND) ? parent.sighand : parent.sighand.copy())
            if !isThread { realParent?.children.append(child) }
            // A group exit that began while this thread was being made still reaches it.
            if child.group.isExiting { child.pending.add(.SIGKILL, info: nil) }
            return child
        }
        child.mm = childSpace
        // The parent's user registers are live in the CPU: save them, then copy.
        parent.fpu?.save()
        child.fpu = parent.fpu.map { FPUState(copying: $0) }
        child.sched = SchedState(
            policy: parent.sched.policy, nice: parent.sched.nice,
            realTimePriority: parent.sched.realTimePriority)
        child.credentials = parent.credentials
        child.semaphoreUndo = SemaphoreUndoList.forChild(of: parent, sharing: flags.contains(.CLONE_SYSVSEM))
        child.blockedSignals = parent.blockedSignals
        // A thread with its own stack must not inherit the parent's alternate stack (Linux: sas_ss_reset).
        if !flags.contains(.CLONE_VM) || flags.contains(.CLONE_VFORK) {
            child.alternateSignalStack = parent.alternateSignalStack
        }
        child.exitSignal =
            isThread ? nil : (flags.contains(.CLONE_PARENT) ? parent.group.leader?.exitSignal : arguments.exitSignal)
        child.setChildTID = flags.contains(.CLONE_CHILD_SETTID) ? arguments.childTID : .null
        child.clearChildTID = flags.contains(.CLONE_CHILD_CLEARTID) ? arguments.childTID : .null
        child.segmentBases = UserSegmentBases.live
        if flags.contains(.CLONE_SETTLS) { child.segmentBases.fs = arguments.tls }
        return child
    }

    /// The first thing a new task does in its own context (Linux:
    /// schedule_tail): store its TID where CLONE_CHILD_SETTID asked.
    func storeChildTID() {
        if !setChildTID.isNull { try? setChildTID.write(pid) }
    }

    /// Frees what a dead or zombie task no longer needs: its kernel stack and
    /// its use of the address space. Runs on the next task's stack after the final switch.
    func releaseResources() {
        if let stack { Task.freeStack(stack) }
        mm?.dropUser()
        mm = nil
        fpu = nil
        entry = nil
        kthread = nil
    }

    /// Removes a task for good: its pid, its place among its parent's
    /// children, and (for a group leader) the group's hold on it (Linux:
    /// release_task, after wait() or for a thread or kernel thread at once).
    public func reap() {
        PidAllocation.free(pid)
        TaskList.lock.withLockIrqSave {
            parent?.children.removeAll { $0 === self }
            parent = nil
            if group.leader === self { group.leader = nil }
        }
    }
}

extension ForkSyscalls {
    /// The first step of a forked child (switch.S's ret_from_fork): finish
    /// the switch, store the TID, and, like every return to user mode,
    /// take the signals that came first.
    static func install() {
        ForkReturn.setHandler { frame in
            Scheduler.finishTaskSwitch()
            Scheduler.current.storeChildTID()
            Signals.exitToUserMode(&frame)
        }
    }
}

/// fork, vfork, clone (Linux: kernel/fork.c). clone3 is left ENOSYS: glibc
/// and musl try it first and fall back to clone.
enum ForkSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.fork, syscall(fork)),
        (.vfork, syscall(vfork)),
        (.clone, syscall(clone)),  // partial: no namespaces, pidfds or ptrace
    ]

    static func fork(_ registers: inout TrapFrame) throws(Errno) -> Int64 {
        Int64(try Task.kernelClone(CloneArguments(flags: [], exitSignal: .SIGCHLD), registers: registers))
    }

    /// The child borrows the parent's memory and the parent sleeps until the
    /// child execs or exits.
    static func vfork(_ registers: inout TrapFrame) throws(Errno) -> Int64 {
        Int64(
            try Task.kernelClone(
                CloneArguments(flags: [.CLONE_VFORK, .CLONE_VM], exitSignal: .SIGCHLD),
                registers: registers))
    }

    /// clone(flags, stack, parent_tid, child_tid, tls) — x86-64's argument
    /// order. The low byte of the 32-bit flags is the exit signal; 0, or a
    /// number above 64, means none is sent (Linux does not check it either).
    static func clone(
        _ registers: inout TrapFrame, _ flags: UInt32, _ stack: UInt64, _ parentTID: UserPointer<Int32>,
        _ childTID: UserPointer<Int32>, _ tls: UInt64
    ) throws(Errno) -> Int64 {
        let word = UInt64(flags)
        let signalNumber = Int32(word & CloneFlags.CSIGNAL.rawValue)
        let clone = CloneArguments(
            flags: CloneFlags(rawValue: word & ~CloneFlags.CSIGNAL.rawValue),
            exitSignal: Signal(rawValue: signalNumber),
            stack: stack, parentTID: parentTID, childTID: childTID, tls: tls)
        return Int64(try Task.kernelClone(clone, registers: registers))
    }
}
