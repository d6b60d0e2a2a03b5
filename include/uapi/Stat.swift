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

/// `struct stat` for x86-64: the answer to stat, fstat, lstat and newfstatat.
/// Linux: arch/x86/include/uapi/asm/stat.h (the non-i386 branch), filled
/// by cp_new_stat in fs/stat.c. 144 bytes.
///
/// Linux's header spells each time as two fields, st_atime and
/// st_atime_nsec; the pair is exactly a `struct timespec`, which is how
/// POSIX names it (st_atim) and how it is held here (`Timespec`, in
/// SystemInfo.swift).
public struct Stat: ByteLayout, Sendable {
    public static let size = 144

    public var st_dev: UInt64 = 0
    public var st_ino: UInt64 = 0
    public var st_nlink: UInt64 = 0
    public var st_mode: UInt32 = 0
    public var st_uid: UInt32 = 0
    public var st_gid: UInt32 = 0
    public var st_rdev: UInt64 = 0
    public var st_size: Int64 = 0
    public var st_blksize: Int64 = 0
    /// Allocated space in 512-byte units, whatever the file system's block size.
    public var st_blocks: Int64 = 0
    public var st_atim = Timespec()
    public var st_mtim = Timespec()
    public var st_ctim = Timespec()

    /// All fields zero; callers fill in what they know.
    public init() {}

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeZeros(count: Self.size, at: offset)  // __pad0 and __unused[3]
        buffer.storeLittleEndian(st_dev, at: offset + 0)
        buffer.storeLittleEndian(st_ino, at: offset + 8)
        buffer.storeLittleEndian(st_nlink, at: offset + 16)
        buffer.storeLittleEndian(st_mode, at: offset + 24)
        buffer.storeLittleEndian(st_uid, at: offset + 28)
        buffer.storeLittleEndian(st_gid, at: offset + 32)
        buffer.storeLittleEndian(st_rdev, at: offset + 40)
        buffer.storeLittleEndian(st_size, at: offset + 48)
        buffer.storeLittleEndian(st_blksize, at: offset + 56)
        buffer.storeLittleEndian(st_blocks, at: offset + 64)
        st_atim.write(into: &buffer, at: offset + 72)
        st_mtim.write(into: &buffer, at: offset + 88)
        st_ctim.write(into: &buffer, at: offset + 104)
    }
}

/// One statx time: unlike timespec, 32-bit nanoseconds and a reserved word.
/// Linux: struct statx_timestamp in include/uapi/linux/stat.h. 16 bytes.
public struct StatxTimestamp: ByteLayout, Sendable {
    public static let size = 16

    public var tv_sec: Int64
    public var tv_nsec: UInt32

    public init(tv_sec: Int64 = 0, tv_nsec: UInt32 = 0) {
        self.tv_sec = tv_sec
        self.tv_nsec = tv_nsec
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeLittleEndian(tv_sec, at: offset)
        buffer.storeLittleEndian(tv_nsec, at: offset + 8)
        buffer.storeZeros(count: 4, at: offset + 12)  // __reserved
    }
}

/// `struct statx`, the extensible stat: the caller asks for fields with a
/// STATX_* mask and `stx_mask` says which ones the kernel filled.
/// Linux: include/uapi/linux/stat.h. 256 bytes, the tail kept spare for
/// fields yet to come.
public struct Statx: ByteLayout, Sendable {
    public static let size = 256

    public var stx_mask: UInt32 = 0
    public var stx_blksize: UInt32 = 0
    public var stx_attributes: UInt64 = 0
    public var stx_nlink: UInt32 = 0
    public var stx_uid: UInt32 = 0
    public var stx_gid: UInt32 = 0
    /// 16 bits here, unlike st_mode: the type and permission bits fit.
    public var stx_mode: UInt16 = 0
    public var stx_ino: UInt64 = 0
    public var stx_size: UInt64 = 0
    public var stx_blocks: UInt64 = 0
    public var stx_attributes_mask: UInt64 = 0
    public var stx_atime = StatxTimestamp()
    public var stx_btime = StatxTimestamp()
    public var stx_ctime = StatxTimestamp()
    public var stx_mtime = StatxTimestamp()
    /// Device numbers come split in two, unlike st_dev's packed encoding.
    public var stx_rdev_major: UInt32 = 0
    public var stx_rdev_minor: UInt32 = 0
    public var stx_dev_major: UInt32 = 0
    public var stx_dev_minor: UInt32 = 0
    public var stx_mnt_id: UInt64 = 0
    public var stx_dio_mem_align: UInt32 = 0
    public var stx_dio_offset_align: UInt32 = 0
    public var stx_subvol: UInt64 = 0
    public var stx_atomic_write_unit_min: UInt32 = 0
    public var stx_atomic_write_unit_max: UInt32 = 0
    public var stx_atomic_write_segments_max: UInt32 = 0
    public var stx_dio_read_offset_align: UInt32 = 0
    public var stx_atomic_write_unit_max_opt: UInt32 = 0

    /// All fields zero; callers fill in what they know and say so in stx_mask.
    public init() {}

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeZeros(count: Self.size, at: offset)  // __spare0, __spare2, __spare3
        buffer.storeLittleEndian(stx_mask, at: offset + 0x00)
        buffer.storeLittleEndian(stx_blksize, at: offset + 0x04)
        buffer.storeLittleEndian(stx_attributes, at: offset + 0x08)
        buffer.storeLittleEndian(stx_nlink, at: offset + 0x10)
        buffer.storeLittleEndian(stx_uid, at: offset + 0x14)
        buffer.storeLittleEndian(stx_gid, at: offset + 0x18)
        buffer.storeLittleEndian(stx_mode, at: offset + 0x1c)
        buffer.storeLittleEndian(stx_ino, at: offset + 0x20)
        buffer.storeLittleEndian(stx_size, at: offset + 0x28)
        buffer.storeLittleEndian(stx_blocks, at: offset + 0x30)
        buffer.storeLittleEndian(stx_attributes_mask, at: offset + 0x38)
        stx_atime.write(into: &buffer, at: offset + 0x40)
        stx_btime.write(into: &buffer, at: offset + 0x50)
        stx_ctime.write(into: &buffer, at: offset + 0x60)
        stx_mtime.write(into: &buffer, at: offset + 0x70)
        buffer.storeLittleEndian(stx_rdev_major, at: offset + 0x80)
        buffer.storeLittleEndian(stx_rdev_minor, at: offset + 0x84)
        buffer.storeLittleEndian(stx_dev_major, at: offset + 0x88)
        buffer.storeLittleEndian(stx_dev_minor, at: offset + 0x8c)
        buffer.storeLittleEndian(stx_mnt_id, at: offset + 0x90)
        buffer.storeLittleEndian(stx_dio_mem_align, at: offset + 0x98)
        buffer.storeLittleEndian(stx_dio_offset_align, at: offset + 0x9c)
        buffer.storeLittleEndian(stx_subvol, at: offset + 0xa0)
        buffer.storeLittleEndian(stx_atomic_write_unit_min, at: offset + 0xa8)
        buffer.storeLittleEndian(stx_atomic_write_unit_max, at: offset + 0xac)
        buffer.storeLittleEndian(stx_atomic_write_segments_max, at: offset + 0xb0)
        buffer.storeLittleEndian(stx_dio_read_offset_align, at: offset + 0xb4)
        buffer.storeLittleEndian(stx_atomic_write_unit_max_opt, at: offset + 0xb8)
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
