import ABI
import Core

/// Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS) is an unlinked ramfs
/// file of the mapping's size on an internal mount (Linux: shmem_zero_setup
/// on shm_mnt, "/dev/zero (deleted)"). The mapping and every fork of it
/// take their pages from that file's page cache, so all of them see one
/// memory.
enum SharedAnonymous {
    private static var place: Path { kernelMount.value }
    private static let kernelMount = BootOnce<Path>(VFS.kernelMount(Ramfs.makeSuperBlock(typeName: "tmpfs")))

    static func file(size: UInt64) throws(Errno) -> File {
        let inode = try Ramfs.makeInode(place.mount.superBlock, mode: FileMode.S_IFREG | 0o600, in: nil)
        inode.size = Int64(size)
        let path = Path(mount: place.mount, dentry: Dentry(pseudo: Array("/dev/zero (deleted)".utf8), inode: inode))
        return File(path: path, inode: inode, flags: .O_RDWR, operations: inode.fileOperations)
    }
}
