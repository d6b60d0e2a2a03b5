import ABI

/// The set of mapped areas of one address space, ordered by address, and the
/// operations the memory syscalls perform on it — the VMA half of Linux's
/// `struct mm_struct` (mm_mt, map_count, total_vm) with mm/mmap.c, mm/vma.c,
/// mm/mprotect.c and mm/mremap.c.
///
/// Linux keeps VMAs in a maple tree (an rbtree before 6.1); Apus uses the
/// intrusive red-black tree. Linux augments its tree with the largest free
/// gap below each node so the free-range search is O(log n); here that
/// search walks the gaps one by one.
///
/// The tree only does the bookkeeping. Page tables are the caller's: after
/// `unmap` it frees the pages of the returned pieces, after `protect` it
/// rewrites the range's entries, after `move` it moves them.
///
/// Areas never overlap, and after `map`, `unmap` and `protect` no two
/// neighbours could merge (Linux: vma_merge): what the caller sees in
/// /proc/PID/maps is the fewest areas that describe the mappings.
/// `resizeHeap`, `growInPlace` and `move` merge too; `expandDown`, like
/// Linux's stack growth, does not.
///
/// All ranges are page aligned and non-empty, or the call fails with
/// EINVAL; rounding lengths up and checking them against the address
/// space's size is the syscall's job. Every call that fails changes nothing.
public final class VMATree {
    /// Linux's default vm.max_map_count: the most areas one process may have.
    public static let defaultMaxMapCount = 65530

    /// Linux's default stack_guard_gap: 256 pages kept free below a stack so
    /// that a stack overflow faults instead of running into another mapping.
    public static let defaultStackGuardGap: UInt64 = 256 * pageSize

    /// Calls that would leave more areas than this fail with ENOMEM. The
    /// count is taken after splits and before merges, as Linux checks it.
    public var maxMapCount: Int

    /// How close to another mapping a stack may grow, and how close to a
    /// stack's bottom a new mapping may be placed.
    public var stackGuardGap: UInt64

    /// Internal rather than private so tests can validate the tree.
    let areas = RBTree<VMA>()

    /// Bytes covered by all areas (Linux: total_vm, in pages).
    public private(set) var mappedBytes: UInt64 = 0

    public init(maxMapCount: Int = defaultMaxMapCount, stackGuardGap: UInt64 = defaultStackGuardGap) {
        self.maxMapCount = maxMapCount
        self.stackGuardGap = stackGuardGap
    }

    /// Number of areas (Linux: map_count).
    public var count: Int { areas.count }

    // MARK: Lookup

    /// The first area ending above `address`: the one containing it, or
    /// else the next one up (Linux: find_vma).
    public func find(_ address: UInt64) -> VMA? {
        areas.lowerBound { $0.end <= address }
    }

    /// The area containing `address`, if any (Linux: vma_lookup).
    public func vma(containing address: UInt64) -> VMA? {
        guard let vma = find(address), vma.start <= address else { return nil }
        return vma
    }

    /// The lowest area overlapping `range` (Linux: find_vma_intersection).
    public func firstIntersecting(_ range: Range<UInt64>) -> VMA? {
        guard let vma = find(range.lowerBound), vma.start < range.upperBound else { return nil }
        return vma
    }

    /// The area after `vma` in address order, which must be in this tree.
    public func next(after vma: VMA) -> VMA? { areas.successor(of: vma) }

    /// The area before `vma` in address order, which must be in this tree.
    public func previous(before vma: VMA) -> VMA? { areas.predecessor(of: vma) }

    // MARK: Mapping and unmapping

    /// Adds a new area where nothing is mapped — mmap without MAP_FIXED at an
    /// address already chosen, or with MAP_FIXED_NOREPLACE. A neighbour it
    /// can merge with absorbs it, as Linux extends the previous area rather
    /// than adding one; the result is the area now covering the range, which
    /// may not be `vma`. EEXIST if anything is mapped there.
    @discardableResult
    public func map(_ vma: VMA) throws(Errno) -> VMA {
        let range = try Self.pageRange(of: vma)
        guard firstIntersecting(range) == nil else { throw .EEXIST }
        guard count < maxMapCount else { throw .ENOMEM }
        return insertMerging(vma)
    }

