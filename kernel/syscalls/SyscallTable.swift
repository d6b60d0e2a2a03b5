import ABI
import Core
import Lib

/// The one table from system-call numbers to handlers (Linux: sys_call_table
/// from arch/x86/entry/syscalls/syscall_64.tbl). Numbers and names come from
/// ABI.SyscallNumber; each family of handlers lives in its own file in this
/// folder and registers here, its handlers typed through the adapters of
/// SyscallDefine.swift. docs/syscalls.md is generated from this table.
public enum SyscallTable {
    /// The implemented calls, by family (the files in kernel/syscalls/).
    static let families: [[(SyscallNumber, SyscallHandler)]] = [
        ReadWriteSyscalls.table,
        OpenSyscalls.table,
        StatSyscalls.table,
        NameiSyscalls.table,
        AttributeSyscalls.table,
        UtimesSyscalls.table,
        WorkingDirectorySyscalls.table,
        ReaddirSyscalls.table,
        FileDescriptorSyscalls.table,
        FcntlSyscalls.table,
        FlockSyscalls.table,
        FallocateSyscalls.table,
        MlockSyscalls.table,
        IoctlSyscalls.table,
        PipeSyscalls.table,
        PollSyscalls.table,
        EventpollSyscalls.table,
        EventFdSyscalls.table,
        SignalfdSyscalls.table,
        MqueueSyscalls.table,
        MemfdSyscalls.table,
        MsgSyscalls.table,
        SemSyscalls.table,
        ShmSyscalls.table,
        InotifySyscalls.table,
        SyncSyscalls.table,
        StatfsSyscalls.table,
        MountSyscalls.table,
        ExitSyscalls.table,
        ProcessIdentitySyscalls.table,
        MemorySyscalls.table,
        MsyncSyscalls.table,
        RandomSyscalls.table,
        ForkSyscalls.table,
        WaitSyscalls.table,
        ExecSyscalls.table,
        ArchPrctlSyscalls.table,
        FutexSyscalls.table,
        CredentialsSyscalls.table,
        SignalSyscalls.table,
        TimeSyscalls.table,
        ITimerSyscalls.table,
        PosixTimerSyscalls.table,
        TimerFdSyscalls.table,
        ResourceLimitSyscalls.table,
        SchedSyscalls.table,
        SystemSyscalls.table,
        PrctlSyscalls.table,
        RebootSyscalls.table,
        SyslogSyscalls.table,
        VhangupSyscalls.table,
        ModuleSyscalls.table,
    ]

    /// Indexed by number, filled once at boot.
    private static let byNumber = BootOnce<[SyscallHandler?]>()
    private static var handlers: [SyscallHandler?] { byNumber.valueIfSet ?? [] }
    /// Unimplemented numbers already logged, so each is reported once.
    private static let reported = IRQSafeLocked<[Bool]>([])

    public static func install() {
        let size = (SyscallNumber.allCases.map { $0.rawValue }.max() ?? 0) + 1
        var handlers = [SyscallHandler?](repeating: nil, count: size)
        for family in families {
            for (number, handler) in family { handlers[number.rawValue] = handler }
        }
        byNumber.set(handlers)
        reported.withLock { $0 = Array(repeating: false, count: size) }
        SyscallEntry.setHandler { frame in
            let result = dispatch(&frame)
            frame.rax = UInt64(bitPattern: result)
            // On the way back to user mode (Linux: exit_to_user_mode_loop): a
            // wakeup during the call may have asked for another task to run,
            // and signals may have arrived, or interrupted the call.
            Scheduler.yieldIfNeeded()
            Signals.exitToUserMode(&frame)
        }
    }

    /// Runs the call in RAX (saved in the frame's error-code slot, Linux's
    /// orig_ax) and returns the value for RAX: a result or -errno. The
    /// number is EAX sign-extended, as Linux's entry code takes it (`movslq
    /// %eax`): the upper half of RAX is ignored, and -1 or any number past
    /// the table is ENOSYS. execve and rt_sigreturn replace the registers,
    /// and return the RAX their new registers start with.
    static func dispatch(_ frame: inout TrapFrame) -> Int64 {
        let number = Int(Int32(truncatingIfNeeded: frame.errorCode))
        let handlers = handlers  // one read of the table for the bounds check and the entry
        guard number >= 0, number < handlers.count, let handler = handlers[number] else {
            reportUnimplemented(number)
            return -Int64(Errno.ENOSYS.rawValue)
        }
        do {
            return try handler.call(&frame)
        } catch {
            return -Int64(error.rawValue)
        }
    }

    /// The log line that tells which calls real programs still need, once
    /// per number. A number past the table is no system call at all, and is
    /// not logged: a program probing numbers would flood the console.
    private static func reportUnimplemented(_ number: Int) {
        let first = reported.withLock { reported -> Bool in
            guard number >= 0 && number < reported.count, !reported[number] else { return false }
            reported[number] = true
            return true
        }
        if !first { return }
        let name = SyscallNumber(rawValue: number)?.name ?? "unknown"
        let task = Scheduler.current
        pr_warn("\(task.comm)[\(task.pid)]: unimplemented syscall \(name) (\(number)), returning -ENOSYS")
    }

    public static func isImplemented(_ number: SyscallNumber) -> Bool {
        number.rawValue < handlers.count && handlers[number.rawValue] != nil
    }
}
