import ABI
import Testing

@testable import Lib

/// A superblock of a made-up, consistent file system, for the unit tests:
/// 1 KiB blocks (first data block 1), 3 groups of 8192 blocks (the last
/// short), 128 inodes per group of 128 bytes, revision 1, FILETYPE and
/// SPARSE_SUPER.
func makeExt2SuperblockBytes(blockShift: Int = 0, blocks: UInt32 = 20480) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: Ext2Superblock.size)
    let blockSize = 1024 << blockShift
    let perGroup = UInt32(blockSize * 8)
    let firstData: UInt32 = blockSize == 1024 ? 1 : 0
    let groups = (blocks - firstData - 1) / perGroup + 1
    bytes.storeLittleEndian(groups * 128, at: 0)  // s_inodes_count
    bytes.storeLittleEndian(blocks, at: 4)
    bytes.storeLittleEndian(blocks / 20, at: 8)
    bytes.storeLittleEndian(blocks / 2, at: 12)
    bytes.storeLittleEndian(groups * 100, at: 16)
    bytes.storeLittleEndian(firstData, at: 20)
    bytes.storeLittleEndian(UInt32(blockShift), at: 24)
    bytes.storeLittleEndian(UInt32(blockShift), at: 28)
    bytes.storeLittleEndian(perGroup, at: 32)
    bytes.storeLittleEndian(perGroup, at: 36)
    bytes.storeLittleEndian(UInt32(128), at: 40)
    bytes.storeLittleEndian(UInt16(3), at: 52)  // s_mnt_count
    bytes.storeLittleEndian(UInt16(0), at: 54)  // s_max_mnt_count
    bytes.storeLittleEndian(Ext2Superblock.magic, at: 56)
    bytes.storeLittleEndian(Ext2Superblock.validState, at: 58)
    bytes.storeLittleEndian(UInt32(1), at: 76)  // s_rev_level
    bytes.storeLittleEndian(UInt32(11), at: 84)  // s_first_ino
    bytes.storeLittleEndian(UInt16(128), at: 88)  // s_inode_size
    bytes.storeLittleEndian(Ext2Features.Incompatible.fileType.rawValue, at: 96)
    bytes.storeLittleEndian(Ext2Features.ReadOnlyCompatible.sparseSuperblock.rawValue, at: 100)
    bytes.storeBytes(Array("volume".utf8), at: 120)
    bytes[300] = 0xA5  // a byte no field covers: must survive store(into:)
    return bytes
}

func makeExt2Superblock(_ change: (inout [UInt8]) -> Void = { _ in }) throws -> Ext2Superblock {
    var bytes = makeExt2SuperblockBytes()
    change(&bytes)
    return try Ext2Superblock(parsing: bytes)
}

@Suite struct Ext2SuperblockTests {
    @Test func parsesFieldsAndGeometry() throws {
        let superblock = try makeExt2Superblock()
        try superblock.validate(deviceBlocks: 20480)
        #expect(superblock.blockSize == 1024 && superblock.blockSizeShift == 10)
        #expect(superblock.groupCount == 3 && superblock.inodesCount == 384)
        #expect(superblock.inodeSize == 128 && superblock.firstInode == 11)
        #expect(superblock.inodesPerBlock == 8 && superblock.inodeTableBlocksPerGroup == 16)
        #expect(superblock.descriptorsPerBlock == 32 && superblock.descriptorBlockCount == 1)
        #expect(superblock.firstBlock(ofGroup: 1) == 8193 && superblock.lastBlock(ofGroup: 1) == 16384)
        #expect(superblock.lastBlock(ofGroup: 2) == 20479)
        #expect(superblock.descriptorBlockLocation(0) == 2)
        #expect(Array(superblock.volumeName.prefix(6)) == Array("volume".utf8))
        #expect(superblock.features.incompatible == .fileType)
    }

    @Test func fourKiBBlocksStartAtBlockZero() throws {
        let superblock = try Ext2Superblock(parsing: makeExt2SuperblockBytes(blockShift: 2, blocks: 70000))
        try superblock.validate(deviceBlocks: nil)
        #expect(superblock.blockSize == 4096 && superblock.firstDataBlock == 0)
        #expect(superblock.groupCount == 3 && superblock.superblockBlock == 0)
        #expect(superblock.descriptorBlockLocation(0) == 1)
    }