    /// Adds a new area, first unmapping whatever it overlaps — mmap with
    /// MAP_FIXED. The replaced pieces are returned for the caller to free,
    /// as from `unmap`.
    public func mapFixed(_ vma: VMA) throws(Errno) -> (mapped: VMA, replaced: [VMA]) {
        let range = try Self.pageRange(of: vma)
        guard count + countChange(unmapping: range) + 1 <= maxMapCount else { throw .ENOMEM }
        let replaced = removeRange(range)
        return (insertMerging(vma), replaced)
    }

    /// Unmaps `range` (Linux: munmap, do_vmi_munmap). Areas straddling its
    /// ends are trimmed, and one spanning it entirely is split in two. The
    /// unmapped parts come back as detached areas with their attributes so
    /// the caller can free their pages; addresses that were not mapped are
    /// simply skipped. ENOMEM if the split would exceed the area limit.
    public func unmap(_ range: Range<UInt64>) throws(Errno) -> [VMA] {
        try Self.checkPageRange(range)
        guard count + countChange(unmapping: range) <= maxMapCount else { throw .ENOMEM }
        return removeRange(range)
    }

    // MARK: Changing protection

    /// Gives every page of `range` the protection `protection` (Linux:
    /// mprotect). Areas are split at the range's ends and then merged with
    /// any neighbour that now matches. Fails with ENOMEM if part of the range
    /// is not mapped, with EACCES if an area's may-flags forbid the new
    /// protection (a shared mapping of a read-only file made writable), and
    /// with ENOMEM if splitting would exceed the area limit. Unlike Linux,
    /// which changes the areas before the offending one, a failure changes
    /// nothing.
    public func protect(_ range: Range<UInt64>, to protection: VMAProtection) throws(Errno) {
        try update(
            range, check: { (vma: VMA) throws(Errno) in guard vma.flags.permits(protection) else { throw .EACCES } },
            isDone: { $0.protection == protection }, change: { $0.protection = protection })
    }

    /// Sets or clears VM_LOCKED over `range` (Linux: apply_vma_lock_flags
    /// for mlock and munlock), splitting and merging as `protect` does;
    /// ENOMEM if part of the range is not mapped.
    public func setLocked(_ range: Range<UInt64>, _ locked: Bool) throws(Errno) {
        try setFlag(.locked, locked, over: range, check: { (_: VMA) throws(Errno) in })
    }

    /// Sets (`set`) or clears `flag` over `range` (Linux: madvise_update_vma
    /// for MADV_DONTFORK, MADV_WIPEONFORK, MADV_DONTDUMP and their undoing),
    /// splitting and merging as `protect` does, after `check` has passed
    /// for every area; ENOMEM if part of the range is not mapped.
    public func setFlag(
        _ flag: VMAFlags, _ set: Bool, over range: Range<UInt64>, check: (VMA) throws(Errno) -> Void
    ) throws(Errno) {
        try update(
            range, check: check, isDone: { $0.flags.contains(flag) == set },
            change: { if set { $0.flags.insert(flag) } else { $0.flags.remove(flag) } })
    }

    /// Bytes of `range` (of every area, by default) in locked areas
    /// (Linux: locked_vm, in bytes).
    public func lockedBytes(in range: Range<UInt64> = 0..<UInt64.max) -> UInt64 {
        var locked: UInt64 = 0
        for vma in self where vma.flags.contains(.locked) && vma.end > range.lowerBound && vma.start < range.upperBound
        {
            locked += Swift.min(vma.end, range.upperBound) - Swift.max(vma.start, range.lowerBound)
        }
        return locked
    }

    /// Changes every area of `range` for which `isDone` is false with
    /// `change`, after `check` has passed for all of them: the areas are
    /// split at the range's ends and then merged with any neighbour that
    /// now matches. ENOMEM for a part of the range that is not mapped, or
    /// if splitting would exceed the area limit. Unlike Linux, which
    /// changes the areas before the offending one, a failure changes nothing.
    private func update(
        _ range: Range<UInt64>, check: (VMA) throws(Errno) -> Void, isDone: (VMA) -> Bool, change: (VMA) -> Void
    ) throws(Errno) {
        try Self.checkPageRange(range)
        // Check the whole range first, in address order so the first
        // problem is the one reported, as in Linux.
        var covered = range.lowerBound
        var splits = 0
        var cursor = find(range.lowerBound)
        while covered < range.upperBound {
            guard let vma = cursor, vma.start <= covered else { throw .ENOMEM }
            try check(vma)
            // Areas that already are as asked are left alone, so they need
            // no split (Linux: mprotect_fixup's early return).
            if !isDone(vma) {
                if vma.start < range.lowerBound { splits += 1 }
                if vma.end > range.upperBound { splits += 1 }
            }
            covered = vma.end
            cursor = next(after: vma)
        }
        guard count + splits <= maxMapCount else { throw .ENOMEM }

        var address = range.lowerBound
        while address < range.upperBound {
            var vma = find(address)!
            guard !isDone(vma) else {
                address = vma.end
                continue
            }
            if vma.start < range.lowerBound { vma = split(vma, at: range.lowerBound) }
            if vma.end > range.upperBound { _ = split(vma, at: range.upperBound) }
            change(vma)
            address = vma.end
            mergeWithNext(mergeWithPrevious(vma))
        }
    }

