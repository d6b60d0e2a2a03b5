import ABI

/// The ext2 superblock (Linux: struct ext2_super_block, include/linux/ext2_fs.h
/// and fs/ext2/ext2.h): 1024 bytes at byte 1024 of the device, whatever the
/// block size, describing the whole file system. Each field Linux's ext2
/// reads is here under a Swift name, with the C name beside it.
///
/// `init(parsing:)` only decodes; `validate(deviceBlocks:)` applies the
/// checks of ext2_fill_super, so that a damaged superblock is refused before
/// any of its numbers is used to find a block. `store(into:)` writes back the
/// fields the kernel changes while mounted (free counts, times, mount count,
/// state), leaving every other byte as it was read.
public struct Ext2Superblock: Equatable, Sendable {
    /// Byte offset of the superblock on the device (the first 1024 bytes are
    /// left for a boot loader).
    public static let offset = 1024
    public static let size = 1024
    public static let magic: UInt16 = 0xEF53  // EXT2_SUPER_MAGIC
    /// Revision 0 has fixed 128-byte inodes, first inode 11 and no feature words.
    public static let goodOldRevision: UInt32 = 0  // EXT2_GOOD_OLD_REV
    public static let dynamicRevision: UInt32 = 1  // EXT2_DYNAMIC_REV
    public static let goodOldInodeSize = 128  // EXT2_GOOD_OLD_INODE_SIZE
    public static let goodOldFirstInode: UInt32 = 11  // EXT2_GOOD_OLD_FIRST_INO
    public static let rootInode: UInt32 = 2  // EXT2_ROOT_INO
    /// `s_state` bits: cleanly unmounted, and errors detected.
    public static let validState: UInt16 = 1  // EXT2_VALID_FS
    public static let errorState: UInt16 = 2  // EXT2_ERROR_FS
    /// The mount count between checks that a zero `s_max_mnt_count` becomes.
    public static let defaultMaxMountCount: UInt16 = 20  // EXT2_DFL_MAX_MNT_COUNT
    /// 64 KiB: log2 of the largest block size (EXT2_MAX_BLOCK_LOG_SIZE).
    public static let maxBlockSizeShift = 16

    public var inodesCount: UInt32  // s_inodes_count
    public var blocksCount: UInt32  // s_blocks_count
    public var reservedBlocksCount: UInt32  // s_r_blocks_count
    public var freeBlocksCount: UInt32  // s_free_blocks_count
    public var freeInodesCount: UInt32  // s_free_inodes_count
    public var firstDataBlock: UInt32  // s_first_data_block
    public var logBlockSize: UInt32  // s_log_block_size
    public var logFragmentSize: UInt32  // s_log_frag_size
    public var blocksPerGroup: UInt32  // s_blocks_per_group
    public var fragmentsPerGroup: UInt32  // s_frags_per_group
    public var inodesPerGroup: UInt32  // s_inodes_per_group
    public var mountTime: UInt32  // s_mtime
    public var writeTime: UInt32  // s_wtime
    public var mountCount: UInt16  // s_mnt_count
    /// Signed on disk: -1 disables the count check.
    public var maxMountCount: UInt16  // s_max_mnt_count
    public var magic: UInt16  // s_magic
    public var state: UInt16  // s_state
    /// What to do on an error: 1 continue, 2 remount read-only, 3 panic.
    public var errors: UInt16  // s_errors
    public var minorRevision: UInt16  // s_minor_rev_level
    public var lastCheck: UInt32  // s_lastcheck
    public var checkInterval: UInt32  // s_checkinterval
    public var creatorOS: UInt32  // s_creator_os
    public var revision: UInt32  // s_rev_level
    public var defaultReservedUID: UInt16  // s_def_resuid
    public var defaultReservedGID: UInt16  // s_def_resgid
    // EXT2_DYNAMIC_REV only (zero, and replaced by the fixed values, in revision 0).
    public var firstInodeField: UInt32  // s_first_ino
    public var inodeSizeField: UInt16  // s_inode_size
    public var blockGroupNumber: UInt16  // s_block_group_nr
    public var features: Ext2Features  // s_feature_compat, _incompat, _ro_compat
    public var uuid: [UInt8]  // s_uuid[16]
    public var volumeName: [UInt8]  // s_volume_name[16]
    public var lastMounted: [UInt8]  // s_last_mounted[64]
    public var preallocBlocks: UInt8  // s_prealloc_blocks
    public var preallocDirectoryBlocks: UInt8  // s_prealloc_dir_blocks
    public var defaultMountOptions: UInt32  // s_default_mount_opts
    /// With META_BG: the first group whose descriptors live in meta groups.
    public var firstMetaBlockGroup: UInt32  // s_first_meta_bg

    /// The bytes it was read from, so `store(into:)` changes only its fields.
    private var raw: [UInt8]

