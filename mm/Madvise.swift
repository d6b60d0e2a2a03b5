import ABI
import Core
import Lib

/// What madvise(2) does to an address space (Linux: mm/madvise.c). Every
/// advice first checks each area of the range, so an advice an area does
/// not allow changes nothing; a hole in the range is ENOMEM.
extension AddressSpace {
    /// Calls `check` with each area of `range`, in address order; ENOMEM at
    /// the first address no area covers (Linux: madvise_walk_vmas).
    public func checkAreas(_ range: Range<UInt64>, _ check: (VMA) throws(Errno) -> Void) throws(Errno) {
        var address = range.lowerBound
        while address < range.upperBound {
            guard let area = areas.vma(containing: address) else { throw .ENOMEM }
            try check(area)
            address = min(area.end, range.upperBound)
        }
    }

    /// MADV_DONTNEED and MADV_FREE (Linux: madvise_dontneed_free, then
    /// zap_page_range): the present pages of `range` go, so anonymous
    /// memory reads back as zeros and a private file mapping as the file.
    /// Locked areas refuse (EINVAL) unless `locked` (MADV_DONTNEED_LOCKED);
    /// MADV_FREE (`anonymousOnly`) takes private anonymous memory only.
    public func discardPages(_ range: Range<UInt64>, locked: Bool = false, anonymousOnly: Bool = false)
        throws(Errno)
    {
        try checkAreas(range) { area throws(Errno) in
            guard locked || !area.flags.contains(.locked), !anonymousOnly || area.isAnonymous else { throw .EINVAL }
        }
        releasePages(range)
    }

    /// MADV_REMOVE (Linux: madvise_remove → vfs_fallocate PUNCH_HOLE): frees
    /// the file pages behind a shared writable mapping of `range`. Only this
    /// address space's entries go; another process that has the pages
    /// mapped keeps them (Linux unmaps them everywhere).
    public func removePages(_ range: Range<UInt64>) throws(Errno) {
        try checkAreas(range) { area throws(Errno) in
            guard !area.flags.contains(.locked), area.backing is File else { throw .EINVAL }
            guard area.flags.contains(.shared) && area.flags.contains(.mayWrite) else { throw .EACCES }
        }
        var address = range.lowerBound
        while address < range.upperBound, let area = areas.vma(containing: address) {
            let end = min(area.end, range.upperBound)
            releasePages(address..<end)
            if let file = area.backing as? File {
                let offset = Int64(area.filePage(at: address) * MemoryLayout64.pageSize)
                try file.operations.fallocate(
                    file, mode: [.FALLOC_FL_PUNCH_HOLE, .FALLOC_FL_KEEP_SIZE], offset: offset,
                    length: Int64(end - address))
            }
            address = end
        }
    }

    /// MADV_WIPEONFORK (`wipe`) and MADV_KEEPONFORK: whether a forked child
    /// gets the range empty. Only private anonymous memory may be wiped
    /// (EINVAL otherwise, as Linux).
    public func setWipeOnFork(_ range: Range<UInt64>, _ wipe: Bool) throws(Errno) {
        try areas.setFlag(.wipeOnFork, wipe, over: range) { area throws(Errno) in
            guard !wipe || (area.isAnonymous && !area.flags.contains(.shared)) else { throw .EINVAL }
        }
    }
}
