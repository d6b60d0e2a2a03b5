import ABI

/// An inode as stored in a group's inode table (Linux: struct ext2_inode,
/// the first 128 bytes of each `s_inode_size` slot; the rest, if any, is
/// left alone). Times are seconds, signed 32-bit on disk as Linux reads them.
public struct Ext2Inode: Equatable, Sendable {
    /// The part of each inode slot this code reads and writes.
    public static let size = 128
    /// Block pointers: 12 direct, then single, double and triple indirect (EXT2_N_BLOCKS).
    public static let blockPointerCount = 15

    public var mode: UInt16  // i_mode
    /// The owner: i_uid, with its high 16 bits from osd2's l_i_uid_high.
    public var uid: UInt32
    /// The group: i_gid, with its high 16 bits from l_i_gid_high.
    public var gid: UInt32
    /// The low 32 bits of the size (i_size); `size` combines the high half.
    public var sizeLow: UInt32  // i_size
    public var accessTime: Int32  // i_atime
    public var changeTime: Int32  // i_ctime
    public var modificationTime: Int32  // i_mtime
    public var deletionTime: Int32  // i_dtime
    public var linksCount: UInt16  // i_links_count
    /// Blocks held, data and metadata, in 512-byte units whatever the block size.
    public var sectors: UInt32  // i_blocks
    public var flags: UInt32  // i_flags
    /// 12 direct pointers, then the single, double and triple indirect
    /// blocks; for a fast symbolic link, the target's bytes instead.
    public var block: [UInt32]  // i_block[EXT2_N_BLOCKS]
    public var generation: UInt32  // i_generation
    /// The extended-attribute block, 0 if none.
    public var fileACL: UInt32  // i_file_acl
    /// Regular files: the size's upper 32 bits (i_size_high); directories
    /// keep Linux's old i_dir_acl there.
    public var sizeHigh: UInt32  // i_size_high / i_dir_acl
    public var fragmentAddress: UInt32  // i_faddr

    /// A free, zeroed inode.
    public init() {
        mode = 0
        uid = 0
        gid = 0
        sizeLow = 0
        accessTime = 0
        changeTime = 0
        modificationTime = 0
        deletionTime = 0
        linksCount = 0
        sectors = 0
        flags = 0
        block = [UInt32](repeating: 0, count: Self.blockPointerCount)
        generation = 0
        fileACL = 0
        sizeHigh = 0
        fragmentAddress = 0
    }

    /// Decodes the inode at `offset` of an inode-table block; the caller
    /// passes an offset with `size` bytes after it (`Ext2InodeLocation`).
    public init(parsing bytes: [UInt8], at offset: Int) {
        func u16(_ at: Int) -> UInt16 { bytes.loadLittleEndian(UInt16.self, at: offset + at) }
        func u32(_ at: Int) -> UInt32 { bytes.loadLittleEndian(UInt32.self, at: offset + at) }
        mode = u16(0)
        uid = UInt32(u16(2)) | UInt32(u16(120)) << 16
        sizeLow = u32(4)
        accessTime = Int32(bitPattern: u32(8))
        changeTime = Int32(bitPattern: u32(12))
        modificationTime = Int32(bitPattern: u32(16))
        deletionTime = Int32(bitPattern: u32(20))
        gid = UInt32(u16(24)) | UInt32(u16(122)) << 16
        linksCount = u16(26)
        sectors = u32(28)
        flags = u32(32)
        block = (0..<Self.blockPointerCount).map { u32(40 + 4 * $0) }
        generation = u32(100)
        fileACL = u32(104)
        sizeHigh = u32(108)
        fragmentAddress = u32(112)
    }

    /// Writes the inode's 128 bytes at `offset` (ext2_write_inode). The
    /// reserved words are written as zero, as Linux does; bytes of a larger
    /// inode slot past 128 are left alone.
    public func store(into bytes: inout [UInt8], at offset: Int) {
        func u16(_ value: UInt16, _ at: Int) { bytes.storeLittleEndian(value, at: offset + at) }
        func u32(_ value: UInt32, _ at: Int) { bytes.storeLittleEndian(value, at: offset + at) }
        u16(mode, 0)
        u16(UInt16(truncatingIfNeeded: uid), 2)
        u32(sizeLow, 4)
        u32(UInt32(bitPattern: accessTime), 8)
        u32(UInt32(bitPattern: changeTime), 12)
        u32(UInt32(bitPattern: modificationTime), 16)
        u32(UInt32(bitPattern: deletionTime), 20)
        u16(UInt16(truncatingIfNeeded: gid), 24)
        u16(linksCount, 26)
        u32(sectors, 28)
        u32(flags, 32)
        u32(0, 36)
        for (index, pointer) in block.enumerated() { u32(pointer, 40 + 4 * index) }
        u32(generation, 100)
        u32(fileACL, 104)
        u32(sizeHigh, 108)
        u32(fragmentAddress, 112)
        u32(0, 116)
        u16(UInt16(truncatingIfNeeded: uid >> 16), 120)
        u16(UInt16(truncatingIfNeeded: gid >> 16), 122)
        u32(0, 124)
    }

