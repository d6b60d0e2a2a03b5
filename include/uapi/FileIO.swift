// The limits of the read/write family, pipes, record locks and utimensat,
// and Swift conveniences for their C structures (struct iovec and struct
// flock, in include/uapi/linux).

extension Iovec {
    /// UIO_MAXIOV: the most buffers one readv or writev may name (IOV_MAX).
    public static let maximumCount = 1024
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

extension Flock {
    public static let F_RDLCK: Int16 = 0
    public static let F_WRLCK: Int16 = 1
    public static let F_UNLCK: Int16 = 2

    public init(l_type: Int16, l_whence: Int16 = 0, l_start: Int64 = 0, l_len: Int64 = 0, l_pid: Int32 = 0) {
        self.init()
        self.l_type = l_type
        self.l_whence = l_whence
        self.l_start = l_start
        self.l_len = l_len
        self.l_pid = l_pid
    }
}

/// The tv_nsec markers of utimensat(2)'s times. Linux: include/uapi/linux/stat.h.
public enum UtimeMarker {
    /// Set this time to the current time.
    public static let UTIME_NOW: Int64 = (1 << 30) - 1
    /// Leave this time as it is.
    public static let UTIME_OMIT: Int64 = (1 << 30) - 2
}
