/// statfs(2)'s answer is C (include/uapi/linux/statfs.h); its flag and the
/// file system magic numbers are here.
extension Statfs {
    /// ST_VALID: f_flags is filled in (Linux always sets it).
    public static let ST_VALID: Int64 = 0x0020
}

/// Filesystem magic numbers, as statfs reports them in f_type.
/// Linux: include/uapi/linux/magic.h.
public enum FilesystemMagic {
    public static let RAMFS_MAGIC: Int64 = 0x8584_58f6
    public static let PIPEFS_MAGIC: Int64 = 0x5049_5045
}
