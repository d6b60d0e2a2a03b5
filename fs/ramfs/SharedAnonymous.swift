import ABI
import Core

/// Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) is an unlinked ramfs
/// file of the mapping's size on an internal mount (Linux: shmem_zero_setup
/// on shm_mnt, "/dev/zero (deleted)"). The mapping and every fork of it
/// take their pages from that file's page cache, so all of them see one
/// memory.
enum SharedAnonymous {
    private static var place: Path { kernelMount.value }
    private static let kernelMount = BootOnce<Path>(
        VFS.kernelMount(Ramfs.makeSuperBlock(typeName: "tmpfs", magic: FilesystemMagic.TMPFS_MAGIC)))

    static func file(size: UInt64) throws(Errno) -> File {
        let file = try unlinkedFile(name: Array("/dev/zero (deleted)".utf8), mode: FileMode.S_IFREG | 0o600)
        file.inode.size = Int64(size)
        return file
    }

    /// A new empty regular file on the internal mount, open for reading
    /// and writing and in no directory (Linux: shmem_file_setup); memfds
    /// are these too.
    static func unlinkedFile(name: [UInt8], mode: UInt32) throws(Errno) -> File {
        let inode = try Ramfs.makeInode(place.mount.superBlock, mode: mode, in: nil)
        let path = Path(mount: place.mount, dentry: Dentry(pseudo: name, inode: inode))
        return File(path: path, inode: inode, flags: .O_RDWR, operations: inode.fileOperations)
    }
}
