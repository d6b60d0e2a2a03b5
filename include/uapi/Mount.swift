// The numbers of mount(2) and umount2(2). Linux: include/uapi/linux/mount.h
// and include/linux/fs.h (MNT_* of umount2).

/// mount(2)'s `mountflags` (Linux: MS_*). The upper 16 bits may hold the
/// old magic MS_MGC_VAL, which the call strips.
public struct MountFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public static let MS_RDONLY = MountFlags(rawValue: 1)
    public static let MS_NOSUID = MountFlags(rawValue: 2)
    public static let MS_NODEV = MountFlags(rawValue: 4)
    public static let MS_NOEXEC = MountFlags(rawValue: 8)
    public static let MS_SYNCHRONOUS = MountFlags(rawValue: 16)
    public static let MS_REMOUNT = MountFlags(rawValue: 32)
    public static let MS_MANDLOCK = MountFlags(rawValue: 64)
    public static let MS_DIRSYNC = MountFlags(rawValue: 128)
    public static let MS_NOSYMFOLLOW = MountFlags(rawValue: 256)
    public static let MS_NOATIME = MountFlags(rawValue: 1024)
    public static let MS_NODIRATIME = MountFlags(rawValue: 2048)
    public static let MS_BIND = MountFlags(rawValue: 4096)
    public static let MS_MOVE = MountFlags(rawValue: 8192)
    public static let MS_REC = MountFlags(rawValue: 16384)
    public static let MS_SILENT = MountFlags(rawValue: 32768)
    public static let MS_POSIXACL = MountFlags(rawValue: 1 << 16)
    public static let MS_UNBINDABLE = MountFlags(rawValue: 1 << 17)
    public static let MS_PRIVATE = MountFlags(rawValue: 1 << 18)
    public static let MS_SLAVE = MountFlags(rawValue: 1 << 19)
    public static let MS_SHARED = MountFlags(rawValue: 1 << 20)
    public static let MS_RELATIME = MountFlags(rawValue: 1 << 21)
    public static let MS_STRICTATIME = MountFlags(rawValue: 1 << 24)
    public static let MS_LAZYTIME = MountFlags(rawValue: 1 << 25)

    /// The old magic in the upper half (Linux: MS_MGC_VAL, MS_MGC_MSK).
    public static let MS_MGC_VAL: UInt64 = 0xC0ED_0000
    public static let MS_MGC_MSK: UInt64 = 0xFFFF_0000

    /// The propagation types (Linux: MS_PROPAGATION's members).
    public static let propagation: MountFlags = [.MS_SHARED, .MS_PRIVATE, .MS_SLAVE, .MS_UNBINDABLE]
}

/// umount2(2)'s `flags` (Linux: MNT_FORCE, MNT_DETACH, MNT_EXPIRE,
/// UMOUNT_NOFOLLOW).
public struct UnmountFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let MNT_FORCE = UnmountFlags(rawValue: 1)
    public static let MNT_DETACH = UnmountFlags(rawValue: 2)
    public static let MNT_EXPIRE = UnmountFlags(rawValue: 4)
    public static let UMOUNT_NOFOLLOW = UnmountFlags(rawValue: 8)
}
