/// One live record of a directory block (Linux: struct ext2_dir_entry_2):
/// an inode number, the record's length, the name's length, a file type
/// byte (with the FILETYPE feature), then the name, unterminated.
public struct Ext2DirectoryEntry: Equatable, Sendable {
    /// Where the record starts in its block.
    public let offset: Int
    public let inode: UInt32  // inode
    /// Bytes from this record to the next: the name's space plus any slack.
    public let recordLength: Int  // rec_len
    public let fileType: Ext2FileType  // file_type
    public let name: [UInt8]  // name[name_len]
}

/// A directory's block, checked once when read, as Linux's ext2_check_folio
/// checks each page: records of at least 12 bytes, four-byte aligned, long
/// enough for their names, tiling the block exactly, naming inodes that
/// exist. After that check the block's records can be walked without further
/// bounds doubts, and `insert` and `remove` keep them valid.
///
/// Names are added as ext2_add_link does — into a free record, or into the
/// slack after a live record's name, which is split off — and removed as
/// ext2_delete_entry does, by merging the record into the previous one (the
/// first record of a block is only marked free: inode 0).
public struct Ext2DirectoryBlock: Sendable {
    /// The header before the name: inode, rec_len, name_len, file_type.
    public static let headerSize = 8
    public static let maxNameLength = 255  // EXT2_NAME_LEN

    public private(set) var bytes: [UInt8]
    /// Whether records carry a file type (the FILETYPE incompatible feature).
    public let hasFileType: Bool
    private let inodesCount: UInt32

    /// The space a record with a `nameLength`-byte name needs (EXT2_DIR_REC_LEN).
    public static func recordLength(nameLength: Int) -> Int { (nameLength + headerSize + 3) & ~3 }

