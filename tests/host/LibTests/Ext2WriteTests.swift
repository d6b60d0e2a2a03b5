import ABI
import Foundation
import Testing

@testable import Lib

/// The write half of the on-disk code, checked by e2fsprogs: a file, a
/// directory and an unlink made on an `mke2fs` image with lib/fs/ext2's
/// allocator, directory blocks and store methods, the way fs/ext2 will make
/// them, after which the host's `e2fsck -fn` must find nothing to fix and
/// `debugfs` must read the new file back.
@Suite(.enabled(if: Ext2Image.mke2fs != nil && Ext2Image.tool("e2fsck") != nil, "needs e2fsprogs"))
struct Ext2WriteTests {
    /// An image in memory, changed block by block.
    struct Disk {
        var image: [UInt8]
        var volume: Ext2Volume<[UInt8]>
        var superblock: Ext2Superblock { volume.superblock }
        var descriptors: [Ext2GroupDescriptor]
        var blockSize: Int { superblock.blockSize }

        init(_ image: [UInt8]) throws {
            self.image = image
            volume = try Ext2Volume(image, readOnly: false)
            descriptors = volume.descriptors
        }

        func block(_ number: UInt32) -> [UInt8] {
            Array(image[Int(number) * blockSize..<(Int(number) + 1) * blockSize])
        }

        mutating func write(_ number: UInt32, _ bytes: [UInt8]) {
            image.replaceSubrange(Int(number) * blockSize..<(Int(number) + 1) * blockSize, with: bytes)
        }

        func location(_ inode: UInt32) throws -> Ext2InodeLocation {
            try Ext2InodeLocation(inode: inode, superblock: superblock) { descriptors[Int($0)].inodeTable }
        }

        func inode(_ number: UInt32) throws -> Ext2Inode {
            let location = try location(number)
            return Ext2Inode(parsing: block(location.block), at: location.offset)
        }

        mutating func store(_ inode: Ext2Inode, as number: UInt32) throws {
            let location = try location(number)
            var bytes = block(location.block)
            inode.store(into: &bytes, at: location.offset)
            write(location.block, bytes)
        }

        /// Marks a bit of a group's bitmap and adjusts the counts, as
        /// ext2_new_blocks/ext2_new_inode and their frees do.
        mutating func account(group: UInt32, bit: Int, inode: Bool, allocate: Bool, directory: Bool = false) throws {
            var descriptor = descriptors[Int(group)]
            var bitmap = Ext2Bitmap(
                block(inode ? descriptor.inodeBitmap : descriptor.blockBitmap), bitCount: blockSize * 8)
            #expect(allocate ? bitmap.set(bit) : bitmap.clear(bit))
            write(inode ? descriptor.inodeBitmap : descriptor.blockBitmap, bitmap.bytes)
            var superblock = volume.superblock
            let delta: Int = allocate ? -1 : 1
            if inode {
                descriptor.freeInodesCount = UInt16(Int(descriptor.freeInodesCount) + delta)
                superblock.freeInodesCount = UInt32(Int(superblock.freeInodesCount) + delta)
                if directory { descriptor.usedDirectoriesCount = UInt16(Int(descriptor.usedDirectoriesCount) - delta) }
            } else {
                descriptor.freeBlocksCount = UInt16(Int(descriptor.freeBlocksCount) + delta)
                superblock.freeBlocksCount = UInt32(Int(superblock.freeBlocksCount) + delta)
            }
            descriptors[Int(group)] = descriptor
            let table = superblock.descriptorBlockLocation(Int(group) / superblock.descriptorsPerBlock)
            var tableBytes = self.block(table)
            descriptor.store(
                into: &tableBytes, at: Int(group) % superblock.descriptorsPerBlock * Ext2GroupDescriptor.size)
            write(table, tableBytes)
            superblock.store(into: &image, at: Ext2Superblock.offset)
            volume = try Ext2Volume(image, readOnly: false)
        }

        /// A new inode for a file (or a directory) under the root.
        mutating func allocateInode(directory: Bool) throws -> UInt32 {
            let group = try #require(
                directory
                    ? Ext2GroupPolicy.groupForDirectory(
                        parentGroup: 0, topLevel: true, randomStart: 1, superblock: superblock,
                        descriptors: descriptors)
                    : Ext2GroupPolicy.groupForFile(parentGroup: 0, parentInode: 2, descriptors: descriptors))
            let bitmap = try volume.bitmap(group: group, inodes: true)
            let bit = try #require(bitmap.nextFree(from: 0, before: bitmap.bitCount))
            try account(group: group, bit: bit, inode: true, allocate: true, directory: directory)
            let number = group * superblock.inodesPerGroup + UInt32(bit) + 1
            #expect(number >= superblock.firstInode)
            return number
        }

        /// A new block near the start of `inode`'s group.
        mutating func allocateBlock(near inode: UInt32) throws -> UInt32 {
            let goalGroup = (inode - 1) / superblock.inodesPerGroup
            let group = try #require(Ext2GroupPolicy.blockGroups(goalGroup: goalGroup, descriptors: descriptors).first)
            let first = superblock.firstBlock(ofGroup: group)
            let bit = try #require(try volume.bitmap(group: group, inodes: false).findFree(near: 0))
            try account(group: group, bit: bit, inode: false, allocate: true)
            return first + UInt32(bit)
        }

