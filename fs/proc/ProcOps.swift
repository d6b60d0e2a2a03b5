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
    /// The calls under way, which proc_remove waits out.
    let gate = ModuleCallGate()

    /// struct proc_ops (include/linux/proc_fs.h, Linux 6.1's layout).
    static let readOffset: UInt64 = 16
    static let writeOffset: UInt64 = 32

    init(name: String, operations: UInt64) {
        self.name = name
        read = ModuleCode.load64(at: operations + Self.readOffset)
        write = ModuleCode.load64(at: operations + Self.writeOffset)
    }

    /// The entries proc_create made, by handle.
    static let registered = IRQSafeLocked<(entries: [(handle: UInt64, entry: ProcOpsEntry)], next: UInt64)>(([], 1))
}

/// An open file of a module's /proc entry: its reads and writes hand the
/// module the caller's own buffer (Linux: proc_reg_read and proc_reg_write).
final class ProcOpsFile: FileOperations {
    private let entry: ProcOpsEntry

    init(_ entry: ProcOpsEntry) { self.entry = entry }

    var takesUserBuffers: Bool { true }

    func read(_ file: File, into buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int {
        try entry.gate.transfer(entry.read, file: 0, buffer, at: &offset)
    }

    func write(_ file: File, from buffer: UserBuffer, at offset: inout Int64) throws(Errno) -> Int {
        try entry.gate.transfer(entry.write, file: 0, buffer, at: &offset)
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
    entry.gate.rundown()
    try? ProcFS.remove(entry.name)
}
