import ABI

/// Why ext2's on-disk code refused a structure. Linux's ext2 logs these with
/// ext2_msg()/ext2_error() and fails the mount (EINVAL) or the operation
/// (EIO, EUCLEAN: fs/ext2 calls it EFSCORRUPTED); `errno` gives the same
/// answers, so the kernel's file system can return it unchanged. Every length,
/// count and block number comes from the disk and is untrusted: each check
/// that fails ends here, never in a trap.
public enum Ext2Error: Error, Equatable, Sendable {
    // The superblock (ext2_fill_super).
    /// `s_magic` is not 0xEF53: not an ext2 file system at all.
    case badMagic(UInt16)
    /// `s_log_block_size` gives a block size above 64 KiB.
    case badBlockSize(UInt32)
    /// `s_log_frag_size` differs from the block size (fragments were never implemented).
    case fragmentSizeMismatch(UInt32)
    /// `s_inode_size` is below 128, not a power of two, or above the block size.
    case badInodeSize(UInt16)
    /// `s_first_ino` names an inode below 11 or past the inode count.
    case badFirstInode(UInt32)
    /// Blocks per group is zero or more than one bitmap block can describe.
    case badBlocksPerGroup(UInt32)
    /// Inodes per group is below an inode table block's worth or above one bitmap block.
    case badInodesPerGroup(UInt32)
    /// `s_first_data_block` is not 1 for 1 KiB blocks and 0 for larger ones,
    /// or the block count leaves no block after it.
    case badFirstDataBlock(UInt32)
    /// `s_inodes_count` is not groups × inodes per group.
    case badInodeCount(UInt32)
    /// A free count exceeds its total.
    case badFreeCount
    /// `s_blocks_count` is past the end of the device (Linux: "bad geometry").
    case blockCountExceedsDevice(blocks: UInt32, deviceBlocks: UInt64)
    /// An incompatible feature this code does not implement is set: the
    /// file system cannot be mounted at all.
    case unsupportedIncompatibleFeatures(UInt32)
    /// A read-only-compatible feature this code does not implement is set:
    /// the file system can be mounted only read-only.
    case unsupportedReadOnlyFeatures(UInt32)

    /// `s_rev_level` is above 1: only a read-only mount is allowed.
    case revisionTooHigh(UInt32)

    // Group descriptors (ext2_check_descriptors).
    /// A group's block bitmap, inode bitmap or inode table lies outside the group.
    case descriptorOutOfRange(group: UInt32)

    // Inodes (ext2_iget).
    /// An inode number that is 0, reserved (below `s_first_ino`, other than
    /// the root) where a file was expected, or past `s_inodes_count`.
    case badInodeNumber(UInt32)
    /// The inode is free (no links and no mode, or a deletion time): a stale reference.
    case staleInode(UInt32)
    /// A symbolic link's stored length does not fit where it is kept.
    case badSymlink(UInt32)

    // Directories (ext2_check_folio).
    /// A directory's size is not a multiple of the block size.
    case badDirectorySize(UInt64)
    /// A record at `offset` of a directory block has a length below 12,
    /// not a multiple of four, too small for its name, or crossing the block.
    case badRecordLength(offset: Int)
    /// A record at `offset` names an inode past `s_inodes_count`.
    case directoryInodeOutOfRange(offset: Int)
    /// A live record at `offset` has an empty name or an unknown file type.
    case badDirectoryEntry(offset: Int)
    /// A name to insert is empty, longer than 255 bytes, or holds '/' or NUL.
    case badName
    /// The name to insert is already in the block (EEXIST).
    case nameExists

    // Block pointers (ext2_get_branch, ext2_data_block_valid).
    /// A logical block past what the triple-indirect tree can map.
    case blockTooBig(UInt64)
    /// A block pointer outside `s_first_data_block ..< s_blocks_count`.
    case blockOutOfRange(UInt32)
    /// An indirect block that is its own ancestor on the walk: a loop.
    case indirectLoop(UInt32)

    /// Reading the device failed.
    case readFailed(Errno)

    /// The errno a system call reports: EINVAL when the mount is refused
    /// (not ext2, features it cannot handle, or a read-write mount that only
    /// read-only would allow), EEXIST and EINVAL for names, ESTALE for a freed inode,
    /// EFBIG for a block past the largest file, the read's own error, and
    /// EUCLEAN (Linux's EFSCORRUPTED) for anything else the disk got wrong.
    public var errno: Errno {
        switch self {
        case .badMagic, .badBlockSize, .fragmentSizeMismatch, .unsupportedIncompatibleFeatures,
            .blockCountExceedsDevice, .unsupportedReadOnlyFeatures, .revisionTooHigh:
            return .EINVAL
        case .staleInode: return .ESTALE
        case .nameExists: return .EEXIST
        case .badName: return .EINVAL
        case .blockTooBig: return .EFBIG
        case .readFailed(let error): return error
        case .badInodeSize, .badFirstInode, .badBlocksPerGroup, .badInodesPerGroup, .badFirstDataBlock,
            .badInodeCount, .badFreeCount, .descriptorOutOfRange, .badInodeNumber, .badSymlink,
            .badDirectorySize, .badRecordLength, .directoryInodeOutOfRange, .badDirectoryEntry,
            .blockOutOfRange, .indirectLoop:
            return .EUCLEAN
        }
    }
}
