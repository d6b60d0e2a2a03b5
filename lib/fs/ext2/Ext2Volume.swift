import ABI

/// A read-only view of an ext2 file system on a `ByteSource` (an image in
/// memory, a file): the pieces of this folder put together the way a mount
/// does — superblock checked, descriptors checked, then inodes, file data
/// through the block map, directories record by record. It is what the host
/// tests read `mke2fs` images and damaged images with, and the order of
/// checks a kernel mount follows (fs/ext2's ext2_fill_super, ext2_iget,
/// ext2_get_block, ext2_readdir).
public struct Ext2Volume<Source: ByteSource> {
    public let superblock: Ext2Superblock
    public let descriptors: [Ext2GroupDescriptor]
    public let blockMap: Ext2BlockMap
    private let source: Source

    /// Mounts `source`: refuses what Linux's ext2 refuses for a mount that
    /// is read-only or not (`readOnly`).
    public init(_ source: Source, readOnly: Bool = true) throws(Ext2Error) {
        self.source = source
        let superblock = try Ext2Superblock(parsing: Self.read(source, at: Ext2Superblock.offset, Ext2Superblock.size))
        try superblock.validate(deviceBlocks: UInt64(source.count >> superblock.blockSizeShift))
        try superblock.checkMount(readOnly: readOnly)
        self.superblock = superblock
        blockMap = Ext2BlockMap(superblock: superblock)
        var descriptors: [Ext2GroupDescriptor] = []
        for index in 0..<superblock.descriptorBlockCount {
            let block = try Self.readBlock(source, superblock.descriptorBlockLocation(index), superblock)
            for slot in 0..<superblock.descriptorsPerBlock where descriptors.count < Int(superblock.groupCount) {
                let descriptor = Ext2GroupDescriptor(parsing: block, at: slot * Ext2GroupDescriptor.size)
                try descriptor.validate(group: UInt32(descriptors.count), in: superblock)
                descriptors.append(descriptor)
            }
        }
        self.descriptors = descriptors
    }

    /// Block `number` of the file system.
    public func readBlock(_ number: UInt32) throws(Ext2Error) -> [UInt8] {
        try Self.readBlock(source, number, superblock)
    }

    /// Inode `number`; freed inodes are refused as ext2_iget refuses them.
    public func inode(_ number: UInt32) throws(Ext2Error) -> Ext2Inode {
        let location = try Ext2InodeLocation(inode: number, superblock: superblock) { group throws(Ext2Error) in
            descriptors[Int(group)].inodeTable
        }
        let inode = Ext2Inode(parsing: try readBlock(location.block), at: location.offset)
        guard !inode.isFree else { throw .staleInode(number) }
        return inode
    }

    /// `count` bytes of the file from `offset` (fewer at the end of the
    /// file), holes read as zeros (ext2_get_block leaving a buffer unmapped).
    public func read(_ inode: Ext2Inode, at offset: UInt64, count: Int) throws(Ext2Error) -> [UInt8] {
        guard offset < inode.size else { return [] }
        let (wanted, overflow) = offset.addingReportingOverflow(UInt64(max(count, 0)))
        let end = overflow ? inode.size : min(inode.size, wanted)
        let blockSize = UInt64(superblock.blockSize)
        var result: [UInt8] = []
        var position = offset
        while position < end {
            let logical = position / blockSize
            let within = Int(position % blockSize)
            let length = Int(min(end - position, blockSize - UInt64(within)))
            if let physical = try blockMap.map(logical, inodeBlocks: inode.block, read: readBlock) {
                result += try readBlock(physical)[within..<(within + length)]
            } else {
                result += [UInt8](repeating: 0, count: length)
            }
            position += UInt64(length)
        }
        return result
    }

    /// A symbolic link's target: in the inode for a fast link, else in its data block.
    public func symbolicLinkTarget(_ inode: Ext2Inode, number: UInt32) throws(Ext2Error) -> [UInt8] {
        guard inode.isSymbolicLink else { throw .badSymlink(number) }
        if inode.isFastSymbolicLink(blockSize: superblock.blockSize) {
            return try inode.fastSymbolicLinkTarget(inode: number)
        }
        guard inode.size < UInt64(superblock.blockSize) else { throw .badSymlink(number) }
        return try read(inode, at: 0, count: Int(inode.size))
    }

    /// A directory's blocks, each checked as ext2_check_folio checks them.
    public func directoryBlocks(_ inode: Ext2Inode) throws(Ext2Error) -> [Ext2DirectoryBlock] {
        let blockSize = UInt64(superblock.blockSize)
        guard inode.size % blockSize == 0 else { throw .badDirectorySize(inode.size) }
        var blocks: [Ext2DirectoryBlock] = []
        for logical in 0..<(inode.size / blockSize) {
            let bytes: [UInt8]
            if let physical = try blockMap.map(logical, inodeBlocks: inode.block, read: readBlock) {
                bytes = try readBlock(physical)
            } else {
                bytes = [UInt8](repeating: 0, count: superblock.blockSize)
            }
            blocks.append(try Ext2DirectoryBlock(checking: bytes, superblock: superblock))
        }
        return blocks
    }

    /// The live entries of a directory, in on-disk order.
    public func entries(_ inode: Ext2Inode) throws(Ext2Error) -> [Ext2DirectoryEntry] {
        try directoryBlocks(inode).flatMap(\.entries)
    }

    /// The inode number a '/'-separated path names from the root, following
    /// no symbolic links; ENOENT or ENOTDIR as a path walk would answer.
    public func lookup(_ path: String) throws(Ext2Error) -> UInt32 {
        var number = Ext2Superblock.rootInode
        for component in path.utf8.split(separator: UInt8(ascii: "/")) {
            let directory = try inode(number)
            guard directory.isDirectory else { throw .readFailed(.ENOTDIR) }
            guard let entry = try entries(directory).first(where: { $0.name.elementsEqual(component) }) else {
                throw .readFailed(.ENOENT)
            }
            number = entry.inode
        }
        return number
    }

    /// Group `group`'s block bitmap (`inodes` false) or inode bitmap.
    public func bitmap(group: UInt32, inodes: Bool) throws(Ext2Error) -> Ext2Bitmap {
        guard Int(group) < descriptors.count else { throw .descriptorOutOfRange(group: group) }
        let descriptor = descriptors[Int(group)]
        let bits =
            inodes
            ? Int(superblock.inodesPerGroup)
            : Int(superblock.lastBlock(ofGroup: group) - superblock.firstBlock(ofGroup: group) + 1)
        return Ext2Bitmap(try readBlock(inodes ? descriptor.inodeBitmap : descriptor.blockBitmap), bitCount: bits)
    }

    private static func read(_ source: Source, at offset: Int, _ count: Int) throws(Ext2Error) -> [UInt8] {
        do throws(Errno) {
            let bytes = try source.read(at: offset, count: count)
            guard bytes.count == count else { throw Errno.EIO }
            return bytes
        } catch {
            throw .readFailed(error)
        }
    }

    private static func readBlock(_ source: Source, _ number: UInt32, _ superblock: Ext2Superblock) throws(Ext2Error)
        -> [UInt8]
    {
        guard number < superblock.blocksCount else { throw .blockOutOfRange(number) }
        return try read(source, at: Int(number) << superblock.blockSizeShift, superblock.blockSize)
    }
}