    @Test func revisionZeroHasFixedInodeSizeAndFirstInode() throws {
        let superblock = try makeExt2Superblock {
            $0.storeLittleEndian(UInt32(0), at: 76)
            $0.storeLittleEndian(UInt16(0), at: 88)
            $0.storeLittleEndian(UInt32(0), at: 84)
        }
        try superblock.validate(deviceBlocks: nil)
        #expect(superblock.inodeSize == 128 && superblock.firstInode == 11)
    }

    @Test func validationRefusesInconsistentFields() throws {
        let cases: [(Int, [UInt8], Ext2Error)] = [
            (56, [0x52, 0xEF], .badMagic(0xEF52)),
            (24, [7, 0, 0, 0], .badBlockSize(7)),
            (28, [1, 0, 0, 0], .fragmentSizeMismatch(1)),
            (88, [100, 0], .badInodeSize(100)),
            (88, [0xC0, 0], .badInodeSize(192)),
            (88, [0, 8], .badInodeSize(2048)),
            (32, [0, 0, 0, 0], .badBlocksPerGroup(0)),
            (32, [1, 0x20, 0, 0], .badBlocksPerGroup(8193)),
            (40, [4, 0, 0, 0], .badInodesPerGroup(4)),
            (40, [1, 0x20, 0, 0], .badInodesPerGroup(8193)),
            (20, [0, 0, 0, 0], .badFirstDataBlock(0)),
            (0, [1, 1, 0, 0], .badInodeCount(257)),
            (84, [5, 0, 0, 0], .badFirstInode(5)),
            (12, [0xFF, 0xFF, 0xFF, 0], .badFreeCount),
        ]
        for (offset, value, error) in cases {
            let superblock = try makeExt2Superblock { $0.storeBytes(value, at: offset) }
            #expect(throws: error) { try superblock.validate(deviceBlocks: 20480) }
        }
        let superblock = try makeExt2Superblock()
        #expect(throws: Ext2Error.blockCountExceedsDevice(blocks: 20480, deviceBlocks: 20479)) {
            try superblock.validate(deviceBlocks: 20479)
        }
        #expect(throws: Ext2Error.readFailed(.EIO)) { try Ext2Superblock(parsing: [UInt8](repeating: 0, count: 100)) }
    }

    @Test func featureRuleFollowsLinux() throws {
        var features = try makeExt2Superblock().features
        features.compatible.insert(Ext2Features.Compatible(rawValue: 0x8000_0000))
        features.compatible.insert(.hasJournal)
        try features.checkMount(readOnly: false)

        features.readOnlyCompatible.insert(.metadataChecksum)
        try features.checkMount(readOnly: true)
        #expect(throws: Ext2Error.unsupportedReadOnlyFeatures(0x400)) { try features.checkMount(readOnly: false) }
        #expect(Ext2Error.unsupportedReadOnlyFeatures(0x400).errno == .EINVAL)

        features.incompatible.insert(.extents)
        #expect(throws: Ext2Error.unsupportedIncompatibleFeatures(0x40)) { try features.checkMount(readOnly: true) }
        features.incompatible = [.fileType, .metaBlockGroups, .needsRecovery]
        #expect(throws: Ext2Error.unsupportedIncompatibleFeatures(0x4)) { try features.checkMount(readOnly: true) }

        let future = try makeExt2Superblock { $0.storeLittleEndian(UInt32(2), at: 76) }
        try future.checkMount(readOnly: true)
        #expect(throws: Ext2Error.revisionTooHigh(2)) { try future.checkMount(readOnly: false) }
    }

    @Test func storesOnlyTheFieldsAMountChanges() throws {
        let original = makeExt2SuperblockBytes()
        var superblock = try Ext2Superblock(parsing: original)
        superblock.recordMount(at: 1_700_000_000)
        superblock.freeBlocksCount = 1234
        superblock.freeInodesCount = 56
        superblock.writeTime = 1_700_000_001
        superblock.inodesCount = 1  // not a field the kernel writes back
        var bytes = original
        superblock.store(into: &bytes)
        let reread = try Ext2Superblock(parsing: bytes)
        #expect(reread.mountCount == 4 && reread.maxMountCount == Ext2Superblock.defaultMaxMountCount)
        #expect(reread.state == 0 && reread.mountTime == 1_700_000_000 && reread.writeTime == 1_700_000_001)
        #expect(reread.freeBlocksCount == 1234 && reread.freeInodesCount == 56 && reread.inodesCount == 384)
        #expect(bytes[300] == 0xA5)
        let changed = (0..<bytes.count).filter { bytes[$0] != original[$0] }
        #expect(changed.allSatisfy { (12..<20).contains($0) || (44..<60).contains($0) })
        #expect(superblock.bytes == bytes)

        var block = [UInt8](repeating: 0, count: 4096)
        superblock.store(into: &block, at: 1024)
        #expect(block.loadLittleEndian(UInt32.self, at: 1024 + 12) == 1234)
    }

    @Test func sparseSuperblockGroups() throws {
        let sparse = try makeExt2Superblock()
        let withBackup = (0..<100).filter { sparse.groupHasSuperblock(UInt32($0)) }
        #expect(withBackup == [0, 1, 3, 5, 7, 9, 25, 27, 49, 81])
        let full = try makeExt2Superblock { $0.storeLittleEndian(UInt32(0), at: 100) }
        #expect((0..<10).allSatisfy { full.groupHasSuperblock(UInt32($0)) })
    }

    @Test func metaBlockGroupDescriptorLocations() throws {
        let superblock = try makeExt2Superblock {
            $0.storeLittleEndian((Ext2Features.Incompatible.fileType.union(.metaBlockGroups)).rawValue, at: 96)
            $0.storeLittleEndian(UInt32(1), at: 260)  // s_first_meta_bg
        }
        #expect(superblock.descriptorBlockLocation(0) == 2)
        // Meta group 1 starts at group 32 (32 descriptors a block), which has no backup superblock.
        #expect(superblock.descriptorBlockLocation(1) == 32 * 8192 + 1)
        // Meta group 3 starts at group 96: no backup either; group 1 would have one.
        #expect(superblock.descriptorBlockLocation(3) == 96 * 8192 + 1)
    }
}

