// The numbers of file system calls: open flags, the *at() conventions,
// fcntl commands, lseek origins, access checks, rename flags, and the
// directory entries getdents64 returns.

/// The `flags` of open, openat and (after open) fcntl F_GETFL/F_SETFL.
/// Linux: include/uapi/asm-generic/fcntl.h, which x86 uses unchanged.
/// Values are octal, as in the header.
///
/// The low two bits are not flags but a field, the access mode: O_RDONLY
/// is 0, so `contains(.O_RDONLY)` is always true. Compare `accessMode`
/// instead.
public struct OpenFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    // MARK: Access mode (a two-bit field)
    public static let O_ACCMODE = OpenFlags(rawValue: 0o3)
    /// Zero: the empty set.
    public static let O_RDONLY = OpenFlags([])
    public static let O_WRONLY = OpenFlags(rawValue: 0o1)
    public static let O_RDWR = OpenFlags(rawValue: 0o2)

    // MARK: Creation: act at open time only; Linux drops them from the open file
    public static let O_CREAT = OpenFlags(rawValue: 0o100)
    public static let O_EXCL = OpenFlags(rawValue: 0o200)
    public static let O_NOCTTY = OpenFlags(rawValue: 0o400)
    public static let O_TRUNC = OpenFlags(rawValue: 0o1000)

    // MARK: Behaviour (F_SETFL may change O_APPEND, O_NONBLOCK, O_DIRECT, O_NOATIME, FASYNC)
    public static let O_APPEND = OpenFlags(rawValue: 0o2000)
    public static let O_NONBLOCK = OpenFlags(rawValue: 0o4000)
    public static let O_DSYNC = OpenFlags(rawValue: 0o10000)
    /// Signal-driven I/O; Linux's header calls it FASYNC.
    public static let FASYNC = OpenFlags(rawValue: 0o20000)
    public static let O_DIRECT = OpenFlags(rawValue: 0o40000)
    /// Meaningless on 64-bit, where every file is "large"; Linux sets it anyway.
    public static let O_LARGEFILE = OpenFlags(rawValue: 0o100000)
    public static let O_DIRECTORY = OpenFlags(rawValue: 0o200000)
    public static let O_NOFOLLOW = OpenFlags(rawValue: 0o400000)
    public static let O_NOATIME = OpenFlags(rawValue: 0o1000000)
    /// Close on execve; stored on the descriptor (FD_CLOEXEC), not the file.
    public static let O_CLOEXEC = OpenFlags(rawValue: 0o2000000)
    /// O_SYNC is two bits: full-file sync (__O_SYNC) implies data sync (O_DSYNC).
    public static let O_SYNC = OpenFlags(rawValue: 0o4000000 | 0o10000)
    /// A handle to a place in the tree that can be neither read nor written.
    public static let O_PATH = OpenFlags(rawValue: 0o10000000)
    /// An unnamed file in the given directory; includes O_DIRECTORY's bit
    /// so kernels that predate it fail instead of opening the directory.
    public static let O_TMPFILE = OpenFlags(rawValue: 0o20000000 | 0o200000)
    /// Another name for O_NONBLOCK.
    public static let O_NDELAY = O_NONBLOCK

    /// The access mode field: O_RDONLY, O_WRONLY or O_RDWR. (Linux also
    /// accepts 3, an open for neither reading nor writing, used for ioctls.)
    public var accessMode: OpenFlags { OpenFlags(rawValue: rawValue & Self.O_ACCMODE.rawValue) }
}

/// The conventions of the *at() calls (openat, newfstatat, unlinkat, ...):
/// a directory descriptor that relative paths start from, and flags.
/// Linux: include/uapi/linux/fcntl.h.
public enum AtFlags {
    /// In place of a directory descriptor: start from the current directory.
    public static let AT_FDCWD: Int32 = -100

    /// Act on a final symbolic link itself rather than on its target.
    public static let AT_SYMLINK_NOFOLLOW: Int32 = 0x100
    /// unlinkat: remove a directory, as rmdir does.
    public static let AT_REMOVEDIR: Int32 = 0x200
    /// faccessat: check with the effective IDs. It shares AT_REMOVEDIR's value;
    /// no call accepts both.
    public static let AT_EACCESS: Int32 = 0x200
    /// linkat: follow a final symbolic link (by default linkat does not).
    public static let AT_SYMLINK_FOLLOW: Int32 = 0x400
    public static let AT_NO_AUTOMOUNT: Int32 = 0x800
    /// An empty path means the descriptor itself (fstatat(fd, "", ...)).
    public static let AT_EMPTY_PATH: Int32 = 0x1000

