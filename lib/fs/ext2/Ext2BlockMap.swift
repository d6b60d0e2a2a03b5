import ABI

/// The path to a logical block through an inode's block tree (Linux:
/// ext2_block_to_path's offsets): the index into `i_block`, then the index
/// inside each indirect block down to the data block's pointer.
public struct Ext2BlockPath: Equatable, Sendable {
    /// `offsets[0]` is 0–11 (direct), 12 (indirect), 13 (double) or 14
    /// (triple indirect); one more index per level after it.
    public let offsets: [Int]
    /// How many pointers follow this one in the same block, so a caller can
    /// map a run of blocks with one read (ext2_block_to_path's `boundary`).
    public let boundary: Int
}

/// One link of the chain that `Ext2BlockMap.branch` walks (Linux: struct
/// Indirect in ext2_get_branch): the pointer found, and where it lives, so
/// the write path can fill in a missing part of the chain.
public struct Ext2BranchLink: Equatable, Sendable {
    /// The block holding the pointer, nil for the inode's `i_block`.
    public let holder: UInt32?
    /// The pointer's index in `holder` (or in `i_block`).
    public let index: Int
    /// The block it points to, 0 for a hole.
    public let pointer: UInt32
}

/// ext2's block map: direct, single, double and triple indirect blocks, for
/// one block size, and its walk over untrusted pointers.
public struct Ext2BlockMap: Sendable {
    public static let directBlocks = 12  // EXT2_NDIR_BLOCKS
    public static let indirectSlot = 12  // EXT2_IND_BLOCK
    public static let doubleIndirectSlot = 13  // EXT2_DIND_BLOCK
    public static let tripleIndirectSlot = 14  // EXT2_TIND_BLOCK

    public let pointersPerBlock: Int  // EXT2_ADDR_PER_BLOCK
    private let pointerShift: Int  // EXT2_ADDR_PER_BLOCK_BITS
    /// Blocks a pointer may name: `s_first_data_block ..< s_blocks_count`.
    private let validBlocks: Range<UInt32>

    public init(superblock: Ext2Superblock) {
        pointerShift = superblock.blockSizeShift - 2
        pointersPerBlock = 1 << pointerShift
        validBlocks = superblock.firstDataBlock..<max(superblock.firstDataBlock, superblock.blocksCount)
    }

    /// Logical blocks the tree can address: 12 + p + p² + p³.
    public var addressableBlocks: UInt64 {
        let p = UInt64(pointersPerBlock)
        return UInt64(Self.directBlocks) + p + p * p + p * p * p
    }

    /// The largest file size for this block size (ext2_max_size): what the
    /// tree addresses, but no more than keeps data plus indirect blocks
    /// within `i_blocks`' 2³² − 1 sectors.
    public static func maxFileSize(blockSizeShift bits: Int) -> UInt64 {
        let ppb = UInt64(1) << (bits - 2)
        var upperLimit = (UInt64(1) << 32 - 1) >> (bits - 9)
        var result = UInt64(directBlocks) + ppb + ppb * ppb + ppb * ppb * ppb
        var metaBlocks = 1 + (1 + ppb) + (1 + ppb + ppb * ppb)
        if result + metaBlocks > upperLimit {
            result = upperLimit
            upperLimit -= UInt64(directBlocks) + ppb
            metaBlocks = 1
            if upperLimit < ppb * ppb {
                metaBlocks += 1 + (upperLimit + ppb - 1) / ppb
            } else {
                metaBlocks += 1 + ppb
                upperLimit -= ppb * ppb
                metaBlocks += 1 + (upperLimit + ppb - 1) / ppb + (upperLimit + ppb * ppb - 1) / (ppb * ppb)
            }
            result -= metaBlocks
        }
        return result << bits
    }

    /// Where logical block `logical` hangs in the tree (ext2_block_to_path);
    /// `.blockTooBig` past the triple-indirect range.
    public func path(for logical: UInt64) throws(Ext2Error) -> Ext2BlockPath {
        let p = UInt64(pointersPerBlock)
        let mask = p - 1
        var block = logical
        if block < UInt64(Self.directBlocks) {
            return Ext2BlockPath(offsets: [Int(block)], boundary: Self.directBlocks - 1 - Int(block))
        }
        block -= UInt64(Self.directBlocks)
        let boundary = pointersPerBlock - 1 - Int(block & mask)
        if block < p {
            return Ext2BlockPath(offsets: [Self.indirectSlot, Int(block)], boundary: boundary)
        }
        block -= p
        if block < p * p {
            return Ext2BlockPath(
                offsets: [Self.doubleIndirectSlot, Int(block >> pointerShift), Int(block & mask)], boundary: boundary)
        }
        block -= p * p
        guard block >> (2 * pointerShift) < p else { throw .blockTooBig(logical) }
        return Ext2BlockPath(
            offsets: [
                Self.tripleIndirectSlot, Int(block >> (2 * pointerShift)), Int((block >> pointerShift) & mask),
                Int(block & mask),
            ], boundary: boundary)
    }

    /// Follows `path` from the inode's `i_block` (ext2_get_branch), reading
    /// indirect blocks with `read`. Stops at the first hole (a 0 pointer),
    /// which is then the last link. Every non-zero pointer must name a block
    /// of the file system, and an indirect block must not reappear below
    /// itself (a loop), or the walk throws instead of following it.
    public func branch(
        _ path: Ext2BlockPath, inodeBlocks: [UInt32], read: (UInt32) throws(Ext2Error) -> [UInt8]
    ) throws(Ext2Error) -> [Ext2BranchLink] {
        guard inodeBlocks.count == Ext2Inode.blockPointerCount else { throw .readFailed(.EINVAL) }
        var links = [Ext2BranchLink(holder: nil, index: path.offsets[0], pointer: inodeBlocks[path.offsets[0]])]
        for index in path.offsets.dropFirst() {
            let holder = links[links.count - 1].pointer
            guard holder != 0 else { break }
            try check(holder)
            guard !links.dropLast().contains(where: { $0.pointer == holder }) else { throw .indirectLoop(holder) }
            let bytes = try read(holder)
            guard bytes.count >= pointersPerBlock * 4 else { throw .readFailed(.EIO) }
            links.append(
                Ext2BranchLink(
                    holder: holder, index: index, pointer: bytes.loadLittleEndian(UInt32.self, at: 4 * index)))
        }
        let last = links[links.count - 1].pointer
        if last != 0 {
            try check(last)
            guard !links.dropLast().contains(where: { $0.pointer == last }) else { throw .indirectLoop(last) }
        }
        return links
    }

    /// The physical block holding logical block `logical`, nil for a hole.
    public func map(
        _ logical: UInt64, inodeBlocks: [UInt32], read: (UInt32) throws(Ext2Error) -> [UInt8]
    ) throws(Ext2Error) -> UInt32? {
        let path = try path(for: logical)
        let links = try branch(path, inodeBlocks: inodeBlocks, read: read)
        guard links.count == path.offsets.count, let last = links.last, last.pointer != 0 else { return nil }
        return last.pointer
    }

    /// Whether `block` may be named by a pointer (within the file system,
    /// past the boot block; Linux's ext2_data_block_valid range check).
    public func check(_ block: UInt32) throws(Ext2Error) {
        guard validBlocks.contains(block) else { throw .blockOutOfRange(block) }
    }
}
