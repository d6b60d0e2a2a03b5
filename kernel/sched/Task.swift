import ABI
import Core
import Lib

/// A thread of execution (Linux: struct task_struct, include/linux/sched.h).
/// The task is its own scheduling entity — Linux embeds sched_entity in
/// task_struct; here Task conforms to the scheduler's entity protocol. A
/// process is a thread group: its threads share the ThreadGroup (Linux's
/// signal_struct), and usually the memory map and signal handlers too.
public final class Task: SchedulableEntity {
    /// TASK_COMM_LEN: the name is cut to 15 bytes, as `ps` shows it.
    public static let commLength = 16

    /// The thread ID; for the first thread of a process also the process ID.
    public let pid: Int32
    public internal(set) var state: TaskState {
        didSet { DebugInfo.setTask(slot: debugSlot, state: state.rawValue) }
    }
    public private(set) var comm: String {
        didSet { DebugInfo.setTaskComm(slot: debugSlot, comm) }
    }
    /// Its entry in the debug table gdb's lx-ps reads, -1 if none (Core's DebugInfo).
    var debugSlot: Int32 = -1
    public internal(set) var flags: TaskFlags {
        didSet { DebugInfo.setTask(slot: debugSlot, kernelThread: flags.contains(.kernelThread)) }
    }

    // Scheduling (the sched_entity and rt_entity parts).
    public var sched = SchedState<Task>()
    public var rbLinks = RBLinks<Task>()

    // The family tree (Linux: real_parent, children, sibling). Only a
    // group leader has a parent here: the other threads' parent is the
    // leader's (`realParent`), and they are nobody's children.
    public internal(set) var parent: Task?
    public internal(set) var children: [Task] = []

    /// The process this thread belongs to (Linux: signal, group_leader).
    public internal(set) var group: ThreadGroup
    /// Signal actions; threads share them, as do CLONE_SIGHAND clones (Linux: sighand).
    public internal(set) var sighand: SignalHandlers
    /// User and group IDs (Linux: cred); copied by clone, per thread as in Linux.
    public internal(set) var credentials = Credentials.root
    /// Signals this thread blocks, and those sent to it alone that wait (Linux: blocked, pending).
    var blockedSignals = SignalSet()
    let pending = SigPending()
    /// The mask to put back once a signal has been handled, set by calls
    /// that block with a temporary mask: rt_sigsuspend, ppoll, pselect
    /// (Linux: saved_sigmask with TIF_RESTORE_SIGMASK).
    var savedSignalMask: SignalSet? = nil
    /// What restart_syscall resumes: set by a call interrupted with
    /// ERESTART_RESTARTBLOCK, such as nanosleep with its remaining time
    /// (Linux: restart_block).
    var restartBlock: (() throws(Errno) -> Int64)? = nil
    /// The last exception from user mode, for the signal frame's trapno,
    /// err and cr2 (Linux: thread.trap_nr, error_code, cr2).
    var lastTrap = TrapInfo()
    /// Group stop: this thread still has to stop (Linux: JOBCTL_STOP_PENDING).
    var stopPending = false
    /// sigaltstack's stack (Linux: sas_ss_sp, sas_ss_size, sas_ss_flags).
    var alternateSignalStack = StackT()
    /// The signal the parent gets when this process ends (Linux: exit_signal);
    /// nil for threads, which notify no one.
    var exitSignal: Signal? = .SIGCHLD

    // CPU-time accounting (kernel/sched/CPUAccounting.swift).
    /// The tick's user and system samples (Linux: utime, stime), the split
    /// last reported (prev_cputime), and page faults served (min_flt).
    var tickTime = CPUTime()
    var reportedTime = CPUTimeSplit()
    var minorFaults: UInt64 = 0

