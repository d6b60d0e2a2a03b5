import Testing

@testable import Lib

@Suite struct Ext2BitmapTests {
    func bitmap(used: [Int], bits: Int = 256) -> Ext2Bitmap {
        var bitmap = Ext2Bitmap([UInt8](repeating: 0, count: bits / 8), bitCount: bits)
        for bit in used { _ = bitmap.set(bit) }
        return bitmap
    }

    @Test func setAndClearReportTheOldState() {
        var map = bitmap(used: [])
        #expect(map.set(9) && !map.set(9) && map.isSet(9) && map.bytes[1] == 0x02)
        #expect(map.clear(9) && !map.clear(9) && map.freeCount == 256)
    }

    @Test func takesTheGoalWhenFree() {
        #expect(bitmap(used: [0, 1, 2]).findFree(near: 40) == 40)
    }

    @Test func staysWithinTheGoalsSixtyFourBitWindow() {
        // Goal 40 used, 41..<50 used, 50 free: the nearest free bit before the 64 boundary.
        #expect(bitmap(used: Array(40..<50)).findFree(near: 40) == 50)
    }

    @Test func prefersTheStartOfAFreeRunPastTheWindow() {
        // Everything up to 130 used but 100 (a lone hole in a used byte), then free from 130:
        // the window 40..<64 is full, the first free byte is 136..<144, backed up to 130.
        var used = Array(0..<130)
        used.removeAll { $0 == 100 }
        #expect(bitmap(used: used).findFree(near: 40) == 130)
    }

    @Test func takesAnyFreeBitWhenNoByteIsFree() {
        let used = (0..<256).filter { $0 % 8 != 5 || $0 < 72 }
        #expect(bitmap(used: used).findFree(near: 10) == 77)
        // Nothing free after the goal: wrap to the start.
        #expect(bitmap(used: Array(3..<256)).findFree(near: 100) == 0)
        #expect(bitmap(used: Array(0..<256)).findFree(near: 5) == nil)
    }

    @Test func neverReturnsBitsPastTheGroupsEnd() {
        // A last group of 20 blocks in a 256-bit block: bits 20... do not exist.
        var map = Ext2Bitmap([UInt8](repeating: 0, count: 32), bitCount: 20)
        for bit in 0..<20 { _ = map.set(bit) }
        #expect(map.findFree(near: 3) == nil && map.freeCount == 0)
        #expect(map.nextFree(from: 0, before: 1000) == nil)
        #expect(Ext2Bitmap([0], bitCount: 100).bitCount == 8)
    }

    @Test func badGoalsStartAtZero() {
        #expect(bitmap(used: []).findFree(near: -4) == 0)
        #expect(bitmap(used: []).findFree(near: 9999) == 0)
    }
}

@Suite struct Ext2GroupPolicyTests {
    func groups(_ counts: [(inodes: UInt16, blocks: UInt16, directories: UInt16)]) -> [Ext2GroupDescriptor] {
        counts.map {
            Ext2GroupDescriptor(
                blockBitmap: 0, inodeBitmap: 0, inodeTable: 0, freeBlocksCount: $0.blocks, freeInodesCount: $0.inodes,
                usedDirectoriesCount: $0.directories)
        }
    }

    @Test func blocksGoToTheGoalGroupThenTheNext() {
        let descriptors = groups([(5, 10, 0), (5, 0, 0), (5, 10, 0), (5, 10, 0)])
        #expect(Ext2GroupPolicy.blockGroups(goalGroup: 2, descriptors: descriptors) == [2, 3, 0])
        #expect(Ext2GroupPolicy.blockGroups(goalGroup: 1, descriptors: descriptors) == [2, 3, 0])
        #expect(Ext2GroupPolicy.blockGroups(goalGroup: 9, descriptors: descriptors) == [0, 2, 3])
        #expect(Ext2GroupPolicy.blockGroups(goalGroup: 0, descriptors: []) == [])
    }

    @Test func filesStayInTheParentsGroup() {
        let descriptors = groups(Array(repeating: (10, 10, 1), count: 8))
        #expect(Ext2GroupPolicy.groupForFile(parentGroup: 3, parentInode: 50, descriptors: descriptors) == 3)
    }

