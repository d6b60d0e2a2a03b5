import ABI

/// What an open file of an inode does (Linux: struct file_operations). The
/// `File` keeps the position and checks the access mode; these work at an
/// explicit offset, as Linux's ->read_iter/->write_iter do with ki_pos.
/// Defaults fail as Linux does when f_op lacks the method.
public protocol FileOperations: AnyObject {
    /// Up to `count` bytes at `offset`; fewer at the end of the file.
    func read(_ inode: Inode, at offset: Int64, count: Int) throws(Errno) -> [UInt8]
    /// Writes all of `bytes` at `offset`, growing the file; returns the count.
    func write(_ inode: Inode, at offset: Int64, bytes: [UInt8]) throws(Errno) -> Int
    /// Directory entries whose position is at least `position`, each with
    /// the position after it in d_off (Linux: ->iterate_shared, for getdents64).
    func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64]
    /// Sets a regular file's size, dropping or zero-extending (Linux:
    /// ->setattr with ATTR_SIZE).
    func truncate(_ inode: Inode, to size: Int64) throws(Errno)
    /// Bytes of memory the contents occupy, for st_blocks.
    func allocatedBytes(_ inode: Inode) -> Int64
}

extension FileOperations {
    public func read(_ inode: Inode, at offset: Int64, count: Int) throws(Errno) -> [UInt8] { throw .EINVAL }
    public func write(_ inode: Inode, at offset: Int64, bytes: [UInt8]) throws(Errno) -> Int { throw .EINVAL }
    public func readdir(_ file: File, from position: Int64) throws(Errno) -> [Dirent64] { throw .ENOTDIR }
    public func truncate(_ inode: Inode, to size: Int64) throws(Errno) { throw .EINVAL }
    public func allocatedBytes(_ inode: Inode) -> Int64 { 0 }
}
