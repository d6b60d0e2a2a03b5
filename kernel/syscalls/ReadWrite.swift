import ABI
import Core

/// read, write and their positioned and vectored forms, lseek and sendfile
/// (Linux: fs/read_write.c). Data moves between user memory and the file
/// in pieces of at most `chunk` bytes, so a huge request never needs a
/// huge kernel buffer.
enum ReadWriteSyscalls {
    static let table: [(SyscallNumber, SyscallHandler)] = [
        (.read, read),
        (.write, write),
        (.pread64, pread64),
        (.pwrite64, pwrite64),
        (.readv, readv),
        (.writev, writev),
        (.preadv, preadv),
        (.pwritev, pwritev),
        (.lseek, lseek),
        (.sendfile, sendfile),
    ]

    /// The most one call transfers (Linux: MAX_RW_COUNT, INT_MAX rounded
    /// down to a page); larger requests are cut to it.
    static let maximumTransfer = Int(Int32.max) & ~0xfff
    /// The most held in kernel memory at once during a transfer.
    static let chunk = 64 * 1024

    static func read(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        return Int64(try transfer(from: file, into: try UserBuffers(arguments.a1, count: arguments.a2), at: nil))
    }

    static func write(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        return Int64(try transfer(into: file, from: try UserBuffers(arguments.a1, count: arguments.a2), at: nil))
    }

    static func pread64(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let buffers = try UserBuffers(arguments.a1, count: arguments.a2)
        return Int64(try transfer(from: file, into: buffers, at: try offset(arguments.a3)))
    }

    static func pwrite64(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let buffers = try UserBuffers(arguments.a1, count: arguments.a2)
        return Int64(try transfer(into: file, from: buffers, at: try offset(arguments.a3)))
    }

    static func readv(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let buffers = try UserBuffers(vector: arguments.a1, count: arguments.a2)
        return Int64(try transfer(from: file, into: buffers, at: nil))
    }

    static func writev(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let buffers = try UserBuffers(vector: arguments.a1, count: arguments.a2)
        return Int64(try transfer(into: file, from: buffers, at: nil))
    }

    /// preadv(fd, iov, iovcnt, pos_l, pos_h): on x86-64 the whole offset
    /// is in pos_l.
    static func preadv(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let buffers = try UserBuffers(vector: arguments.a1, count: arguments.a2)
        return Int64(try transfer(from: file, into: buffers, at: try offset(arguments.a3)))
    }

    static func pwritev(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        let buffers = try UserBuffers(vector: arguments.a1, count: arguments.a2)
        return Int64(try transfer(into: file, from: buffers, at: try offset(arguments.a3)))
    }

    static func lseek(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let file = try FileArguments.file(arguments.a0)
        guard let whence = SeekWhence(rawValue: Int32(truncatingIfNeeded: arguments.a2)), arguments.a2 >> 32 == 0 else {
            throw .EINVAL
        }
        return try file.seek(to: Int64(bitPattern: arguments.a1), from: whence)
    }

    /// sendfile(out_fd, in_fd, offset, count) (Linux: do_sendfile): copies
    /// through the kernel, reading at `*offset` (then updated) if given,
    /// else at the input's position.
    static func sendfile(_ arguments: SyscallArguments) throws(Errno) -> Int64 {
        let output = try FileArguments.file(arguments.a0)
        let input = try FileArguments.file(arguments.a1)
        guard input.mayRead, output.mayWrite else { throw .EBADF }
        var position: Int64? = nil
        if arguments.a2 != 0 {
            position = try offset(UInt64(bitPattern: try UserAccess.getUser(Int64.self, at: arguments.a2)))
        }
        let count = Int(min(arguments.a3, UInt64(maximumTransfer)))
        let done = try inChunks(total: count, once: input.operations.isStream) { (done, wanted) throws(Errno) -> Int in
            // A short write ends the copy; what was read beyond it is dropped.
            try output.write(try input.read(count: wanted, at: position.map { $0 + Int64(done) }))
        }
        if let position { try UserAccess.putUser(position + Int64(done), at: arguments.a2) }
        return Int64(done)
    }

    /// A file offset argument (loff_t): negative is EINVAL.
    private static func offset(_ register: UInt64) throws(Errno) -> Int64 {
        let value = Int64(bitPattern: register)
        guard value >= 0 else { throw .EINVAL }
        return value
    }

    /// Reads into `buffers` at the position or `offset` (Linux: vfs_read,
    /// vfs_readv), until the buffers are full or a read comes back short
    /// (end of file). A stream is read once: a pipe or terminal returns
    /// what it has, and a second read could sleep.
    static func transfer(from file: File, into buffers: UserBuffers, at offset: Int64?) throws(Errno) -> Int {
        try inChunks(total: buffers.total, once: file.operations.isStream) { (done, wanted) throws(Errno) -> Int in
            try file.read(count: wanted, at: offset.map { $0 + Int64(done) }) { (bytes: [UInt8]) throws(Errno) in
                try buffers.copyOut(bytes, at: done)
            }
        }
    }

