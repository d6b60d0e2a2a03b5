/// The memory the kernel keeps back from user allocations (Linux:
/// mm/page_alloc.c calculate_min_free_kbytes): user pages fail once free
/// memory falls to this reserve, so the OOM killer runs while page tables,
/// the kernel heap and a dying victim can still be served.
public enum Watermarks {
    /// min_free_kbytes for `lowmemKilobytes` of managed memory:
    /// ⌊√(16 × lowmem)⌋, clamped to 128 kB … 256 MiB as Linux does.
    public static func minFreeKilobytes(lowmemKilobytes: UInt64) -> UInt64 {
        let (product, overflow) = lowmemKilobytes.multipliedReportingOverflow(by: 16)
        return min(max(integerSquareRoot(overflow ? UInt64.max : product), 128), 262_144)
    }

    /// A zone's min, low and high watermarks in pages (Linux:
    /// __setup_per_zone_wmarks): the zone's share of `minFreePages` by its
    /// managed pages, then low and high each a step above, the step a
    /// quarter of min or 0.1% of the zone (vm.watermark_scale_factor's
    /// default, 10 in 10000), whichever is larger. Never traps.
    public static func zoneWatermarks(minFreePages: UInt64, zoneManagedPages: UInt64, lowmemPages: UInt64) -> (
        min: UInt64, low: UInt64, high: UInt64
    ) {
        guard lowmemPages > 0, zoneManagedPages <= lowmemPages else { return (0, 0, 0) }
        // The share, with both page counts halved until the product fits
        // (no 128-bit division in the kernel; real counts never need it).
        var (zone, lowmem) = (zoneManagedPages, lowmemPages)
        while minFreePages.multipliedReportingOverflow(by: zone).overflow {
            (zone, lowmem) = (zone / 2, Swift.max(lowmem / 2, 1))
        }
        let minimum = minFreePages * zone / lowmem
        let step = Swift.max(minimum / 4, zoneManagedPages / 1000)
        let (low, lowOverflow) = minimum.addingReportingOverflow(step)
        let (high, highOverflow) = low.addingReportingOverflow(step)
        return (minimum, lowOverflow ? .max : low, lowOverflow || highOverflow ? .max : high)
    }

    /// ⌊√n⌋ by bisection on the answer (Linux: int_sqrt), never trapping.
    static func integerSquareRoot(_ n: UInt64) -> UInt64 {
        var low: UInt64 = 0
        var high: UInt64 = min(n, 0xFFFF_FFFF)
        while low < high {
            let middle = high - (high - low) / 2
            if middle * middle <= n { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
