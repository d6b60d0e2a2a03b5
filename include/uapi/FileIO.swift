// The structures and limits of the read/write family, pipes, record locks
// and utimensat: what readv/writev, pipe2, fcntl(F_GETLK) and utimensat
// exchange with user space.

/// One buffer of a scatter/gather transfer (readv, writev).
/// Linux: struct iovec in include/uapi/linux/uio.h. 16 bytes.
public struct Iovec: ByteLayoutDecodable, Equatable, Sendable {
    public static let size = 16
    /// UIO_MAXIOV: the most buffers one readv or writev may name (IOV_MAX).
    public static let maximumCount = 1024

    public var iov_base: UInt64
    /// A size_t; a value that is negative as ssize_t is EINVAL.
    public var iov_len: UInt64

    public init(iov_base: UInt64, iov_len: UInt64) {
        self.iov_base = iov_base
        self.iov_len = iov_len
    }

    public init(from buffer: [UInt8], at offset: Int) {
        iov_base = buffer.loadLittleEndian(UInt64.self, at: offset)
        iov_len = buffer.loadLittleEndian(UInt64.self, at: offset + 8)
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeLittleEndian(iov_base, at: offset)
        buffer.storeLittleEndian(iov_len, at: offset + 8)
    }
}

/// Pipe numbers. Linux: include/uapi/linux/limits.h (PIPE_BUF) and
/// include/linux/pipe_fs_i.h (the default capacity, 16 pages).
public enum PipeLimits {
    /// Writes of at most this many bytes are atomic: never interleaved
    /// with other writers' data.
    public static let atomicWriteSize = 4096
    /// A new pipe's capacity, as F_GETPIPE_SZ reports it.
    public static let defaultCapacity = 65536
}

/// A record lock as fcntl's F_GETLK/F_SETLK/F_SETLKW pass it.
/// Linux: struct flock in include/uapi/asm-generic/fcntl.h (x86-64: off_t
/// and pid_t as 64 and 32 bits). 32 bytes.
public struct Flock: ByteLayoutDecodable, Equatable, Sendable {
    public static let size = 32

    public static let F_RDLCK: Int16 = 0
    public static let F_WRLCK: Int16 = 1
    public static let F_UNLCK: Int16 = 2

    public var l_type: Int16
    /// SEEK_SET, SEEK_CUR or SEEK_END: what l_start counts from.
    public var l_whence: Int16
    public var l_start: Int64
    /// 0 means "to the end of the file, however far it grows".
    public var l_len: Int64
    /// F_GETLK: the process holding a conflicting lock.
    public var l_pid: Int32

    public init(l_type: Int16, l_whence: Int16 = 0, l_start: Int64 = 0, l_len: Int64 = 0, l_pid: Int32 = 0) {
        self.l_type = l_type
        self.l_whence = l_whence
        self.l_start = l_start
        self.l_len = l_len
        self.l_pid = l_pid
    }

    public init(from buffer: [UInt8], at offset: Int) {
        l_type = buffer.loadLittleEndian(Int16.self, at: offset)
        l_whence = buffer.loadLittleEndian(Int16.self, at: offset + 2)
        l_start = buffer.loadLittleEndian(Int64.self, at: offset + 8)
        l_len = buffer.loadLittleEndian(Int64.self, at: offset + 16)
        l_pid = buffer.loadLittleEndian(Int32.self, at: offset + 24)
    }

    public func write(into buffer: inout [UInt8], at offset: Int) {
        buffer.storeZeros(count: Self.size, at: offset)
        buffer.storeLittleEndian(l_type, at: offset)
        buffer.storeLittleEndian(l_whence, at: offset + 2)
        buffer.storeLittleEndian(l_start, at: offset + 8)
        buffer.storeLittleEndian(l_len, at: offset + 16)
        buffer.storeLittleEndian(l_pid, at: offset + 24)
    }
}

/// The tv_nsec markers of utimensat(2)'s times. Linux: include/uapi/linux/stat.h.
public enum UtimeMarker {
    /// Set this time to the current time.
    public static let UTIME_NOW: Int64 = (1 << 30) - 1
    /// Leave this time as it is.
    public static let UTIME_OMIT: Int64 = (1 << 30) - 2
}