@Suite struct Ext2GroupDescriptorTests {
    @Test func roundTripsAndValidates() throws {
        let superblock = try makeExt2Superblock()
        let descriptor = Ext2GroupDescriptor(
            blockBitmap: 8195, inodeBitmap: 8196, inodeTable: 8197, freeBlocksCount: 8000, freeInodesCount: 120,
            usedDirectoriesCount: 2)
        var bytes = [UInt8](repeating: 0xEE, count: 64)
        descriptor.store(into: &bytes, at: 32)
        #expect(Ext2GroupDescriptor(parsing: bytes, at: 32) == descriptor)
        #expect(bytes[32 + 18] == 0xEE && bytes[0] == 0xEE)
        try descriptor.validate(group: 1, in: superblock)
        #expect(throws: Ext2Error.descriptorOutOfRange(group: 0)) { try descriptor.validate(group: 0, in: superblock) }

        func check(_ change: (inout Ext2GroupDescriptor) -> Void, group: UInt32 = 1) -> Bool {
            var copy = descriptor
            change(&copy)
            return (try? copy.validate(group: group, in: superblock)) != nil
        }
        #expect(!check { $0.blockBitmap = 8192 })
        #expect(!check { $0.inodeBitmap = 16385 })
        #expect(check { $0.inodeTable = 16384 - 15 })
        #expect(!check { $0.inodeTable = 16384 - 14 })  // the table's tail leaves the group
        #expect(!check { $0.inodeTable = 0xFFFF_FFFF })
        #expect(!check { $0.freeInodesCount = 129 })
        // The last group is short: it ends at the file system's last block.
        #expect(
            check(
                {
                    $0 = Ext2GroupDescriptor(
                        blockBitmap: 16385, inodeBitmap: 16386, inodeTable: 20479 - 15, freeBlocksCount: 4000,
                        freeInodesCount: 128, usedDirectoriesCount: 0)
                }, group: 2))
        #expect(
            !check(
                {
                    $0 = Ext2GroupDescriptor(
                        blockBitmap: 16385, inodeBitmap: 20480, inodeTable: 16387, freeBlocksCount: 0,
                        freeInodesCount: 0, usedDirectoriesCount: 0)
                }, group: 2))
    }
}