    // MARK: Finding room

    /// An address for a new mapping of `length` bytes (Linux:
    /// arch_get_unmapped_area_topdown and vm_unmapped_area). A non-zero
    /// `hint`, rounded up to a page, is taken if the range there is free
    /// and lies within `[lowest, highest)`. Otherwise the highest free range
    /// below `mmapBase` and not below `lowest` is used, so mappings pile up
    /// downward from just under the stack and the heap keeps the space above
    /// the program. Nothing may be placed within the guard gap below a stack.
    /// ENOMEM if nothing fits.
    ///
    /// The caller passes mmap_min_addr as `lowest`, the end of the user
    /// address space (TASK_SIZE) as `highest`, and the process's mmap_base.
    /// Linux falls back to a bottom-up search above mmap_base when the space
    /// below is exhausted; Apus does not.
    public func findFreeRange(
        length: UInt64, hint: UInt64 = 0, lowest: UInt64, mmapBase: UInt64, highest: UInt64
    ) throws(Errno) -> UInt64 {
        guard length > 0, length % pageSize == 0 else { throw .EINVAL }
        guard lowest < highest, length <= highest - lowest else { throw .ENOMEM }

        if hint != 0, hint <= highest - pageSize {
            let address = Self.alignUp(hint)
            if address >= lowest, address <= highest - length, isFree(address..<address + length) {
                return address
            }
        }

        // Walk the gaps downward from mmapBase: the gap below `upper` and
        // above `lower`, where either may be missing.
        let top = Swift.min(mmapBase, highest)
        var upper = areas.lowerBound { $0.start < top }
        var lower: VMA?
        if let upper { lower = previous(before: upper) } else { lower = areas.rightmost }
        while true {
            let gapTop = Swift.min(top, upper.map(guardedStart) ?? top)
            let gapBottom = Swift.max(lowest, lower?.end ?? 0)
            if gapTop > gapBottom, gapTop - gapBottom >= length { return gapTop - length }
            guard let below = lower, below.end > lowest else { throw .ENOMEM }
            upper = below
            lower = previous(before: below)
        }
    }

    // MARK: Growing and shrinking

    /// Moves the end of the heap from `oldEnd` to `newEnd`, both page
    /// aligned (Linux: brk, with the break rounded up to pages). Growing
    /// maps anonymous read-write memory labelled [heap], which merges into
    /// the heap area ending at `oldEnd`; it fails with ENOMEM unless the
    /// new range and one page above it are free. Shrinking unmaps and
    /// returns the pieces to free. The caller keeps the break itself and
    /// checks it against the heap's start and RLIMIT_DATA.
    public func resizeHeap(from oldEnd: UInt64, to newEnd: UInt64) throws(Errno) -> [VMA] {
        guard oldEnd % pageSize == 0, newEnd % pageSize == 0 else { throw .EINVAL }
        if newEnd < oldEnd { return try unmap(newEnd..<oldEnd) }
        if newEnd == oldEnd { return [] }
        guard newEnd <= UInt64.max - pageSize, isFree(oldEnd..<newEnd + pageSize) else { throw .ENOMEM }
        try map(VMA(start: oldEnd, end: newEnd, protection: [.read, .write], flags: .mayAccess, label: .heap))
        return []
    }

