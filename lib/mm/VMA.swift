/// Virtual memory areas: the mapped ranges of a user address space.
/// Linux: include/linux/mm_types.h (struct vm_area_struct), include/linux/mm.h (VM_* flags).

/// What user code may do with a mapping's pages — mmap's and mprotect's
/// PROT_READ, PROT_WRITE and PROT_EXEC, which Linux copies unchanged into the
/// low bits of vm_flags (VM_READ, VM_WRITE, VM_EXEC). The empty set is PROT_NONE.
public struct VMAProtection: OptionSet, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let read = VMAProtection(rawValue: 0x1)
    public static let write = VMAProtection(rawValue: 0x2)
    public static let exec = VMAProtection(rawValue: 0x4)
}

/// The rest of a mapping's vm_flags: how it is shared, what protections it
/// may ever be given, and whether it is a stack. The values are Linux's bits.
public struct VMAFlags: OptionSet, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// MAP_SHARED: writes reach the backing object and every other mapping
    /// of it. Without it a mapping is private: written pages are copied.
    public static let shared = VMAFlags(rawValue: 0x08)
    /// VM_MAYREAD, VM_MAYWRITE, VM_MAYEXEC: the protections mprotect may
    /// grant later. mmap sets all three and then takes away what the file
    /// does not allow: a shared mapping of a file opened read-only loses
    /// mayWrite (or mprotect could make it write to the file), a mapping of
    /// a file on a noexec mount loses mayExec.
    public static let mayRead = VMAFlags(rawValue: 0x10)
    public static let mayWrite = VMAFlags(rawValue: 0x20)
    public static let mayExec = VMAFlags(rawValue: 0x40)
    /// VM_GROWSDOWN: a stack, which the page-fault handler extends downward
    /// when user code touches the pages just below it.
    public static let growsDown = VMAFlags(rawValue: 0x100)
    /// VM_LOCKED: mlock'ed, its pages kept in memory and counted against
    /// RLIMIT_MEMLOCK.
    public static let locked = VMAFlags(rawValue: 0x2000)
    /// VM_DONTCOPY (MADV_DONTFORK): fork leaves the area out of the child.
    public static let dontCopy = VMAFlags(rawValue: 0x2_0000)
    /// VM_WIPEONFORK (MADV_WIPEONFORK): the child gets the area empty,
    /// reading zeros, instead of the parent's pages.
    public static let wipeOnFork = VMAFlags(rawValue: 0x200_0000)
    /// VM_DONTDUMP (MADV_DONTDUMP): a core dump leaves the area out.
    public static let dontDump = VMAFlags(rawValue: 0x400_0000)

    /// Every may-flag: what a mapping with no restrictions carries.
    public static let mayAccess: VMAFlags = [.mayRead, .mayWrite, .mayExec]

    /// Whether a mapping with these flags may be given `protection`
    /// (mprotect's "newflags & ~(newflags >> 4)" test).
    public func permits(_ protection: VMAProtection) -> Bool {
        (!protection.contains(.read) || contains(.mayRead))
            && (!protection.contains(.write) || contains(.mayWrite))
            && (!protection.contains(.exec) || contains(.mayExec))
    }
}

/// The object whose pages a file-backed mapping shows: the kernel's open
/// file, whose page cache the page-fault handler takes pages from (Linux:
/// vm_area_struct's vm_file and vm_ops->fault). Two areas can merge only if
/// they map the same object. Shared anonymous memory has one too (Linux
/// backs it with an unlinked shmem file), so that forked children find the
/// same pages.
public protocol VMABacking: AnyObject {
    /// The frame holding page `index` of the object, with a reference taken
    /// for the mapping; `.beyondObject` past its end (Linux: SIGBUS),
    /// `.outOfMemory` when no frame can hold it.
    func frame(forPage index: UInt64) throws(VMFault) -> PFN
    /// The object itself, the same for every open and mapping of it (the
    /// inode): futexes in shared memory are keyed by it (Linux: get_futex_key).
    var objectIdentity: UInt64 { get }
}

/// The names /proc/PID/maps prints for areas that map no file. Linux works
/// them out from mm->brk and mm->start_stack when printing; Apus records
/// them on the area, and areas with different labels never merge.
public enum VMALabel: Sendable {
    case heap, stack, vdso, vvar

    public var name: String {
        switch self {
        case .heap: "[heap]"
        case .stack: "[stack]"
        case .vdso: "[vdso]"
        case .vvar: "[vvar]"
        }
    }
}

/// One contiguous mapped range of a process's address space with uniform
/// attributes — Linux's `struct vm_area_struct`.
///
/// The range is `[start, end)`, page aligned. Areas live in a `VMATree`,
/// which alone changes their bounds and protection: they never overlap, so
/// moving a bound within the gap around an area keeps the tree ordered.
public final class VMA: RBNode {
    public internal(set) var start: UInt64
    public internal(set) var end: UInt64
    public internal(set) var protection: VMAProtection
    public internal(set) var flags: VMAFlags
    /// The mapped object, nil for anonymous memory (zero-filled on first touch).
    public let backing: (any VMABacking)?
    /// For a file-backed area, the page of `backing` that `start` shows
    /// (Linux: vm_pgoff); it moves with `start` when the area is split or
    /// trimmed. Anonymous areas keep it at 0 and ignore it.
    public internal(set) var filePageOffset: UInt64
    public let label: VMALabel?
    public var rbLinks = RBLinks<VMA>()

    public init(
        start: UInt64, end: UInt64, protection: VMAProtection, flags: VMAFlags,
        backing: (any VMABacking)? = nil, filePageOffset: UInt64 = 0, label: VMALabel? = nil
    ) {
        self.start = start
        self.end = end
        self.protection = protection
        self.flags = flags
        self.backing = backing
        self.filePageOffset = backing == nil ? 0 : filePageOffset
        self.label = label
    }

    public static func sortsBefore(_ lhs: VMA, _ rhs: VMA) -> Bool { lhs.start < rhs.start }

    public var length: UInt64 { end - start }

    public var isAnonymous: Bool { backing == nil }

    public func contains(_ address: UInt64) -> Bool { start <= address && address < end }

    /// The page of `backing` shown at `address`, which must lie in the area
    /// or at its end: what the page-fault handler asks the file for (Linux:
    /// linear_page_index).
    public func filePage(at address: UInt64) -> UInt64 {
        filePageOffset + (address - start) >> UInt64(pageShift)
    }

    /// A detached area with the same attributes covering `range`, a part of
    /// this one: the pieces a split or an unmap produces, and fork's copies.
    func copy(covering range: Range<UInt64>) -> VMA {
        VMA(
            start: range.lowerBound, end: range.upperBound, protection: protection, flags: flags,
            backing: backing, filePageOffset: filePage(at: range.lowerBound), label: label)
    }

    /// Whether `upper` could be folded into `lower` without changing what
    /// any address maps (Linux: is_mergeable_vma plus the vm_pgoff check of
    /// can_vma_merge_after): they touch, have the same attributes, and a
    /// file is mapped continuously across the seam.
    static func canMerge(_ lower: VMA, _ upper: VMA) -> Bool {
        lower.end == upper.start
            && lower.protection == upper.protection
            && lower.flags == upper.flags
            && lower.backing === upper.backing
            && lower.label == upper.label
            && (lower.isAnonymous || lower.filePage(at: lower.end) == upper.filePageOffset)
    }
}
