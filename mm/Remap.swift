import ABI
import Core
import Lib

extension AddressSpace {
    /// mremap(2) (Linux: mm/mremap.c): shrinks a mapping in place, grows it
    /// in place when the addresses above are free, and otherwise moves it —
    /// if `mayMove` — with its page-table entries, so the pages themselves
    /// are not copied. `target` is MREMAP_FIXED's destination, which is
    /// unmapped first. `range` must lie within one area (EFAULT otherwise).
    /// Growth counts against RLIMIT_AS and RLIMIT_DATA and must not
    /// overcommit (ENOMEM).
    public func remap(_ range: Range<UInt64>, newLength: UInt64, mayMove: Bool, target: UInt64?) throws(Errno) -> UInt64
    {
        let newSize = AddressSpace.pageAlignUp(newLength)
        guard newSize > 0, range.lowerBound % MemoryLayout64.pageSize == 0 else { throw .EINVAL }
        guard let area = areas.vma(containing: range.lowerBound), area.end >= range.upperBound else { throw .EFAULT }
        let start = range.lowerBound
        var size = range.upperBound - start
        // The vDSO's pages are what they are: its areas never grow (Linux: VM_DONTEXPAND).
        if newSize > size && area.backing is SpecialMapping { throw .EFAULT }
        if newSize > size {
            try checkExpansion(
                by: newSize - size, data: AddressSpace.isData(area.protection, area.flags),
                accountable: area.protection.contains(.write) && !area.flags.contains(.shared))
        }

        if let target {
            guard target % MemoryLayout64.pageSize == 0, UserAccess.isUserRange(target, count: Int(newSize)),
                !(target..<target + newSize).overlaps(range)
            else { throw .EINVAL }
            try unmap(target..<target + newSize)
            if newSize < size {
                try unmap(start + newSize..<start + size)
                size = newSize
            }
            return try move(start..<start + size, to: target, length: newSize)
        }
        if newSize <= size {
            if newSize < size { try unmap(start + newSize..<start + size) }
            return start
        }
        if area.end == start + size, UserAccess.isUserRange(start, count: Int(newSize)),
            (try? areas.growInPlace(area, to: start + newSize)) != nil
        {
            return start
        }
        guard mayMove else { throw .ENOMEM }
        let destination = try areas.findFreeRange(
            length: newSize, lowest: AddressSpace.lowestAddress,
            mmapBase: mmapBase, highest: MemoryLayout64.taskSize)
        return try move(start..<start + size, to: destination, length: newSize)
    }

    /// Moves the area and the present pages' entries (Linux: move_vma and
    /// move_page_tables); pages that cannot be re-entered are dropped, which
    /// the area turns back into zero-fill on the next touch.
    private func move(_ range: Range<UInt64>, to destination: UInt64, length: UInt64) throws(Errno) -> UInt64 {
        _ = try areas.move(range, to: destination, length: length)
        forEachPage(in: range) { address in
            let source = VirtAddr(address)
            if let mapping = pageTable.translate(source), let frame = try? pageTable.unmap(source) {
                do throws(PageTableError) {
                    try pageTable.map(
                        VirtAddr(destination + (address - range.lowerBound)), to: frame,
                        flags: mapping.flags, allocateTable: PageAllocator.allocateZeroedPage)
                } catch {
                    releaseResident(frame)
                }
            }
        }
        return destination
    }
}
