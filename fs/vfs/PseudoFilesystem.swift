import ABI
import Core

/// Internal filesystems whose inodes have no names, only a place for their
/// files (Linux: init_pseudo in fs/libfs.c, kern_mount'ed): pipefs,
/// anon_inodefs.
enum PseudoFilesystem {
    /// A kernel mount of a new instance with an empty 0700 root.
    static func mount(typeName: String, magic: Int64) -> Path {
        let superBlock = SuperBlock(typeName: typeName, magic: magic)
        superBlock.makeRoot(
            Inode(
                superBlock: superBlock, mode: FileMode.S_IFDIR | 0o700, operations: PseudoInodeOperations.shared,
                fileOperations: NoFileOperations.shared))
        return VFS.kernelMount(superBlock)
    }
}

/// Pseudo-filesystem inodes have no names to look up or make.
final class PseudoInodeOperations: InodeOperations, Sendable {
    static let shared = PseudoInodeOperations()
}
