import ABI

/// A process's file descriptors: small integers naming open files, each
/// with its close-on-exec flag (Linux: struct fdtable and the allocation
/// rules of fs/file.c). Generic over the open-file type, so the kernel
/// stores its `File`s and the host tests stand-ins.
///
/// A value type: copying the table (fork) copies the numbers and flags
/// while the entries, being objects, are shared, as a forked child shares
/// its parent's open files and their positions.
public struct DescriptorTable<Entry: AnyObject> {
    /// RLIMIT_NOFILE's default soft limit (Linux: INR_OPEN_CUR).
    public static var defaultLimit: Int { 1024 }

    private var entries: [Entry?] = []
    private var closeOnExecFlags: [Bool] = []
    /// Descriptors must stay below this (RLIMIT_NOFILE). The kernel sets
    /// it from the calling process's limit before each change; lowering it
    /// leaves descriptors already above it open, as in Linux.
    public var limit: Int

    public init(limit: Int = defaultLimit) {
        self.limit = limit
    }

    /// What `descriptor` refers to; nil if it is not open.
    public func entry(_ descriptor: Int32) -> Entry? {
        guard descriptor >= 0, Int(descriptor) < entries.count else { return nil }
        return entries[Int(descriptor)]
    }

    /// The close-on-exec flag of an open descriptor; nil if it is not open.
    public func isCloseOnExec(_ descriptor: Int32) -> Bool? {
        guard entry(descriptor) != nil else { return nil }
        return closeOnExecFlags[Int(descriptor)]
    }

    /// Sets the close-on-exec flag (F_SETFD, FIOCLEX); EBADF if not open.
    public mutating func setCloseOnExec(_ descriptor: Int32, _ closeOnExec: Bool) throws(Errno) {
        guard entry(descriptor) != nil else { throw .EBADF }
        closeOnExecFlags[Int(descriptor)] = closeOnExec
    }

    /// Installs `entry` at the lowest free descriptor not below `minimum`
    /// (Linux: alloc_fd + fd_install). EMFILE when every descriptor below
    /// the limit is taken; EINVAL for a minimum at or past the limit
    /// (F_DUPFD's rule).
    public mutating func install(_ entry: Entry, closeOnExec: Bool, minimum: Int32 = 0) throws(Errno) -> Int32 {
        guard minimum >= 0, Int(minimum) < limit else { throw .EINVAL }
        var descriptor = Int(minimum)
        while descriptor < entries.count && entries[descriptor] != nil { descriptor += 1 }
        guard descriptor < limit else { throw .EMFILE }
        place(entry, at: descriptor, closeOnExec: closeOnExec)
        return Int32(descriptor)
    }

    /// Puts `entry` at exactly `descriptor`, returning what was open there
    /// (Linux: do_dup2, which closes the displaced file). EBADF for a
    /// descriptor outside 0..<limit.
    public mutating func replace(_ descriptor: Int32, with entry: Entry, closeOnExec: Bool) throws(Errno) -> Entry? {
        guard descriptor >= 0, Int(descriptor) < limit else { throw .EBADF }
        let displaced = self.entry(descriptor)
        place(entry, at: Int(descriptor), closeOnExec: closeOnExec)
        return displaced
    }

    /// Frees `descriptor`, returning what it referred to; nil if it was
    /// not open (close's EBADF).
    public mutating func remove(_ descriptor: Int32) -> Entry? {
        guard let removed = entry(descriptor) else { return nil }
        entries[Int(descriptor)] = nil
        closeOnExecFlags[Int(descriptor)] = false
        return removed
    }

    /// Frees every close-on-exec descriptor (Linux: do_close_on_exec, at
    /// execve) and returns what they referred to.
    public mutating func removeCloseOnExec() -> [Entry] {
        var removed: [Entry] = []
        for index in entries.indices where closeOnExecFlags[index] {
            if let entry = entries[index] { removed.append(entry) }
            entries[index] = nil
            closeOnExecFlags[index] = false
        }
        return removed
    }

    /// The open descriptors, in increasing order.
    public var openDescriptors: [Int32] {
        entries.indices.filter { entries[$0] != nil }.map { Int32($0) }
    }

    private mutating func place(_ entry: Entry, at index: Int, closeOnExec: Bool) {
        while entries.count <= index {
            entries.append(nil)
            closeOnExecFlags.append(false)
        }
        entries[index] = entry
        closeOnExecFlags[index] = closeOnExec
    }
}
