import ABI
import Core
import Lib

/// What System V message queues, semaphores and shared memory share
/// (Linux: ipc/util.c): the limits /proc/sys/kernel sets, the time and
/// caller every record notes, and the start-up that registers their
/// /proc files. Each kind keeps its objects in an `IPCIds` table (lib/ipc)
/// under a spinlock of its own: Msg.swift, Sem.swift, Shm.swift.
enum IPC {
    /// The limits in force (Linux: the msg_ctl*, sem_ctls and shm_ctl*
    /// fields of struct ipc_namespace).
    static let limits = SpinLocked(IPCLimits())

    static var currentLimits: IPCLimits { limits.withLock { $0 } }

    /// Seconds since the epoch, for the stime/rtime/ctime fields.
    static var now: Int64 { (Timekeeping.read(.CLOCK_REALTIME) ?? 0) / 1_000_000_000 }

    static var credentials: Credentials { Scheduler.current.credentials }

    /// The process ID the lspid, lrpid, sempid and lpid fields record.
    static var callerPid: Int32 { Scheduler.current.tgid }

    /// Registers /proc/sysvipc and the kernel.msg*, sem and shm* sysctls
    /// (Linux: ipc_init, ipc_sysctl_init, the sysvipc_proc_fops).
    static func initialize() {
        do throws(Errno) {
            try Sysctl.register("kernel", IPCSysctl.settings)
            let directory = try ProcFS.mkdir("sysvipc")
            _ = try ProcFS.create("msg", parent: directory, show: { MsgSyscalls.procText() })
            _ = try ProcFS.create("sem", parent: directory, show: { SemSyscalls.procText() })
            _ = try ProcFS.create("shm", parent: directory, show: { ShmSyscalls.procText() })
        } catch {
            pr_err("ipc: cannot register /proc/sysvipc: error -\(error.rawValue)")
        }
    }

    /// The signal that ends a wait in msgsnd or msgrcv: EINTR when a
    /// handler runs, a restart when none does (Linux: ERESTARTNOHAND).
    static func interruptedMessageCall(_ error: Errno) -> Errno {
        error == .ERESTARTSYS ? .ERESTARTNOHAND : error
    }
}

/// The System V IPC limits (Linux: include/linux/ipc_namespace.h), each
/// a setting of /proc/sys/kernel.
struct IPCLimits {
    var msgmax = IPCDefaults.MSGMAX
    var msgmnb = IPCDefaults.MSGMNB
    var msgmni = IPCDefaults.MSGMNI
    /// /proc/sys/kernel/sem: SEMMSL, SEMMNS, SEMOPM, SEMMNI in that order.
    var semmsl = IPCDefaults.SEMMSL
    var semmns = IPCDefaults.SEMMNS
    var semopm = IPCDefaults.SEMOPM
    var semmni = IPCDefaults.SEMMNI
    var shmmax = IPCDefaults.SHMMAX
    var shmall = IPCDefaults.SHMALL
    var shmmni = IPCDefaults.SHMMNI
}
