/// The whole pages a memory call names by a start address and a length in
/// bytes (Linux: the checks that open do_vmi_munmap, do_mprotect_pkey,
/// do_madvise, mremap and mincore). The length is rounded up to a page and
/// added to the start with checked arithmetic, so no pair of registers can
/// trap; a pair that makes no range says why, and each call turns that into
/// the errno Linux gives it.
public struct PageRange: Equatable, Sendable {
    public let start: UInt64
    public let end: UInt64

    public enum Failure: Error, Equatable {
        /// The start is not at a page boundary.
        case misaligned
        /// The length rounds up past 2^64 (to zero, as PAGE_ALIGN wraps), or
        /// start plus length does.
        case wraps
    }

    /// `start..<start + PAGE_ALIGN(length)`; a zero length is an empty range.
    public init(start: UInt64, length: UInt64) throws(Failure) {
        guard start % pageSize == 0 else { throw .misaligned }
        let (rounded, overflow) = length.addingReportingOverflow(pageSize - 1)
        let (end, wrapped) = start.addingReportingOverflow(rounded & ~(pageSize - 1))
        guard !overflow, !wrapped else { throw .wraps }
        self.start = start
        self.end = end
    }

    public var range: Range<UInt64> { start..<end }
    public var isEmpty: Bool { start == end }
    public var length: UInt64 { end - start }
}