    /// Decodes the 1024 bytes at `Ext2Superblock.offset`; no checks but the length.
    public init(parsing bytes: [UInt8]) throws(Ext2Error) {
        guard bytes.count >= Self.size else { throw .readFailed(.EIO) }
        let b = Array(bytes.prefix(Self.size))
        func u16(_ at: Int) -> UInt16 { b.loadLittleEndian(UInt16.self, at: at) }
        func u32(_ at: Int) -> UInt32 { b.loadLittleEndian(UInt32.self, at: at) }
        raw = b
        inodesCount = u32(0)
        blocksCount = u32(4)
        reservedBlocksCount = u32(8)
        freeBlocksCount = u32(12)
        freeInodesCount = u32(16)
        firstDataBlock = u32(20)
        logBlockSize = u32(24)
        logFragmentSize = u32(28)
        blocksPerGroup = u32(32)
        fragmentsPerGroup = u32(36)
        inodesPerGroup = u32(40)
        mountTime = u32(44)
        writeTime = u32(48)
        mountCount = u16(52)
        maxMountCount = u16(54)
        magic = u16(56)
        state = u16(58)
        errors = u16(60)
        minorRevision = u16(62)
        lastCheck = u32(64)
        checkInterval = u32(68)
        creatorOS = u32(72)
        revision = u32(76)
        defaultReservedUID = u16(80)
        defaultReservedGID = u16(82)
        firstInodeField = u32(84)
        inodeSizeField = u16(88)
        blockGroupNumber = u16(90)
        features = Ext2Features(
            compatible: .init(rawValue: u32(92)), incompatible: .init(rawValue: u32(96)),
            readOnlyCompatible: .init(rawValue: u32(100)))
        uuid = Array(b[104..<120])
        volumeName = Array(b[120..<136])
        lastMounted = Array(b[136..<200])
        preallocBlocks = b[204]
        preallocDirectoryBlocks = b[205]
        defaultMountOptions = u32(256)
        firstMetaBlockGroup = u32(260)
    }

    /// Writes the fields a mounted file system changes — free counts, mount
    /// and write times, mount counts, state — into the 1024 bytes of a
    /// superblock (Linux: ext2_sync_super, ext2_setup_super); other bytes
    /// keep what was read.
    /// `base` is where the superblock starts in `bytes` (1024 in a block of
    /// 2 KiB or more read from block 0).
    public func store(into bytes: inout [UInt8], at base: Int = 0) {
        bytes.storeLittleEndian(freeBlocksCount, at: base + 12)
        bytes.storeLittleEndian(freeInodesCount, at: base + 16)
        bytes.storeLittleEndian(mountTime, at: base + 44)
        bytes.storeLittleEndian(writeTime, at: base + 48)
        bytes.storeLittleEndian(mountCount, at: base + 52)
        bytes.storeLittleEndian(maxMountCount, at: base + 54)
        bytes.storeLittleEndian(state, at: base + 58)
        bytes.storeLittleEndian(lastCheck, at: base + 64)
    }

    /// The superblock's 1024 bytes as read, with `store(into:)`'s fields updated.
    public var bytes: [UInt8] {
        var bytes = raw
        store(into: &bytes)
        return bytes
    }

    /// What a read-write mount records (ext2_setup_super, ext2_sync_fs): one
    /// more mount, a default check interval if there was none, the mount
    /// time, and the state no longer "valid" until a clean unmount puts the
    /// state read at mount time back.
    public mutating func recordMount(at time: UInt32) {
        if maxMountCount == 0 { maxMountCount = Self.defaultMaxMountCount }
        mountCount &+= 1
        mountTime = time
        state &= ~Self.validState
    }

    // MARK: Derived geometry (fs/ext2/ext2.h macros, ext2_fill_super)
    // Meaningful only once `validate` has passed: before that a divisor may be 0.

    public var blockSize: Int { 1024 << Int(logBlockSize) }  // EXT2_BLOCK_SIZE
    public var blockSizeShift: Int { 10 + Int(logBlockSize) }  // s_blocksize_bits
    public var inodeSize: Int {  // EXT2_INODE_SIZE
        revision == Self.goodOldRevision ? Self.goodOldInodeSize : Int(inodeSizeField)
    }
    public var firstInode: UInt32 {  // EXT2_FIRST_INO
        revision == Self.goodOldRevision ? Self.goodOldFirstInode : firstInodeField
    }
    /// Number of block groups: the blocks after the first data block, in
    /// groups of `blocksPerGroup`, the last one possibly short.
    public var groupCount: UInt32 {  // s_groups_count
        (blocksCount - firstDataBlock - 1) / blocksPerGroup + 1
    }
    public var inodesPerBlock: Int { blockSize / inodeSize }  // EXT2_INODES_PER_BLOCK
    public var inodeTableBlocksPerGroup: UInt32 {  // s_itb_per_group
        UInt32(truncatingIfNeeded: Int(inodesPerGroup) / inodesPerBlock)
    }
    public var descriptorsPerBlock: Int { blockSize / Ext2GroupDescriptor.size }  // EXT2_DESC_PER_BLOCK
    /// Blocks holding the group descriptor table (s_gdb_count).
    public var descriptorBlockCount: Int {
        (Int(groupCount) + descriptorsPerBlock - 1) / descriptorsPerBlock
    }
    /// Block pointers in one indirect block (EXT2_ADDR_PER_BLOCK).
    public var pointersPerBlock: Int { blockSize / 4 }
    /// The superblock's own block: 1 with 1 KiB blocks, else 0 (it shares block 0).
    public var superblockBlock: UInt32 { UInt32(Self.offset >> blockSizeShift) }