@Suite struct Ext2InodeTests {
    @Test func roundTripsEveryField() {
        var inode = Ext2Inode()
        inode.mode = UInt16(FileMode.S_IFREG | 0o640)
        inode.uid = 0x0012_3456
        inode.gid = 0x0007_0008
        inode.size = 0x1_2345_6789
        inode.accessTime = -5
        inode.changeTime = 100
        inode.modificationTime = Int32.max
        inode.linksCount = 3
        inode.sectors = 24
        inode.flags = 0x80
        inode.block = (0..<15).map { UInt32($0 * 1000 + 7) }
        inode.generation = 99
        inode.fileACL = 0
        var bytes = [UInt8](repeating: 0xCC, count: 512)
        inode.store(into: &bytes, at: 256)
        #expect(Ext2Inode(parsing: bytes, at: 256) == inode)
        #expect(bytes.loadLittleEndian(UInt16.self, at: 256 + 2) == 0x3456)
        #expect(bytes.loadLittleEndian(UInt16.self, at: 256 + 120) == 0x0012)
        #expect(bytes.loadLittleEndian(UInt32.self, at: 256 + 108) == 1)
        #expect(bytes[255] == 0xCC && bytes[256 + 128] == 0xCC)
        #expect(inode.isRegular && !inode.isDirectory)
    }

    @Test func sizeHighIsOnlyForRegularFiles() {
        var bytes = [UInt8](repeating: 0, count: 128)
        bytes.storeLittleEndian(UInt16(FileMode.S_IFDIR | 0o755), at: 0)
        bytes.storeLittleEndian(UInt32(4096), at: 4)
        bytes.storeLittleEndian(UInt32(7), at: 108)  // i_dir_acl
        var directory = Ext2Inode(parsing: bytes, at: 0)
        #expect(directory.size == 4096 && directory.sizeHigh == 7)
        directory.size = 8192
        #expect(directory.sizeHigh == 7)
        bytes.storeLittleEndian(UInt16(FileMode.S_IFREG | 0o644), at: 0)
        #expect(Ext2Inode(parsing: bytes, at: 0).size == 7 << 32 | 4096)
    }

    @Test func fastSymbolicLinks() throws {
        var link = Ext2Inode()
        link.mode = UInt16(FileMode.S_IFLNK | 0o777)
        let target = Array("../some/where/else".utf8)
        let done1 = link.setFastSymbolicLinkTarget(target)
        #expect(done1)
        #expect(link.isFastSymbolicLink(blockSize: 1024))
        #expect(try link.fastSymbolicLinkTarget(inode: 12) == target)
        let done2 = link.setFastSymbolicLinkTarget([UInt8](repeating: 0x61, count: 59))
        #expect(done2)
        let done3 = link.setFastSymbolicLinkTarget([UInt8](repeating: 0x61, count: 60))
        #expect(!done3)
        link.fileACL = 500
        #expect(!link.isFastSymbolicLink(blockSize: 1024))
        link.sectors = 2
        #expect(link.isFastSymbolicLink(blockSize: 1024))
        link.sizeLow = 60
        #expect(throws: Ext2Error.badSymlink(12)) { try link.fastSymbolicLinkTarget(inode: 12) }
    }

    @Test func freeInodesAreStale() {
        var inode = Ext2Inode()
        #expect(inode.isFree)
        inode.mode = UInt16(FileMode.S_IFREG)
        #expect(!inode.isFree)
        inode.deletionTime = 5
        #expect(inode.isFree)
        inode.linksCount = 1
        #expect(!inode.isFree)
    }

