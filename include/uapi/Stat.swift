/// The bits of `st_mode`: a file type in the top four bits, then set-ID
/// and sticky bits, then read/write/execute for owner, group and others.
/// Linux: include/uapi/linux/stat.h. The values are octal, as Unix has
/// always written them.
public enum FileMode {
    // MARK: File type (one value of the S_IFMT field, not independent bits)

    /// Mask selecting the file type field.
    public static let S_IFMT: UInt32 = 0o170000
    public static let S_IFSOCK: UInt32 = 0o140000
    public static let S_IFLNK: UInt32 = 0o120000
    public static let S_IFREG: UInt32 = 0o100000
    public static let S_IFBLK: UInt32 = 0o060000
    public static let S_IFDIR: UInt32 = 0o040000
    public static let S_IFCHR: UInt32 = 0o020000
    public static let S_IFIFO: UInt32 = 0o010000

    // MARK: Set-user-ID, set-group-ID, sticky

    public static let S_ISUID: UInt32 = 0o4000
    public static let S_ISGID: UInt32 = 0o2000
    public static let S_ISVTX: UInt32 = 0o1000

    // MARK: Permissions

    public static let S_IRWXU: UInt32 = 0o700
    public static let S_IRUSR: UInt32 = 0o400
    public static let S_IWUSR: UInt32 = 0o200
    public static let S_IXUSR: UInt32 = 0o100
    public static let S_IRWXG: UInt32 = 0o070
    public static let S_IRGRP: UInt32 = 0o040
    public static let S_IWGRP: UInt32 = 0o020
    public static let S_IXGRP: UInt32 = 0o010
    public static let S_IRWXO: UInt32 = 0o007
    public static let S_IROTH: UInt32 = 0o004
    public static let S_IWOTH: UInt32 = 0o002
    public static let S_IXOTH: UInt32 = 0o001
    /// All nine permission bits (what `chmod 777` sets).
    public static let permissionBits: UInt32 = 0o777

    /// The type field of `mode`, to compare with S_IFREG, S_IFDIR, ...
    /// (Linux's S_ISREG(m) is `fileType(m) == S_IFREG`).
    public static func fileType(_ mode: UInt32) -> UInt32 { mode & S_IFMT }
}

/// A device number as stat(2) reports it in st_dev and st_rdev.
/// Linux: new_encode_dev in include/linux/kdev_t.h (used by cp_new_stat).
///
/// The layout keeps the old 8-bit major/8-bit minor encoding valid: minor's
/// low byte stays in bits 0-7 and major starts at bit 8; the high minor bits
/// move above major, to bit 20. glibc's major()/minor() undo exactly this.
public enum DeviceNumber {
    public static func encode(major: UInt32, minor: UInt32) -> UInt64 {
        UInt64((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12))
    }

    /// The major number of an encoded device (Linux: new_decode_dev).
    public static func major(_ device: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (device & 0xfff00) >> 8)
    }

    /// The minor number of an encoded device.
    public static func minor(_ device: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (device & 0xff) | ((device >> 12) & 0xfff00))
    }
}

extension StatxTimestamp {
    public init(tv_sec: Int64, tv_nsec: UInt32) {
        self.init(tv_sec: tv_sec, tv_nsec: tv_nsec, __reserved: 0)
    }
}

/// The bits of statx's `mask` argument and `stx_mask` result: which fields
/// were asked for, and which the kernel actually filled in.
/// Linux: include/uapi/linux/stat.h.
public struct StatxMask: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let STATX_TYPE = StatxMask(rawValue: 0x0000_0001)
    public static let STATX_MODE = StatxMask(rawValue: 0x0000_0002)
    public static let STATX_NLINK = StatxMask(rawValue: 0x0000_0004)
    public static let STATX_UID = StatxMask(rawValue: 0x0000_0008)
    public static let STATX_GID = StatxMask(rawValue: 0x0000_0010)
    public static let STATX_ATIME = StatxMask(rawValue: 0x0000_0020)
    public static let STATX_MTIME = StatxMask(rawValue: 0x0000_0040)
    public static let STATX_CTIME = StatxMask(rawValue: 0x0000_0080)
    public static let STATX_INO = StatxMask(rawValue: 0x0000_0100)
    public static let STATX_SIZE = StatxMask(rawValue: 0x0000_0200)
    public static let STATX_BLOCKS = StatxMask(rawValue: 0x0000_0400)
    /// Everything `struct stat` carries: the eleven bits above.
    public static let STATX_BASIC_STATS = StatxMask(rawValue: 0x0000_07ff)
    public static let STATX_BTIME = StatxMask(rawValue: 0x0000_0800)
    public static let STATX_MNT_ID = StatxMask(rawValue: 0x0000_1000)
    public static let STATX_DIOALIGN = StatxMask(rawValue: 0x0000_2000)
    public static let STATX_MNT_ID_UNIQUE = StatxMask(rawValue: 0x0000_4000)
    public static let STATX_SUBVOL = StatxMask(rawValue: 0x0000_8000)
    public static let STATX_WRITE_ATOMIC = StatxMask(rawValue: 0x0001_0000)
    public static let STATX_DIO_READ_ALIGN = StatxMask(rawValue: 0x0002_0000)
    /// Reserved for a future larger struct statx; asking for it is EINVAL.
    public static let STATX__RESERVED = StatxMask(rawValue: 0x8000_0000)
}
