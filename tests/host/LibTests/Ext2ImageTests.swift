import ABI
import Foundation
import Testing

@testable import Lib

/// ext2 images made by the host's `mke2fs -d` (e2fsprogs) from a small tree,
/// read back with lib/fs/ext2; and the same images damaged in known ways and
/// at random, which must give errors, never traps.
enum Ext2Image {
    /// An e2fsprogs program: they live in /sbin, which an unprivileged PATH may lack.
    static func tool(_ name: String) -> String? {
        ["/sbin/\(name)", "/usr/sbin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let mke2fs = tool("mke2fs")

    /// The files of the tree, by path: contents for regular files.
    static func files() -> [String: [UInt8]] {
        var random = TestRandom(seed: 0xE2)
        return [
            "hello.txt": Array("hello, ext2\n".utf8),
            "empty": [],
            "dir/sub/deep.txt": Array("three levels down\n".utf8),
            // 300,000 bytes: past the double-indirect start with 1 KiB blocks (12 + 256 blocks).
            "big": (0..<300_000).map { _ in UInt8(truncatingIfNeeded: random.next()) },
        ]
    }

    static let manyCount = 150
    static let sparseSize = 5 << 20
    static let longTarget = String(repeating: "long/", count: 20) + "target"

    /// Builds the tree in a temporary directory and runs mke2fs on it.
    static func make(blockSize: Int, size: String, type: String = "ext2", extraOptions: [String] = []) throws
        -> [UInt8]
    {
        let directory = try HostTool.temporaryDirectory("ext2")
        defer { try? FileManager.default.removeItem(at: directory) }
        let tree = directory.appendingPathComponent("tree")
        let files = FileManager.default
        try files.createDirectory(at: tree.appendingPathComponent("dir/sub"), withIntermediateDirectories: true)
        try files.createDirectory(at: tree.appendingPathComponent("many"), withIntermediateDirectories: true)
        for (path, contents) in Self.files() {
            #expect(files.createFile(atPath: tree.appendingPathComponent(path).path, contents: Data(contents)))
        }
        for index in 0..<manyCount {
            let path = tree.appendingPathComponent("many/file-with-a-longish-name-\(index)").path
            #expect(files.createFile(atPath: path, contents: Data("\(index)".utf8)))
        }
        try files.createSymbolicLink(
            atPath: tree.appendingPathComponent("short").path, withDestinationPath: "hello.txt")
        try files.createSymbolicLink(atPath: tree.appendingPathComponent("long").path, withDestinationPath: longTarget)
        try files.linkItem(
            atPath: tree.appendingPathComponent("hello.txt").path, toPath: tree.appendingPathComponent("hardlink").path)
        // A hole of 5 MiB, then three bytes.
        let sparse = tree.appendingPathComponent("sparse").path
        #expect(files.createFile(atPath: sparse, contents: nil))
        let handle = try FileHandle(forWritingAtPath: sparse).unwrap()
        try handle.seek(toOffset: UInt64(sparseSize))
        try handle.write(contentsOf: Data("end".utf8))
        try handle.close()

        let image = directory.appendingPathComponent("image").path
        try HostTool.run(
            mke2fs!,
            ["-q", "-F", "-t", type, "-b", "\(blockSize)", "-d", tree.path] + extraOptions + [image, size])
        return Array(try Data(contentsOf: URL(fileURLWithPath: image)))
    }

    /// Reads everything reachable from the root — every directory's records,
    /// the first 64 KiB of every file, every link's target — and returns the
    /// first error. Directories already seen are skipped, so a damaged image
    /// whose directories form a cycle still ends.
    static func walk(_ image: [UInt8], readOnly: Bool = true) -> Ext2Error? {
        do throws(Ext2Error) {
            let volume = try Ext2Volume(image, readOnly: readOnly)
            for group in 0..<volume.superblock.groupCount {
                _ = try volume.bitmap(group: group, inodes: false).freeCount
                _ = try volume.bitmap(group: group, inodes: true).freeCount
            }
            var pending = [Ext2Superblock.rootInode]
            var seen: [UInt32] = []
            while let number = pending.popLast() {
                guard !seen.contains(number) else { continue }
                seen.append(number)
                let inode = try volume.inode(number)
                if inode.isDirectory {
                    pending += try volume.entries(inode).filter { $0.name != [0x2E] && $0.name != [0x2E, 0x2E] }
                        .map(\.inode)
                } else if inode.isSymbolicLink {
                    _ = try volume.symbolicLinkTarget(inode, number: number)
                } else {
                    _ = try volume.read(inode, at: 0, count: 65536)
                    _ = try volume.read(inode, at: inode.size &- 100, count: 100)
                }
            }
            return nil
        } catch {
            return error
        }
    }
}

extension Optional {
    struct Missing: Error {}
    func unwrap() throws -> Wrapped {
        guard let value = self else { throw Missing() }
        return value
    }
}

@Suite(.enabled(if: Ext2Image.mke2fs != nil, "needs mke2fs (e2fsprogs)"))
struct Ext2ImageTests {
    static let images: [(blockSize: Int, size: String)] = [(1024, "20M"), (2048, "12M"), (4096, "16M")]

    @Test(arguments: images)
    func readsAnImageMadeByMke2fs(blockSize: Int, size: String) throws {
        let image = try Ext2Image.make(blockSize: blockSize, size: size)
        let volume = try Ext2Volume(image, readOnly: false)
        let superblock = volume.superblock
        #expect(superblock.blockSize == blockSize && superblock.revision == 1)
        #expect(superblock.features.incompatible.contains(.fileType))
        #expect(superblock.features.readOnlyCompatible.contains(.sparseSuperblock))

        // The descriptors' free counts add up to the superblock's and match the bitmaps.
        var freeBlocks = 0
        var freeInodes = 0
        for group in 0..<superblock.groupCount {
            let descriptor = volume.descriptors[Int(group)]
            #expect(try volume.bitmap(group: group, inodes: false).freeCount == Int(descriptor.freeBlocksCount))
            #expect(try volume.bitmap(group: group, inodes: true).freeCount == Int(descriptor.freeInodesCount))
            freeBlocks += Int(descriptor.freeBlocksCount)
            freeInodes += Int(descriptor.freeInodesCount)
        }
        #expect(freeBlocks == Int(superblock.freeBlocksCount) && freeInodes == Int(superblock.freeInodesCount))

        // Regular files, read whole and in pieces across block boundaries.
        for (path, contents) in Ext2Image.files() {
            let inode = try volume.inode(try volume.lookup(path))
            #expect(inode.isRegular && inode.size == UInt64(contents.count), "\(path)")
            #expect(try volume.read(inode, at: 0, count: contents.count + 10) == contents, "\(path)")
            if contents.count > 5000 {
                let start = blockSize * 12 - 7
                #expect(try volume.read(inode, at: UInt64(start), count: 4000) == Array(contents[start..<start + 4000]))
                // The sectors count includes the indirect blocks (512-byte units).
                let dataBlocks = (contents.count + blockSize - 1) / blockSize
                #expect(Int(inode.sectors) > dataBlocks * blockSize / 512)
            }
        }

        // Directories: the root's records with their file types, a subdirectory, many names.
        let root = try volume.inode(Ext2Superblock.rootInode)
        let rootEntries = try volume.entries(root)
        let types = Dictionary(
            uniqueKeysWithValues: rootEntries.map { (String(decoding: $0.name, as: UTF8.self), $0.fileType) })
        #expect(types["."] == .directory && types[".."] == .directory && types["lost+found"] == .directory)
        #expect(types["hello.txt"] == .regular && types["short"] == .symbolicLink && types["dir"] == .directory)
        #expect(rootEntries.first { $0.name == [0x2E, 0x2E] }?.inode == Ext2Superblock.rootInode)
        let many = try volume.entries(try volume.inode(try volume.lookup("many")))
        #expect(many.count == Ext2Image.manyCount + 2)
        #expect(try volume.directoryBlocks(try volume.inode(try volume.lookup("many"))).count > 1)
        for index in [0, 77, Ext2Image.manyCount - 1] {
            let file = try volume.lookup("many/file-with-a-longish-name-\(index)")
            #expect(try volume.read(try volume.inode(file), at: 0, count: 10) == Array("\(index)".utf8))
        }
        #expect(throws: Ext2Error.readFailed(.ENOENT)) { try volume.lookup("dir/missing") }
        #expect(throws: Ext2Error.readFailed(.ENOTDIR)) { try volume.lookup("hello.txt/x") }
        #expect(throws: Ext2Error.descriptorOutOfRange(group: 99)) { try volume.bitmap(group: 99, inodes: true) }
        let helloInode = try volume.inode(try volume.lookup("hello.txt"))
        #expect(try volume.read(helloInode, at: 3, count: .max) == Array(Ext2Image.files()["hello.txt"]!.dropFirst(3)))

        // Hard links share the inode.
        let hello = try volume.lookup("hello.txt")
        #expect(try volume.lookup("hardlink") == hello && (try volume.inode(hello)).linksCount == 2)

        // Symbolic links: a short one kept in the inode, a long one in a block.
        let short = try volume.inode(try volume.lookup("short"))
        #expect(short.isFastSymbolicLink(blockSize: blockSize) && short.sectors == 0)
        #expect(try volume.symbolicLinkTarget(short, number: 0) == Array("hello.txt".utf8))
        let long = try volume.inode(try volume.lookup("long"))
        #expect(!long.isFastSymbolicLink(blockSize: blockSize) && long.sectors > 0)
        #expect(try volume.symbolicLinkTarget(long, number: 0) == Array(Ext2Image.longTarget.utf8))

        // The sparse file: 5 MiB of hole read as zeros, then "end"; only the last block is mapped.
        let sparse = try volume.inode(try volume.lookup("sparse"))
        #expect(sparse.size == UInt64(Ext2Image.sparseSize + 3))
        #expect(try volume.read(sparse, at: UInt64(Ext2Image.sparseSize - 2), count: 10) == [0, 0] + Array("end".utf8))
        #expect(try volume.read(sparse, at: 1_000_000, count: 3000).allSatisfy { $0 == 0 })
        let read = { (block: UInt32) throws(Ext2Error) -> [UInt8] in try volume.readBlock(block) }
        #expect(try volume.blockMap.map(0, inodeBlocks: sparse.block, read: read) == nil)
        let lastBlock = UInt64(Ext2Image.sparseSize / blockSize)
        #expect(try volume.blockMap.map(lastBlock, inodeBlocks: sparse.block, read: read) != nil)
        #expect(Int(sparse.sectors) <= 4 * blockSize / 512)

        #expect(Ext2Image.walk(image) == nil)
    }

    /// An ext3 image (a journal, no recovery pending) reads as ext2, as Linux's ext2 mounts it;
    /// an ext4 one (extents, 64-bit) is refused even read-only.
    @Test func ext3ReadsAndExt4IsRefused() throws {
        let ext3 = try Ext2Image.make(blockSize: 1024, size: "8M", type: "ext3")
        let volume = try Ext2Volume(ext3, readOnly: false)
        #expect(volume.superblock.features.compatible.contains(.hasJournal))
        #expect(Ext2Image.walk(ext3) == nil)
        let ext4 = try Ext2Image.make(blockSize: 4096, size: "8M", type: "ext4")
        guard case .unsupportedIncompatibleFeatures(let bits)? = Ext2Image.walk(ext4) else {
            Issue.record("ext4 image accepted")
            return
        }
        #expect(Ext2Features.Incompatible(rawValue: bits).contains(.extents))
    }

    @Test func metaBlockGroupImage() throws {
        let image = try Ext2Image.make(
            blockSize: 1024, size: "40M", extraOptions: ["-O", "meta_bg,^resize_inode", "-g", "1024"])
        let volume = try Ext2Volume(image)
        #expect(volume.superblock.features.incompatible.contains(.metaBlockGroups))
        #expect(volume.superblock.groupCount == 40)
        #expect(
            try volume.read(try volume.inode(try volume.lookup("hello.txt")), at: 0, count: 100)
                == Ext2Image.files()["hello.txt"])
        #expect(Ext2Image.walk(image) == nil)
    }
}

/// Damaged copies of a 1 KiB-block image of three groups: each kind of damage the issue
/// names, with the error it must give; then random damage, which must end
/// in an error or a clean walk, never a trap.
@Suite(.enabled(if: Ext2Image.mke2fs != nil, "needs mke2fs (e2fsprogs)"))
struct Ext2MalformedImageTests {
    let image: [UInt8]
    let volume: Ext2Volume<[UInt8]>

