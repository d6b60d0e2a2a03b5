/// One member of a newc cpio archive: its header fields and where its data
/// is (Linux: the variables parse_header() fills in init/initramfs.c; the
/// format is in Documentation/driver-api/early-userspace/buffer-format.rst).
/// The data is not copied: `data` locates it in the archive.
public struct CpioEntry: Equatable, Sendable {
    /// The path, without its terminating NUL. Linux creates it relative to
    /// the root, as written.
    public let name: [UInt8]
    public let fileType: CpioFileType
    /// The whole `st_mode`: file type and permission bits.
    public let mode: UInt32
    public let userID: UInt32
    public let groupID: UInt32
    /// How many names the file has; more than one makes it a hard link.
    public let linkCount: UInt32
    /// Seconds since the epoch (Linux restores it, "breaks in y2106").
    public let modificationTime: UInt32
    /// The inode number on the file system the archive was made from. It
    /// means nothing on its own; equal numbers identify hard links.
    public let inode: UInt32
    /// The device of that file system, also only for matching hard links.
    public let devMajor: UInt32
    public let devMinor: UInt32
    /// For a character or block device: the device it stands for.
    public let rdevMajor: UInt32
    public let rdevMinor: UInt32
    /// Where the file's bytes are in the archive: a regular file's contents,
    /// a symbolic link's target. May be empty.
    public let data: Range<Int>
    /// The crc format's sum of the data bytes, `nil` for plain newc.
    public let checksum: UInt32?
    /// Where the entry's header starts in the input.
    public let headerOffset: Int
    /// Which archive of a concatenated initramfs the entry is in, from 0.
    public let archiveIndex: Int

    /// The permission bits, set-ID and sticky bits included.
    public var permissions: UInt32 { mode & 0o7777 }

    /// What identifies the entry's file among hard links, or `nil` if it has
    /// only one name or is a kind Linux never links (directories, symbolic
    /// links). See `CpioHardLinkKey`.
    public var hardLinkKey: CpioHardLinkKey? {
        guard linkCount >= 2, fileType != .directory, fileType != .symbolicLink else {
            return nil
        }
        return CpioHardLinkKey(
            archiveIndex: archiveIndex, devMajor: devMajor, devMinor: devMinor,
            inode: inode, fileType: fileType)
    }
}

/// The file type bits of `mode` (Linux: S_IFMT and the S_IF* values of
/// include/uapi/linux/stat.h), the kinds of file an initramfs can create.
public enum CpioFileType: UInt32, Sendable {
    case fifo = 0o010000
    case characterDevice = 0o020000
    case directory = 0o040000
    case blockDevice = 0o060000
    case regular = 0o100000
    /// The target path is the entry's data.
    case symbolicLink = 0o120000
    case socket = 0o140000

    /// S_IFMT: the bits of `mode` that hold the type.
    static let mask: UInt32 = 0o170000

    init?(mode: UInt32) {
        self.init(rawValue: mode & Self.mask)
    }
}

/// Entries with equal keys are names of one file (Linux: find_link() in
/// init/initramfs.c compares the same fields). Archivers write the data
/// once, with the last name, and size 0 with the others; so the first
/// entry of a key creates the file, every later one becomes a hard link to
/// it, and whichever carries data writes it into the shared file without
/// truncating. Linux forgets all names at each "TRAILER!!!", which is why
/// the archive's index is part of the key.
public struct CpioHardLinkKey: Equatable, Sendable {
    public let archiveIndex: Int
    public let devMajor: UInt32
    public let devMinor: UInt32
    public let inode: UInt32
    public let fileType: CpioFileType
}
