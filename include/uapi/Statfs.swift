/// `struct statfs` for x86-64: the answer to statfs(2) and fstatfs(2).
/// Linux: include/uapi/asm-generic/statfs.h with 64-bit `__statfs_word`,
/// filled by vfs_statfs in fs/statfs.c. 120 bytes.
public struct Statfs: ByteLayout, Sendable {
    public static let size = 120

    /// The filesystem's magic number (`FilesystemMagic`).
    public var f_type: Int64 = 0
    /// The optimal transfer size.
    public var f_bsize: Int64 = 0
    /// Totals in f_frsize units; zero for filesystems without a size (ramfs).
    public var f_blocks: UInt64 = 0
    public var f_bfree: UInt64 = 0
    public var f_bavail: UInt64 = 0
    public var f_files: UInt64 = 0
    public var f_ffree: UInt64 = 0
    /// Two 32-bit words naming the filesystem instance.
    public var f_fsid: (Int32, Int32) = (0, 0)
    /// The longest file name.
    public var f_namelen: Int64 = 0
    /// The fragment size, what the block counts count.
    public var f_frsize: Int64 = 0
    /// Mount flags (`ST_*`).
    public var f_flags: Int64 = 0

    /// ST_VALID: f_flags is filled in (Linux always sets it).
    public static let ST_VALID: Int64 = 0x0020

    /// All fields zero; callers fill in what they know.
    public init() {}

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeZeros(count: Self.size, at: offset)  // f_spare[4]
        buffer.storeLittleEndian(f_type, at: offset + 0)
        buffer.storeLittleEndian(f_bsize, at: offset + 8)
        buffer.storeLittleEndian(f_blocks, at: offset + 16)
        buffer.storeLittleEndian(f_bfree, at: offset + 24)
        buffer.storeLittleEndian(f_bavail, at: offset + 32)
        buffer.storeLittleEndian(f_files, at: offset + 40)
        buffer.storeLittleEndian(f_ffree, at: offset + 48)
        buffer.storeLittleEndian(f_fsid.0, at: offset + 56)
        buffer.storeLittleEndian(f_fsid.1, at: offset + 60)
        buffer.storeLittleEndian(f_namelen, at: offset + 64)
        buffer.storeLittleEndian(f_frsize, at: offset + 72)
        buffer.storeLittleEndian(f_flags, at: offset + 80)
    }
}

/// Filesystem magic numbers, as statfs reports them in f_type.
/// Linux: include/uapi/linux/magic.h.
public enum FilesystemMagic {
    public static let RAMFS_MAGIC: Int64 = 0x8584_58f6
    public static let PIPEFS_MAGIC: Int64 = 0x5049_5045
}