    // What the C library asked the kernel to do at thread start and exit.
    /// CLONE_CHILD_SETTID: where the new thread stores its TID first thing (Linux: set_child_tid).
    var setChildTID = UserPointer<Int32>.null
    /// CLONE_CHILD_CLEARTID / set_tid_address: zeroed and futex-woken when the
    /// thread exits, which is how pthread_join waits (Linux: clear_child_tid).
    var clearChildTID = UserPointer<Int32>.null
    /// set_robust_list's head (Linux: robust_list); its futexes are released at exit.
    var robustListHead = UserPointer<RobustListHead>.null
    /// The rt-mutexes it owns and the one it waits for (Linux: pi_waiters, pi_blocked_on).
    public var rtMutexLinks = RTMutexLinks<Task>()
    /// Its PI futexes were handed on at exit: it can own no more (Linux: FUTEX_STATE_DEAD).
    var futexDead = false
    /// A CLONE_VFORK child's parent sleeps on this until the child execs or exits (Linux: vfork_done).
    var vforkDone: Completion? = nil

    /// The kernel stack: THREAD_SIZE bytes, THREAD_SIZE-aligned (so an oops
    /// finds it from RSP), in vmalloc space above a guard page. nil for the
    /// idle task, which runs on the boot stack.
    let stack: VirtAddr?
    let context: ThreadContext
    /// What a new kernel thread runs (Linux passes it in kthread_create_info);
    /// its result is the thread's exit status.
    var entry: (() -> Int32)? = nil
    /// Where exec's new program starts in ring 3: execve's handler writes it
    /// over the caller's registers; for a kernel thread that ran exec, the
    /// end of its function takes it instead.
    var userEntry: TrapFrame? = nil
    var kthread: KThread? = nil

    /// The user address space (Linux: mm); nil for kernel threads, which run
    /// in whatever page table is loaded, since the kernel half is in all of them.
    public internal(set) var mm: AddressSpace? = nil
    /// User FPU/SSE registers, for tasks that run user code.
    public internal(set) var fpu: FPUState? = nil
    /// The user FS/GS bases while the task is not running (the CPU holds
    /// them while it is); kept, like `fpu`, only for tasks that run user code.
    var segmentBases = UserSegmentBases()

    /// The open files (Linux: files), nil once the task has exited.
    private var openFiles: FileTable?
    /// Root, working directory and umask (Linux: fs). Kernel threads share
    /// `FSContext.kernel`.
    public internal(set) var fs: FSContext
    /// SEM_UNDO's records (Linux: sysvsem.undo_list), shared by CLONE_SYSVSEM
    /// threads and applied at exit (ipc/SemUndo.swift).
    var semaphoreUndo: SemaphoreUndoList? = nil

    /// How the task ended (Linux: exit_code): the wait(2) status for user
    /// tasks; for kernel threads, the function's result, which kthread_stop returns.
    public internal(set) var exitStatus: Int32 = 0
    /// When the task was made, ns since boot (Linux: start_boottime), for
    /// /proc/PID/stat's starttime.
    public let startTime = Clock.nanosecondsSinceBoot()
    /// Completed when the task has exited (kthread_stop waits on it).
    public let exited = Completion()

    /// A process (as opposed to a kernel thread) stays a zombie after exit
    /// until its parent collects the status with wait4.
    var isProcess: Bool { !flags.contains(.kernelThread) }

    /// The process ID (Linux: tgid): the pid of the group's first thread.
    public var tgid: Int32 { group.tgid }
    public var isGroupLeader: Bool { pid == group.tgid }
    /// The parent process, which waits for this one (Linux: real_parent).
    public var realParent: Task? { isGroupLeader ? parent : group.leader?.parent }

    // Preemptible RCU's per-task state (Linux: rcu_read_lock_nesting, rcu_read_unlock_special).
    var rcuReadNesting = 0
    var rcuBlocked = false

    /// THREAD_SIZE, 32 KiB (arch/x86_64/boot/layout.h) as a page order.
    static let stackOrder = 3

