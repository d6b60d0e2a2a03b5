import ABI
import Core
import Lib

/// Setting a file's access and modification times: utimensat, utimes and
/// utime (Linux: fs/utimes.c). Times are kept in nanoseconds, as the
/// inodes hold them; ctime becomes the time of the change.
enum UtimesSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.utimensat, syscall(utimensat)),
        (.utimes, syscall(utimes)),
        (.utime, syscall(utime)),
    ]

    /// utimensat(dirfd, path, times[2], flags). A NULL path changes the
    /// file `dirfd` is open on (what futimens uses); NULL times, or
    /// UTIME_NOW, mean now; UTIME_OMIT leaves a time alone. Setting both
    /// to now needs write permission or ownership, other times ownership.
    static func utimensat(
        _ dirfd: FileDescriptor, _ path: UserString, _ timesPointer: UserPointer<Timespec>,
        _ flags: Int32
    ) throws(Errno) -> Int64 {
        guard flags & ~(AtFlags.AT_SYMLINK_NOFOLLOW | AtFlags.AT_EMPTY_PATH) == 0 else { throw .EINVAL }
        var times: (access: Int64?, modification: Int64?) = (now(), now())
        var toNow = true
        if !timesPointer.isNull {
            let given = try timesPointer.read(count: 2)
            times = (try nanoseconds(given[0]), try nanoseconds(given[1]))
            if times.access == nil && times.modification == nil { return 0 }
            toNow = given.allSatisfy { $0.tv_nsec == UtimeMarker.UTIME_NOW }
        }
        let target: (inode: Inode, dentry: Dentry)
        if path.isNull {
            guard flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0 else { throw .EINVAL }
            let file = try dirfd.file()
            target = (file.inode, file.path.dentry)
        } else {
            let argument = try PathArgument(path, dirfd: dirfd, allowEmpty: flags & AtFlags.AT_EMPTY_PATH != 0)
            target = try argument.located(follow: flags & AtFlags.AT_SYMLINK_NOFOLLOW == 0)
        }
        try VFS.setAttributes(
            of: target.inode,
            AttributeChange(
                atime: times.access, mtime: times.modification,
                setsTimesToNow: toNow),
            at: target.dentry)
        return 0
    }

    /// utimes(path, times[2]) with microsecond timevals.
    static func utimes(_ path: UserString, _ timesPointer: UserPointer<Timeval>) throws(Errno) -> Int64 {
        var times = (access: now(), modification: now())
        if !timesPointer.isNull {
            let given = try timesPointer.read(count: 2)
            times = (try nanoseconds(given[0]), try nanoseconds(given[1]))
        }
        return try set(PathArgument(path), times, toNow: timesPointer.isNull)
    }

    /// utime(path, &{actime, modtime}) with whole seconds.
    static func utime(_ path: UserString, _ timesPointer: UserPointer<Utimbuf>) throws(Errno) -> Int64 {
        var times = (access: now(), modification: now())
        if !timesPointer.isNull {
            let given = try timesPointer.read()
            times = (seconds(given.actime), seconds(given.modtime))
        }
        return try set(PathArgument(path), times, toNow: timesPointer.isNull)
    }

    /// `toNow`: no times were given, so write permission suffices.
    private static func set(
        _ target: PathArgument, _ times: (access: Int64, modification: Int64),
        toNow: Bool
    ) throws(Errno) -> Int64 {
        let (inode, dentry) = try target.located(follow: true)
        try VFS.setAttributes(
            of: inode, AttributeChange(atime: times.access, mtime: times.modification, setsTimesToNow: toNow),
            at: dentry)
        return 0
    }

    /// A utimensat time in nanoseconds; nil for UTIME_OMIT. EINVAL for a
    /// tv_nsec outside 0...999999999 that is neither marker.
    private static func nanoseconds(_ time: Timespec) throws(Errno) -> Int64? {
        switch time.tv_nsec {
        case UtimeMarker.UTIME_OMIT: return nil
        case UtimeMarker.UTIME_NOW: return now()
        case 0..<1_000_000_000: return seconds(time.tv_sec) &+ time.tv_nsec
        default: throw .EINVAL
        }
    }

    private static func nanoseconds(_ time: Timeval) throws(Errno) -> Int64 {
        guard (0..<1_000_000).contains(time.tv_usec) else { throw .EINVAL }
        return seconds(time.tv_sec) &+ time.tv_usec * 1000
    }

    /// Seconds as nanoseconds, saturating far outside the range a time can have.
    private static func seconds(_ value: Int64) -> Int64 {
        let (product, overflow) = value.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (value < 0 ? Int64.min : Int64.max) : product
    }

    private static func now() -> Int64 { VFSClock.now() }
}
