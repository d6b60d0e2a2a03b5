import ABI

/// An open directory of a filesystem whose dentry cache holds all its
/// entries, as ramfs's does (Linux: simple_dir_operations and
/// dcache_readdir in fs/libfs.c). Positions: 0 is ".", 1 is "..", and
/// each child has the stable position its dentry got when added.
final class DirectoryFileOperations: FileOperations, Sendable {
    static let shared = DirectoryFileOperations()

    /// read(2) of a directory (Linux: generic_read_dir).
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] { throw .EISDIR }

    /// Positions are readdir cookies, with no data or holes (Linux: dcache_dir_lseek).
    func seekDataOrHole(_ file: File, from offset: Int64, data: Bool) throws(Errno) -> Int64 { throw .EINVAL }

    /// The dentry cache is filesystem state: listed under the VFS lock.
    func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64] {
        VFS.lockedNonThrowing { entries(of: file, from: position) }
    }

    private func entries(of file: File, from position: Int64) -> [Dirent64] {
        let dentry = file.path.dentry
        var entries: [Dirent64] = []
        if position <= 0 {
            entries.append(
                Dirent64(d_ino: file.inode.ino, d_off: 1, d_type: Dirent64.DT_DIR, d_name: [UInt8(ascii: ".")]))
        }
        if position <= 1 {
            // Within the filesystem, as Linux's parent_ino: a root's ".." is itself.
            let parentIno = dentry.parent?.inode?.ino ?? file.inode.ino
            entries.append(
                Dirent64(
                    d_ino: parentIno, d_off: 2, d_type: Dirent64.DT_DIR, d_name: [UInt8(ascii: "."), UInt8(ascii: ".")])
            )
        }
        for child in dentry.children where child.directoryPosition >= position {
            guard let inode = child.inode else { continue }
            entries.append(
                Dirent64(
                    d_ino: inode.ino, d_off: child.directoryPosition + 1,
                    d_type: Dirent64.type(forMode: inode.mode), d_name: child.name))
        }
        return entries
    }
}

/// Inodes whose open files do not use the inode's own operations: device
/// nodes (their driver's come from the character device registry), FIFOs
/// and sockets (not openable yet), symlinks. This table only answers
/// stat's st_blocks.
final class NoFileOperations: FileOperations, Sendable {
    static let shared = NoFileOperations()
}