    /// Checks `bytes`, one directory block, for a file system whose
    /// superblock is `superblock`.
    public init(checking bytes: [UInt8], superblock: Ext2Superblock) throws(Ext2Error) {
        self.bytes = bytes
        hasFileType = superblock.features.incompatible.contains(.fileType)
        inodesCount = superblock.inodesCount
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= Self.recordLength(nameLength: 1) else {
                throw .badRecordLength(offset: offset)
            }
            let length = recordLength(at: offset)
            let nameLength = Int(bytes[offset + 6])
            guard length >= Self.recordLength(nameLength: 1), length & 3 == 0,
                length >= Self.recordLength(nameLength: nameLength), length <= bytes.count - offset
            else { throw .badRecordLength(offset: offset) }
            let inode = bytes.loadLittleEndian(UInt32.self, at: offset)
            guard inode <= inodesCount else { throw .directoryInodeOutOfRange(offset: offset) }
            if inode != 0 {
                guard nameLength > 0, !hasFileType || Ext2FileType(rawValue: bytes[offset + 7]) != nil else {
                    throw .badDirectoryEntry(offset: offset)
                }
            }
            offset += length
        }
    }

    /// A block of a directory's data with no names: one free record
    /// spanning it (what ext2_add_link writes past the directory's end).
    public static func empty(size: Int, superblock: Ext2Superblock) -> Ext2DirectoryBlock {
        var block = Ext2DirectoryBlock(bytes: [UInt8](repeating: 0, count: size), superblock: superblock)
        block.storeRecordLength(size, at: 0)
        return block
    }

    /// The first block of a new directory: "." naming itself and ".."
    /// naming its parent, the latter spanning the rest (ext2_make_empty).
    public static func newDirectory(
        size: Int, inode: UInt32, parent: UInt32, superblock: Ext2Superblock
    ) -> Ext2DirectoryBlock {
        var block = Ext2DirectoryBlock(bytes: [UInt8](repeating: 0, count: size), superblock: superblock)
        let dotLength = recordLength(nameLength: 1)
        block.storeRecord(at: 0, length: dotLength, inode: inode, name: [0x2E], fileType: .directory)
        block.storeRecord(
            at: dotLength, length: size - dotLength, inode: parent, name: [0x2E, 0x2E], fileType: .directory)
        return block
    }

    private init(bytes: [UInt8], superblock: Ext2Superblock) {
        self.bytes = bytes
        hasFileType = superblock.features.incompatible.contains(.fileType)
        inodesCount = superblock.inodesCount
    }

    /// The live records, in block order.
    public var entries: [Ext2DirectoryEntry] {
        var result: [Ext2DirectoryEntry] = []
        var offset = 0
        while offset < bytes.count {
            let length = recordLength(at: offset)
            let inode = bytes.loadLittleEndian(UInt32.self, at: offset)
            if inode != 0 {
                let nameLength = Int(bytes[offset + 6])
                result.append(
                    Ext2DirectoryEntry(
                        offset: offset, inode: inode, recordLength: length,
                        fileType: hasFileType ? Ext2FileType(rawValue: bytes[offset + 7]) ?? .unknown : .unknown,
                        name: Array(bytes[(offset + Self.headerSize)..<(offset + Self.headerSize + nameLength)])))
            }
            offset += length
        }
        return result
    }

    /// The live record named `name` (ext2_find_entry within a block).
    public func find(_ name: [UInt8]) -> Ext2DirectoryEntry? {
        entries.first { $0.name == name }
    }

    /// Whether the block names nothing but "." and ".." (ext2_empty_dir).
    public var holdsOnlyDotEntries: Bool {
        entries.allSatisfy { $0.name == [0x2E] || $0.name == [0x2E, 0x2E] }
    }

    /// Adds `name` for `inode` if the block has room: a free record long
    /// enough, or enough slack after a live record's name to split off a
    /// record (ext2_add_link). Returns false when there is no room, so the
    /// caller tries the next block, or appends `empty(...)`; throws
    /// `.nameExists` if the block already holds the name.
    public mutating func insert(_ name: [UInt8], inode: UInt32, fileType: Ext2FileType) throws(Ext2Error) -> Bool {
        guard !name.isEmpty, name.count <= Self.maxNameLength, !name.contains(0), !name.contains(0x2F) else {
            throw .badName
        }
        guard inode != 0, inode <= inodesCount else { throw .badInodeNumber(inode) }
        guard find(name) == nil else { throw .nameExists }
        let needed = Self.recordLength(nameLength: name.count)
        var offset = 0
        while offset < bytes.count {
            let length = recordLength(at: offset)
            if bytes.loadLittleEndian(UInt32.self, at: offset) == 0 {
                if length >= needed {
                    storeRecord(at: offset, length: length, inode: inode, name: name, fileType: fileType)
                    return true
                }
            } else {
                let used = Self.recordLength(nameLength: Int(bytes[offset + 6]))
                if length >= used + needed {
                    storeRecordLength(used, at: offset)
                    storeRecord(at: offset + used, length: length - used, inode: inode, name: name, fileType: fileType)
                    return true
                }
            }
            offset += length
        }
        return false
    }

    /// Removes the record at `offset` (an `Ext2DirectoryEntry.offset`) by
    /// giving its space to the record before it, or, first in the block,
    /// by marking it free (ext2_delete_entry).
    public mutating func remove(at offset: Int) throws(Ext2Error) {
        var previous: Int?
        var current = 0
        while current < offset {
            previous = current
            current += recordLength(at: current)
        }
        guard current == offset, offset < bytes.count else { throw .badRecordLength(offset: offset) }
        if let previous {
            storeRecordLength(offset + recordLength(at: offset) - previous, at: previous)
        }
        bytes.storeLittleEndian(UInt32(0), at: offset)
    }

    /// Points the record at `offset` at another inode (ext2_set_link, for rename).
    public mutating func setInode(at offset: Int, to inode: UInt32, fileType: Ext2FileType) {
        bytes.storeLittleEndian(inode, at: offset)
        bytes[offset + 7] = hasFileType ? fileType.rawValue : 0
    }

    // A 64 KiB block's single record is 65536 long, stored as 65535
    // (ext2_rec_len_from_disk / ext2_rec_len_to_disk).
    private static let maxStoredLength = 65535

    private func recordLength(at offset: Int) -> Int {
        let stored = Int(bytes.loadLittleEndian(UInt16.self, at: offset + 4))
        return stored == Self.maxStoredLength && bytes.count == 65536 ? 65536 : stored
    }

    private mutating func storeRecordLength(_ length: Int, at offset: Int) {
        bytes.storeLittleEndian(UInt16(truncatingIfNeeded: min(length, Self.maxStoredLength)), at: offset + 4)
    }

    private mutating func storeRecord(
        at offset: Int, length: Int, inode: UInt32, name: [UInt8], fileType: Ext2FileType
    ) {
        bytes.storeLittleEndian(inode, at: offset)
        storeRecordLength(length, at: offset)
        bytes[offset + 6] = UInt8(name.count)
        bytes[offset + 7] = hasFileType ? fileType.rawValue : 0
        bytes.storeBytes(name, at: offset + Self.headerSize)
    }
}
