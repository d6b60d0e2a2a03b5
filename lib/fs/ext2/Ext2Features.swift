/// The three feature words of an ext2 superblock (revision 1 and later) and
/// Linux's rule for them (ext2_fill_super, include/linux/ext2_fs.h and
/// fs/ext2/ext2.h): a *compatible* feature can be ignored by a driver that
/// does not know it; an unknown *incompatible* one means the driver would
/// misread the disk, so the mount is refused; an unknown *read-only
/// compatible* one means the driver can read correctly but its writes would
/// break it, so only a read-only mount is allowed. The ext3/ext4 bits are
/// named so that refusals and tests can say which feature it was.
public struct Ext2Features: Equatable, Sendable {
    /// s_feature_compat (EXT2_FEATURE_COMPAT_*).
    public struct Compatible: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let directoryPreallocation = Compatible(rawValue: 0x0001)  // DIR_PREALLOC
        public static let imagicInodes = Compatible(rawValue: 0x0002)  // IMAGIC_INODES
        /// ext3's journal: ext2 ignores it ("mounting ext3 filesystem as ext2").
        public static let hasJournal = Compatible(rawValue: 0x0004)  // HAS_JOURNAL
        public static let extendedAttributes = Compatible(rawValue: 0x0008)  // EXT_ATTR
        public static let resizeInode = Compatible(rawValue: 0x0010)  // RESIZE_INO
        public static let directoryIndex = Compatible(rawValue: 0x0020)  // DIR_INDEX
    }

    /// s_feature_incompat (EXT2_FEATURE_INCOMPAT_*, EXT4_FEATURE_INCOMPAT_*).
    public struct Incompatible: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let compression = Incompatible(rawValue: 0x0001)  // COMPRESSION
        /// Directory records carry a file type byte (and an 8-bit name length).
        public static let fileType = Incompatible(rawValue: 0x0002)  // FILETYPE
        /// ext3's journal needs replaying: mounting as ext2 would lose data.
        public static let needsRecovery = Incompatible(rawValue: 0x0004)  // RECOVER
        public static let journalDevice = Incompatible(rawValue: 0x0008)  // JOURNAL_DEV
        /// Group descriptors spread over "meta groups" instead of after the superblock.
        public static let metaBlockGroups = Incompatible(rawValue: 0x0010)  // META_BG
        public static let extents = Incompatible(rawValue: 0x0040)  // EXTENTS
        public static let is64Bit = Incompatible(rawValue: 0x0080)  // 64BIT
        public static let flexibleBlockGroups = Incompatible(rawValue: 0x0200)  // FLEX_BG

        /// What Linux's ext2 implements (EXT2_FEATURE_INCOMPAT_SUPP).
        public static let supported: Incompatible = [.fileType, .metaBlockGroups]
    }

    /// s_feature_ro_compat (EXT2_FEATURE_RO_COMPAT_*, EXT4_FEATURE_RO_COMPAT_*).
    public struct ReadOnlyCompatible: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Superblock and descriptor backups only in groups 0, 1 and powers of 3, 5, 7.
        public static let sparseSuperblock = ReadOnlyCompatible(rawValue: 0x0001)  // SPARSE_SUPER
        /// Regular files may exceed 2 GiB: `i_size_high` holds the size's upper half.
        public static let largeFile = ReadOnlyCompatible(rawValue: 0x0002)  // LARGE_FILE
        public static let btreeDirectory = ReadOnlyCompatible(rawValue: 0x0004)  // BTREE_DIR
        public static let hugeFile = ReadOnlyCompatible(rawValue: 0x0008)  // HUGE_FILE
        public static let groupDescriptorChecksum = ReadOnlyCompatible(rawValue: 0x0010)  // GDT_CSUM
        public static let metadataChecksum = ReadOnlyCompatible(rawValue: 0x0400)  // METADATA_CSUM

        /// What Linux's ext2 implements (EXT2_FEATURE_RO_COMPAT_SUPP).
        public static let supported: ReadOnlyCompatible = [.sparseSuperblock, .largeFile]
    }

    public var compatible: Compatible
    public var incompatible: Incompatible
    public var readOnlyCompatible: ReadOnlyCompatible

    public init(compatible: Compatible, incompatible: Incompatible, readOnlyCompatible: ReadOnlyCompatible) {
        self.compatible = compatible
        self.incompatible = incompatible
        self.readOnlyCompatible = readOnlyCompatible
    }

    /// Whether a mount may proceed, read-only or not: unknown incompatible
    /// features refuse any mount, unknown read-only-compatible ones a
    /// read-write mount; unknown compatible features never matter.
    public func checkMount(readOnly: Bool) throws(Ext2Error) {
        let unknownIncompatible = incompatible.subtracting(.supported)
        guard unknownIncompatible.isEmpty else {
            throw .unsupportedIncompatibleFeatures(unknownIncompatible.rawValue)
        }
        let unknownReadOnly = readOnlyCompatible.subtracting(.supported)
        guard readOnly || unknownReadOnly.isEmpty else {
            throw .unsupportedReadOnlyFeatures(unknownReadOnly.rawValue)
        }
    }
}
