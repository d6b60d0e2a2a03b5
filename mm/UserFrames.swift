import Core
import Lib

/// Reference counts of the frames behind user pages (Linux: the page
/// refcount / mapcount in struct page). fork shares every page between
/// parent and child read-only; a write to a shared page copies it first
/// (copy-on-write), and a frame returns to the page allocator when its last
/// mapping goes.
enum UserFrames {
    private static let counts = IRQSafeLocked<[UInt16]>([])

    static func initialize(frameCount: Int) {
        let zeroes = [UInt16](repeating: 0, count: frameCount)
        counts.withLock { $0 = zeroes }
    }

    private static func index(_ frame: PhysAddr) -> Int { Int(frame.pageFrameNumber) }

    /// A new zeroed page with one user; nil once free memory is down to the
    /// kernel's reserve.
    static func allocateZeroed() -> PhysAddr? {
        guard let frame = PageAllocator.allocateZeroedPage(keepingFree: PageAllocator.minFreePages) else { return nil }
        counts.withLock { $0[index(frame)] = 1 }
        return frame
    }

    /// One more mapping of `frame`.
    static func share(_ frame: PhysAddr) {
        counts.withLock { $0[index(frame)] += 1 }
    }

    static func isShared(_ frame: PhysAddr) -> Bool {
        counts.withLock { $0[index(frame)] > 1 }
    }

    /// How many hold `frame` (Linux: page_mapcount, for /proc's PSS).
    static func users(_ frame: PhysAddr) -> Int {
        counts.withLock { Int($0[index(frame)]) }
    }

    /// One mapping fewer; the last one frees the frame.
    static func release(_ frame: PhysAddr) {
        let last = counts.withLock { counts -> Bool in
            let slot = index(frame)
            guard counts[slot] > 0 else { return false }
            counts[slot] -= 1
            return counts[slot] == 0
        }
        if last { try? PageAllocator.free(frame) }
    }
}
