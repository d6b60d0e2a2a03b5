import ABI

/// Directory operations of ramfs (Linux: ramfs_dir_inode_operations and
/// the simple_* helpers of fs/libfs.c). The VFS keeps the names in the
/// dentry cache; these make inodes and keep link counts and times right.
final class RamfsDirectoryOperations: InodeOperations, Sendable {
    static let shared = RamfsDirectoryOperations()

    /// Every ramfs name is in the dentry cache, so a miss means there is
    /// no such name (Linux: simple_lookup).
    func lookup(_ name: [UInt8], in directory: Inode) throws(Errno) -> Inode? { nil }

    func create(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode {
        add(try Ramfs.makeInode(directory.superBlock, mode: mode, in: directory), to: directory)
    }

    /// A subdirectory's ".." is one more link to its parent.
    func mkdir(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode {
        let inode = try Ramfs.makeInode(directory.superBlock, mode: mode, in: directory)
        directory.nlink += 1
        return add(inode, to: directory)
    }

    func mknod(_ name: [UInt8], in directory: Inode, mode: UInt32, rdev: UInt64) throws(Errno) -> Inode {
        let inode = try Ramfs.makeInode(directory.superBlock, mode: mode, in: directory)
        inode.rdev = rdev
        return add(inode, to: directory)
    }

    func symlink(_ name: [UInt8], in directory: Inode, target: [UInt8]) throws(Errno) -> Inode {
        let inode = try Ramfs.makeInode(
            directory.superBlock, mode: FileMode.S_IFLNK | 0o777, in: directory,
            symlinkTarget: target)
        return add(inode, to: directory)
    }

    /// Linux: ramfs_tmpfile and shmem_tmpfile.
    func tmpfile(in directory: Inode, mode: UInt32) throws(Errno) -> Inode {
        let inode = try Ramfs.makeInode(directory.superBlock, mode: mode, in: directory)
        inode.nlink = 0
        return inode
    }

    /// Linux: simple_link.
    func link(_ inode: Inode, as name: [UInt8], in directory: Inode) throws(Errno) {
        inode.nlink += 1
        inode.touchChanged()
        directory.touchModified()
    }

    /// Linux: simple_unlink.
    func unlink(_ inode: Inode, from directory: Inode) throws(Errno) {
        inode.nlink -= 1
        inode.touchChanged()
        directory.touchModified()
    }

    /// Linux: simple_rmdir: the directory loses its own "." link and its
    /// name, and the parent the directory's "..".
    func rmdir(_ inode: Inode, from directory: Inode) throws(Errno) {
        inode.nlink = 0
        inode.touchChanged()
        directory.nlink -= 1
        directory.touchModified()
    }

    /// Linux: simple_rename.
    func rename(
        _ inode: Inode, from oldDirectory: Inode, to newDirectory: Inode, replacing replaced: Inode?
    ) throws(Errno) {
        if let replaced {
            if replaced.isDirectory {
                replaced.nlink = 0
                newDirectory.nlink -= 1
            } else {
                replaced.nlink -= 1
            }
            replaced.touchChanged()
        }
        if inode.isDirectory && oldDirectory !== newDirectory {
            oldDirectory.nlink -= 1
            newDirectory.nlink += 1
        }
        inode.touchChanged()
        oldDirectory.touchModified()
        newDirectory.touchModified()
    }

    private func add(_ inode: Inode, to directory: Inode) -> Inode {
        directory.touchModified()
        return inode
    }
}
