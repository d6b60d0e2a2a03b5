import ABI
import Core
import Lib

/// read, write and their positioned and vectored forms, lseek and sendfile
/// (Linux: fs/read_write.c). Data moves between user memory and the file
/// in pieces of at most `chunk` bytes, so a huge request never needs a
/// huge kernel buffer.
enum ReadWriteSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.read, syscall(read)),
        (.write, syscall(write)),
        (.pread64, syscall(pread64)),
        (.pwrite64, syscall(pwrite64)),
        (.readv, syscall(readv)),
        (.writev, syscall(writev)),
        (.preadv, syscall(preadv)),
        (.pwritev, syscall(pwritev)),
        (.lseek, syscall(lseek)),
        (.sendfile, syscall(sendfile)),
    ]

    /// The most one call transfers (Linux: MAX_RW_COUNT, INT_MAX rounded
    /// down to a page); larger requests are cut to it.
    static let maximumTransfer = Int(Int32.max) & ~0xfff
    /// The most held in kernel memory at once during a transfer.
    static let chunk = 64 * 1024

    static func read(_ fd: FileDescriptor, _ buffer: UserPointer<UInt8>, _ count: UInt64) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(buffer, count: count, limit: maximumTransfer)
        return Int64(try transfer(from: file, into: &buffers, at: nil))
    }

    static func write(_ fd: FileDescriptor, _ buffer: UserPointer<UInt8>, _ count: UInt64) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(buffer, count: count, limit: maximumTransfer)
        return Int64(try transfer(into: file, from: &buffers, at: nil))
    }

    static func pread64(
        _ fd: FileDescriptor, _ buffer: UserPointer<UInt8>, _ count: UInt64,
        _ position: Int64
    ) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(buffer, count: count, limit: maximumTransfer)
        return Int64(try transfer(from: file, into: &buffers, at: try offset(position, count: buffers.count, of: file)))
    }

    static func pwrite64(
        _ fd: FileDescriptor, _ buffer: UserPointer<UInt8>, _ count: UInt64,
        _ position: Int64
    ) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(buffer, count: count, limit: maximumTransfer)
        return Int64(try transfer(into: file, from: &buffers, at: try offset(position, count: buffers.count, of: file)))
    }

    static func readv(_ fd: FileDescriptor, _ vector: UserPointer<Iovec>, _ count: Int32) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(vector: vector, count: count, limit: maximumTransfer)
        return Int64(try transfer(from: file, into: &buffers, at: nil))
    }

    static func writev(_ fd: FileDescriptor, _ vector: UserPointer<Iovec>, _ count: Int32) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(vector: vector, count: count, limit: maximumTransfer)
        return Int64(try transfer(into: file, from: &buffers, at: nil))
    }

    /// preadv(fd, iov, iovcnt, pos_l, pos_h): on x86-64 the whole offset
    /// is in pos_l.
    static func preadv(
        _ fd: FileDescriptor, _ vector: UserPointer<Iovec>, _ count: Int32,
        _ position: Int64
    ) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(vector: vector, count: count, limit: maximumTransfer)
        return Int64(try transfer(from: file, into: &buffers, at: try offset(position, count: buffers.count, of: file)))
    }

    static func pwritev(
        _ fd: FileDescriptor, _ vector: UserPointer<Iovec>, _ count: Int32,
        _ position: Int64
    ) throws(Errno) -> Int64 {
        let file = try fd.file()
        var buffers = try IOVIter(vector: vector, count: count, limit: maximumTransfer)
        return Int64(try transfer(into: file, from: &buffers, at: try offset(position, count: buffers.count, of: file)))
    }

    static func lseek(_ fd: FileDescriptor, _ offset: Int64, _ whence: ZeroExtended<Int32>) throws(Errno) -> Int64 {
        let file = try fd.file()
        guard let whence = SeekWhence(rawValue: try whence.value()) else { throw .EINVAL }
        return try file.seek(to: offset, from: whence)
    }

    /// sendfile(out_fd, in_fd, offset, count) (Linux: do_sendfile): copies
    /// through the kernel, reading at `*offset` (then updated) if given,
    /// else at the input's position.
    static func sendfile(
        _ outputFD: FileDescriptor, _ inputFD: FileDescriptor, _ offsetPointer: UserPointer<Int64>,
        _ count: UInt64
    ) throws(Errno) -> Int64 {
        let output = try outputFD.file()
        let input = try inputFD.file()
        guard input.mayRead, output.mayWrite else { throw .EBADF }
        let count = Int(min(count, UInt64(maximumTransfer)))
        var position: Int64? = nil
        if !offsetPointer.isNull { position = try offset(try offsetPointer.read(), count: count, of: input) }
        let done = try inChunks(total: count, once: input.operations.isStream) { (done, wanted) throws(Errno) -> Int in
            // A short write ends the copy; what was read beyond it is dropped.
            try output.write(try input.read(count: wanted, at: position.map { $0 + Int64(done) }))
        }
        if let position { try offsetPointer.write(position + Int64(done)) }
        return Int64(done)
    }

    /// A file offset argument (loff_t) for `count` bytes: EINVAL if it is
    /// negative or, on a file with positions, if the bytes would end past
    /// 2^63 (Linux: rw_verify_area), so no offset plus count can overflow.
    /// A stream's ESPIPE comes later, from the transfer.
    private static func offset(_ value: Int64, count: Int, of file: File) throws(Errno) -> Int64 {
        guard value >= 0 else { throw .EINVAL }
        guard file.operations.isStream || !value.addingReportingOverflow(Int64(count)).overflow else { throw .EINVAL }
        return value
    }

    /// Reads into `buffers` at the position or `offset` (Linux: vfs_read,
    /// vfs_readv), until the buffers are full or a read comes back short
    /// (end of file). A stream is read once: a pipe or terminal returns
    /// what it has, and a second read could sleep.
    static func transfer(from file: File, into buffers: inout IOVIter, at offset: Int64?) throws(Errno) -> Int {
        if file.operations.takesUserBuffers {
            return try buffers.eachBuffer { (buffer, done) throws(Errno) -> Int in
                try file.read(into: buffer, at: offset.map { $0 + Int64(done) })
            }
        }
        return try inChunks(total: buffers.count, once: file.operations.isStream) {
            (done, wanted) throws(Errno) -> Int in
            try file.read(to: &buffers, count: wanted, at: offset.map { $0 + Int64(done) })
        }
    }

    /// Writes from `buffers` at the position or `offset` (Linux:
    /// vfs_write, vfs_writev), until all is written or a write comes back
    /// short. A stream gets all of it in one write when it fits in a
    /// chunk, so a pipe write of at most PIPE_BUF bytes stays atomic.
    static func transfer(into file: File, from buffers: inout IOVIter, at offset: Int64?) throws(Errno) -> Int {
        if file.operations.takesUserBuffers {
            return try buffers.eachBuffer { (buffer, done) throws(Errno) -> Int in
                try file.write(from: buffer, at: offset.map { $0 + Int64(done) })
            }
        }
        return try inChunks(total: buffers.count, once: false) { (done, wanted) throws(Errno) -> Int in
            try file.write(from: &buffers, count: wanted, at: offset.map { $0 + Int64(done) })
        }
    }

    /// Runs `step(done, wanted)` over `total` bytes in pieces of at most
    /// `chunk`, stopping after a short step, or after the first if `once`.
    /// A step runs at least once, so a zero-byte transfer still checks the
    /// file. An error after some bytes have moved ends the transfer with
    /// their count, as Linux returns partial progress. A fatal signal ends
    /// it between steps, with EINTR if nothing moved yet (Linux: the
    /// signal checks of splice's and the copy loops).
    private static func inChunks(
        total: Int, once: Bool, _ step: (_ done: Int, _ wanted: Int) throws(Errno) -> Int
    ) throws(Errno) -> Int {
        var done = 0
        repeat {
            if done > 0 && Signals.longLoopMustEnd() { break }
            let wanted = min(chunk, total - done)
            do throws(Errno) {
                let moved = try step(done, wanted)
                done += moved
                if moved < wanted || once { break }
            } catch {
                if done == 0 { throw error }
                break
            }
        } while done < total
        return done
    }
}
