/// statfs(2)'s answer is C (include/uapi/linux/statfs.h); its flag and the
/// file system magic numbers are here.
extension Statfs {
    /// ST_VALID: f_flags is filled in (Linux always sets it).
    public static let ST_VALID: Int64 = 0x0020
    /// The mount's flags as f_flags reports them (Linux: ST_* of
    /// include/linux/statfs.h, which calculate_f_flags fills in).
    public static let ST_RDONLY: Int64 = 0x0001
    public static let ST_NOSUID: Int64 = 0x0002
    public static let ST_NODEV: Int64 = 0x0004
    public static let ST_NOEXEC: Int64 = 0x0008
    public static let ST_NOATIME: Int64 = 0x0400
    public static let ST_NODIRATIME: Int64 = 0x0800
    public static let ST_RELATIME: Int64 = 0x1000
}

/// Filesystem magic numbers, as statfs reports them in f_type.
/// Linux: include/uapi/linux/magic.h.
public enum FilesystemMagic {
    public static let RAMFS_MAGIC: Int64 = 0x8584_58f6
    public static let PIPEFS_MAGIC: Int64 = 0x5049_5045
    public static let TMPFS_MAGIC: Int64 = 0x0102_1994
    public static let PROC_SUPER_MAGIC: Int64 = 0x9fa0
    public static let SYSFS_MAGIC: Int64 = 0x6265_6572
    public static let ANON_INODE_FS_MAGIC: Int64 = 0x0904_1934
    public static let MQUEUE_MAGIC: Int64 = 0x1980_0202
}
