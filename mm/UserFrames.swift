import Core
import Lib

/// Reference counts of the frames behind user pages (Linux: the page
/// refcount / mapcount in struct page). fork shares every page between
/// parent and child read-only; a write to a shared page copies it first
/// (copy-on-write), and a frame returns to the page allocator when its last
/// mapping goes. Each frame is anonymous memory or a page cache's, and the
/// live ones of each kind are counted for /proc/vmstat and /proc/meminfo
/// (Linux: PageAnon, NR_ANON_MAPPED and NR_FILE_PAGES).
enum UserFrames {
    private struct State {
        var counts: [UInt16] = []
        var isCachePage: [Bool] = []
        var anonymousPages = 0
        var cachePages = 0
    }
    private static let state = IRQSafeLocked(State())

    static func initialize(frameCount: Int) {
        let zeroes = [UInt16](repeating: 0, count: frameCount)
        let kinds = [Bool](repeating: false, count: frameCount)
        state.withLock {
            $0.counts = zeroes
            $0.isCachePage = kinds
        }
    }

    private static func index(_ frame: PhysAddr) -> Int { Int(frame.pageFrameNumber) }

    /// A new page with one user, of anonymous memory or, with
    /// `forPageCache`, of a file's contents; nil once free memory is down
    /// to the kernel's reserve. Zeroed, or with `zeroed: false` for a
    /// caller that fills all of it first (a copy, a whole-page write).
    static func allocate(forPageCache: Bool = false, zeroed: Bool = true) -> Frame? {
        guard let frame = PageAllocator.allocatePage(keepingFree: PageAllocator.minFreePages, zeroed: zeroed) else {
            return nil
        }
        let slot = index(frame.address)
        state.withLock { state in
            state.counts[slot] = 1
            state.isCachePage[slot] = forPageCache
            if forPageCache { state.cachePages += 1 } else { state.anonymousPages += 1 }
        }
        return frame
    }

    /// One more mapping of `frame`.
    static func share(_ frame: PhysAddr) {
        state.withLock { $0.counts[index(frame)] += 1 }
    }

    static func isShared(_ frame: PhysAddr) -> Bool {
        state.withLock { $0.counts[index(frame)] > 1 }
    }

    /// How many hold `frame` (Linux: page_mapcount, for /proc's PSS).
    static func users(_ frame: PhysAddr) -> Int {
        state.withLock { Int($0.counts[index(frame)]) }
    }

    /// One mapping fewer; the last one frees the frame.
    static func release(_ frame: PhysAddr) {
        if state.withLock({ drop(frame, in: &$0) }) { try? PageAllocator.free(frame) }
    }

    /// One mapping fewer of each of `frames` (an unmapping's, a
    /// truncation's), under one taking of each lock: the last ones free
    /// their frames (Linux: the batched frees of mmu_gather and release_pages).
    static func release(_ frames: [PhysAddr]) {
        guard !frames.isEmpty else { return }
        let freed = state.withLock { state in frames.filter { drop($0, in: &state) } }
        PageAllocator.free(pages: freed)
    }

    /// Frames an unmapping lets go of, released a few hundred at a time, so
    /// the locks are taken once per batch and the batch's memory stays
    /// small even when a process that filled memory exits (Linux: struct
    /// mmu_gather's page batches).
    struct ReleaseBatch {
        private var frames: [PhysAddr] = []
        private var released = 0
        private static let capacity = 512

        mutating func add(_ frame: PhysAddr) {
            if frames.isEmpty { frames.reserveCapacity(Self.capacity) }
            frames.append(frame)
            if frames.count == Self.capacity { flush() }
        }

        /// Releases what is left; how many frames the batch released in all.
        @discardableResult
        mutating func finish() -> Int {
            flush()
            return released
        }

        private mutating func flush() {
            UserFrames.release(frames)
            released += frames.count
            frames.removeAll(keepingCapacity: true)
        }
    }

    /// Takes one user off `frame`; true if that was the last.
    private static func drop(_ frame: PhysAddr, in state: inout State) -> Bool {
        let slot = index(frame)
        guard state.counts[slot] > 0 else { return false }
        state.counts[slot] -= 1
        guard state.counts[slot] == 0 else { return false }
        if state.isCachePage[slot] { state.cachePages -= 1 } else { state.anonymousPages -= 1 }
        return true
    }

    /// Live anonymous pages (Linux: NR_ANON_MAPPED, meminfo's AnonPages).
    static var anonymousPages: Int { state.withLock { $0.anonymousPages } }

    /// Live page cache pages, tmpfs's and memfd's included, with those a
    /// truncation dropped while a mapping still holds them (Linux:
    /// NR_FILE_PAGES, meminfo's Cached).
    static var cachePages: Int { state.withLock { $0.cachePages } }
}
