import ABI
import X86Asm

/// The user memory a read fills or a write drains (Linux: struct iov_iter
/// over user iovecs, and its copy_page_to_iter, copy_page_from_iter,
/// copy_to_iter, copy_from_iter and iov_iter_zero): one buffer for read
/// and write, up to IOV_MAX for the vectored calls, seen as one run of
/// `count` bytes consumed from the front. Bytes move straight between the
/// user buffers and a page or kernel array, one copy each. A copy that
/// faults stops at the faulting byte and returns the count moved, so a
/// caller can report a partial transfer exactly; the iterator then stands
/// just past what moved.
public struct IOVIter {
    /// The user buffers: read's and write's one, kept alone so that those
    /// calls allocate no array, or the vectored calls' list.
    private enum Segments {
        case one(UserBuffer)
        case list([UserBuffer])
    }
    private let segments: Segments
    /// All the bytes of the run.
    public let count: Int
    /// The bytes consumed so far.
    public private(set) var consumed = 0
    /// Where the next byte goes: a segment and the offset in it.
    private var segment = 0
    private var inSegment = 0

    /// One buffer (read, write): EFAULT unless it lies in user space; a
    /// count beyond `limit` (MAX_RW_COUNT) is cut to it.
    public init(_ start: UserPointer<UInt8>, count: UInt64, limit: Int) throws(Errno) {
        let buffer = try UserBuffer(start, count: count).prefix(limit)
        self.init(segments: .one(buffer), count: buffer.count)
    }

    /// An iovec array (readv, writev; Linux: import_iovec): EINVAL for more
    /// than IOV_MAX entries or a length negative as ssize_t, EFAULT for a
    /// buffer outside user space. The total is cut to `limit`
    /// (MAX_RW_COUNT), the last buffers shortened or dropped.
    public init(vector: UserPointer<Iovec>, count: Int32, limit: Int) throws(Errno) {
        guard count >= 0, count <= Iovec.maximumCount else { throw .EINVAL }
        var segments: [UserBuffer] = []
        var total = 0
        for iovec in try vector.read(count: Int(count)) {
            guard Int64(bitPattern: iovec.iov_len) >= 0 else { throw .EINVAL }
            let buffer = try UserBuffer(UserPointer(address: iovec.iov_base), count: iovec.iov_len)
            let segment = buffer.prefix(limit - total)
            total += segment.count
            segments.append(segment)
        }
        self.init(segments: .list(segments), count: total)
    }

    private init(segments: Segments, count: Int) {
        self.segments = segments
        self.count = count
    }

    private var segmentCount: Int {
        switch segments {
        case .one: 1
        case .list(let list): list.count
        }
    }

    private func buffer(at index: Int) -> UserBuffer {
        switch segments {
        case .one(let buffer): buffer
        case .list(let list): list[index]
        }
    }

    /// The bytes not consumed yet.
    public var remaining: Int { count - consumed }

    /// copy_page_to_iter: `length` bytes of `frame` from `offset` into the
    /// user buffers; the count copied.
    public mutating func copy(from frame: Frame, at offset: Int, count length: Int) -> Int {
        let source = unsafe frame.pointer(at: offset, count: length)
        return unsafe advance(by: length) { (user, done, piece) in
            unsafe copy_user_raw(user, source + done, UInt64(piece))
        }
    }

    /// copy_page_from_iter: `length` bytes of the user buffers into `frame`
    /// from `offset`; the count copied.
    public mutating func copy(to frame: Frame, at offset: Int, count length: Int) -> Int {
        let destination = unsafe frame.pointer(at: offset, count: length)
        return unsafe advance(by: length) { (user, done, piece) in
            unsafe copy_user_raw(destination + done, user, UInt64(piece))
        }
    }

    /// copy_to_iter: `bytes` into the user buffers; the count copied.
    public mutating func copy(from bytes: [UInt8]) -> Int {
        unsafe bytes.withUnsafeBytes { source in
            unsafe advance(by: source.count) { (user, done, piece) in
                unsafe copy_user_raw(user, source.baseAddress! + done, UInt64(piece))
            }
        }
    }

    /// copy_from_iter: the next `length` bytes of the user buffers, fewer
    /// if a fault stopped the copy.
    public mutating func copyIn(count length: Int) -> [UInt8] {
        let length = min(length, remaining)
        var copied = 0
        let bytes = unsafe [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            copied = unsafe advance(by: length) { (user, done, piece) in
                unsafe copy_user_raw(buffer.baseAddress! + done, user, UInt64(piece))
            }
            initialized = copied
        }
        return bytes
    }

    /// iov_iter_zero: `length` zero bytes into the user buffers (a hole
    /// read); the count zeroed.
    public mutating func zero(count length: Int) -> Int {
        unsafe advance(by: length) { (user, _, piece) in unsafe clear_user_raw(user, UInt64(piece)) }
    }

    /// Runs `step(buffer, done)` on each whole buffer in turn, with the
    /// bytes moved before it, until one comes back short; an error after
    /// some bytes moved ends it with their count (Linux:
    /// do_loop_readv_writev, for files with ->read and ->write alone).
    public func eachBuffer(_ step: (UserBuffer, Int) throws(Errno) -> Int) throws(Errno) -> Int {
        var done = 0
        for index in 0..<segmentCount {
            let segment = buffer(at: index)
            do throws(Errno) {
                let moved = try step(segment, done)
                done += moved
                if moved < segment.count { break }
            } catch {
                if done == 0 { throw error }
                break
            }
        }
        return done
    }

    /// Consumes up to `length` bytes, calling `copy(user, done, piece)` for
    /// each piece of a user buffer they cover, with the bytes copied before
    /// it; `copy` returns the bytes it could not move (copy_user_raw's
    /// answer), and a short piece ends the walk. The count moved.
    private mutating func advance(
        by length: Int, _ copy: (UnsafeMutableRawPointer?, Int, Int) -> UInt64
    ) -> Int {
        var done = 0
        let length = min(length, remaining)
        while done < length {
            let buffer = self.buffer(at: segment)
            let piece = min(buffer.count - inSegment, length - done)
            if piece > 0 {
                let user = unsafe UnsafeMutableRawPointer(bitPattern: UInt(buffer.start.address) + UInt(inSegment))
                let moved = piece - Int(unsafe copy(user, done, piece))
                done += moved
                inSegment += moved
                if moved < piece { break }
            }
            if inSegment == buffer.count {
                segment += 1
                inSegment = 0
            }
        }
        consumed += done
        return done
    }
}