    /// statx: how fresh the attributes must be (a two-bit field).
    public static let AT_STATX_SYNC_TYPE: Int32 = 0x6000
    public static let AT_STATX_SYNC_AS_STAT: Int32 = 0x0000
    public static let AT_STATX_FORCE_SYNC: Int32 = 0x2000
    public static let AT_STATX_DONT_SYNC: Int32 = 0x4000
    /// Apply to the whole subtree (open_tree, mount_setattr).
    public static let AT_RECURSIVE: Int32 = 0x8000
}

/// The `cmd` of fcntl(2). Linux: include/uapi/asm-generic/fcntl.h (0...38)
/// and include/uapi/linux/fcntl.h (from F_LINUX_SPECIFIC_BASE, 1024, on).
/// The 64-bit lock commands 12...14 exist only for 32-bit programs.
public enum FcntlCommand: Int32, Sendable {
    /// Duplicate onto the lowest free descriptor >= arg.
    case F_DUPFD = 0
    case F_GETFD = 1
    case F_SETFD = 2
    case F_GETFL = 3
    case F_SETFL = 4
    case F_GETLK = 5
    case F_SETLK = 6
    case F_SETLKW = 7
    case F_SETOWN = 8
    case F_GETOWN = 9
    case F_SETSIG = 10
    case F_GETSIG = 11
    case F_SETOWN_EX = 15
    case F_GETOWN_EX = 16
    case F_GETOWNER_UIDS = 17
    /// Open-file-description locks: owned by the open file, not the process.
    case F_OFD_GETLK = 36
    case F_OFD_SETLK = 37
    case F_OFD_SETLKW = 38
    case F_SETLEASE = 1024
    case F_GETLEASE = 1025
    case F_NOTIFY = 1026
    /// Do two descriptors refer to the same open file?
    case F_DUPFD_QUERY = 1027
    /// Did the open that returned this descriptor create the file?
    case F_CREATED_QUERY = 1028
    case F_CANCELLK = 1029
    /// F_DUPFD with close-on-exec set on the new descriptor.
    case F_DUPFD_CLOEXEC = 1030
    case F_SETPIPE_SZ = 1031
    case F_GETPIPE_SZ = 1032
    case F_ADD_SEALS = 1033
    case F_GET_SEALS = 1034
}

/// Descriptor flags, read and written with F_GETFD/F_SETFD.
/// Linux: include/uapi/asm-generic/fcntl.h.
public enum DescriptorFlags {
    /// The only descriptor flag: close this descriptor on execve.
    public static let FD_CLOEXEC: Int32 = 1
}

/// The `whence` of lseek(2). Linux: include/uapi/linux/fs.h.
public enum SeekWhence: Int32, Sendable {
    case SEEK_SET = 0
    case SEEK_CUR = 1
    case SEEK_END = 2
    /// The next offset >= the given one that holds data.
    case SEEK_DATA = 3
    /// The next offset >= the given one inside a hole (end of file counts).
    case SEEK_HOLE = 4
}

/// The `mode` of access(2) and faccessat(2): an existence test, or any of
/// read, write and execute permission.
///
/// Linux's uapi headers leave these to the C library (glibc's <unistd.h>);
/// the kernel relies on them equalling the "other" permission bits
/// S_IROTH, S_IWOTH and S_IXOTH, and rejects any other bit with EINVAL.
public struct AccessMode: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Zero: only check that the file exists.
    public static let F_OK = AccessMode([])
    public static let X_OK = AccessMode(rawValue: 1)
    public static let W_OK = AccessMode(rawValue: 2)
    public static let R_OK = AccessMode(rawValue: 4)
}

/// The `flags` of renameat2(2). Linux: include/uapi/linux/fs.h.
public struct RenameFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Fail with EEXIST rather than replace an existing target.
    public static let RENAME_NOREPLACE = RenameFlags(rawValue: 1 << 0)
    /// Swap the two names atomically; both must exist.
    public static let RENAME_EXCHANGE = RenameFlags(rawValue: 1 << 1)
    /// Leave a whiteout at the source (for overlay file systems).
    public static let RENAME_WHITEOUT = RenameFlags(rawValue: 1 << 2)
}

