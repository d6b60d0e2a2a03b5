import ABI
import Core

/// /proc files of C modules (Linux: proc_create and proc_remove in
/// fs/proc/generic.c, and proc_reg_read/proc_reg_write in fs/proc/inode.c,
/// which call a struct proc_ops's proc_read and proc_write). The module
/// gets an opaque `struct proc_dir_entry *`; its proc_ops are read once.
/// Like Linux's pde_users, every call into the module is counted, and
/// proc_remove waits for the calls under way before the entry goes; files
/// still open afterwards read and write EIO, never the module's old code.
final class ProcOpsEntry {
    let name: String
    /// proc_ops->proc_read and proc_write, 0 when absent.
    let read: UInt64
    let write: UInt64
    /// The calls under way, and whether proc_remove has run.
    private var users = (count: 0, removed: false)
    private let lock = SpinLock()

    /// struct proc_ops (include/linux/proc_fs.h, Linux 6.1's layout).
    static let readOffset: UInt64 = 16
    static let writeOffset: UInt64 = 32

    init(name: String, operations: UInt64) {
        self.name = name
        read = ModuleCode.load64(at: operations + Self.readOffset)
        write = ModuleCode.load64(at: operations + Self.writeOffset)
    }

    /// Runs `body` as one user of the entry: EIO once it is removed.
    func use<R>(_ body: () throws(Errno) -> R) throws(Errno) -> R {
        let removed = lock.withLockIrqSave {
            if !users.removed { users.count += 1 }
            return users.removed
        }
        guard !removed else { throw .EIO }
        defer { lock.withLockIrqSave { users.count -= 1 } }
        return try body()
    }

    /// Marks the entry removed and waits for the calls under way (Linux: proc_entry_rundown).
    func rundown() {
        lock.withLockIrqSave { users.removed = true }
        while lock.withLockIrqSave({ users.count }) > 0 { Scheduler.yield() }
    }

    /// The entries proc_create made, by handle.
    static let registered = IRQSafeLocked<(entries: [(handle: UInt64, entry: ProcOpsEntry)], next: UInt64)>(([], 1))
}

/// An open file of a module's /proc entry.
final class ProcOpsFile: FileOperations {
    private let entry: ProcOpsEntry

    init(_ entry: ProcOpsEntry) { self.entry = entry }

    /// `count` bytes of the module's proc_read at `offset`; its return is the length or -errno.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        guard entry.read != 0 else { throw .EINVAL }
        guard count > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: min(count, 1 << 16))
        var position = offset
        let result = try entry.use { ModuleCode.callTransfer(entry.read, buffer: &buffer, position: &position) }
        guard result >= 0 else { throw Errno(rawValue: Int32(truncatingIfNeeded: 0 &- result)) ?? .EIO }
        offset = position
        return Array(buffer.prefix(Int(min(result, Int64(buffer.count)))))
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        guard entry.write != 0 else { throw .EINVAL }
        var buffer = bytes
        var position = offset
        let result = try entry.use { ModuleCode.callTransfer(entry.write, buffer: &buffer, position: &position) }
        guard result >= 0 else { throw Errno(rawValue: Int32(truncatingIfNeeded: 0 &- result)) ?? .EIO }
        offset = position
        return Int(min(result, Int64(bytes.count)))
    }

    /// O_TRUNC on open for writing (echo x > /proc/...) is no error, as in Linux.
    func truncate(_ inode: Inode, to size: Int64) throws(Errno) {}
}

/// `struct proc_dir_entry *proc_create(const char *name, umode_t mode,
/// struct proc_dir_entry *parent, const struct proc_ops *proc_ops)`:
/// NULL on failure. Only /proc itself is a parent here (parent NULL).
@c(proc_create)
func procCreate(name: UInt64, mode: UInt16, parent: UInt64, operations: UInt64) -> UInt64 {
    guard parent == 0, operations != 0 else { return 0 }
    let text = String(decoding: ModuleCode.string(at: name, limit: 255), as: UTF8.self)
    let entry = ProcOpsEntry(name: text, operations: operations)
    // Linux: a mode without permission bits is S_IRUGO.
    let permissions = UInt32(mode) & 0o7777 == 0 ? 0o444 : UInt32(mode) & 0o7777
    guard (try? ProcFS.create(text, mode: permissions, operations: { ProcOpsFile(entry) })) != nil else { return 0 }
    return ProcOpsEntry.registered.withLock { registry in
        defer { registry.next += 1 }
        registry.entries.append((registry.next, entry))
        return registry.next
    }
}

/// `void proc_remove(struct proc_dir_entry *de)`: removes the entry once
/// the calls into it are over; NULL is ignored.
@c(proc_remove)
func procRemove(handle: UInt64) {
    let found = ProcOpsEntry.registered.withLock { registry -> ProcOpsEntry? in
        guard let index = registry.entries.firstIndex(where: { $0.handle == handle }) else { return nil }
        return registry.entries.remove(at: index).entry
    }
    guard let entry = found else { return }
    entry.rundown()
    try? ProcFS.remove(entry.name)
}