    init() throws {
        image = try Ext2Image.make(blockSize: 1024, size: "6M", extraOptions: ["-g", "2048"])
        volume = try Ext2Volume(image)
    }

    /// The image with `change` applied.
    func damaged(_ change: (inout [UInt8]) throws -> Void) rethrows -> [UInt8] {
        var copy = image
        try change(&copy)
        return copy
    }

    /// Byte offset of inode `number`'s slot in the image.
    func inodeOffset(_ number: UInt32) throws -> Int {
        let location = try Ext2InodeLocation(inode: number, superblock: volume.superblock) { group in
            volume.descriptors[Int(group)].inodeTable
        }
        return Int(location.block) * 1024 + location.offset
    }

    func inode(_ path: String) throws -> (number: UInt32, inode: Ext2Inode) {
        let number = try volume.lookup(path)
        return (number, try volume.inode(number))
    }

    @Test func superblockDamage() throws {
        let superblock = Ext2Superblock.offset
        #expect(Ext2Image.walk(damaged { $0[superblock + 56] = 0 }) == .badMagic(0xEF00))
        #expect(
            Ext2Image.walk(
                damaged {
                    $0[superblock + 24] = 9; $0[superblock + 28] = 9
                }) == .badBlockSize(9))
        #expect(Ext2Image.walk(damaged { $0[superblock + 0] ^= 1 }) != nil)
        #expect(Ext2Image.walk(Array(image.prefix(image.count / 2))) != nil)
        #expect(Ext2Image.walk(Array(image.prefix(1500))) == .readFailed(.EIO))
        #expect(Ext2Image.walk([]) == .readFailed(.EIO))
        // An unknown incompatible feature refuses even a read-only mount; an unknown
        // read-only-compatible one refuses only a read-write mount.
        let incompatible = damaged { $0[superblock + 96 + 1] |= 0x80 }
        #expect(Ext2Image.walk(incompatible) == .unsupportedIncompatibleFeatures(0x8000 | 0))
        let readOnly = damaged { $0[superblock + 100 + 2] |= 0x01 }
        #expect(Ext2Image.walk(readOnly) == nil)
        #expect(Ext2Image.walk(readOnly, readOnly: false) == .unsupportedReadOnlyFeatures(0x1_0000))
    }

