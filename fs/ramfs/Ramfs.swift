import ABI
import Lib

/// The in-memory filesystem (Linux: fs/ramfs/inode.c, and tmpfs without
/// swap): the dentry cache is its directory tree, regular files keep their
/// bytes in page-sized pieces, and nothing is ever written anywhere. It is
/// the root filesystem the initramfs unpacks into.
public enum Ramfs {
    public static let typeName = "ramfs"

    /// A new, empty instance with a root directory of mode `rootMode`,
    /// 0755 unless told (Linux: ramfs_fill_super). Mount it with
    /// `VFS.mountRoot` or `VFS.mount`. Another name and magic serve
    /// filesystems built on ramfs, as devtmpfs and tmpfs are.
    public static func makeSuperBlock(
        typeName: String = typeName, magic: Int64 = FilesystemMagic.RAMFS_MAGIC, rootMode: UInt32 = 0o755
    ) -> SuperBlock {
        let superBlock = SuperBlock(typeName: typeName, magic: magic)
        // Pages are indexed sparsely, so any offset a loff_t holds is fine (Linux: MAX_LFS_FILESIZE).
        superBlock.maximumFileSize = Int64.max
        let root = makeInode(superBlock, mode: FileMode.S_IFDIR | (rootMode & 0o7777), symlinkTarget: [])
        root.initOwner(in: nil, as: VFS.callerCredentials)
        superBlock.makeRoot(root)
        return superBlock
    }

    /// The file system type of mount(2)'s "ramfs": a new instance each
    /// time, with the one option ramfs knows, mode=; others are ignored
    /// (Linux: ramfs_parse_param).
    final class FileSystem: FileSystemType, Sendable {
        var name: String { Ramfs.typeName }

        func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock {
            var mode: UInt32 = 0o755
            for option in options.options where option.name == "mode" {
                guard let value = option.value.flatMap(MountOptions.parseOctal) else { throw .EINVAL }
                mode = UInt32(truncatingIfNeeded: value) & 0o7777
            }
            return makeSuperBlock(rootMode: mode)
        }
    }

    /// An inode of the kind `mode` names with ramfs's operations for it,
    /// owned as `directory` and the creating task decide (Linux:
    /// ramfs_get_inode with inode_init_owner). `directory` is nil for a
    /// root or an unnamed file. ENOSPC when the filesystem has as many
    /// inodes as its limit allows (tmpfs's nr_inodes).
    static func makeInode(
        _ superBlock: SuperBlock, mode: UInt32, in directory: Inode?, symlinkTarget: [UInt8] = []
    ) throws(Errno) -> Inode {
        guard superBlock.usedInodes < superBlock.inodeLimit else { throw .ENOSPC }
        let inode = makeInode(superBlock, mode: mode, symlinkTarget: symlinkTarget)
        inode.initOwner(in: directory, as: VFS.callerCredentials)
        return inode
    }

    private static func makeInode(_ superBlock: SuperBlock, mode: UInt32, symlinkTarget: [UInt8]) -> Inode {
        switch FileMode.fileType(mode) {
        case FileMode.S_IFDIR:
            return Inode(
                superBlock: superBlock, mode: mode, operations: RamfsDirectoryOperations.shared,
                fileOperations: DirectoryFileOperations.shared)
        case FileMode.S_IFREG:
            return Inode(
                superBlock: superBlock, mode: mode, operations: RamfsPlainOperations.shared,
                fileOperations: RamfsRegularFile(superBlock: superBlock))
        case FileMode.S_IFLNK:
            let inode = Inode(
                superBlock: superBlock, mode: mode, operations: RamfsSymlink(target: symlinkTarget),
                fileOperations: NoFileOperations.shared)
            inode.size = Int64(symlinkTarget.count)
            return inode
        default:
            return Inode(
                superBlock: superBlock, mode: mode, operations: RamfsPlainOperations.shared,
                fileOperations: NoFileOperations.shared)
        }
    }
}

/// The inode operations of everything that is neither a directory nor a
/// symlink: none (Linux: simple inodes with the default i_op).
final class RamfsPlainOperations: InodeOperations, Sendable {
    static let shared = RamfsPlainOperations()
}

/// A symlink's inode operations, holding its body (Linux: ramfs uses
/// page_symlink_inode_operations; the body here is simply kept in memory).
final class RamfsSymlink: InodeOperations {
    private let target: [UInt8]

    init(target: [UInt8]) { self.target = target }

    func readlink(_ inode: Inode) throws(Errno) -> [UInt8] { target }
}
