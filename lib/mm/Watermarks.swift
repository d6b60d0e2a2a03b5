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
