import ABI

/// A process's resource limits (Linux: signal_struct's rlim array, with the
/// rules of do_prlimit in kernel/sys.c). Shared by the threads of a
/// process, copied on fork.
public struct ResourceLimits: Sendable {
    private var limits: [Rlimit]

    /// The default stack limit (Linux: _STK_LIM, 8 MiB).
    public static let defaultStack: UInt64 = 8 << 20
    /// Descriptors a process may have open by default, and the hard limit
    /// (Linux: INR_OPEN_CUR, INR_OPEN_MAX).
    public static let defaultOpenFiles = Rlimit(rlim_cur: 1024, rlim_max: 4096)
    /// The most descriptors any process may be allowed (Linux: sysctl_nr_open, fs.nr_open).
    public static let maximumOpenFiles: UInt64 = 1 << 20

    /// The limits the first process starts with (Linux: INIT_RLIMITS in
    /// include/asm-generic/resource.h, with RLIMIT_NPROC and
    /// RLIMIT_SIGPENDING set by fork_init to half of `maxThreads`).
    public init(maxThreads: UInt64) {
        let infinity = Rlimit(rlim_cur: Rlimit.RLIM_INFINITY, rlim_max: Rlimit.RLIM_INFINITY)
        let half = Rlimit(rlim_cur: maxThreads / 2, rlim_max: maxThreads / 2)
        limits = Array(repeating: infinity, count: RlimitResource.RLIM_NLIMITS)
        limits[Int(RlimitResource.RLIMIT_STACK.rawValue)] = Rlimit(
            rlim_cur: Self.defaultStack, rlim_max: Rlimit.RLIM_INFINITY)
        limits[Int(RlimitResource.RLIMIT_CORE.rawValue)] = Rlimit(rlim_cur: 0, rlim_max: Rlimit.RLIM_INFINITY)
        limits[Int(RlimitResource.RLIMIT_NPROC.rawValue)] = half
        limits[Int(RlimitResource.RLIMIT_NOFILE.rawValue)] = Self.defaultOpenFiles
        // MEMLOCK and MSGQUEUE: Linux's MLOCK_LIMIT and MQ_BYTES_MAX.
        limits[Int(RlimitResource.RLIMIT_MEMLOCK.rawValue)] = Rlimit(rlim_cur: 8 << 20, rlim_max: 8 << 20)
        limits[Int(RlimitResource.RLIMIT_SIGPENDING.rawValue)] = half
        limits[Int(RlimitResource.RLIMIT_MSGQUEUE.rawValue)] = Rlimit(rlim_cur: 819_200, rlim_max: 819_200)
        limits[Int(RlimitResource.RLIMIT_NICE.rawValue)] = Rlimit(rlim_cur: 0, rlim_max: 0)
        limits[Int(RlimitResource.RLIMIT_RTPRIO.rawValue)] = Rlimit(rlim_cur: 0, rlim_max: 0)
    }

    /// How many threads the machine allows (Linux: set_max_threads): no more
    /// than would let kernel stacks fill an eighth of memory, and at least 20.
    public static func maxThreads(totalMemoryBytes: UInt64, threadStackBytes: UInt64) -> UInt64 {
        let futexTIDLimit = UInt64(FutexWord.FUTEX_TID_MASK)
        return min(max(totalMemoryBytes / (threadStackBytes * 8), 20), futexTIDLimit)
    }

    public subscript(resource: RlimitResource) -> Rlimit { limits[Int(resource.rawValue)] }

    /// The soft limit of `resource` (Linux: rlimit()).
    public func current(_ resource: RlimitResource) -> UInt64 { self[resource].rlim_cur }

    /// After SIGXCPU at the soft RLIMIT_CPU: the next one comes a second of
    /// CPU time later (Linux: check_process_timers sets rlim_cur to soft + 1).
    public mutating func raiseSoftCPULimit() {
        let index = Int(RlimitResource.RLIMIT_CPU.rawValue)
        limits[index].rlim_cur = min(limits[index].rlim_cur &+ 1, limits[index].rlim_max)
    }

    /// setrlimit/prlimit64 (Linux: do_prlimit): the soft limit may not
    /// exceed the hard one (EINVAL); raising the hard limit needs privilege
    /// (EPERM), and so does a descriptor limit above fs.nr_open, even for
    /// the privileged. Returns the limit that was in force.
    @discardableResult
    public mutating func set(_ resource: RlimitResource, to new: Rlimit, privileged: Bool) throws(Errno) -> Rlimit {
        guard new.rlim_cur <= new.rlim_max else { throw .EINVAL }
        if resource == .RLIMIT_NOFILE && new.rlim_max > Self.maximumOpenFiles { throw .EPERM }
        let old = self[resource]
        guard new.rlim_max <= old.rlim_max || privileged else { throw .EPERM }
        limits[Int(resource.rawValue)] = new
        return old
    }
}
