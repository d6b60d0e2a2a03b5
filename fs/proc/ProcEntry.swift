import ABI
import Core
import Synchronization

/// One name in /proc (Linux: struct proc_dir_entry, fs/proc/internal.h,
/// and the pid_entry tables of fs/proc/base.c): a file whose text a
/// callback produces at read time, with an optional callback for writes, a
/// directory, or a symlink whose target is computed when followed.
/// Entries registered with `ProcFS.create` live as long as they are
/// registered; those of processes are made afresh at every lookup.
public final class ProcEntry {
    public let name: [UInt8]
    /// The file type and permission bits.
    public let mode: UInt32
    public let content: ProcContent
    /// The readdir position in the parent: stable while the entry exists,
    /// so entries coming and going during a listing skip or repeat nothing.
    let position: Int64
    /// The owner, when it is not root (Linux: task_dump_owner, for the
    /// entries of a process: its effective IDs).
    let owner: (() -> (uid: UInt32, gid: UInt32))?
    /// A number of its own, for stat and getdents.
    let ino: UInt64

    private static let lastIno = Atomic<UInt64>(1)

    public init(
        name: String, mode: UInt32, content: ProcContent, position: Int64 = 0,
        owner: (() -> (uid: UInt32, gid: UInt32))? = nil
    ) {
        self.name = Array(name.utf8)
        self.mode = mode
        self.content = content
        self.position = position
        self.owner = owner
        ino = Self.lastIno.wrappingAdd(1, ordering: .relaxed).newValue
    }
}

/// What a /proc entry holds.
public enum ProcContent {
    /// A file: `show` renders all of it (Linux: a seq_file's show, with
    /// single_open); `write`, if present, takes what user space wrote
    /// (Linux: proc_ops->proc_write).
    case file(show: () throws(Errno) -> [UInt8], write: (([UInt8]) throws(Errno) -> Void)?)
    /// A file with operations of its own, made for each open (Linux: a
    /// proc_ops with its own read and write, as /proc/PID/mem has).
    case operations(() -> any FileOperations)
    case directory(any ProcDirectoryContents)
    /// A symlink whose body is worked out when it is read or followed
    /// (Linux: proc_get_link, proc_self_get_link).
    case symlink(() throws(Errno) -> [UInt8])
}

/// The entries of a /proc directory: a fixed list that kernel code adds to,
/// or one made from the tasks (Linux: proc_readdir/proc_lookup over the
/// subdir tree, or proc_pid_readdir and friends).
public protocol ProcDirectoryContents: AnyObject {
    /// Every entry, in ascending position.
    func entries() -> [ProcEntry]
    /// The entry called `name`, if any.
    func entry(named name: [UInt8]) -> ProcEntry?
}

extension ProcDirectoryContents {
    public func entry(named name: [UInt8]) -> ProcEntry? { entries().first { $0.name == name } }
}

/// A directory of registered entries (Linux: a proc_dir_entry's subdir
/// tree), to which `ProcFS.create`, `mkdir` and `symlink` add.
public final class ProcRegisteredDirectory: ProcDirectoryContents {
    private var children: (entries: [ProcEntry], nextPosition: Int64) = ([], 2)
    private let lock = SpinLock()
    /// Entries listed after the registered ones (the root's processes).
    private let extra: (any ProcDirectoryContents)?

    public init(extra: (any ProcDirectoryContents)? = nil) { self.extra = extra }

    public func entries() -> [ProcEntry] {
        lock.withLockIrqSave { children.entries } + (extra?.entries() ?? [])
    }

    public func entry(named name: [UInt8]) -> ProcEntry? {
        lock.withLockIrqSave { children.entries.first { $0.name == name } } ?? extra?.entry(named: name)
    }

    /// The position the next registered entry gets.
    func nextPosition() -> Int64 {
        lock.withLockIrqSave {
            defer { children.nextPosition += 1 }
            return children.nextPosition
        }
    }

    /// Adds `entry`; EEXIST if the name is taken (Linux: proc_register).
    func add(_ entry: ProcEntry) throws(Errno) {
        lock.lock()
        defer { lock.unlock() }
        guard !children.entries.contains(where: { $0.name == entry.name }) else { throw .EEXIST }
        children.entries.append(entry)
    }

    /// Removes the entry called `name` (Linux: remove_proc_entry).
    func remove(_ name: [UInt8]) -> Bool {
        lock.withLockIrqSave {
            let before = children.entries.count
            children.entries.removeAll { $0.name == name }
            return children.entries.count != before
        }
    }
}