    /// Writes from `buffers` at the position or `offset` (Linux:
    /// vfs_write, vfs_writev), until all is written or a write comes back
    /// short. A stream gets all of it in one write when it fits in a
    /// chunk, so a pipe write of at most PIPE_BUF bytes stays atomic.
    static func transfer(into file: File, from buffers: UserBuffers, at offset: Int64?) throws(Errno) -> Int {
        try inChunks(total: buffers.total, once: false) { (done, wanted) throws(Errno) -> Int in
            try file.write(try buffers.copyIn(count: wanted, at: done), at: offset.map { $0 + Int64(done) })
        }
    }

    /// Runs `step(done, wanted)` over `total` bytes in pieces of at most
    /// `chunk`, stopping after a short step, or after the first if `once`.
    /// A step runs at least once, so a zero-byte transfer still checks the
    /// file. An error after some bytes have moved ends the transfer with
    /// their count, as Linux returns partial progress.
    private static func inChunks(
        total: Int, once: Bool, _ step: (_ done: Int, _ wanted: Int) throws(Errno) -> Int
    ) throws(Errno) -> Int {
        var done = 0
        repeat {
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

/// The user memory a transfer reads into or writes from: one buffer for
/// read and write, up to IOV_MAX for the vectored calls, seen as one run
/// of `total` bytes (Linux: struct iov_iter over user iovecs).
struct UserBuffers {
    private let segments: [Iovec]
    let total: Int

    /// One buffer (read, write): EFAULT unless it lies in user space; a
    /// count beyond MAX_RW_COUNT is cut to it.
    init(_ address: UInt64, count: UInt64) throws(Errno) {
        try FileArguments.checkUserRange(address, count: count)
        let total = min(Int(count), ReadWriteSyscalls.maximumTransfer)
        self.segments = [Iovec(iov_base: address, iov_len: UInt64(total))]
        self.total = total
    }

    /// An iovec array (readv, writev; Linux: import_iovec): EINVAL for more
    /// than IOV_MAX entries or a length negative as ssize_t, EFAULT for a
    /// buffer outside user space. The total is cut to MAX_RW_COUNT, the
    /// last buffers shortened or dropped.
    init(vector address: UInt64, count register: UInt64) throws(Errno) {
        let count = Int(Int32(truncatingIfNeeded: register))
        guard count >= 0, count <= Iovec.maximumCount else { throw .EINVAL }
        let bytes = try UserAccess.copyFromUser(address, count: count * Iovec.size)
        var segments: [Iovec] = []
        var total = 0
        for index in 0..<count {
            var segment = Iovec(from: bytes, at: index * Iovec.size)
            guard Int64(bitPattern: segment.iov_len) >= 0 else { throw .EINVAL }
            try FileArguments.checkUserRange(segment.iov_base, count: segment.iov_len)
            segment.iov_len = min(segment.iov_len, UInt64(ReadWriteSyscalls.maximumTransfer - total))
            total += Int(segment.iov_len)
            segments.append(segment)
        }
        self.segments = segments
        self.total = total
    }

    /// Copies `bytes` into the buffers, starting `offset` bytes into the run.
    func copyOut(_ bytes: [UInt8], at offset: Int) throws(Errno) {
        var copied = 0
        try forEachPiece(at: offset, count: bytes.count) { (address: UInt64, length: Int) throws(Errno) in
            try UserAccess.copyToUser(address, Array(bytes[copied..<(copied + length)]))
            copied += length
        }
    }

    /// `count` bytes of the buffers, starting `offset` bytes into the run.
    func copyIn(count: Int, at offset: Int) throws(Errno) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        try forEachPiece(at: offset, count: count) { (address: UInt64, length: Int) throws(Errno) in
            bytes.append(contentsOf: try UserAccess.copyFromUser(address, count: length))
        }
        return bytes
    }

    /// The user address ranges that make up bytes offset..<offset+count of the run.
    private func forEachPiece(at offset: Int, count: Int, _ body: (UInt64, Int) throws(Errno) -> Void) throws(Errno) {
        var skip = offset
        var left = count
        for segment in segments where left > 0 {
            let length = Int(segment.iov_len)
            if skip >= length {
                skip -= length
                continue
            }
            let taken = min(length - skip, left)
            try body(segment.iov_base + UInt64(skip), taken)
            skip = 0
            left -= taken
        }
    }
}
