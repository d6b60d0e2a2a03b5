/// System V IPC's numbers: the flags of msgget, semget and shmget and of
/// their operations, the commands of msgctl, semctl and shmctl, and the
/// default limits. Linux: include/uapi/linux/ipc.h, msg.h, sem.h, shm.h.
public enum IPCKey {
    /// Always a new object, which no other key names.
    public static let IPC_PRIVATE: Int32 = 0
}

/// The flags of the *get calls and the operations, beside the low nine
/// permission bits (Linux: include/uapi/linux/ipc.h, msg.h, sem.h, shm.h).
public struct IPCFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let IPC_CREAT = IPCFlags(rawValue: 0o1000)
    public static let IPC_EXCL = IPCFlags(rawValue: 0o2000)
    public static let IPC_NOWAIT = IPCFlags(rawValue: 0o4000)
    /// msgrcv: cut a long message to the buffer instead of E2BIG.
    public static let MSG_NOERROR = IPCFlags(rawValue: 0o10000)
    /// msgrcv: the first message whose type is not msgtyp.
    public static let MSG_EXCEPT = IPCFlags(rawValue: 0o20000)
    /// msgrcv: a copy of message number msgtyp, left on the queue.
    public static let MSG_COPY = IPCFlags(rawValue: 0o40000)
    /// shmat: map for reading only.
    public static let SHM_RDONLY = IPCFlags(rawValue: 0o10000)
    /// shmat: round the address down to SHMLBA.
    public static let SHM_RND = IPCFlags(rawValue: 0o20000)
    /// shmat: replace what is mapped at the address.
    public static let SHM_REMAP = IPCFlags(rawValue: 0o40000)
    /// shmat: map executable too.
    public static let SHM_EXEC = IPCFlags(rawValue: 0o100000)

    /// The rwx bits for owner, group and others.
    public var permissions: UInt32 { UInt32(truncatingIfNeeded: rawValue) & 0o777 }
}

/// The commands of msgctl, semctl and shmctl (Linux: include/uapi/linux/ipc.h,
/// msg.h, sem.h, shm.h). The STAT commands take an index, not an id.
public enum IPCCommand: Int32, Sendable {
    case IPC_RMID = 0
    case IPC_SET = 1
    case IPC_STAT = 2
    case IPC_INFO = 3
    // semctl
    case GETPID = 11
    case GETVAL = 12
    case GETALL = 13
    case GETNCNT = 14
    case GETZCNT = 15
    case SETVAL = 16
    case SETALL = 17
    case SEM_STAT = 18
    case SEM_INFO = 19
    case SEM_STAT_ANY = 20

    // msgctl and shmctl share numbers: MSG_STAT = SHM_LOCK = 11, and so on.
    public static let MSG_STAT: Int32 = 11
    public static let MSG_INFO: Int32 = 12
    public static let MSG_STAT_ANY: Int32 = 13
    public static let SHM_LOCK: Int32 = 11
    public static let SHM_UNLOCK: Int32 = 12
    public static let SHM_STAT: Int32 = 13
    public static let SHM_INFO: Int32 = 14
    public static let SHM_STAT_ANY: Int32 = 15
}

/// semop's per-operation flag beside IPC_NOWAIT: undo at exit.
public enum SemFlags {
    public static let SEM_UNDO: Int16 = 0x1000
}

/// Bits of shm_perm.mode above the permissions (Linux: include/linux/shm.h).
public enum ShmMode {
    /// Removed with IPC_RMID, waiting for the last detach.
    public static let SHM_DEST: UInt32 = 0o1000
    /// Locked in memory with SHM_LOCK.
    public static let SHM_LOCKED: UInt32 = 0o2000
}

/// The default limits (Linux: include/uapi/linux/msg.h, sem.h, shm.h and
/// ipc/util.h), which /proc/sys/kernel changes.
public enum IPCDefaults {
    /// Slots per kind; an id is seq * IPCMNI + slot (Linux: IPCMNI, 1 << 15).
    public static let IPCMNI: Int32 = 32768
    public static let MSGMNI: Int64 = 32000
    public static let MSGMAX: Int64 = 8192
    public static let MSGMNB: Int64 = 16384
    /// Linux's message segment size and count, reported by IPC_INFO only.
    public static let MSGSSZ: Int32 = 16
    public static let MSGSEG: UInt16 = 0xffff
    public static let SEMMNI: Int64 = 32000
    public static let SEMMSL: Int64 = 32000
    public static let SEMMNS: Int64 = SEMMNI * SEMMSL
    public static let SEMOPM: Int64 = 500
    /// The largest semaphore value, and the largest undo adjustment.
    public static let SEMVMX: Int32 = 32767
    public static let SEMAEM: Int32 = SEMVMX
    public static let SEMUSZ: Int32 = 20
    public static let SHMMIN: UInt64 = 1
    public static let SHMMNI: Int64 = 4096
    public static let SHMMAX: UInt64 = UInt64.max - (1 << 24)
    public static let SHMALL: UInt64 = UInt64.max - (1 << 24)
}
