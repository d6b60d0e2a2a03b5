import ABI

/// What a filesystem does to its inodes as names and links (Linux: struct
/// inode_operations). The VFS has already walked the path, checked that
/// `directory` is a directory and, for the creating calls, that `name` is
/// free in the dentry cache; the operation makes the inode and does the
/// filesystem's bookkeeping (link counts, times), and the VFS then updates
/// the dentry cache. Operations a kind of inode lacks keep the defaults,
/// which fail as Linux does when i_op has no such method.
public protocol InodeOperations: AnyObject {
    /// The inode `name` names in `directory`, nil if none (a negative
    /// dentry). Only called on a dentry-cache miss.
    func lookup(_ name: [UInt8], in directory: Inode) throws(Errno) -> Inode?
    /// A new regular file (Linux: ->create).
    func create(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode
    func mkdir(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode
    /// A device node, FIFO or socket (Linux: ->mknod); `rdev` as st_rdev.
    func mknod(_ name: [UInt8], in directory: Inode, mode: UInt32, rdev: UInt64) throws(Errno) -> Inode
    func symlink(_ name: [UInt8], in directory: Inode, target: [UInt8]) throws(Errno) -> Inode
    /// A new regular file in `directory` with no name and no link, for
    /// open(O_TMPFILE) (Linux: ->tmpfile); EOPNOTSUPP where there is none.
    func tmpfile(in directory: Inode, mode: UInt32) throws(Errno) -> Inode
    /// Gives `inode` one more name, in `directory`.
    func link(_ inode: Inode, as name: [UInt8], in directory: Inode) throws(Errno)
    func unlink(_ inode: Inode, from directory: Inode) throws(Errno)
    /// The VFS has checked that the directory is empty.
    func rmdir(_ inode: Inode, from directory: Inode) throws(Errno)
    /// Moves `inode` from `oldDirectory` to `newDirectory`, replacing
    /// `replaced` if that name was taken (the VFS has checked the types).
    func rename(
        _ inode: Inode, from oldDirectory: Inode, to newDirectory: Inode, replacing replaced: Inode?
    ) throws(Errno)
    /// A symlink's body (Linux: ->get_link); EINVAL for anything else.
    func readlink(_ inode: Inode) throws(Errno) -> [UInt8]
    /// Whether the dentry cache may keep what `lookup` answers in this
    /// directory. procfs's directories say no: their entries come and go
    /// with tasks, and Linux drops them at every use (pid_revalidate,
    /// pid_delete_dentry), so each walk asks `lookup` again.
    var cachesLookups: Bool { get }
}

extension InodeOperations {
    public func lookup(_ name: [UInt8], in directory: Inode) throws(Errno) -> Inode? { throw .ENOTDIR }
    public func create(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode { throw .EACCES }
    public func mkdir(_ name: [UInt8], in directory: Inode, mode: UInt32) throws(Errno) -> Inode { throw .EPERM }
    public func mknod(_ name: [UInt8], in directory: Inode, mode: UInt32, rdev: UInt64) throws(Errno) -> Inode {
        throw .EPERM
    }
    public func symlink(_ name: [UInt8], in directory: Inode, target: [UInt8]) throws(Errno) -> Inode { throw .EPERM }
    public func tmpfile(in directory: Inode, mode: UInt32) throws(Errno) -> Inode { throw .EOPNOTSUPP }
    public func link(_ inode: Inode, as name: [UInt8], in directory: Inode) throws(Errno) { throw .EPERM }
    public func unlink(_ inode: Inode, from directory: Inode) throws(Errno) { throw .EPERM }
    public func rmdir(_ inode: Inode, from directory: Inode) throws(Errno) { throw .EPERM }
    public func rename(
        _ inode: Inode, from oldDirectory: Inode, to newDirectory: Inode, replacing replaced: Inode?
    ) throws(Errno) { throw .EPERM }
    public func readlink(_ inode: Inode) throws(Errno) -> [UInt8] { throw .EINVAL }
    public var cachesLookups: Bool { true }
}
