import ABI
import Core
import Lib

/// A ramfs regular file's contents: its page cache, which for ramfs is
/// the only copy (Linux: ramfs keeps its pages in the page cache and never
/// writes them anywhere). Writing one byte far past the end allocates one
/// page; the pages between stay holes that read as zeros. mmap maps the
/// cache's pages themselves.
final class RamfsRegularFile: IteratingFileOperations {
    private let cache: PageCache
    /// What may no longer be done to the file (Linux: shmem_inode_info's
    /// seals), under the VFS lock. Only a memfd made with
    /// MFD_ALLOW_SEALING starts without F_SEAL_SEAL (mm/Memfd.swift).
    var seals: FileSeals = .F_SEAL_SEAL

    /// The pages count against the filesystem's size, if it has one (tmpfs).
    init(superBlock: SuperBlock) { cache = PageCache(accounting: superBlock) }

    var iterating: (any IteratingFileOperations)? { self }

    /// Contents are filesystem state: reads and writes take the VFS lock,
    /// which also orders them with truncation and O_APPEND's end.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        _ = try read(file, count: count, at: &offset) { (start, length) throws(Errno) -> Int in
            bytes = cache.read(at: start, count: length)
            return length
        }
        return bytes
    }

    /// The same straight into user memory: a fault part-way returns the
    /// bytes before it, one before any byte is EFAULT (Linux: filemap_read).
    func read(_ file: File, to iter: inout IOVIter, count: Int, at offset: inout Int64) throws(Errno) -> Int {
        try read(file, count: count, at: &offset) { (start, length) throws(Errno) -> Int in
            let copied = cache.read(at: start, count: length, to: &iter)
            guard copied > 0 || length == 0 else { throw .EFAULT }
            return copied
        }
    }

    /// Clips a read at `offset` to the file and has `copy(start, length)`
    /// move the bytes, under the VFS lock; advances `offset` by the count
    /// it returns.
    private func read(
        _ file: File, count: Int, at offset: inout Int64, _ copy: (Int64, Int) throws(Errno) -> Int
    ) throws(Errno) -> Int {
        let start = offset
        guard start >= 0 else { throw .EINVAL }
        let moved = try VFS.locked { () throws(Errno) -> Int in
            let inode = file.inode
            guard start < inode.size, count > 0 else { return 0 }
            file.markAccessed()
            return try copy(start, Int(min(Int64(count), inode.size - start)))
        }
        offset += Int64(moved)
        return moved
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        try write(file, count: bytes.count, at: &offset) { (start, length) throws(Errno) -> Int in
            try cache.write(length == bytes.count ? bytes : Array(bytes.prefix(length)), at: start)
        }
    }

    /// The same straight from user memory (Linux: shmem's write_iter).
    func write(_ file: File, from iter: inout IOVIter, count: Int, at offset: inout Int64) throws(Errno) -> Int {
        try write(file, count: min(count, iter.remaining), at: &offset) { (start, length) throws(Errno) -> Int in
            try cache.write(at: start, count: length, from: &iter)
        }
    }

    /// Finds where a write of `count` bytes at `offset` goes and how much
    /// of it may, and has `store(start, length)` put the bytes in, under
    /// the VFS lock; moves `offset` past what it stored.
    private func write(
        _ file: File, count requested: Int, at offset: inout Int64, _ store: (Int64, Int) throws(Errno) -> Int
    ) throws(Errno) -> Int {
        let appending = file.flags.contains(.O_APPEND)
        let requestedOffset = offset
        let credentials = Scheduler.current.credentials
        let (end, written) = try VFS.locked { () throws(Errno) -> (Int64, Int) in
            // Appending and finding the end happen under one lock, so two
            // appenders never overwrite each other (Linux: the O_APPEND
            // check in generic_write_checks, under i_rwsem).
            let inode = file.inode
            let start = appending ? inode.size : requestedOffset
            guard start >= 0 else { throw .EINVAL }
            var count = try VFS.writableCount(inode, at: start, count: requested)
            guard count > 0 else { return (start, 0) }
            // Linux: shmem_write_begin, page by page, so a write that would
            // grow a sealed file stops at the last page boundary inside it.
            if !seals.isDisjoint(with: [.F_SEAL_WRITE, .F_SEAL_FUTURE_WRITE]) { throw .EPERM }
            if seals.contains(.F_SEAL_GROW) && start + Int64(count) > inode.size {
                let boundary = inode.size / Int64(pageSize) * Int64(pageSize)
                guard boundary > start else { throw .EPERM }
                count = Int(boundary - start)
            }
            inode.removeSetIDBits(as: credentials)
            let stored = try store(start, count)
            let end = start + Int64(stored)
            inode.size = max(inode.size, end)
            inode.touchModified()
            return (end, stored)
        }
        offset = end
        return written
    }

    /// Shrinking frees the pages past the end and zeroes the rest of the
    /// last one, so growing again reads zeros there (Linux:
    /// truncate_pagecache + the partial-page zeroing of simple_setattr).
    /// A seal against shrinking or growing makes that EPERM (Linux: shmem_setattr).
    func truncate(_ inode: Inode, to size: Int64) throws(Errno) {
        guard size >= 0 else { throw .EINVAL }
        if size < inode.size && seals.contains(.F_SEAL_SHRINK) || size > inode.size && seals.contains(.F_SEAL_GROW) {
            throw .EPERM
        }
        if size < inode.size { cache.truncate(to: size) }
        inode.size = size
        inode.touchModified()
    }

    func allocatedBytes(_ inode: Inode) -> Int64 { cache.allocatedBytes }

    /// On tmpfs, allocates the range's pages, growing the file unless
    /// KEEP_SIZE, or with PUNCH_HOLE frees them; other modes are EOPNOTSUPP
    /// (Linux: shmem_fallocate). ramfs has no fallocate: EOPNOTSUPP.
    func fallocate(_ file: File, mode: FallocateMode, offset: Int64, length: Int64) throws(Errno) {
        guard file.inode.superBlock.magic == FilesystemMagic.TMPFS_MAGIC else { throw .EOPNOTSUPP }
        guard mode.subtracting([.FALLOC_FL_KEEP_SIZE, .FALLOC_FL_PUNCH_HOLE]).isEmpty else { throw .EOPNOTSUPP }
        try VFS.locked { () throws(Errno) in
            let inode = file.inode
            if mode.contains(.FALLOC_FL_PUNCH_HOLE) {
                let end = min(offset + length, inode.size)
                if end > offset { cache.punchHole(at: offset, count: end - offset) }
            } else {
                let end = offset + length
                if !mode.contains(.FALLOC_FL_KEEP_SIZE) { try VFS.checkNewSize(inode, end) }
                try cache.allocate(at: offset, count: length)
                if !mode.contains(.FALLOC_FL_KEEP_SIZE) && end > inode.size { inode.size = end }
            }
            inode.touchModified()
        }
    }

    /// Any ramfs file can be mapped (Linux: generic_file_mmap).
    func mmap(_ file: File, shared: Bool, length: UInt64) throws(Errno) -> File? { file }

    /// A page inside the file, from the cache (Linux: filemap_fault); past
    /// the end, SIGBUS.
    /// Runs in the page-fault handler, which must not sleep: the size is
    /// read without the VFS lock (one aligned word).
    func fault(_ file: File, pageIndex: UInt64) throws(VMFault) -> PhysAddr {
        let pages = (UInt64(max(file.inode.size, 0)) + pageSize - 1) / pageSize
        guard pageIndex < pages else { throw .beyondObject }
        guard let frame = cache.mappedFrame(forPage: pageIndex) else { throw .outOfMemory }
        return frame
    }

    /// SEEK_DATA and SEEK_HOLE see the holes the cache really has, as
    /// tmpfs does (Linux: shmem_file_llseek); ENXIO at or past the end.
    func seekDataOrHole(_ file: File, from offset: Int64, data: Bool) throws(Errno) -> Int64 {
        try VFS.locked { () throws(Errno) -> Int64 in
            let size = file.inode.size
            guard offset >= 0, offset < size else { throw .ENXIO }
            guard data else { return min(cache.holeOffset(from: offset), size) }
            guard let found = cache.dataOffset(from: offset), found < size else { throw .ENXIO }
            return found
        }
    }
}
