import ABI

/// The file type byte of a directory record (Linux: EXT2_FT_*, written when
/// the FILETYPE feature is on), so `readdir` can report d_type without
/// reading each inode.
public enum Ext2FileType: UInt8, Sendable {
    case unknown = 0
    case regular = 1
    case directory = 2
    case characterDevice = 3
    case blockDevice = 4
    case fifo = 5
    case socket = 6
    case symbolicLink = 7

    /// The type of a file of mode `mode` (ext2_set_de_type, fs_umode_to_ftype).
    public init(mode: UInt32) {
        switch FileMode.fileType(mode) {
        case FileMode.S_IFREG: self = .regular
        case FileMode.S_IFDIR: self = .directory
        case FileMode.S_IFCHR: self = .characterDevice
        case FileMode.S_IFBLK: self = .blockDevice
        case FileMode.S_IFIFO: self = .fifo
        case FileMode.S_IFSOCK: self = .socket
        case FileMode.S_IFLNK: self = .symbolicLink
        default: self = .unknown
        }
    }

    /// The d_type getdents64 reports (fs_ftype_to_dtype).
    public var direntType: UInt8 {
        switch self {
        case .unknown: Dirent64.DT_UNKNOWN
        case .regular: Dirent64.DT_REG
        case .directory: Dirent64.DT_DIR
        case .characterDevice: Dirent64.DT_CHR
        case .blockDevice: Dirent64.DT_BLK
        case .fifo: Dirent64.DT_FIFO
        case .socket: Dirent64.DT_SOCK
        case .symbolicLink: Dirent64.DT_LNK
        }
    }
}
