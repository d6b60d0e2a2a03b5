// The numbers of the memory-mapping calls: mmap, mprotect, mremap, madvise.

/// Page protections: mmap's `prot` and mprotect's.
/// Linux: include/uapi/asm-generic/mman-common.h.
public struct MemoryProtection: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// No access at all; zero, so it is the empty set.
    public static let PROT_NONE = MemoryProtection([])
    public static let PROT_READ = MemoryProtection(rawValue: 0x1)
    public static let PROT_WRITE = MemoryProtection(rawValue: 0x2)
    public static let PROT_EXEC = MemoryProtection(rawValue: 0x4)
    public static let PROT_SEM = MemoryProtection(rawValue: 0x8)
    /// mprotect only: extend the change down to the start of a grows-down
    /// (stack) mapping.
    public static let PROT_GROWSDOWN = MemoryProtection(rawValue: 0x0100_0000)
    public static let PROT_GROWSUP = MemoryProtection(rawValue: 0x0200_0000)
}

/// mmap's `flags`. Linux: include/uapi/linux/mman.h (the mapping type),
/// include/uapi/asm-generic/mman-common.h and mman.h (the flags),
/// arch/x86/include/uapi/asm/mman.h (MAP_32BIT).
///
/// The low four bits are a field, the mapping type (MAP_TYPE): exactly one
/// of MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE or MAP_DROPPABLE; read it
/// with `mappingType`.
public struct MapFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    // MARK: Mapping type (a four-bit field)
    public static let MAP_TYPE = MapFlags(rawValue: 0x0f)
    /// Writes reach the file and every other mapping of it.
    public static let MAP_SHARED = MapFlags(rawValue: 0x01)
    /// Copy-on-write: writes stay in this process.
    public static let MAP_PRIVATE = MapFlags(rawValue: 0x02)
    /// MAP_SHARED, but unknown flags are an error (EOPNOTSUPP) instead of ignored.
    public static let MAP_SHARED_VALIDATE = MapFlags(rawValue: 0x03)
    /// Private anonymous memory the kernel may zero under memory pressure.
    public static let MAP_DROPPABLE = MapFlags(rawValue: 0x08)

    // MARK: Flags
    /// Place the mapping exactly at `addr`, replacing whatever was there.
    public static let MAP_FIXED = MapFlags(rawValue: 0x10)
    /// Not backed by a file: zero-filled; `fd` is ignored (by convention -1).
    public static let MAP_ANONYMOUS = MapFlags(rawValue: 0x20)
    /// x86-64 only: place the mapping in the first 2 GiB.
    public static let MAP_32BIT = MapFlags(rawValue: 0x40)
    /// A stack that grows down: a fault just below extends it.
    public static let MAP_GROWSDOWN = MapFlags(rawValue: 0x0100)
    /// Ignored by Linux; once made writes to the mapped executable fail.
    public static let MAP_DENYWRITE = MapFlags(rawValue: 0x0800)
    /// Ignored by Linux; once marked the mapping as the program's executable.
    public static let MAP_EXECUTABLE = MapFlags(rawValue: 0x1000)
    public static let MAP_LOCKED = MapFlags(rawValue: 0x2000)
    /// Do not reserve swap for the mapping.
    public static let MAP_NORESERVE = MapFlags(rawValue: 0x4000)
    /// Fault every page in now instead of on first touch.
    public static let MAP_POPULATE = MapFlags(rawValue: 0x8000)
    public static let MAP_NONBLOCK = MapFlags(rawValue: 0x01_0000)
    /// A thread stack; a hint, which Linux uses to avoid huge pages there.
    public static let MAP_STACK = MapFlags(rawValue: 0x02_0000)
    public static let MAP_HUGETLB = MapFlags(rawValue: 0x04_0000)
    public static let MAP_SYNC = MapFlags(rawValue: 0x08_0000)
    /// Like MAP_FIXED, but fail with EEXIST rather than replace a mapping.
    public static let MAP_FIXED_NOREPLACE = MapFlags(rawValue: 0x10_0000)
    public static let MAP_UNINITIALIZED = MapFlags(rawValue: 0x400_0000)
    /// The C library's other name for MAP_ANONYMOUS.
    public static let MAP_ANON = MAP_ANONYMOUS

    /// The mapping type field; a value other than the four types is EINVAL.
    public var mappingType: MapFlags { MapFlags(rawValue: rawValue & Self.MAP_TYPE.rawValue) }
}

/// mremap's `flags`. Linux: include/uapi/linux/mman.h.
public struct MremapFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The mapping may move if it cannot grow in place.
    public static let MREMAP_MAYMOVE = MremapFlags(rawValue: 1)
    /// Move to exactly `new_address` (requires MREMAP_MAYMOVE).
    public static let MREMAP_FIXED = MremapFlags(rawValue: 2)
    /// Move the pages but leave the old range mapped, empty.
    public static let MREMAP_DONTUNMAP = MremapFlags(rawValue: 4)
}

/// madvise's `advice`: hints about how a range will be used.
/// Linux: include/uapi/asm-generic/mman-common.h.
public enum MemoryAdvice: Int32, Sendable {
    case MADV_NORMAL = 0
    case MADV_RANDOM = 1
    case MADV_SEQUENTIAL = 2
    case MADV_WILLNEED = 3
    /// Drop the pages now. Not just a hint: a private anonymous range reads
    /// back as zeros afterwards, and allocators rely on that.
    case MADV_DONTNEED = 4
    /// Drop the pages only under memory pressure, if not written again first.
    case MADV_FREE = 8
    case MADV_REMOVE = 9
    case MADV_DONTFORK = 10
    case MADV_DOFORK = 11
    case MADV_MERGEABLE = 12
    case MADV_UNMERGEABLE = 13
    case MADV_HUGEPAGE = 14
    case MADV_NOHUGEPAGE = 15
    case MADV_DONTDUMP = 16
    case MADV_DODUMP = 17
    case MADV_WIPEONFORK = 18
    case MADV_KEEPONFORK = 19
    case MADV_COLD = 20
    case MADV_PAGEOUT = 21
    case MADV_POPULATE_READ = 22
    case MADV_POPULATE_WRITE = 23
    case MADV_DONTNEED_LOCKED = 24
    case MADV_COLLAPSE = 25
    /// Testing aids: pretend the page has a hardware memory error.
    case MADV_HWPOISON = 100
    case MADV_SOFT_OFFLINE = 101
}

/// msync's `flags`. Linux: include/uapi/asm-generic/mman-common.h.
public struct MsyncFlags: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// Schedule the write-back and return.
    public static let MS_ASYNC = MsyncFlags(rawValue: 1)
    /// Drop other cached copies of the range (EBUSY on locked pages).
    public static let MS_INVALIDATE = MsyncFlags(rawValue: 2)
    /// Write back and wait.
    public static let MS_SYNC = MsyncFlags(rawValue: 4)
}
