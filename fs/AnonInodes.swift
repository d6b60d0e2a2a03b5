import ABI
import Core

/// Files with no inode of their own (Linux: fs/anon_inodes.c): epoll
/// instances, eventfds and the like share one inode of an internal
/// filesystem, and differ only in their file operations and in the name
/// /proc/PID/fd shows, "anon_inode:[eventfd]".
enum AnonInodes {
    /// Linux: anon_inode_getfile. `flags` gives the access mode and
    /// O_NONBLOCK; the caller installs the file.
    static func file(name: String, operations: any FileOperations, flags: OpenFlags) -> File {
        let root = place
        let inode = sharedInode.value
        let path = Path(mount: root.mount, dentry: Dentry(pseudo: Array("anon_inode:\(name)".utf8), inode: inode))
        return File(path: path, inode: inode, flags: flags, operations: operations)
    }

    private static var place: Path { mount.value }
    private static let mount = BootOnce<Path>(
        PseudoFilesystem.mount(typeName: "anon_inodefs", magic: FilesystemMagic.ANON_INODE_FS_MAGIC))
    /// The one inode (Linux: anon_inode_inode): no file type, mode 0600.
    private static let sharedInode = BootOnce<Inode>(
        Inode(
            superBlock: place.mount.superBlock, mode: 0o600, operations: PseudoInodeOperations.shared,
            fileOperations: NoFileOperations.shared))
}
