import ABI
import Core
import Lib

/// The mqueue file system (Linux: ipc/mqueue.c, mqueue_fs_type): a flat
/// directory of POSIX message queues. There is one instance (Linux: one per
/// IPC namespace), which mq_open and mq_unlink reach through an internal
/// mount and `mount -t mqueue none /dev/mqueue` shows: `ls` lists the
/// queues, `cat` shows a queue's status line, `rm` unlinks one, and
/// creating a file makes a queue of the default size. The queues
/// themselves are `MessageQueue` (MqueueInode.swift); the system calls
/// are kernel/syscalls/MessageQueues.swift.
enum MqueueFS {
    /// The limits /proc/sys/fs/mqueue sets, the queues that exist and the
    /// bytes each user's queues are charged (Linux: mq_queues_count and
    /// user_struct's mq_bytes), under one lock (Linux: mq_lock).
    private struct State {
        var limits = MqueueLimits()
        var queues: Int64 = 0
        var charged: [(user: UInt32, bytes: UInt64)] = []
        /// mq_open's attributes for the queue its open is about to create,
        /// by task (Linux passes them in the dentry's d_fsdata).
        var requested: [(task: ObjectIdentifier, attributes: MqAttr)] = []
    }
    private static let state = SpinLocked(State())

    /// A queue's st_size (Linux: FILENT_SIZE).
    private static let queueFileSize: Int64 = 80

    private static let instance = BootOnce<Path>(VFS.kernelMount(makeSuperBlock()))
    /// The root of the internal mount, where mq_open looks names up.
    static var root: Path { instance.value }

    /// mount(2)'s "mqueue": the one instance (Linux: mqueue_get_tree).
    final class FileSystem: FileSystemType, Sendable {
        var name: String { "mqueue" }

        func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock { root.mount.superBlock }
    }

    /// Registers the file system and /proc/sys/fs/mqueue (Linux: init_mqueue_fs).
    static func initialize() {
        do throws(Errno) {
            try FileSystems.register(FileSystem())
            try Sysctl.register(
                "fs/mqueue",
                [
                    setting("queues_max", MqueueLimits.queuesRange, { $0.queuesMax }, { $0.queuesMax = $1 }),
                    setting("msg_max", MqueueLimits.messagesRange, { $0.messagesMax }, { $0.messagesMax = $1 }),
                    setting(
                        "msgsize_max", MqueueLimits.messageSizeRange, { $0.messageSizeMax },
                        { $0.messageSizeMax = $1 }),
                    setting(
                        "msg_default", MqueueLimits.messagesRange, { $0.messagesDefault },
                        { $0.messagesDefault = $1 }),
                    setting(
                        "msgsize_default", MqueueLimits.messageSizeRange, { $0.messageSizeDefault },
                        { $0.messageSizeDefault = $1 }),
                ])
        } catch {
            pr_err("mqueue: cannot register: error -\(error.rawValue)")
        }
    }

    /// One limit as a sysctl within `range` (Linux: ipc/mq_sysctl.c's proc_dointvec_minmax).
    private static func setting(
        _ name: String, _ range: ClosedRange<Int64>, _ get: @escaping (MqueueLimits) -> Int64,
        _ set: @escaping (inout MqueueLimits, Int64) -> Void
    ) -> SysctlSetting {
        .integer(
            name, range: range, get: { state.withLock { get($0.limits) } },
            set: { (value: Int64) throws(Errno) in state.withLock { set(&$0.limits, value) } })
    }

    private static func makeSuperBlock() -> SuperBlock {
        let superBlock = SuperBlock(typeName: "mqueue", magic: FilesystemMagic.MQUEUE_MAGIC)
        // Linux: the root is S_IFDIR | S_ISVTX | 0777, owned by root.
        superBlock.makeRoot(
            Inode(
                superBlock: superBlock, mode: FileMode.S_IFDIR | 0o1777, operations: MqueueDirectory.shared,
                fileOperations: DirectoryFileOperations.shared))
        return superBlock
    }

    /// Runs `open` with `attributes` waiting for the queue it may create.
    static func creating<T>(with attributes: MqAttr?, _ open: () throws(Errno) -> T) throws(Errno) -> T {
        guard let attributes else { return try open() }
        let task = ObjectIdentifier(Scheduler.current)
        state.withLock { $0.requested.append((task, attributes)) }
        defer { state.withLock { $0.requested.removeAll { $0.task == task } } }
        return try open()
    }

    /// Who pays for a queue, and how much.
    struct Charge {
        let user: UInt32
        let bytes: UInt64
    }

    /// A new queue for the calling task (Linux: mqueue_create_attr and
    /// mqueue_get_inode): its attributes checked (EINVAL), then ENOSPC at
    /// queues_max for all but CAP_SYS_RESOURCE, then EMFILE if its charge
    /// would take the user past RLIMIT_MSGQUEUE.
    fileprivate static func makeQueue(in directory: Inode, mode: UInt32) throws(Errno) -> Inode {
        let task = Scheduler.current
        let credentials = task.credentials
        let privileged = credentials.capable(.CAP_SYS_RESOURCE)
        let limit = task.group.limits.current(.RLIMIT_MSGQUEUE)
        let identity = ObjectIdentifier(task)
        let charge = try state.withLock { (state) throws(Errno) -> (Int64, Int64, Charge) in
            let requested = state.requested.first { $0.task == identity }?.attributes
            let size = try state.limits.size(of: requested, privileged: privileged)
            guard privileged || state.queues < state.limits.queuesMax else { throw .ENOSPC }
            let charge = Charge(
                user: credentials.uid.real, bytes: MqueueLimits.charge(messages: size.messages, bytes: size.bytes))
            let index = state.charged.firstIndex { $0.user == charge.user }
            let used = index.map { state.charged[$0].bytes } ?? 0
            guard used <= limit, charge.bytes <= limit - used else { throw .EMFILE }
            if let index {
                state.charged[index].bytes += charge.bytes
            } else {
                state.charged.append((charge.user, charge.bytes))
            }
            state.queues += 1
            return (size.messages, size.bytes, charge)
        }
        let queue = MessageQueue(maximumMessages: Int(charge.0), maximumSize: Int(charge.1), charge: charge.2)
        let inode = Inode(
            superBlock: directory.superBlock, mode: FileMode.S_IFREG | (mode & 0o7777),
            operations: RamfsPlainOperations.shared, fileOperations: queue)
        inode.initOwner(in: directory, as: credentials)
        inode.size = queueFileSize
        directory.touchModified()
        return inode
    }

    /// A queue is gone: the count and its charge go down (Linux: mqueue_evict_inode).
    static func release(_ charge: Charge) {
        state.withLock { state in
            state.queues -= 1
            guard let index = state.charged.firstIndex(where: { $0.user == charge.user }) else { return }
            state.charged[index].bytes -= charge.bytes
            if state.charged[index].bytes == 0 { state.charged.remove(at: index) }
        }
    }
}

/// The root directory's operations (Linux: mqueue_dir_inode_operations):
/// names live in the dentry cache, creating one makes a queue, unlinking
/// one removes the name; nothing else can be made (EPERM).
final class MqueueDirectory: InodeOperations, Sendable {
    static let shared = MqueueDirectory()

    func lookup(_ name: [UInt8], in directory: Inode) throws(Errno) -> Inode? { nil }

    func create(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode {
        try MqueueFS.makeQueue(in: directory, mode: mode)
    }

    func unlink(_ inode: Inode, from directory: Inode) throws(Errno) {
        inode.nlink -= 1
        inode.touchChanged()
        directory.touchModified()
    }
}