    @Test func filesOfAFullGroupSpreadByTheParentsInodeNumber() {
        var counts = Array(repeating: (inodes: UInt16(10), blocks: UInt16(10), directories: UInt16(1)), count: 8)
        counts[3].inodes = 0
        let descriptors = groups(counts)
        // (3 + 50 % 8) % 8 = 5, then probe +1: 6.
        #expect(Ext2GroupPolicy.groupForFile(parentGroup: 3, parentInode: 50, descriptors: descriptors) == 6)
        #expect(Ext2GroupPolicy.groupForFile(parentGroup: 3, parentInode: 51, descriptors: descriptors) == 7)
        // Probes 5+1=6, 6+2=0, 0+4=4 all without blocks: the linear search from the parent's
        // group takes the next with a free inode, blocks or not.
        for group in [0, 4, 6] { counts[group].blocks = 0 }
        #expect(Ext2GroupPolicy.groupForFile(parentGroup: 3, parentInode: 50, descriptors: groups(counts)) == 4)
        #expect(
            Ext2GroupPolicy.groupForFile(
                parentGroup: 0, parentInode: 2, descriptors: groups(Array(repeating: (0, 10, 0), count: 4))) == nil)
    }

    @Test func topLevelDirectoriesGoWhereDirectoriesAreFewest() throws {
        let superblock = try makeExt2Superblock()
        let descriptors = groups([(100, 4000, 5), (100, 4000, 2), (10, 4000, 0), (100, 4000, 2)])
        // Group 2 has the fewest directories but too few free inodes; 1 and 3 tie, first found wins.
        #expect(
            Ext2GroupPolicy.groupForDirectory(
                parentGroup: 0, topLevel: true, randomStart: 0, superblock: superblock, descriptors: descriptors) == 1)
        #expect(
            Ext2GroupPolicy.groupForDirectory(
                parentGroup: 0, topLevel: true, randomStart: 2, superblock: superblock, descriptors: descriptors) == 3)
    }

    @Test func nestedDirectoriesStayNearTheirParentUnlessCrowded() throws {
        let superblock = try makeExt2Superblock()  // 128 inodes and 8192 blocks per group
        var counts = Array(repeating: (inodes: UInt16(100), blocks: UInt16(4000), directories: UInt16(2)), count: 4)
        #expect(
            Ext2GroupPolicy.groupForDirectory(
                parentGroup: 2, topLevel: false, randomStart: 0, superblock: superblock, descriptors: groups(counts))
                == 2)
        // Too many directories in group 2 (max: 8 / 4 + 128 / 16 = 10 ... with 20 there, 26 total).
        counts[2].directories = 20
        #expect(
            Ext2GroupPolicy.groupForDirectory(
                parentGroup: 2, topLevel: false, randomStart: 0, superblock: superblock, descriptors: groups(counts))
                == 3)
        // Every group crowded: the fallback takes the first with average free inodes.
        for group in 0..<4 { counts[group].directories = 40 }
        counts[2].inodes = 10
        #expect(
            Ext2GroupPolicy.groupForDirectory(
                parentGroup: 2, topLevel: false, randomStart: 0, superblock: superblock, descriptors: groups(counts))
                == 3)
        let full = groups(Array(repeating: (0, 100, 1), count: 3))
        #expect(
            Ext2GroupPolicy.groupForDirectory(
                parentGroup: 0, topLevel: true, randomStart: 1, superblock: superblock, descriptors: full) == nil)
    }
}

