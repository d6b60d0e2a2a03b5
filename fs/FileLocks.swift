import ABI
import Core
import Lib

/// Advisory locks, the kernel half (Linux: fs/locks.c): the lists live in
/// each inode, one lock guards them all and the record of who waits for
/// whom, and waiters sleep on one queue that every release wakes. The
/// range and conflict rules are in lib/fs/FileLocks.swift.
public enum FileLocks {
    private static let lock = SpinLocked(LockWaits())
    private static var waiters: WaitQueue { waitQueue.value }
    private static let waitQueue = BootOnce(WaitQueue())

    /// The owner of the calling process's POSIX locks: its file table.
    static func processOwner(_ files: FileTable) -> LockOwner {
        LockOwner(id: UInt(bitPattern: ObjectIdentifier(files)), isOpenFile: false)
    }

    /// The owner of `file`'s OFD and flock locks: the open file itself.
    static func openFileOwner(_ file: File) -> LockOwner {
        LockOwner(id: UInt(bitPattern: ObjectIdentifier(file)), isOpenFile: true)
    }

    /// The first lock that keeps `request` from being taken on `inode`, if any (F_GETLK).
    static func conflict(on inode: Inode, with request: FileLock) -> FileLock? {
        lock.withLock { _ in inode.recordLocks.conflict(with: request) }
    }

    /// The two lists each inode has.
    enum Kind { case record, flock }

    private static func list(_ kind: Kind, of inode: Inode) -> FileLockList {
        kind == .record ? inode.recordLocks : inode.flockLocks
    }

    private static func setList(_ kind: Kind, of inode: Inode, to list: FileLockList) {
        if kind == .record { inode.recordLocks = list } else { inode.flockLocks = list }
    }

    /// Takes `request` on `inode`'s record locks, or frees its range with
    /// `unlock` (F_SETLK, F_SETLKW and the OFD forms). Without `wait` a
    /// conflict is EAGAIN; with it the caller sleeps until the conflict
    /// goes, EDEADLK if the holder waits, through others, for the caller.
    static func setRecordLock(on inode: Inode, _ request: FileLock, unlock: Bool, wait: Bool) throws(Errno) {
        try take(request, on: inode, .record, wait: wait, busy: .EAGAIN) { list in
            if unlock {
                list.apply(request, unlock: true)
                return nil
            }
            if let holder = list.conflict(with: request) { return holder }
            list.apply(request)
            return nil
        }
    }

    /// flock(2) on `file`: a whole-file shared or exclusive lock of the
    /// open file, converted in place, or none with `unlock`. Converting
    /// drops the old lock first, as Linux does (flock_lock_inode).
    static func setFlock(_ file: File, exclusive: Bool, unlock: Bool, wait: Bool) throws(Errno) {
        let owner = openFileOwner(file)
        let request = FileLock(owner: owner, pid: -1, isWrite: exclusive, start: 0, end: Int64.max)
        try take(request, on: file.inode, .flock, wait: wait, busy: .EWOULDBLOCK) { list in
            if !unlock, let held = list.locks.first(where: { $0.owner == owner }), held.isWrite == exclusive {
                return nil
            }
            list.removeAll(of: owner)
            if unlock { return nil }
            if let holder = list.conflict(with: request) { return holder }
            list.apply(request)
            return nil
        }
    }

    /// A close of `file` by a process whose file table is `files`: its
    /// POSIX locks on the inode go, whichever descriptor took them (Linux:
    /// locks_remove_posix from filp_close).
    static func closed(_ file: File, by files: FileTable) {
        let owner = processOwner(files)
        let inode = file.inode
        let removed = lock.withLock { _ -> Bool in
            guard inode.recordLocks.locks.contains(where: { $0.owner == owner }) else { return false }
            inode.recordLocks.removeAll(of: owner)
            return true
        }
        if removed { waiters.wakeUpAll() }
    }

    /// The last reference to `file` is gone: its OFD and flock locks go
    /// (Linux: locks_remove_file from __fput).
    static func released(_ file: File) {
        let owner = openFileOwner(file)
        let inode = file.inode
        let removed = lock.withLock { _ -> Bool in
            let held = (inode.recordLocks.locks + inode.flockLocks.locks).contains { $0.owner == owner }
            inode.recordLocks.removeAll(of: owner)
            inode.flockLocks.removeAll(of: owner)
            return held
        }
        if removed { waiters.wakeUpAll() }
    }

    /// The shared loop of the two: `attempt` changes the list under the
    /// lock and returns the holder of a conflicting lock, if any; the
    /// caller then gets `busy`, or sleeps and tries again. Waiters are woken
    /// only when a list changed, so two of them never wake each other in turn.
    private static func take(
        _ request: FileLock, on inode: Inode, _ kind: Kind, wait: Bool, busy: Errno,
        attempt: (inout FileLockList) -> FileLock?
    ) throws(Errno) {
        let checksDeadlock = kind == .record
        while true {
            let (holder, changed, deadlock) = lock.withLock { waits -> (FileLock?, Bool, Bool) in
                var current = list(kind, of: inode)
                let before = current.locks
                let holder = attempt(&current)
                let changed = current.locks != before
                if changed { setList(kind, of: inode, to: current) }
                guard let holder, wait else { return (holder, changed, false) }
                if checksDeadlock && waits.wouldDeadlock(request.owner, waitingFor: holder.owner) {
                    return (holder, changed, true)
                }
                waits.add(request.owner, waitingFor: holder.owner)
                return (holder, changed, false)
            }
            if changed { waiters.wakeUpAll() }
            guard holder != nil else { return }
            guard wait else { throw busy }
            guard !deadlock else { throw .EDEADLK }
            defer { lock.withLock { $0.remove(request.owner) } }
            try waiters.waitInterruptible {
                lock.withLock { _ in list(kind, of: inode).conflict(with: request) == nil }
            }
        }
    }
}