    /// Extends `vma` upward to `newEnd` if nothing is mapped there (Linux:
    /// mremap's vma_expandable and vma_merge_extend), merging it with the
    /// area above if they now match. ENOMEM means it cannot grow in place:
    /// mremap must move it, if MREMAP_MAYMOVE allows. The caller checks
    /// `newEnd` against the end of the user address space.
    public func growInPlace(_ vma: VMA, to newEnd: UInt64) throws(Errno) {
        precondition(areas.contains(vma), "VMATree: area is not in this tree")
        guard newEnd % pageSize == 0, newEnd > vma.end else { throw .EINVAL }
        if let above = next(after: vma), above.start < newEnd { throw .ENOMEM }
        setBounds(vma, start: vma.start, end: newEnd)
        mergeWithNext(vma)
    }

    /// Moves the mapping of `range`, which must lie within one area, to a
    /// free range at `newStart` of `newLength` bytes (Linux: mremap's
    /// move_vma). The new area keeps the attributes and continues the same
    /// file pages; if `newLength` is longer, the extra pages follow on. The
    /// caller then moves the page-table entries: the old range is unmapped
    /// here but its pages now belong to the new one. Returns the area now
    /// covering the destination.
    ///
    /// EFAULT if `range` is not inside one area; EINVAL if `newLength` is
    /// shorter than the range (mremap unmaps the tail first) or the two
    /// ranges overlap; EEXIST if the destination is not free; ENOMEM if the
    /// area limit would be exceeded.
    public func move(_ range: Range<UInt64>, to newStart: UInt64, length newLength: UInt64) throws(Errno) -> VMA {
        try Self.checkPageRange(range)
        guard let source = vma(containing: range.lowerBound), source.end >= range.upperBound else {
            throw .EFAULT
        }
        guard newStart % pageSize == 0, newLength >= range.upperBound - range.lowerBound,
            newStart <= UInt64.max - newLength
        else { throw .EINVAL }
        let destination = newStart..<newStart + newLength
        guard !destination.overlaps(range) else { throw .EINVAL }
        guard firstIntersecting(destination) == nil else { throw .EEXIST }
        guard count + countChange(unmapping: range) + 1 <= maxMapCount else { throw .ENOMEM }

        let moved = VMA(
            start: destination.lowerBound, end: destination.upperBound, protection: source.protection,
            flags: source.flags, backing: source.backing,
            filePageOffset: source.filePage(at: range.lowerBound), label: source.label)
        _ = removeRange(range)
        return insertMerging(moved)
    }

    /// Extends a stack area down to the page holding `address` (Linux:
    /// expand_downwards), as the page-fault handler does for a fault just
    /// below it. ENOMEM if that would come within the guard gap of the area
    /// below, unless that area is another stack or inaccessible (PROT_NONE),
    /// or would overlap it; EFAULT if `vma` is not a stack. The caller
    /// checks RLIMIT_STACK and mmap_min_addr. The grown area is not merged.
    public func expandDown(_ vma: VMA, to address: UInt64) throws(Errno) {
        precondition(areas.contains(vma), "VMATree: area is not in this tree")
        guard vma.flags.contains(.growsDown) else { throw .EFAULT }
        let newStart = address & ~(pageSize - 1)
        guard newStart < vma.start else { return }
        if let below = previous(before: vma) {
            guard below.end <= newStart else { throw .ENOMEM }
            let guardApplies = !below.flags.contains(.growsDown) && !below.protection.isEmpty
            if guardApplies && newStart - below.end < stackGuardGap { throw .ENOMEM }
        }
        // A file mapped downward cannot start before the file does.
        if !vma.isAnonymous && (vma.start - newStart) >> UInt64(pageShift) > vma.filePageOffset {
            throw .ENOMEM
        }
        setBounds(vma, start: newStart, end: vma.end)
    }

    // MARK: fork

    /// An independent copy for a child process (Linux: dup_mmap): new areas
    /// with the same bounds and attributes, sharing the backing objects;
    /// MADV_DONTFORK areas are left out.
    public func copy() -> VMATree {
        let child = VMATree(maxMapCount: maxMapCount, stackGuardGap: stackGuardGap)
        for vma in self where !vma.flags.contains(.dontCopy) {
            // Memory locks are not inherited (Linux: dup_mmap clears VM_LOCKED).
            let copied = vma.copy(covering: vma.start..<vma.end)
            copied.flags.remove(.locked)
            child.link(copied)
        }
        return child
    }

    // MARK: Building blocks

    private static func checkPageRange(_ range: Range<UInt64>) throws(Errno) {
        guard !range.isEmpty, range.lowerBound % pageSize == 0, range.upperBound % pageSize == 0 else {
            throw .EINVAL
        }
    }

