import ABI
import Core
import Kernel
import Lib

/// mremap and madvise on a process address space, checked through its page
/// table: the pages behind a mapping must follow it when it moves.
enum AddressSpaceTests {
    static let page = MemoryLayout64.pageSize
    static let base: UInt64 = 0x1000_0000

    static func run(_ t: inout TestReporter) {
        guard let space = AddressSpace() else {
            t.check(false, "mremap: an address space")
            return
        }
        defer { space.dropUser() }
        do throws(Errno) {
            try space.mapAnonymous(at: base, length: 2 * page, protection: [.read, .write], fixed: true)
            // Something right above, so growing must move the mapping.
            try space.mapAnonymous(at: base + 2 * page, length: page, protection: [.read], fixed: true)
            for index in 0..<2 { stamp(space, base + UInt64(index) * page, value: 0xA0 + UInt64(index)) }

            let grown = try space.remap(base..<base + 2 * page, newLength: 4 * page, mayMove: true, target: nil)
            t.check(grown != base, "mremap: a blocked mapping grows by moving")
            t.check(
                word(space, grown) == 0xA0 && word(space, grown + page) == 0xA1,
                "mremap: the moved pages keep their contents (the frames moved, not copies)")
            t.check(
                space.pageTable.translate(VirtAddr(base)) == nil && space.areas.find(base).map { $0.start } != base,
                "mremap: the old range is unmapped after a move")
            t.check(space.areas.vma(containing: grown + 3 * page) != nil, "mremap: the new length is mapped")

            try space.mapAnonymous(at: grown + 4 * page, length: page, protection: [.read], fixed: true)
            var refused = false
            do throws(Errno) {
                _ = try space.remap(grown..<grown + 4 * page, newLength: 8 * page, mayMove: false, target: nil)
            } catch { refused = error == .ENOMEM }
            t.check(refused, "mremap: without MREMAP_MAYMOVE a blocked grow is ENOMEM")

            let shrunk = try space.remap(grown..<grown + 4 * page, newLength: page, mayMove: false, target: nil)
            t.check(
                shrunk == grown && space.areas.vma(containing: grown + page) == nil && word(space, grown) == 0xA0,
                "mremap: shrinking stays in place and unmaps the tail")

            let fixed: UInt64 = 0x2000_0000
            let moved = try space.remap(grown..<grown + page, newLength: page, mayMove: true, target: fixed)
            t.check(moved == fixed && word(space, fixed) == 0xA0, "mremap: MREMAP_FIXED moves to the given address")

            try space.discardPages(fixed..<fixed + page)
            t.check(
                space.pageTable.translate(VirtAddr(fixed)) == nil && space.areas.vma(containing: fixed) != nil,
                "madvise: MADV_DONTNEED drops the page and keeps the mapping")
            var unmappedRefused = false
            do throws(Errno) { try space.discardPages(0x3000_0000..<0x3000_0000 + page) } catch {
                unmappedRefused = error == .ENOMEM
            }
            t.check(unmappedRefused, "madvise: an unmapped range is ENOMEM")
        } catch {
            t.check(false, "mremap: unexpected error \(error.rawValue)")
        }
        rangeWalks(&t)
    }

    /// The page-table walks of munmap and mprotect: they visit only the
    /// present pages, and munmap frees exactly the tables its range covers
    /// whole (counted through the walk's own callbacks, so other
    /// allocations cannot blur the numbers).
    private static func rangeWalks(_ t: inout TestReporter) {
        guard let space = AddressSpace() else {
            t.check(false, "munmap walk: an address space")
            return
        }
        defer { space.dropUser() }
        // 1 GiB-aligned, so its PMD table maps nothing else.
        let region: UInt64 = 0x4000_0000
        let large: UInt64 = 2 << 20
        do throws(Errno) {
            try space.mapAnonymous(at: region, length: 8 * large, protection: [.read, .write], fixed: true)
        } catch {
            t.check(false, "munmap walk: mmap failed with \(error.rawValue)")
            return
        }
        func unmap(_ range: Range<UInt64>, keepGoing: Bool = true) -> (finished: Bool, frames: Int, tables: Int) {
            var frames = 0
            var tables = 0
            let finished = space.pageTable.unmap(
                range, keepGoing: { keepGoing },
                leaf: { frame in
                    space.releaseResident(frame)
                    frames += 1
                },
                table: { table in
                    try? PageAllocator.free(table)
                    tables += 1
                })
            return (finished, frames, tables)
        }
        let mapped = { (address: UInt64) in space.pageTable.translate(VirtAddr(address)) != nil }

        stamp(space, region, value: 1)
        stamp(space, region + large, value: 2)
        var result = unmap(region..<region + 2 * large)
        t.check(
            result == (true, 2, 2) && !mapped(region) && !mapped(region + large),
            "munmap walk: two pages in two 2 MiB blocks: two frames and their two PTE tables freed")

        stamp(space, region, value: 3)
        stamp(space, region + page, value: 4)
        result = unmap(region..<region + page)
        t.check(
            result == (true, 1, 0) && !mapped(region) && word(space, region + page) == 4,
            "munmap walk: part of a PTE table: its page goes, the table and its other page stay")

        result = unmap(region..<region + large, keepGoing: false)
        t.check(result == (false, 0, 0) && mapped(region + page), "munmap walk: a killed task stops before a table")

        stamp(space, region + 4 * large, value: 5)
        space.pageTable.update(
            region..<region + 8 * large, keepGoing: { true },
            with: { _, _, flags in .protect(flags.subtracting(.writable)) })
        t.check(
            space.pageTable.translate(VirtAddr(region + 4 * large)).map { !$0.flags.contains(.writable) } == true
                && space.pageTable.translate(VirtAddr(region + page)).map { !$0.flags.contains(.writable) } == true,
            "mprotect walk: the present pages of the range change")

        // All of user space: the PTE tables, the PMD and the PUD table go; the root stays.
        result = unmap(0..<MemoryLayout64.taskSize)
        t.check(
            result == (true, 2, 4) && !mapped(region + page) && !mapped(region + 4 * large),
            "munmap walk: all of user space frees every table below the root")
    }

    /// Faults the page in as a write would, then stores `value` at its start.
    private static func stamp(_ space: AddressSpace, _ address: UInt64, value: UInt64) {
        try? space.handleFault(at: address, write: true, instructionFetch: false)
        if let physical = space.pageTable.translate(VirtAddr(address))?.physical,
            let frame = Frame(containing: physical)
        {
            frame.store64(value, at: frame.offset(of: physical))
        }
    }

    private static func word(_ space: AddressSpace, _ address: UInt64) -> UInt64? {
        space.pageTable.translate(VirtAddr(address)).map { PhysicalMemory.read64($0.physical) }
    }
}
