import ABI
import Lib

/// A ramfs regular file's contents (Linux keeps them in the page cache;
/// ramfs's pages simply never leave it). The bytes are in page-sized
/// pieces: writing one byte far past the end allocates one page, and the
/// pages between stay holes (nil) that read as zeros, which will let
/// lseek's SEEK_HOLE/SEEK_DATA find them.
final class RamfsRegularFile: FileOperations {
    private static var pageBytes: Int { Int(pageSize) }
    private var pages: [[UInt8]?] = []

    /// Contents are filesystem state: reads and writes take the VFS lock,
    /// which also orders them with truncation and O_APPEND's end.
    func read(_ file: File, count: Int, at offset: inout Int64) throws(Errno) -> [UInt8] {
        let start = offset
        let bytes = try VFS.locked { () throws(Errno) -> [UInt8] in try readPages(file.inode, at: start, count: count) }
        offset += Int64(bytes.count)
        return bytes
    }

    func write(_ file: File, _ bytes: [UInt8], at offset: inout Int64) throws(Errno) -> Int {
        let appending = file.flags.contains(.O_APPEND)
        let requested = offset
        let end = try VFS.locked { () throws(Errno) -> Int64 in
            // Appending and finding the end happen under one lock, so two
            // appenders never overwrite each other (Linux: the O_APPEND
            // check in generic_write_checks, under i_rwsem).
            let start = appending ? file.inode.size : requested
            try writePages(file.inode, at: start, bytes: bytes)
            return start + Int64(bytes.count)
        }
        offset = end
        return bytes.count
    }

    private func readPages(_ inode: Inode, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        guard offset >= 0 else { throw .EINVAL }
        guard offset < inode.size, count > 0 else { return [] }
        let end = offset + min(Int64(count), inode.size - offset)
        var result: [UInt8] = []
        result.reserveCapacity(Int(end - offset))
        var position = offset
        while position < end {
            let (index, inPage, length) = Self.piece(at: position, end: end)
            if index < pages.count, let page = pages[index] {
                result.append(contentsOf: page[inPage ..< inPage + length])
            } else {
                result.append(contentsOf: repeatElement(0, count: length))
            }
            position += Int64(length)
        }
        inode.atime = VFSClock.now()
        return result
    }

    private func writePages(_ inode: Inode, at offset: Int64, bytes: [UInt8]) throws(Errno) {
        guard offset >= 0 else { throw .EINVAL }
        guard !bytes.isEmpty else { return }
        let (end, overflow) = offset.addingReportingOverflow(Int64(bytes.count))
        guard !overflow else { throw .EFBIG }
        var position = offset
        var consumed = 0
        while position < end {
            let (index, inPage, length) = Self.piece(at: position, end: end)
            while pages.count <= index { pages.append(nil) }
            if pages[index] == nil { pages[index] = [UInt8](repeating: 0, count: Self.pageBytes) }
            pages[index]!.replaceSubrange(inPage ..< inPage + length, with: bytes[consumed ..< consumed + length])
            consumed += length
            position += Int64(length)
        }
        inode.size = max(inode.size, end)
        inode.touchModified()
    }

    /// Shrinking frees the pages past the end and zeroes the rest of the
    /// last one, so growing again reads zeros there (Linux:
    /// truncate_pagecache + the partial-page zeroing of simple_setattr).
    func truncate(_ inode: Inode, to size: Int64) throws(Errno) {
        guard size >= 0 else { throw .EINVAL }
        if size < inode.size {
            let keptPages = Int((size + Int64(Self.pageBytes) - 1) / Int64(Self.pageBytes))
            if pages.count > keptPages { pages.removeLast(pages.count - keptPages) }
            let tail = Int(size % Int64(Self.pageBytes))
            if tail != 0, keptPages - 1 < pages.count, pages[keptPages - 1] != nil {
                for index in tail ..< Self.pageBytes { pages[keptPages - 1]![index] = 0 }
            }
        }
        inode.size = size
        inode.touchModified()
    }

    func allocatedBytes(_ inode: Inode) -> Int64 {
        Int64(pages.reduce(0) { $0 + ($1 == nil ? 0 : Self.pageBytes) })
    }

    /// The page holding `position`, the offset in it, and how many bytes
    /// of it lie before `end`.
    private static func piece(at position: Int64, end: Int64) -> (index: Int, offset: Int, length: Int) {
        let index = Int(position / Int64(pageBytes))
        let offset = Int(position % Int64(pageBytes))
        let length = Int(min(Int64(pageBytes - offset), end - position))
        return (index, offset, length)
    }
}
