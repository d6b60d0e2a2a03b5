import ABI
import Core
import Lib
import Synchronization

/// /proc/vmstat and /proc/zoneinfo (Linux: mm/vmstat.c vmstat_show and
/// zoneinfo_show_print), in Linux 6.1's order and layout, with the
/// counters Apus keeps: free pages per zone, slab, anonymous and page
/// cache pages, pages allocated and freed, faults, OOM kills. Those that are zero because Apus has no
/// such thing (block I/O, swap, major faults: every fault is served from
/// memory; the movable zone) are shown as 0; the rest of Linux's are left out.
enum ProcVmstat {
    /// Pages the slab caches hold (Linux: NR_SLAB_UNRECLAIMABLE_B, in pages).
    private static var slabPages: UInt64 {
        KernelAllocator.cacheStatistics.reduce(0) {
            $0 + UInt64($1.statistics.totalSlabs) * UInt64($1.statistics.pagesPerSlab)
        }
    }

    /// /proc/vmstat: "name value" lines, zone counters, node counters, events.
    static func vmstat() -> String {
        let rows: [(String, UInt64)] = [
            ("nr_free_pages", UInt64(PageAllocator.freePages)), ("nr_slab_unreclaimable", slabPages),
            ("nr_anon_pages", UInt64(UserFrames.anonymousPages)), ("nr_file_pages", UInt64(UserFrames.cachePages)),
            ("pgpgin", 0), ("pgpgout", 0), ("pswpin", 0), ("pswpout", 0),
            ("pgalloc_dma", PageAllocator.allocatedPageTotal(in: .dma)),
            ("pgalloc_dma32", PageAllocator.allocatedPageTotal(in: .dma32)),
            ("pgalloc_normal", PageAllocator.allocatedPageTotal(in: .normal)),
            ("pgalloc_movable", 0), ("pgfree", PageAllocator.freedPageTotal),
            ("pgfault", VMEvents.pageFaults.load(ordering: .relaxed)), ("pgmajfault", 0),
            ("oom_kill", VMEvents.oomKills.load(ordering: .relaxed)),
        ]
        return rows.map { "\($0.0) \($0.1)\n" }.joined()
    }

    /// "\n      name value", the name in 12 columns (Linux: "%-12s %lu").
    private static func statRow(_ name: String, _ value: UInt64) -> String {
        "      " + ProcPidFiles.padded(name, 12) + " \(value)\n"
    }

    /// /proc/zoneinfo: each zone of node 0, the node's counters with the
    /// first populated one; an empty zone shows only its sizes.
    static func zoneinfo() -> String {
        let memory = EarlyMemory.memblock.memory
        let populated = ZoneType.allCases.filter { PageAllocator.managedPages(in: $0) > 0 }
        var text = ""
        for zone in ZoneType.allCases {
            text += "Node 0, zone " + String(repeating: " ", count: max(0, 8 - zone.name.utf8.count)) + zone.name + "\n"
            if zone == populated.first {
                text += "  per-node stats\n" + statRow("nr_slab_unreclaimable", slabPages)
                text += statRow("nr_anon_pages", UInt64(UserFrames.anonymousPages))
                text += statRow("nr_file_pages", UInt64(UserFrames.cachePages))
            }
            let free = UInt64(PageAllocator.freePages(in: zone))
            let marks = PageAllocator.watermarks(of: zone)
            let span = zone.span(over: memory)
            text += "  pages free     \(free)\n        boost    0\n        min      \(marks.min)\n"
            text += "        low      \(marks.low)\n        high     \(marks.high)\n"
            text += "        spanned  \(span.spanned)\n        present  \(span.present)\n"
            text += "        managed  \(PageAllocator.managedPages(in: zone))\n        cma      0\n"
            // No lowmem reserve is kept for the zones below (Linux: lowmem_reserve).
            text += "        protection: (" + ZoneType.allCases.map { _ in "0" }.joined(separator: ", ") + ")\n"
            guard populated.contains(zone) else { continue }
            text += statRow("nr_free_pages", free)
            // No per-CPU page lists: the boot pageset's figures (Linux: boot_pageset).
            text += "  pagesets\n    cpu: 0\n              count: 0\n              high:  0\n              batch: 1\n"
            text += "  node_unreclaimable:  0\n  start_pfn:           \(span.startPFN)\n"
        }
        return text
    }
}
