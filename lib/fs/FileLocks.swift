import ABI

/// Advisory file locks, the policy half (Linux: fs/locks.c): POSIX record
/// locks (fcntl F_SETLK), open-file-description locks (F_OFD_SETLK) and
/// flock(2) locks, as ranges held by owners. The kernel half,
/// fs/locks/FileLocks.swift, keeps one list per inode and sleeps waiters.

/// Who holds a lock. A POSIX lock belongs to the file table of the process
/// that took it (Linux: fl_owner = current->files), so threads share it and
/// any close of the file drops it; an OFD or flock lock belongs to the open
/// file (struct file) and goes when its last descriptor does.
public struct LockOwner: Hashable, Sendable {
    public let id: UInt
    public let isOpenFile: Bool

    public init(id: UInt, isOpenFile: Bool) {
        self.id = id
        self.isOpenFile = isOpenFile
    }
}

/// One held or requested lock on bytes `start...end` (Linux: struct
/// file_lock); `end == Int64.max` reaches any end of file (OFFSET_MAX).
public struct FileLock: Equatable, Sendable {
    public var owner: LockOwner
    /// The locking process, reported by F_GETLK (-1 for OFD locks).
    public var pid: Int32
    public var isWrite: Bool
    public var start: Int64
    public var end: Int64

    public init(owner: LockOwner, pid: Int32, isWrite: Bool, start: Int64, end: Int64) {
        self.owner = owner
        self.pid = pid
        self.isWrite = isWrite
        self.start = start
        self.end = end
    }

    /// Whether the two overlap and at least one writes (Linux: posix_locks_conflict).
    public func conflicts(with other: FileLock) -> Bool {
        owner != other.owner && (isWrite || other.isWrite) && start <= other.end && other.start <= end
    }

    /// The range of a struct flock whose offsets count from `base` (0, the
    /// file position or its size, by l_whence): EINVAL for a start before
    /// 0, EOVERFLOW past OFFSET_MAX (Linux: flock64_to_posix_lock). A
    /// negative l_len locks the bytes before l_start.
    public static func range(base: Int64, start offset: Int64, length: Int64) throws(Errno) -> ClosedRange<Int64> {
        let (start, overflow) = base.addingReportingOverflow(offset)
        guard !overflow else { throw .EOVERFLOW }
        guard start >= 0 else { throw .EINVAL }
        if length > 0 {
            guard length - 1 <= Int64.max - start else { throw .EOVERFLOW }
            return start...(start + (length - 1))
        }
        if length < 0 {
            let (first, under) = start.addingReportingOverflow(length)
            guard !under, first >= 0, start > 0 else { throw .EINVAL }
            return first...(start - 1)
        }
        return start...Int64.max
    }
}

/// The locks of one kind on one inode (Linux: flc_posix or flc_flock).
public struct FileLockList: Sendable {
    public private(set) var locks: [FileLock] = []

    public init() {}

    /// The first lock another owner holds that `request` conflicts with.
    public func conflict(with request: FileLock) -> FileLock? {
        locks.first { $0.conflicts(with: request) }
    }

    /// Takes `request` for its owner, or with `unlock` frees that range:
    /// the owner's locks in the range are replaced, split where they reach
    /// beyond it, and the new lock merges with the owner's same-type locks
    /// it touches (Linux: posix_lock_inode). The caller checks conflicts first.
    public mutating func apply(_ request: FileLock, unlock: Bool = false) {
        var kept: [FileLock] = []
        var merged = request
        for lock in locks {
            guard lock.owner == request.owner else {
                kept.append(lock)
                continue
            }
            let touches =
                lock.start <= request.end && request.start <= lock.end
                || (request.end < Int64.max && lock.start == request.end + 1)
                || (lock.end < Int64.max && lock.end + 1 == request.start)
            if !unlock && lock.isWrite == request.isWrite && touches {
                merged.start = min(merged.start, lock.start)
                merged.end = max(merged.end, lock.end)
                continue
            }
            guard lock.start <= request.end && request.start <= lock.end else {
                kept.append(lock)
                continue
            }
            // Overlapped by a different type or an unlock: keep what lies outside the range.
            if lock.start < request.start {
                var before = lock
                before.end = request.start - 1
                kept.append(before)
            }
            if lock.end > request.end {
                var after = lock
                after.start = request.end + 1
                kept.append(after)
            }
        }
        if !unlock { kept.append(merged) }
        locks = kept.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
    }

    /// Drops every lock of `owner` (a close, an exit, the last fput).
    public mutating func removeAll(of owner: LockOwner) {
        locks.removeAll { $0.owner == owner }
    }
}

/// Who waits for whom, for F_SETLKW's deadlock check (Linux:
/// posix_locks_deadlock over blocked_hash): an owner about to wait for a
/// lock held by `blocker` would deadlock if `blocker` waits, through a
/// chain of at most 10 owners (MAX_DEADLK_ITERATIONS), for it.
public struct LockWaits: Sendable {
    private var edges: [(waiter: LockOwner, blocker: LockOwner)] = []

    public init() {}

    public func wouldDeadlock(_ waiter: LockOwner, waitingFor blocker: LockOwner) -> Bool {
        // OFD locks are not checked, as in Linux: their owner is no process.
        guard !waiter.isOpenFile else { return false }
        var current = blocker
        for _ in 0...10 {
            guard let next = edges.first(where: { $0.waiter == current })?.blocker else { return false }
            if next == waiter { return true }
            current = next
        }
        return false
    }

    public mutating func add(_ waiter: LockOwner, waitingFor blocker: LockOwner) {
        edges.append((waiter, blocker))
    }

    public mutating func remove(_ waiter: LockOwner) {
        if let index = edges.firstIndex(where: { $0.waiter == waiter }) { edges.remove(at: index) }
    }
}
