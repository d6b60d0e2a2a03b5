import ABI

/// An open file (Linux: struct file, fs/file_table.c): where it was
/// opened, the open flags that still matter, and the position that read,
/// write and getdents advance. File descriptors will point at these;
/// dup'd descriptors share one, and with it the position.
public final class File {
    public let path: Path
    /// The inode, held even if its last name is removed: the file stays
    /// readable and writable until the last reference goes.
    public let inode: Inode
    /// The open flags without the ones that act only at open time
    /// (O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC), as Linux's f_flags.
    public private(set) var flags: OpenFlags
    public private(set) var position: Int64 = 0
    public let operations: any FileOperations

    init(path: Path, inode: Inode, flags: OpenFlags) {
        self.path = path
        self.inode = inode
        self.flags = flags.subtracting([.O_CREAT, .O_EXCL, .O_NOCTTY, .O_TRUNC])
        self.operations = inode.fileOperations
    }

    private var mayRead: Bool { flags.accessMode == .O_RDONLY || flags.accessMode == .O_RDWR }
    private var mayWrite: Bool { flags.accessMode == .O_WRONLY || flags.accessMode == .O_RDWR }

    /// Up to `count` bytes from the position, which advances past them
    /// (Linux: vfs_read). EBADF if not open for reading.
    public func read(count: Int) throws(Errno) -> [UInt8] {
        try VFS.locked { () throws(Errno) -> [UInt8] in
            guard mayRead else { throw .EBADF }
            guard count >= 0 else { throw .EINVAL }
            let bytes = try operations.read(inode, at: position, count: count)
            position += Int64(bytes.count)
            return bytes
        }
    }

    /// Writes `bytes` at the position, or at the end with O_APPEND, and
    /// advances past them (Linux: vfs_write). EBADF if not open for writing.
    public func write(_ bytes: [UInt8]) throws(Errno) -> Int {
        try VFS.locked { () throws(Errno) -> Int in
            guard mayWrite else { throw .EBADF }
            // Appending and moving to the end happen under one lock, so
            // two appenders never overwrite each other (Linux: the
            // O_APPEND check in generic_write_checks, under i_rwsem).
            if flags.contains(.O_APPEND) { position = inode.size }
            let written = try operations.write(inode, at: position, bytes: bytes)
            position += Int64(written)
            return written
        }
    }

    /// Moves the position (Linux: generic_file_llseek; for directories
    /// dcache_dir_lseek, where positions are readdir cookies). Moving past
    /// the end is allowed: a later write leaves a hole. SEEK_DATA and
    /// SEEK_HOLE are not supported yet (EINVAL).
    public func seek(to offset: Int64, from whence: SeekWhence) throws(Errno) -> Int64 {
        try VFS.locked { () throws(Errno) -> Int64 in
            let base: Int64
            switch whence {
            case .SEEK_SET: base = 0
            case .SEEK_CUR: base = position
            case .SEEK_END: base = inode.size
            case .SEEK_DATA, .SEEK_HOLE: throw .EINVAL
            }
            let (target, overflow) = base.addingReportingOverflow(offset)
            guard !overflow else { throw .EOVERFLOW }
            guard target >= 0 else { throw .EINVAL }
            position = target
            return target
        }
    }

    /// The directory entries from the position that fit in `bufferSize`
    /// bytes of getdents64 records, advancing the position past them
    /// (Linux: iterate_dir + filldir64). EINVAL if not even the first fits;
    /// an empty result means the end of the directory.
    public func readDirectory(fitting bufferSize: Int) throws(Errno) -> [Dirent64] {
        try VFS.locked { () throws(Errno) -> [Dirent64] in
            guard inode.isDirectory else { throw .ENOTDIR }
            let available = try operations.readdir(self, from: position)
            var taken: [Dirent64] = []
            var used = 0
            for entry in available {
                guard used + entry.d_reclen <= bufferSize else { break }
                used += entry.d_reclen
                taken.append(entry)
            }
            if taken.isEmpty && !available.isEmpty { throw .EINVAL }
            if let last = taken.last { position = last.d_off }
            return taken
        }
    }

    /// stat(2) of the open file (Linux: vfs_fstat).
    public func stat() -> Stat {
        VFS.lockedNonThrowing { inode.stat() }
    }
}