    /// A task in `group`, or with a group of its own (a new process) when
    /// `group` is nil; likewise for the signal actions.
    init(
        pid: Int32, name: String, flags: TaskFlags, parent: Task?, stack: VirtAddr?, context: ThreadContext,
        files: FileTable, fs: FSContext, group: ThreadGroup? = nil, sighand: SignalHandlers? = nil
    ) {
        self.pid = pid
        self.comm = Task.truncated(name)
        self.flags = flags
        self.parent = parent
        self.stack = stack
        self.context = context
        self.state = .new
        self.openFiles = files
        self.fs = fs
        self.group = group ?? ThreadGroup(tgid: pid)
        self.sighand = sighand ?? SignalHandlers()
        self.group.threads.append(self)
        if self.group.leader == nil { self.group.leader = self }
        if pid > 0 { PidAllocation.attach(self) }
    }

    /// The boot CPU's idle task, pid 0, which the boot code has been all along (Linux: init_task).
    static func bootIdle() -> Task {
        Task(
            pid: 0, name: "swapper/0", flags: [.kernelThread, .idle], parent: nil, stack: nil, context: ThreadContext(),
            files: FileTable.kernel, fs: FSContext.kernel)
    }

    /// A new kernel thread with its own stack, parented to `parent` (kthreadd).
    /// It shares the kernel's files and fs context, or, for a thread that
    /// will become a user process, gets `files` and `fs` of its own (Linux:
    /// user_mode_thread, without CLONE_FILES and, but for init, CLONE_FS).
    static func kernelThread(
        name: String, parent: Task?, files: FileTable = FileTable.kernel, fs: FSContext = FSContext.kernel,
        sighand: SignalHandlers?
    ) -> Task {
        guard let stack = allocateStack() else { panic("out of memory for a kernel stack") }
        guard let pid = PidAllocation.allocate(forUser: 0, userLimit: nil) else { panic("out of process IDs") }
        let top = stack + stackSize
        let task = Task(
            pid: pid, name: name, flags: [.kernelThread], parent: parent, stack: stack,
            context: ThreadContext(stackTop: top), files: files, fs: fs, sighand: sighand)
        parent?.children.append(task)
        return task
    }

    /// The open files (Linux: files). Shared with the tasks of a
    /// CLONE_FILES group, and among kernel threads (`FileTable.kernel`);
    /// a forked process has its own copy. Only a running task uses it;
    /// its exit lets go of the table.
    public internal(set) var files: FileTable {
        get {
            guard let openFiles else { panic("\(comm)[\(pid)]: open files used after exit") }
            return openFiles
        }
        set { openFiles = newValue }
    }

    /// The open files, nil once the task has exited (for /proc, which also
    /// shows zombies).
    public var openFilesIfAny: FileTable? { openFiles }

    /// Lets go of the open files at exit (Linux: exit_files), so that the
    /// last reference to each closes it now, not when the zombie is reaped:
    /// a pipe's reader sees end-of-file as soon as its last writer exits.
    func exitFiles() {
        openFiles = nil
    }

    public func setName(_ name: String) { comm = Task.truncated(name) }

