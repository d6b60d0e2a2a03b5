import ABI

/// An open directory of a filesystem whose dentry cache holds all its
/// entries, as ramfs's does (Linux: simple_dir_operations and
/// dcache_readdir in fs/libfs.c). Positions: 0 is ".", 1 is "..", and
/// each child has the stable position its dentry got when added.
final class DirectoryFileOperations: FileOperations {
    static let shared = DirectoryFileOperations()

    /// read(2) of a directory (Linux: generic_read_dir).
    func read(_ inode: Inode, at offset: Int64, count: Int) throws(Errno) -> [UInt8] { throw .EISDIR }

    func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64] {
        let dentry = file.path.dentry
        var entries: [Dirent64] = []
        if position <= 0 {
            entries.append(Dirent64(d_ino: file.inode.ino, d_off: 1, d_type: Dirent64.DT_DIR, d_name: [UInt8(ascii: ".")]))
        }
        if position <= 1 {
            // Within the filesystem, as Linux's parent_ino: a root's ".." is itself.
            let parentIno = dentry.parent?.inode?.ino ?? file.inode.ino
            entries.append(Dirent64(d_ino: parentIno, d_off: 2, d_type: Dirent64.DT_DIR, d_name: [UInt8(ascii: "."), UInt8(ascii: ".")]))
        }
        for child in dentry.children where child.directoryPosition >= position {
            guard let inode = child.inode else { continue }
            entries.append(Dirent64(
                d_ino: inode.ino, d_off: child.directoryPosition + 1,
                d_type: Dirent64.type(forMode: inode.mode), d_name: child.name))
        }
        return entries
    }
}

/// Inodes that cannot be opened for I/O here: device nodes (no drivers
/// yet), FIFOs and sockets. The VFS refuses to open them; this table only
/// answers stat's st_blocks.
final class NoFileOperations: FileOperations {
    static let shared = NoFileOperations()
}