    @Test func descriptorOutOfRange() throws {
        let table = Int(volume.superblock.descriptorBlockLocation(0)) * 1024
        // Group 1's inode table moved into group 2; group 2's block bitmap past the end.
        #expect(volume.superblock.groupCount == 3)
        let intoGroup2 = volume.superblock.firstBlock(ofGroup: 2) + 5
        let moved = damaged { $0.storeLittleEndian(intoGroup2, at: table + 32 + 8) }
        #expect(Ext2Image.walk(moved) == .descriptorOutOfRange(group: 1))
        let past = damaged { $0.storeLittleEndian(volume.superblock.blocksCount, at: table + 64) }
        #expect(Ext2Image.walk(past) == .descriptorOutOfRange(group: 2))
    }

    @Test func directoryRecordDamage() throws {
        let root = try volume.inode(Ext2Superblock.rootInode)
        let block = Int(root.block[0]) * 1024
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt16(0), at: block + 4) }) == .badRecordLength(offset: 0))
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt16(13), at: block + 4) }) == .badRecordLength(offset: 0))
        // ".." stretched past the block's end.
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt16(1024), at: block + 12 + 4) })
                == .badRecordLength(offset: 12))
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt32(1 << 30), at: block + 12) })
                == .directoryInodeOutOfRange(offset: 12))
        // A directory size that is not a whole number of blocks.
        let rootSlot = try inodeOffset(Ext2Superblock.rootInode)
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt32(1000), at: rootSlot + 4) })
                == .badDirectorySize(1000))
        // A directory entry naming a reserved inode.
        let entry = try #require(try volume.entries(root).first { $0.name == Array("hello.txt".utf8) })
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt32(5), at: block + entry.offset) })
                == .badInodeNumber(5))
        // A freed inode still named: stale.
        let hello = try inodeOffset(entry.inode)
        #expect(
            Ext2Image.walk(
                damaged {
                    $0.storeLittleEndian(UInt16(0), at: hello + 26); $0.storeLittleEndian(UInt32(1), at: hello + 20)
                })
                == .staleInode(entry.inode))
    }

    @Test func blockPointerDamage() throws {
        let big = try inode("big")
        let slot = try inodeOffset(big.number)
        let blocks = volume.superblock.blocksCount
        // A direct pointer past the end, and one at the boot block.
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(blocks + 5, at: slot + 40) })
                == .blockOutOfRange(blocks + 5))
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt32(0xFFFF_FFF0), at: slot + 40 + 4 * 12) })
                == .blockOutOfRange(0xFFFF_FFF0))
        // The single indirect block's first pointer naming itself.
        let indirect = big.inode.block[12]
        let selfLoop = damaged { $0.storeLittleEndian(indirect, at: Int(indirect) * 1024) }
        #expect(Ext2Image.walk(selfLoop) == .indirectLoop(indirect))
        // The double indirect block's first entry naming the double indirect block.
        let double = big.inode.block[13]
        let doubleLoop = damaged { $0.storeLittleEndian(double, at: Int(double) * 1024) }
        let read = { (block: UInt32) throws(Ext2Error) -> [UInt8] in
            Array(doubleLoop[Int(block) * 1024..<Int(block) * 1024 + 1024])
        }
        #expect(throws: Ext2Error.indirectLoop(double)) {
            try volume.blockMap.map(12 + 256, inodeBlocks: big.inode.block, read: read)
        }
        // The triple indirect slot pointing back at the double indirect block's child.
        let child = UInt32(image.loadLittleEndian(UInt32.self, at: Int(double) * 1024))
        let crossed = damaged {
            $0.storeLittleEndian(child, at: slot + 40 + 4 * 14)
            $0.storeLittleEndian(child, at: Int(child) * 1024 + 8)
        }
        let crossedRead = { (block: UInt32) throws(Ext2Error) -> [UInt8] in
            Array(crossed[Int(block) * 1024..<Int(block) * 1024 + 1024])
        }
        var blocksWithTriple = big.inode.block
        blocksWithTriple[14] = child
        #expect(throws: Ext2Error.indirectLoop(child)) {
            try volume.blockMap.map(12 + 256 + 65536 + 2 * 65536, inodeBlocks: blocksWithTriple, read: crossedRead)
        }
        // A symbolic link's size too long for its kind.
        let short = try inode("short")
        let shortSlot = try inodeOffset(short.number)
        #expect(
            Ext2Image.walk(damaged { $0.storeLittleEndian(UInt32(61), at: shortSlot + 4) }) == .badSymlink(short.number)
        )
    }

    /// Random bytes of the metadata (superblock, descriptors, bitmaps, the
    /// first inode-table blocks, the root directory) overwritten, over and
    /// over: every walk must end, with or without an error.
    @Test func randomDamageNeverTraps() throws {
        var random = TestRandom(seed: 0x0E2F_5EED)
        let root = try volume.inode(Ext2Superblock.rootInode)
        let table = Int(volume.descriptors[0].inodeTable)
        let regions = [
            1024..<2048, 2048..<3072, table * 1024..<(table + 8) * 1024,
            Int(root.block[0]) * 1024..<Int(root.block[0]) * 1024 + 1024,
        ]
        var errors = 0
        for _ in 0..<300 {
            var copy = image
            for _ in 0..<(1 + random.below(6)) {
                let region = regions[random.below(regions.count)]
                copy[region.lowerBound + random.below(region.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            if Ext2Image.walk(copy) != nil { errors += 1 }
        }
        // Some damage is harmless (a timestamp, an unused slot), much is not.
        #expect(errors > 30)
    }
}
