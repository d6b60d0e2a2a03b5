/// One block group's descriptor (Linux: struct ext2_group_desc): where the
/// group's block bitmap, inode bitmap and inode table are, and its free and
/// directory counts. The descriptors form a table of 32-byte entries in the
/// blocks after the superblock (or, with META_BG, spread over meta groups:
/// `Ext2Superblock.descriptorBlockLocation`).
public struct Ext2GroupDescriptor: Equatable, Sendable {
    public static let size = 32

    public var blockBitmap: UInt32  // bg_block_bitmap
    public var inodeBitmap: UInt32  // bg_inode_bitmap
    public var inodeTable: UInt32  // bg_inode_table
    public var freeBlocksCount: UInt16  // bg_free_blocks_count
    public var freeInodesCount: UInt16  // bg_free_inodes_count
    public var usedDirectoriesCount: UInt16  // bg_used_dirs_count

    public init(
        blockBitmap: UInt32, inodeBitmap: UInt32, inodeTable: UInt32, freeBlocksCount: UInt16,
        freeInodesCount: UInt16, usedDirectoriesCount: UInt16
    ) {
        self.blockBitmap = blockBitmap
        self.inodeBitmap = inodeBitmap
        self.inodeTable = inodeTable
        self.freeBlocksCount = freeBlocksCount
        self.freeInodesCount = freeInodesCount
        self.usedDirectoriesCount = usedDirectoriesCount
    }

    /// Decodes the descriptor at `offset` of a descriptor-table block; the
    /// caller passes an offset with `size` bytes after it.
    public init(parsing bytes: [UInt8], at offset: Int) {
        blockBitmap = bytes.loadLittleEndian(UInt32.self, at: offset)
        inodeBitmap = bytes.loadLittleEndian(UInt32.self, at: offset + 4)
        inodeTable = bytes.loadLittleEndian(UInt32.self, at: offset + 8)
        freeBlocksCount = bytes.loadLittleEndian(UInt16.self, at: offset + 12)
        freeInodesCount = bytes.loadLittleEndian(UInt16.self, at: offset + 14)
        usedDirectoriesCount = bytes.loadLittleEndian(UInt16.self, at: offset + 16)
    }

    /// Writes the descriptor at `offset`; the padding and reserved words
    /// after the counts are left as they are.
    public func store(into bytes: inout [UInt8], at offset: Int) {
        bytes.storeLittleEndian(blockBitmap, at: offset)
        bytes.storeLittleEndian(inodeBitmap, at: offset + 4)
        bytes.storeLittleEndian(inodeTable, at: offset + 8)
        bytes.storeLittleEndian(freeBlocksCount, at: offset + 12)
        bytes.storeLittleEndian(freeInodesCount, at: offset + 14)
        bytes.storeLittleEndian(usedDirectoriesCount, at: offset + 16)
    }

    /// Linux's ext2_check_descriptors for one group of a validated
    /// superblock: both bitmaps and the whole inode table inside the group's
    /// blocks (the last group ends at the last block of the file system, so
    /// nothing points past the device), and counts no larger than the group.
    public func validate(group: UInt32, in superblock: Ext2Superblock) throws(Ext2Error) {
        let first = UInt64(superblock.firstBlock(ofGroup: group))
        let last = UInt64(superblock.lastBlock(ofGroup: group))
        let range = first...last
        let tableEnd = UInt64(inodeTable) + UInt64(superblock.inodeTableBlocksPerGroup) - 1
        guard range.contains(UInt64(blockBitmap)), range.contains(UInt64(inodeBitmap)),
            range.contains(UInt64(inodeTable)), range.contains(tableEnd),
            UInt64(freeBlocksCount) <= last - first + 1,
            UInt32(freeInodesCount) <= superblock.inodesPerGroup,
            UInt32(usedDirectoriesCount) <= superblock.inodesPerGroup
        else { throw .descriptorOutOfRange(group: group) }
    }
}