        /// Adds `name` to the root directory's first block.
        mutating func link(_ name: String, to inode: UInt32, type: Ext2FileType) throws {
            let root = try self.inode(Ext2Superblock.rootInode)
            var directory = try Ext2DirectoryBlock(checking: block(root.block[0]), superblock: superblock)
            #expect(try directory.insert(Array(name.utf8), inode: inode, fileType: type))
            write(root.block[0], directory.bytes)
        }

        /// Removes `name` from the root directory's first block; its inode.
        mutating func unlink(_ name: String) throws -> UInt32 {
            let root = try self.inode(Ext2Superblock.rootInode)
            var directory = try Ext2DirectoryBlock(checking: block(root.block[0]), superblock: superblock)
            let entry = try #require(directory.find(Array(name.utf8)))
            try directory.remove(at: entry.offset)
            write(root.block[0], directory.bytes)
            return entry.inode
        }
    }

    @Test func createLinkAndUnlinkAreCleanForE2fsck() throws {
        var disk = try Disk(try Ext2Image.make(blockSize: 1024, size: "20M"))
        let contents = Array("written by lib/fs/ext2\n".utf8)

        // A regular file of one block.
        let file = try disk.allocateInode(directory: false)
        let data = try disk.allocateBlock(near: file)
        var block = [UInt8](repeating: 0, count: disk.blockSize)
        block.storeBytes(contents, at: 0)
        disk.write(data, block)
        var inode = Ext2Inode()
        inode.mode = UInt16(FileMode.S_IFREG | 0o644)
        inode.uid = 70000  // needs the high half
        inode.linksCount = 1
        inode.size = UInt64(contents.count)
        inode.sectors = UInt32(disk.blockSize / 512)
        inode.block[0] = data
        inode.accessTime = 1_700_000_000
        inode.changeTime = 1_700_000_000
        inode.modificationTime = 1_700_000_000
        try disk.store(inode, as: file)
        try disk.link("new-file", to: file, type: .regular)

        // A directory: "." and "..", the parent gains a link.
        let directory = try disk.allocateInode(directory: true)
        let directoryBlock = try disk.allocateBlock(near: directory)
        disk.write(
            directoryBlock,
            Ext2DirectoryBlock.newDirectory(
                size: disk.blockSize, inode: directory, parent: Ext2Superblock.rootInode, superblock: disk.superblock
            ).bytes)
        var directoryInode = Ext2Inode()
        directoryInode.mode = UInt16(FileMode.S_IFDIR | 0o755)
        directoryInode.linksCount = 2
        directoryInode.size = UInt64(disk.blockSize)
        directoryInode.sectors = UInt32(disk.blockSize / 512)
        directoryInode.block[0] = directoryBlock
        try disk.store(directoryInode, as: directory)
        try disk.link("new-directory", to: directory, type: .directory)
        var root = try disk.inode(Ext2Superblock.rootInode)
        root.linksCount += 1
        try disk.store(root, as: Ext2Superblock.rootInode)

        // Unlink "hardlink" (its inode keeps the other name) and "empty" (its last).
        let shared = try disk.unlink("hardlink")
        var sharedInode = try disk.inode(shared)
        sharedInode.linksCount -= 1
        try disk.store(sharedInode, as: shared)
        let empty = try disk.unlink("empty")
        var emptyInode = try disk.inode(empty)
        emptyInode.linksCount = 0
        emptyInode.deletionTime = 1_700_000_000
        try disk.store(emptyInode, as: empty)
        let group = (empty - 1) / disk.superblock.inodesPerGroup
        try disk.account(
            group: group, bit: Int((empty - 1) % disk.superblock.inodesPerGroup), inode: true, allocate: false)

        // Our own reader sees it all, then e2fsprogs does.
        #expect(Ext2Image.walk(disk.image) == nil)
        let volume = try Ext2Volume(disk.image)
        #expect(try volume.read(try volume.inode(try volume.lookup("new-file")), at: 0, count: 100) == contents)
        #expect(try volume.inode(try volume.lookup("new-file")).uid == 70000)
        #expect(throws: Ext2Error.readFailed(.ENOENT)) { try volume.lookup("empty") }

        let scratch = try HostTool.temporaryDirectory("ext2-write")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = scratch.appendingPathComponent("image").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(disk.image)))
        // -f: check even though clean; -n: change nothing. Status 0 means no problem found.
        try HostTool.run(Ext2Image.tool("e2fsck")!, ["-f", "-n", path])
        let cat = try HostTool.run(Ext2Image.tool("debugfs")!, ["-R", "cat /new-file", path])
        #expect(cat == contents)
        let stat = String(
            decoding: try HostTool.run(Ext2Image.tool("debugfs")!, ["-R", "stat /new-directory", path]), as: UTF8.self)
        #expect(stat.contains("Type: directory") && stat.contains("Links: 2"))
    }
}