@Suite struct Ext2BlockMapTests {
    @Test func pathsAtEachLevelsEdges() throws {
        let map = Ext2BlockMap(superblock: try makeExt2Superblock())  // 256 pointers per block
        #expect(map.pointersPerBlock == 256)
        #expect(try map.path(for: 0) == Ext2BlockPath(offsets: [0], boundary: 11))
        #expect(try map.path(for: 11) == Ext2BlockPath(offsets: [11], boundary: 0))
        #expect(try map.path(for: 12) == Ext2BlockPath(offsets: [12, 0], boundary: 255))
        #expect(try map.path(for: 12 + 255) == Ext2BlockPath(offsets: [12, 255], boundary: 0))
        #expect(try map.path(for: 12 + 256) == Ext2BlockPath(offsets: [13, 0, 0], boundary: 255))
        #expect(try map.path(for: 12 + 256 + 256 * 3 + 7) == Ext2BlockPath(offsets: [13, 3, 7], boundary: 248))
        let triple: UInt64 = 12 + 256 + 65536
        #expect(try map.path(for: triple) == Ext2BlockPath(offsets: [14, 0, 0, 0], boundary: 255))
        #expect(
            try map.path(for: triple + 65536 * 2 + 256 * 5 + 9) == Ext2BlockPath(offsets: [14, 2, 5, 9], boundary: 246))
        #expect(map.addressableBlocks == triple + 16_777_216)
        #expect(try map.path(for: map.addressableBlocks - 1).offsets == [14, 255, 255, 255])
        #expect(throws: Ext2Error.blockTooBig(map.addressableBlocks)) { try map.path(for: map.addressableBlocks) }
        #expect(throws: Ext2Error.blockTooBig(.max)) { try map.path(for: .max) }
        #expect(Ext2Error.blockTooBig(0).errno == .EFBIG)
    }

    @Test func maxFileSizesMatchLinux() {
        // 1 KiB: the tree limits (12 + 256 + 256² + 256³ blocks).
        #expect(Ext2BlockMap.maxFileSize(blockSizeShift: 10) == 16_843_020 * 1024)
        // 2 KiB: the tree, 12 + 512 + 512² + 512³ blocks, still fits i_blocks.
        #expect(Ext2BlockMap.maxFileSize(blockSizeShift: 11) == (12 + 512 + 512 * 512 + 512 * 512 * 512) * 2048)
        // 4 KiB: i_blocks' 2³² − 1 sectors limit, less the indirect blocks (Linux: 2 TiB − 4 MiB − ...).
        let fourK = Ext2BlockMap.maxFileSize(blockSizeShift: 12)
        let sectorLimit: UInt64 = (1 << 32 - 1) >> 3
        let tripleData = sectorLimit - 12 - 1024 - 1024 * 1024
        let meta: UInt64 = 1 + (1 + 1024) + (1 + (tripleData + 1023) / 1024 + (tripleData + (1 << 20) - 1) >> 20)
        #expect(fourK == (sectorLimit - meta) << 12)
        #expect(fourK < 2 << 40 && fourK > 2 << 40 - 4 << 30)
    }

    @Test func walksIndirectBlocksAndStopsAtHoles() throws {
        let superblock = try makeExt2Superblock()
        let map = Ext2BlockMap(superblock: superblock)
        var disk: [UInt32: [UInt8]] = [:]
        func pointers(_ values: [Int: UInt32]) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: 1024)
            for (index, value) in values { bytes.storeLittleEndian(value, at: 4 * index) }
            return bytes
        }
        disk[100] = pointers([0: 500, 255: 501])
        disk[200] = pointers([1: 300])
        disk[300] = pointers([2: 777])
        var blocks = [UInt32](repeating: 0, count: 15)
        blocks[0] = 50
        blocks[12] = 100
        blocks[13] = 200
        var reads: [UInt32] = []
        let read = { (block: UInt32) throws(Ext2Error) -> [UInt8] in
            reads.append(block)
            return disk[block] ?? [UInt8](repeating: 0, count: 1024)
        }
        #expect(try map.map(0, inodeBlocks: blocks, read: read) == 50)
        #expect(try map.map(1, inodeBlocks: blocks, read: read) == nil)
        #expect(try map.map(12, inodeBlocks: blocks, read: read) == 500)
        #expect(try map.map(12 + 255, inodeBlocks: blocks, read: read) == 501)
        #expect(try map.map(12 + 256 + 256 + 2, inodeBlocks: blocks, read: read) == 777)
        #expect(try map.map(12 + 256 + 2, inodeBlocks: blocks, read: read) == nil)
        reads = []
        // A hole in the triple-indirect slot: nothing is read.
        #expect(try map.map(12 + 256 + 65536, inodeBlocks: blocks, read: read) == nil && reads.isEmpty)

        let links = try map.branch(try map.path(for: 12 + 256 + 256 + 5), inodeBlocks: blocks, read: read)
        #expect(
            links == [
                Ext2BranchLink(holder: nil, index: 13, pointer: 200),
                Ext2BranchLink(holder: 200, index: 1, pointer: 300),
                Ext2BranchLink(holder: 300, index: 5, pointer: 0),
            ])
    }

    @Test func refusesLoopsAndPointersOutsideTheFileSystem() throws {
        let superblock = try makeExt2Superblock()
        let map = Ext2BlockMap(superblock: superblock)
        var disk: [UInt32: [UInt8]] = [:]
        func pointing(to value: UInt32, at index: Int = 0) -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: 1024)
            bytes.storeLittleEndian(value, at: 4 * index)
            return bytes
        }
        disk[100] = pointing(to: 100)  // a single indirect block naming itself
        disk[200] = pointing(to: 201)
        disk[201] = pointing(to: 200)  // double: child points back at its parent
        disk[300] = pointing(to: 99_999)
        let read = { (block: UInt32) throws(Ext2Error) -> [UInt8] in disk[block] ?? [UInt8](repeating: 0, count: 1024) }
        var blocks = [UInt32](repeating: 0, count: 15)
        blocks[12] = 100
        #expect(throws: Ext2Error.indirectLoop(100)) { try map.map(12, inodeBlocks: blocks, read: read) }
        blocks[13] = 200
        #expect(throws: Ext2Error.indirectLoop(200)) { try map.map(12 + 256, inodeBlocks: blocks, read: read) }
        blocks[14] = 200
        #expect(throws: Ext2Error.indirectLoop(200)) {
            try map.map(12 + 256 + 65536, inodeBlocks: blocks, read: read)
        }
        blocks[12] = 300
        #expect(throws: Ext2Error.blockOutOfRange(99_999)) { try map.map(12, inodeBlocks: blocks, read: read) }
        blocks[0] = 20480
        #expect(throws: Ext2Error.blockOutOfRange(20480)) { try map.map(0, inodeBlocks: blocks, read: read) }
        blocks[13] = 0xFFFF_FFFF
        #expect(throws: Ext2Error.blockOutOfRange(0xFFFF_FFFF)) {
            try map.map(12 + 256, inodeBlocks: blocks, read: read)
        }
        // The boot block (block 0 with 1 KiB blocks, before s_first_data_block) is no data block.
        #expect(throws: Ext2Error.blockOutOfRange(0)) { try map.check(0) }
        let short = { (_: UInt32) throws(Ext2Error) -> [UInt8] in [1, 2, 3] }
        blocks[12] = 100
        #expect(throws: Ext2Error.readFailed(.EIO)) { try map.map(12, inodeBlocks: blocks, read: short) }
        #expect(throws: Ext2Error.readFailed(.EINVAL)) { try map.map(0, inodeBlocks: [1, 2], read: read) }
    }
}