/// One directory entry as getdents64(2) returns it, packed one after
/// another into the caller's buffer.
/// Linux: struct linux_dirent64 in include/linux/dirent.h, filled by
/// filldir64 in fs/readdir.c.
///
/// The record is variable-sized: a 19-byte header, the name and its NUL,
/// then zeros up to a multiple of 8 so the next record's 64-bit fields are
/// aligned. `d_reclen` is that padded length, and is how user space steps
/// from one entry to the next.
public struct Dirent64: Sendable {
    /// Where d_name starts in a record (19, inside the C head's tail padding).
    public static let nameOffset = Int(LINUX_DIRENT64_NAME_OFFSET)

    // MARK: d_type values. Linux: include/linux/fs_types.h.
    // Each is the file type field of st_mode shifted down by 12 bits.
    public static let DT_UNKNOWN: UInt8 = 0
    public static let DT_FIFO: UInt8 = 1
    public static let DT_CHR: UInt8 = 2
    public static let DT_DIR: UInt8 = 4
    public static let DT_BLK: UInt8 = 6
    public static let DT_REG: UInt8 = 8
    public static let DT_LNK: UInt8 = 10
    public static let DT_SOCK: UInt8 = 12
    public static let DT_WHT: UInt8 = 14

    /// The d_type for a file of mode `mode`, as Linux's S_DT(mode).
    public static func type(forMode mode: UInt32) -> UInt8 {
        UInt8(truncatingIfNeeded: (mode & FileMode.S_IFMT) >> 12)
    }

    public var d_ino: UInt64
    /// An opaque cookie: passing it to lseek resumes the listing after this entry.
    public var d_off: Int64
    public var d_type: UInt8
    /// The name's bytes, without a NUL.
    public var d_name: [UInt8]

    public init(d_ino: UInt64, d_off: Int64, d_type: UInt8, d_name: [UInt8]) {
        self.d_ino = d_ino
        self.d_off = d_off
        self.d_type = d_type
        self.d_name = d_name
    }

    /// d_reclen: header, name and NUL, rounded up to 8 bytes.
    public var d_reclen: Int { (Self.nameOffset + d_name.count + 1 + 7) & ~7 }

    /// The record's fixed head; the name, its NUL and padding follow at `nameOffset`.
    public var head: LinuxDirent64 {
        LinuxDirent64(d_ino: d_ino, d_off: d_off, d_reclen: UInt16(d_reclen), d_type: d_type)
    }

    /// The name, its NUL and the zeros up to `d_reclen`.
    public var nameAndPadding: [UInt8] {
        d_name + [UInt8](repeating: 0, count: d_reclen - Self.nameOffset - d_name.count)
    }
}

/// fallocate(2)'s modes (Linux: include/uapi/linux/falloc.h); 0 allocates
/// and extends the size.
public struct FallocateMode: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// Allocate without changing the size.
    public static let FALLOC_FL_KEEP_SIZE = FallocateMode(rawValue: 0x01)
    /// Free the range, which then reads as zeros (with KEEP_SIZE only).
    public static let FALLOC_FL_PUNCH_HOLE = FallocateMode(rawValue: 0x02)
    public static let FALLOC_FL_COLLAPSE_RANGE = FallocateMode(rawValue: 0x08)
    public static let FALLOC_FL_ZERO_RANGE = FallocateMode(rawValue: 0x10)
    public static let FALLOC_FL_INSERT_RANGE = FallocateMode(rawValue: 0x20)
    public static let FALLOC_FL_UNSHARE_RANGE = FallocateMode(rawValue: 0x40)
    /// Every mode Linux knows (FALLOC_FL_SUPPORTED_MASK).
    public static let supported: FallocateMode = [
        .FALLOC_FL_KEEP_SIZE, .FALLOC_FL_PUNCH_HOLE, .FALLOC_FL_COLLAPSE_RANGE, .FALLOC_FL_ZERO_RANGE,
        .FALLOC_FL_INSERT_RANGE, .FALLOC_FL_UNSHARE_RANGE,
    ]
}