    /// The S_IFMT part of the mode (ABI's FileMode.S_IFREG, ...).
    public var fileType: UInt32 { FileMode.fileType(UInt32(mode)) }
    public var isRegular: Bool { fileType == FileMode.S_IFREG }
    public var isDirectory: Bool { fileType == FileMode.S_IFDIR }
    public var isSymbolicLink: Bool { fileType == FileMode.S_IFLNK }

    /// The file's size: 64-bit for regular files (i_size_high), 32-bit for
    /// everything else, whose high word means something else (ext2_iget).
    public var size: UInt64 {
        get { isRegular ? UInt64(sizeHigh) << 32 | UInt64(sizeLow) : UInt64(sizeLow) }
        set {
            sizeLow = UInt32(truncatingIfNeeded: newValue)
            if isRegular { sizeHigh = UInt32(truncatingIfNeeded: newValue >> 32) }
        }
    }

    /// Whether the inode is unused: no links, and no mode or a deletion time
    /// (ext2_iget answers ESTALE for such a one).
    public var isFree: Bool { linksCount == 0 && (mode == 0 || deletionTime != 0) }

    /// A symbolic link whose target lives in `block` instead of a data block
    /// (ext2_inode_is_fast_symlink): it holds no blocks but, perhaps, its
    /// extended-attribute block.
    public func isFastSymbolicLink(blockSize: Int) -> Bool {
        let attributeSectors = fileACL != 0 ? UInt32(blockSize >> 9) : 0
        return isSymbolicLink && sectors == attributeSectors
    }

    /// Longest target kept in `block` (Linux stores the NUL too: 59 bytes).
    public static let fastSymbolicLinkMax = blockPointerCount * 4 - 1

    /// A fast symbolic link's target: the first `size` bytes of `block`.
    public func fastSymbolicLinkTarget(inode number: UInt32) throws(Ext2Error) -> [UInt8] {
        guard size <= UInt64(Self.fastSymbolicLinkMax) else { throw .badSymlink(number) }
        var bytes = [UInt8](repeating: 0, count: Self.blockPointerCount * 4)
        for (index, word) in block.enumerated() { bytes.storeLittleEndian(word, at: 4 * index) }
        return Array(bytes.prefix(Int(size)))
    }

    /// Stores `target` in `block` as a fast symbolic link (ext2_symlink's
    /// short case); false if it is too long for that.
    public mutating func setFastSymbolicLinkTarget(_ target: [UInt8]) -> Bool {
        guard target.count <= Self.fastSymbolicLinkMax else { return false }
        var bytes = [UInt8](repeating: 0, count: Self.blockPointerCount * 4)
        bytes.storeBytes(target, at: 0)
        block = (0..<Self.blockPointerCount).map { bytes.loadLittleEndian(UInt32.self, at: 4 * $0) }
        size = UInt64(target.count)
        return true
    }
}

/// Where inode `number` is stored: its group, its index in the group's
/// inode table, and the table block and byte offset (ext2_get_inode).
public struct Ext2InodeLocation: Equatable, Sendable {
    public let group: UInt32
    public let index: UInt32
    /// The block of the inode table holding it.
    public let block: UInt32
    /// The byte offset of the inode in that block.
    public let offset: Int

    /// Refuses numbers Linux refuses: 0, the reserved inodes below
    /// `s_first_ino` other than the root (unless `allowReserved`, for code
    /// that reads the resize or journal inode on purpose), and numbers past
    /// `s_inodes_count`. The group's descriptor supplies the table.
    public init(
        inode number: UInt32, superblock: Ext2Superblock, inodeTable: (UInt32) throws(Ext2Error) -> UInt32,
        allowReserved: Bool = false
    ) throws(Ext2Error) {
        guard number != 0, number <= superblock.inodesCount,
            allowReserved || number == Ext2Superblock.rootInode || number >= superblock.firstInode
        else { throw .badInodeNumber(number) }
        group = (number - 1) / superblock.inodesPerGroup
        index = (number - 1) % superblock.inodesPerGroup
        let byteOffset = Int(index) * superblock.inodeSize
        let table = try inodeTable(group)
        let (tableBlock, overflow) = table.addingReportingOverflow(UInt32(byteOffset >> superblock.blockSizeShift))
        guard !overflow, tableBlock < superblock.blocksCount else { throw .blockOutOfRange(table) }
        block = tableBlock
        offset = byteOffset & (superblock.blockSize - 1)
    }
}
