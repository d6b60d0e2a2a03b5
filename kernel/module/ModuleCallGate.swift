import ABI
import Core

/// The calls under way into a module's code through one object it
/// registered (a /proc entry, a misc device), which the object's removal
/// waits out (Linux: proc_dir_entry's pde_users and proc_entry_rundown).
/// After the removal every call is EIO, so a file still open never runs
/// the code of a module that is gone.
final class ModuleCallGate {
    /// The calls under way, and whether the object was removed.
    private var users = (count: 0, removed: false)
    private let lock = SpinLock()

    /// Runs `body` as one call: EIO once the object is removed.
    func use<R>(_ body: () throws(Errno) -> R) throws(Errno) -> R {
        let removed = lock.withLockIrqSave {
            if !users.removed { users.count += 1 }
            return users.removed
        }
        guard !removed else { throw .EIO }
        defer { lock.withLockIrqSave { users.count -= 1 } }
        return try body()
    }

    /// Marks the object removed and waits for the calls under way.
    func rundown() {
        lock.withLockIrqSave { users.removed = true }
        while lock.withLockIrqSave({ users.count }) > 0 { Scheduler.yield() }
    }

    /// A module's read or write, file_operations' or proc_ops' (EINVAL
    /// without one), `ssize_t (*)(struct file *, char __user *, size_t,
    /// loff_t *)` on the caller's `buffer` at `offset`, as one call: its
    /// return is the count or -errno, and what it leaves in the position is
    /// the new one. `file` is the `struct file *` (0 for proc_ops' NULL);
    /// a nonzero `filePosition`, its f_pos, is kept equal to the position.
    func transfer(
        _ function: UInt64, file: UInt64, _ buffer: UserBuffer, at offset: inout Int64, filePosition: UInt64 = 0
    ) throws(Errno) -> Int {
        guard function != 0 else { throw .EINVAL }
        var position = offset
        let result = try use { () -> Int64 in
            if filePosition != 0 { ModuleCode.store(UInt64(bitPattern: position), at: filePosition) }
            let result = ModuleCode.callTransfer(
                function, file: file, user: buffer.start.address, count: buffer.count, position: &position)
            if filePosition != 0 { ModuleCode.store(UInt64(bitPattern: position), at: filePosition) }
            return result
        }
        guard result >= 0 else { throw Errno(rawValue: Int32(truncatingIfNeeded: 0 &- result)) ?? .EIO }
        offset = position
        return Int(min(result, Int64(buffer.count)))
    }
}