    /// The first block of `group` (ext2_group_first_block_no).
    public func firstBlock(ofGroup group: UInt32) -> UInt32 {
        group * blocksPerGroup + firstDataBlock
    }

    /// The last block of `group`: the group's end, or the device's for the last group.
    public func lastBlock(ofGroup group: UInt32) -> UInt32 {
        group == groupCount - 1 ? blocksCount - 1 : firstBlock(ofGroup: group) + blocksPerGroup - 1
    }

    /// Whether `group` holds a copy of the superblock and descriptors
    /// (ext2_bg_has_super): every group, or with SPARSE_SUPER groups 0, 1
    /// and powers of 3, 5 and 7.
    public func groupHasSuperblock(_ group: UInt32) -> Bool {
        guard features.readOnlyCompatible.contains(.sparseSuperblock), group > 1 else { return true }
        for base: UInt32 in [3, 5, 7] {
            var power = base
            while power < group { power *= base }
            if power == group { return true }
        }
        return false
    }

    /// The block holding descriptor block `index` of the table
    /// (descriptor_loc): right after the superblock, or, with META_BG past
    /// `s_first_meta_bg`, in the first group of its meta group after that
    /// group's superblock copy.
    public func descriptorBlockLocation(_ index: Int) -> UInt32 {
        guard features.incompatible.contains(.metaBlockGroups), index >= Int(firstMetaBlockGroup) else {
            return superblockBlock + UInt32(index) + 1
        }
        let group = UInt32(index * descriptorsPerBlock)
        return firstBlock(ofGroup: group) + (groupHasSuperblock(group) ? 1 : 0)
    }

    // MARK: Validation (ext2_fill_super)

    /// Whether this mount may go ahead (ext2_fill_super, ext2_setup_super):
    /// the feature rule of `Ext2Features.checkMount`, and a revision above
    /// 1, whose layout changes nobody has defined, only read-only (Linux
    /// forces such a mount read-only; a caller asking for read-write gets
    /// the error and can retry).
    public func checkMount(readOnly: Bool) throws(Ext2Error) {
        try features.checkMount(readOnly: readOnly)
        guard readOnly || revision <= Self.dynamicRevision else { throw .revisionTooHigh(revision) }
    }

    /// The checks Linux's ext2 makes before trusting the superblock, in its
    /// order. `deviceBlocks` is the device's size in blocks of this file
    /// system's size (nil: not known). Feature words are checked separately,
    /// per mount, by `features.checkMount(readOnly:)`.
    public func validate(deviceBlocks: UInt64?) throws(Ext2Error) {
        guard magic == Self.magic else { throw .badMagic(magic) }
        guard logBlockSize <= UInt32(Self.maxBlockSizeShift - 10) else { throw .badBlockSize(logBlockSize) }
        guard logFragmentSize == logBlockSize else { throw .fragmentSizeMismatch(logFragmentSize) }
        if revision != Self.goodOldRevision {
            let size = Int(inodeSizeField)
            guard size >= Self.goodOldInodeSize, size & (size - 1) == 0, size <= blockSize else {
                throw .badInodeSize(inodeSizeField)
            }
        }
        guard blocksPerGroup != 0, blocksPerGroup <= UInt32(blockSize * 8),
            fragmentsPerGroup == blocksPerGroup
        else { throw .badBlocksPerGroup(blocksPerGroup) }
        guard inodesPerGroup >= UInt32(inodesPerBlock), inodesPerGroup <= UInt32(blockSize * 8),
            Int(inodesPerGroup) % inodesPerBlock == 0
        else { throw .badInodesPerGroup(inodesPerGroup) }
        guard firstDataBlock == (blockSize == 1024 ? 1 : 0), blocksCount > firstDataBlock else {
            throw .badFirstDataBlock(firstDataBlock)
        }
        if let deviceBlocks, UInt64(blocksCount) > deviceBlocks {
            throw .blockCountExceedsDevice(blocks: blocksCount, deviceBlocks: deviceBlocks)
        }
        guard UInt64(groupCount) * UInt64(inodesPerGroup) == UInt64(inodesCount) else {
            throw .badInodeCount(inodesCount)
        }
        guard firstInode >= Self.goodOldFirstInode, firstInode <= inodesCount else {
            throw .badFirstInode(firstInode)
        }
        guard freeBlocksCount <= blocksCount, freeInodesCount <= inodesCount,
            reservedBlocksCount <= blocksCount
        else { throw .badFreeCount }
    }
}
