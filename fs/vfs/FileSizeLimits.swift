import ABI
import Lib

/// How far a file may grow: the filesystem's s_maxbytes and the writer's
/// RLIMIT_FSIZE. Exceeding the limit also sends SIGXFSZ to the caller,
/// whose default action ends the process (Linux: generic_write_checks in
/// mm/filemap.c and inode_newsize_ok in fs/attr.c).
extension VFS {
    /// How many of `count` bytes a write at `position` may store (Linux:
    /// generic_write_check_limits): cut at RLIMIT_FSIZE and s_maxbytes,
    /// EFBIG (and SIGXFSZ for the rlimit) if none. An empty write is
    /// never refused. 64-bit processes always have O_LARGEFILE, so
    /// MAX_NON_LFS plays no part beyond s_maxbytes.
    public static func writableCount(_ inode: Inode, at position: Int64, count: Int) throws(Errno) -> Int {
        guard count > 0 else { return 0 }
        var allowed = Int64(count)
        if let limit = fileSizeLimit {
            guard position < limit else { throw exceededFileSizeLimit() }
            allowed = min(allowed, limit - position)
        }
        let maximum = inode.superBlock.maximumFileSize
        guard position < maximum else { throw .EFBIG }
        return Int(min(allowed, maximum - position))
    }

    /// Whether `inode` may be truncated or extended to `size` (Linux:
    /// inode_newsize_ok): only growth is limited, and here the new size
    /// itself may equal the limit.
    public static func checkNewSize(_ inode: Inode, _ size: Int64) throws(Errno) {
        guard size > inode.size else { return }
        if let limit = fileSizeLimit, size > limit { throw exceededFileSizeLimit() }
        guard size <= inode.superBlock.maximumFileSize else { throw .EFBIG }
    }

    /// The caller's RLIMIT_FSIZE in bytes, nil when unlimited (or before
    /// the first task runs).
    private static var fileSizeLimit: Int64? {
        guard Scheduler.isRunning else { return nil }
        let limit = Scheduler.current.group.limits.current(.RLIMIT_FSIZE)
        return limit == Rlimit.RLIM_INFINITY ? nil : Int64(clamping: limit)
    }

    /// SIGXFSZ to the caller, and the EFBIG it comes with (Linux: send_sig).
    private static func exceededFileSizeLimit() -> Errno {
        Signals.send(.SIGXFSZ, toThread: Scheduler.current, from: nil)
        return .EFBIG
    }
}