    @Test func locatesInodesAndRefusesBadNumbers() throws {
        let superblock = try makeExt2Superblock()
        let tables: [UInt32] = [5, 8197, 16389]
        func locate(_ number: UInt32, reserved: Bool = false) throws(Ext2Error) -> Ext2InodeLocation {
            try Ext2InodeLocation(
                inode: number, superblock: superblock, inodeTable: { tables[Int($0)] },
                allowReserved: reserved)
        }
        let root = try locate(2)
        #expect(root.group == 0 && root.index == 1 && root.block == 5 && root.offset == 128)
        let later = try locate(128 + 20)
        #expect(later.group == 1 && later.index == 19 && later.block == 8197 + 2 && later.offset == 3 * 128)
        #expect(try locate(384).block == 16389 + 15)
        for bad: UInt32 in [0, 1, 3, 10, 385, .max] {
            #expect(throws: Ext2Error.badInodeNumber(bad)) { try locate(bad) }
        }
        #expect(try locate(7, reserved: true).index == 6)
    }
}

@Suite struct Ext2DirectoryBlockTests {
    let superblock: Ext2Superblock

    init() throws { superblock = try makeExt2Superblock() }

    func names(_ block: Ext2DirectoryBlock) -> [String] {
        block.entries.map { String(decoding: $0.name, as: UTF8.self) }
    }

    @Test func newDirectoryHasDotEntries() throws {
        let block = Ext2DirectoryBlock.newDirectory(size: 1024, inode: 12, parent: 2, superblock: superblock)
        let checked = try Ext2DirectoryBlock(checking: block.bytes, superblock: superblock)
        #expect(names(checked) == [".", ".."])
        #expect(checked.entries.map(\.inode) == [12, 2] && checked.entries.map(\.recordLength) == [12, 1012])
        #expect(checked.entries.allSatisfy { $0.fileType == .directory })
        #expect(checked.holdsOnlyDotEntries)
    }

    @Test func insertSplitsSlackAndReusesFreeRecords() throws {
        var block = Ext2DirectoryBlock.newDirectory(size: 1024, inode: 12, parent: 2, superblock: superblock)
        let done4 = try block.insert(Array("alpha".utf8), inode: 20, fileType: .regular)
        #expect(done4)
        let done5 = try block.insert(Array("b".utf8), inode: 21, fileType: .symbolicLink)
        #expect(done5)
        #expect(names(block) == [".", "..", "alpha", "b"])
        #expect(block.entries.map(\.recordLength) == [12, 12, 16, 984])
        #expect(block.find(Array("b".utf8))?.fileType == .symbolicLink)
        #expect(!block.holdsOnlyDotEntries)
        #expect(throws: Ext2Error.nameExists) { try block.insert(Array("alpha".utf8), inode: 30, fileType: .regular) }
        #expect(throws: Ext2Error.badInodeNumber(0)) { try block.insert(Array("z".utf8), inode: 0, fileType: .regular) }
        #expect(throws: Ext2Error.badInodeNumber(385)) {
            try block.insert(Array("z".utf8), inode: 385, fileType: .regular)
        }
        for bad in [[], [UInt8](repeating: 0x61, count: 256), Array("a/b".utf8), [0x61, 0]] {
            #expect(throws: Ext2Error.badName) { try block.insert(bad, inode: 30, fileType: .regular) }
        }

        // Remove "alpha": its space goes to ".."; a name of up to 16 bytes fits there again.
        let alpha = try #require(block.find(Array("alpha".utf8)))
        try block.remove(at: alpha.offset)
        #expect(names(block) == [".", "..", "b"] && block.entries[1].recordLength == 28)
        let done6 = try block.insert(Array("sixteen-bytes-ab".utf8.prefix(8)), inode: 22, fileType: .directory)
        #expect(done6)
        #expect(block.entries.map(\.recordLength) == [12, 12, 16, 984])

