import ABI
import Core
import Lib

/// sysfs (Linux: fs/sysfs over fs/kernfs): the kobject tree as
/// directories, attribute files and symlinks. There is one instance,
/// built as kobjects are added from boot on (its dentry cache is the tree,
/// as ramfs's is) and mounted wherever mount(2) asks, usually /sys.
/// Nothing can be created or removed through the file system: only the
/// attributes with a `store` can be written.
public enum Sysfs {
    static var superBlock: SuperBlock { instance.value }
    private static let instance = BootOnce<SuperBlock>(makeSuperBlock())

    /// mount(2)'s "sysfs": the one instance (Linux: sysfs_get_tree, one
    /// superblock per network namespace).
    final class FileSystem: FileSystemType, Sendable {
        var name: String { "sysfs" }

        func mount(source: [UInt8], options: MountOptions) throws(Errno) -> SuperBlock { Sysfs.superBlock }
    }

    private static func makeSuperBlock() -> SuperBlock {
        let superBlock = SuperBlock(typeName: "sysfs", magic: FilesystemMagic.SYSFS_MAGIC)
        superBlock.makeRoot(directoryInode(superBlock))
        return superBlock
    }

    private static func directoryInode(_ superBlock: SuperBlock) -> Inode {
        Inode(
            superBlock: superBlock, mode: FileMode.S_IFDIR | 0o755, operations: SysfsDirectory.shared,
            fileOperations: DirectoryFileOperations.shared)
    }

    /// A directory for a kobject in `parent`, or at the top (Linux:
    /// kernfs_create_dir). EEXIST for a taken name. With VFS.lock held.
    static func createDirectory(_ name: String, in parent: Dentry?) throws(Errno) -> Dentry {
        guard let directory = parent ?? superBlock.root, let parentInode = directory.inode else { throw .ENOENT }
        let inode = directoryInode(superBlock)
        let dentry = try add(name, inode, in: directory)
        parentInode.nlink += 1
        return dentry
    }

    /// An attribute's file: 4096 bytes long as Linux reports them, its
    /// contents coming from the attribute (Linux: sysfs_add_file_mode_ns).
    static func createFile(_ attribute: KObjectAttribute, in directory: Dentry) throws(Errno) {
        let inode = Inode(
            superBlock: superBlock, mode: FileMode.S_IFREG | (attribute.mode & 0o777),
            operations: SysfsDirectory.shared, fileOperations: SysfsAttributeFile(attribute))
        inode.size = Int64(pageSize)
        try add(attribute.name, inode, in: directory)
    }

    /// A symlink to `target`, a path relative to `directory` (Linux:
    /// kernfs_create_link).
    static func createLink(_ name: String, target: [UInt8], in directory: Dentry) throws(Errno) {
        let inode = Inode(
            superBlock: superBlock, mode: FileMode.S_IFLNK | 0o777, operations: RamfsSymlink(target: target),
            fileOperations: NoFileOperations.shared)
        inode.size = Int64(target.count)
        try add(name, inode, in: directory)
    }

    /// Removes a directory and everything in it (Linux: kernfs_remove),
    /// subdirectories first: a dentry pins its parent, so one left holding
    /// its children would keep them and itself.
    static func remove(_ directory: Dentry) {
        for child in directory.children where child.inode?.isDirectory == true { remove(child) }
        if let inode = directory.inode, inode.isDirectory, let parent = directory.parent?.inode {
            parent.nlink -= 1
        }
        directory.delete()
    }

    @discardableResult
    private static func add(_ name: String, _ inode: Inode, in directory: Dentry) throws(Errno) -> Dentry {
        let bytes = Array(name.utf8)
        guard directory.cachedChild(bytes[...]) == nil else { throw .EEXIST }
        return directory.addChild(bytes, inode: inode)
    }
}

/// A sysfs directory's operations: every name is in the dentry cache, so
/// a miss is no such name; making or removing names is refused as Linux's
/// kernfs refuses them (EACCES to create a file, EPERM for the rest).
final class SysfsDirectory: InodeOperations, Sendable {
    static let shared = SysfsDirectory()

    func lookup(_ name: [UInt8], in directory: Inode) throws(Errno) -> Inode? { nil }
}
