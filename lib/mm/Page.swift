/// Page frames: the unit in which physical memory is managed.
/// Linux: include/asm-generic/page.h (PAGE_SHIFT, PAGE_SIZE), include/linux/pfn.h.

/// log2 of the page size: x86-64 base pages are 4 KiB.
public let pageShift = 12

/// Bytes per page frame.
public let pageSize: UInt64 = 1 << pageShift

/// A page frame number: a physical address shifted right by `pageShift`.
/// Frame `n` covers physical bytes `[n << pageShift, (n + 1) << pageShift)`.
public typealias PFN = UInt64