        // Removing the first record frees it in place; an insert of a short name reuses it.
        try block.remove(at: 0)
        #expect(names(block) == ["..", "sixteen-", "b"])
        let done7 = try block.insert(Array("x".utf8), inode: 23, fileType: .fifo)
        #expect(done7)
        #expect(block.entries.first?.offset == 0 && block.entries.first?.recordLength == 12)
        #expect(throws: Ext2Error.badRecordLength(offset: 13)) { try block.remove(at: 13) }
        _ = try Ext2DirectoryBlock(checking: block.bytes, superblock: superblock)
    }

    @Test func fullBlockRefusesAndEmptyBlockAccepts() throws {
        var block = Ext2DirectoryBlock.newDirectory(size: 1024, inode: 12, parent: 2, superblock: superblock)
        var inserted = 0
        while try block.insert(Array("file-\(inserted)".utf8), inode: 20, fileType: .regular) { inserted += 1 }
        // 1000 bytes after "." and "..": 10 names of 6 bytes (16 each), then 7-byte ones (16 each).
        #expect(inserted == (1024 - 24) / 16)
        var empty = Ext2DirectoryBlock.empty(size: 1024, superblock: superblock)
        #expect(empty.entries.isEmpty)
        let done8 = try empty.insert(Array(repeating: 0x7A, count: 255), inode: 30, fileType: .regular)
        #expect(done8)
        #expect(empty.entries.first?.recordLength == 1024)
    }

    @Test func checkingRefusesBadRecords() throws {
        let good = Ext2DirectoryBlock.newDirectory(size: 1024, inode: 12, parent: 2, superblock: superblock).bytes
        let cases: [(Int, [UInt8], Ext2Error)] = [
            (4, [0, 0], .badRecordLength(offset: 0)),  // zero length: would loop forever
            (4, [8, 0], .badRecordLength(offset: 0)),  // below the 12-byte minimum
            (4, [14, 0], .badRecordLength(offset: 0)),  // not a multiple of four
            (16, [0, 8], .badRecordLength(offset: 12)),  // past the block's end
            (6, [5], .badRecordLength(offset: 0)),  // "." grown to 5 bytes overruns its 12-byte record
            (12, [0x81, 1, 0, 0], .directoryInodeOutOfRange(offset: 12)),
            (12 + 6, [0], .badDirectoryEntry(offset: 12)),  // a live entry with no name
            (12 + 7, [9], .badDirectoryEntry(offset: 12)),  // an unknown file type
        ]
        for (offset, value, error) in cases {
            var bytes = good
            bytes.storeBytes(value, at: offset)
            #expect(throws: error) { try Ext2DirectoryBlock(checking: bytes, superblock: superblock) }
        }
        #expect(throws: Ext2Error.badRecordLength(offset: 0)) {
            try Ext2DirectoryBlock(checking: [UInt8](repeating: 0, count: 1024), superblock: superblock)
        }
        #expect(throws: Ext2Error.badRecordLength(offset: 0)) {
            try Ext2DirectoryBlock(checking: [1, 0, 0, 0, 8, 0], superblock: superblock)
        }
    }

    @Test func sixtyFourKiBRecordLength() throws {
        let big = try Ext2Superblock(parsing: makeExt2SuperblockBytes(blockShift: 6, blocks: 100))
        var block = Ext2DirectoryBlock.empty(size: 65536, superblock: big)
        #expect(block.bytes.loadLittleEndian(UInt16.self, at: 4) == 65535)
        let done9 = try block.insert(Array("a".utf8), inode: 12, fileType: .regular)
        #expect(done9)
        let checked = try Ext2DirectoryBlock(checking: block.bytes, superblock: big)
        #expect(checked.entries.first?.recordLength == 65536)
    }

    @Test func withoutFileTypeFeatureTheByteStaysZero() throws {
        let plain = try makeExt2Superblock { $0.storeLittleEndian(UInt32(0), at: 96) }
        var block = Ext2DirectoryBlock.empty(size: 1024, superblock: plain)
        let done10 = try block.insert(Array("f".utf8), inode: 12, fileType: .regular)
        #expect(done10)
        #expect(block.bytes[7] == 0 && block.entries.first?.fileType == .unknown)
        block.setInode(at: 0, to: 13, fileType: .directory)
        #expect(block.entries.first?.inode == 13 && block.bytes[7] == 0)
    }
}