    /// Replaces the running task's program: `space` becomes its memory (the
    /// old one is released), the FPU registers start fresh, the FS and GS
    /// bases are 0, and ring 3 resumes at `rip` with stack `rsp` (Linux:
    /// exec_mmap, flush_thread and start_thread). A kernel thread becomes a
    /// user process this way, as Linux's kernel_init does when it runs init.
    /// Nothing here can fail: exec calls it only once the new program is
    /// completely built, and after `killOtherThreadsForExec`.
    public func startUserProgram(in space: AddressSpace, rip: UInt64, rsp: UInt64) {
        let oldSpace = mm
        let wasKernelThread = flags.contains(.kernelThread)
        // Whoever waits for the old memory to be let go: a vfork parent, a
        // pthread_join on this thread (Linux: exec_mm_release).
        if oldSpace != nil { mmRelease() }
        let freshRegisters = FPUState()
        // A switch in the middle would save the old program's registers into the new state.
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        mm = space
        space.pageTable.activate()
        fpu = freshRegisters
        freshRegisters.restore()
        UserSegmentBases.live = UserSegmentBases()
        flags.remove([.kernelThread, .forkNoExec])
        CPU.restoreInterrupts(interruptsWereOn)
        // A vfork parent still uses the old memory: only its last user frees it.
        if let oldSpace { CPUAccounting.addressSpaceReplaced(oldSpace, in: group) }
        oldSpace?.dropUser()
        space.stackLimit = group.limits.current(.RLIMIT_STACK)
        flushSignalHandlers(forceDefault: wasKernelThread)
        alternateSignalStack = StackT()
        userEntry = .userEntry(rip: rip, rsp: rsp)
    }

    /// What exec does to the signal actions (Linux: unshare_sighand, then
    /// flush_signal_handlers): the new program gets a table of its own, in
    /// which caught signals are back to SIG_DFL and ignored ones stay
    /// ignored. A kernel thread starting its first program gets all
    /// defaults instead (`forceDefault`), not the "ignore everything" of
    /// kernel threads (Linux: call_usermodehelper's flush_signal_handlers(current, 1)).
    public func flushSignalHandlers(forceDefault: Bool) {
        if forceDefault {
            sighand = SignalHandlers()
        } else {
            let own = sighand.copy()
            own.resetForExec()
            sighand = own
        }
    }

    /// The registers exec set, handed out once.
    func takeUserEntry() -> TrapFrame? {
        defer { userEntry = nil }
        return userEntry
    }

    /// THREAD_SIZE in bytes.
    static let stackSize = MemoryLayout64.pageSize << UInt64(stackOrder)

    /// A kernel stack in vmalloc space, with an unmapped guard page below
    /// it, so an overflow faults instead of overwriting the memory beneath
    /// (Linux: CONFIG_VMAP_STACK, alloc_thread_stack_node). Its pages are
    /// zeroed, as Debian's Linux zeroes every page allocation
    /// (init_on_alloc). Under QEMU's TCG the zeroing also matters for speed:
    /// a page where the firmware once ran code keeps every later store on
    /// QEMU's self-modifying-code path until the code's own bytes are
    /// overwritten: init's stack landing there made the buddy and slab
    /// self-tests 20 to 60 times slower at -m 32M.
    static func allocateStack() -> VirtAddr? {
        try? Vmalloc.allocate(size: stackSize, alignment: stackSize)
    }

    static func freeStack(_ stack: VirtAddr) { try? Vmalloc.free(stack) }

    /// The top of the kernel stack: where entries from user mode start.
    var kernelStackTop: UInt64? { stack.map { $0.value + Task.stackSize } }

    private static func truncated(_ name: String) -> String {
        let bytes = Array(name.utf8.prefix(commLength - 1))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// How `ps` shows the name: kernel threads in brackets.
    public var displayName: String { flags.contains(.kernelThread) ? "[\(comm)]" : comm }
}

/// An exception's details as the signal frame's sigcontext reports them.
struct TrapInfo {
    var trapNumber: UInt64 = 0
    var errorCode: UInt64 = 0
    var address: UInt64 = 0
}

/// Per-task flags (Linux: PF_* in include/linux/sched.h).
public struct TaskFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let idle = TaskFlags(rawValue: 0x0000_0002)  // PF_IDLE
    public static let exiting = TaskFlags(rawValue: 0x0000_0004)  // PF_EXITING
    /// Forked and has not exec'd yet: setpgid may still move it (PF_FORKNOEXEC; exec clears it).
    public static let forkNoExec = TaskFlags(rawValue: 0x0000_0040)
    public static let kernelThread = TaskFlags(rawValue: 0x0020_0000)  // PF_KTHREAD
}