    /// The range a new area covers, checked like any other range.
    private static func pageRange(of vma: VMA) throws(Errno) -> Range<UInt64> {
        guard vma.start < vma.end else { throw .EINVAL }
        let range = vma.start..<vma.end
        try checkPageRange(range)
        return range
    }

    private static func alignUp(_ address: UInt64) -> UInt64 {
        (address + pageSize - 1) & ~(pageSize - 1)
    }

    /// Where the room `vma` needs below it begins (Linux: vm_start_gap): a
    /// stack reserves its guard gap.
    private func guardedStart(_ vma: VMA) -> UInt64 {
        guard vma.flags.contains(.growsDown) else { return vma.start }
        return vma.start > stackGuardGap ? vma.start - stackGuardGap : 0
    }

    /// Whether `range` is unmapped and outside every stack's guard gap.
    private func isFree(_ range: Range<UInt64>) -> Bool {
        guard let above = find(range.lowerBound) else { return true }
        return range.upperBound <= guardedStart(above)
    }

    /// How many areas unmapping `range` adds (one, if it splits an area in
    /// two) or takes away (those it covers entirely).
    private func countChange(unmapping range: Range<UInt64>) -> Int {
        var change = 0
        var cursor = firstIntersecting(range)
        while let vma = cursor, vma.start < range.upperBound {
            let keepsBelow = vma.start < range.lowerBound
            let keepsAbove = vma.end > range.upperBound
            if keepsBelow && keepsAbove { change += 1 }
            if !keepsBelow && !keepsAbove { change -= 1 }
            cursor = next(after: vma)
        }
        return change
    }

    /// Unlinks everything in `range`, splitting areas at its ends, and
    /// returns the removed parts in address order.
    private func removeRange(_ range: Range<UInt64>) -> [VMA] {
        var removed: [VMA] = []
        while var vma = firstIntersecting(range) {
            if vma.start < range.lowerBound { vma = split(vma, at: range.lowerBound) }
            if vma.end > range.upperBound { _ = split(vma, at: range.upperBound) }
            unlink(vma)
            removed.append(vma)
        }
        return removed
    }

    /// Links `vma`, which must not overlap anything, and merges it with its
    /// neighbours; returns the area that ends up covering it.
    private func insertMerging(_ vma: VMA) -> VMA {
        link(vma)
        let merged = mergeWithPrevious(vma)
        mergeWithNext(merged)
        return merged
    }

    /// Cuts `vma` in two at `address`, strictly inside it (Linux:
    /// split_vma). `vma` keeps the lower part; the upper part is a new area,
    /// linked and returned.
    private func split(_ vma: VMA, at address: UInt64) -> VMA {
        let upper = vma.copy(covering: address..<vma.end)
        setBounds(vma, start: vma.start, end: address)
        link(upper)
        return upper
    }

    /// Folds `vma` into the area below if they can merge; returns whichever
    /// now covers `vma`'s range.
    private func mergeWithPrevious(_ vma: VMA) -> VMA {
        guard let below = previous(before: vma), VMA.canMerge(below, vma) else { return vma }
        unlink(vma)
        setBounds(below, start: below.start, end: vma.end)
        return below
    }

    /// Folds the area above `vma` into it if they can merge.
    private func mergeWithNext(_ vma: VMA) {
        guard let above = next(after: vma), VMA.canMerge(vma, above) else { return }
        unlink(above)
        setBounds(vma, start: vma.start, end: above.end)
    }

    // Every change to the set goes through these three, which keep
    // `mappedBytes` in step.

    private func link(_ vma: VMA) {
        areas.insert(vma)
        mappedBytes += vma.length
    }

    private func unlink(_ vma: VMA) {
        areas.remove(vma)
        mappedBytes -= vma.length
    }

    /// Moves an area's bounds; a file-backed area's offset follows its start.
    private func setBounds(_ vma: VMA, start: UInt64, end: UInt64) {
        if !vma.isAnonymous {
            let oldPage = vma.start >> UInt64(pageShift)
            let newPage = start >> UInt64(pageShift)
            vma.filePageOffset = vma.filePageOffset + newPage - oldPage
        }
        mappedBytes = mappedBytes - vma.length + (end - start)
        vma.start = start
        vma.end = end
    }
}

// MARK: Iteration

extension VMATree: Sequence {
    /// Areas in address order. Do not change the tree while iterating.
    public func makeIterator() -> RBTree<VMA>.Iterator { areas.makeIterator() }
}
