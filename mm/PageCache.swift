import ABI
import Core
import Lib

/// The pages of a file's contents in memory (Linux: struct address_space
/// and mm/filemap.c). Each page is a user frame with a reference count:
/// the cache holds one reference, and every mapping of the page another,
/// so mmap shows the very bytes read(2) and write(2) see, and a truncated
/// page stays valid for whoever still maps it. Holes are nil and read as
/// zeros. The pages are indexed by a sparse tree (Linux: i_pages), so a
/// write at any offset costs only the pages it touches. The lock guards the
/// tree; callers order reads, writes and truncation against each other
/// (ramfs with the VFS lock). The tree holds each page as the Frame the
/// allocator vouched for when it was added, so reads and writes reach the
/// bytes without asking the allocator again.
public final class PageCache {
    private let pages = XArray<Frame>()
    private let lock = SpinLock()
    private static let pageBytes = Int(MemoryLayout64.pageSize)
    /// Who pays for the pages: a filesystem with a size (tmpfs), or nobody.
    private let accounting: (any PageAccounting)?

    public init(accounting: (any PageAccounting)? = nil) { self.accounting = accounting }

    deinit {
        let frames = pages.removeAll(from: 0)
        UserFrames.release(frames.map { $0.address })
        accounting?.uncharge(pages: frames.count)
    }

    /// `count` bytes at `offset` (the caller has clipped them to the file size).
    public func read(at offset: Int64, count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        forEachPiece(at: offset, count: count) { index, inPage, length in
            if let frame = page(index) {
                result += frame.read(at: inPage, count: length)
            } else {
                result += repeatElement(0, count: length)
            }
            return length
        }
        return result
    }

    /// Copies `count` bytes at `offset` (clipped to the file size) straight
    /// into the user memory at `iter`, holes as zeros (Linux: filemap_read's
    /// copy_folio_to_iter); the count copied, short if a copy faulted.
    public func read(at offset: Int64, count: Int, to iter: inout IOVIter) -> Int {
        forEachPiece(at: offset, count: count) { index, inPage, length in
            guard let frame = page(index) else { return iter.zero(count: length) }
            return iter.copy(from: frame, at: inPage, count: length)
        }
    }

    /// Stores `bytes` at `offset`, allocating the pages it touches, and
    /// returns how many went in: all, or those before the first page that
    /// could not be had. ENOSPC if not even the first could (memory or the
    /// filesystem's size ran out: what a full tmpfs reports).
    public func write(_ bytes: [UInt8], at offset: Int64) throws(Errno) -> Int {
        var consumed = 0
        let stored = forEachPiece(at: offset, count: bytes.count) { index, inPage, length in
            guard let frame = try? addPage(index).frame else { return 0 }
            frame.write(Array(bytes[consumed..<consumed + length]), at: inPage)
            consumed += length
            return length
        }
        if stored == 0 && !bytes.isEmpty { throw .ENOSPC }
        return stored
    }

    /// Stores `count` bytes of the user memory at `iter` at `offset`
    /// straight into the pages, allocating those it touches (Linux:
    /// generic_perform_write's copy_folio_from_iter); the count stored,
    /// short where a page could not be had or a copy faulted. With nothing
    /// stored: ENOSPC if no page could be had, EFAULT for a fault.
    public func write(at offset: Int64, count: Int, from iter: inout IOVIter) throws(Errno) -> Int {
        var noPage = false
        let stored = forEachPiece(at: offset, count: count) { index, inPage, length in
            let existing = page(index)
            if existing == nil && length == Self.pageBytes {
                guard let copied = try? fillHole(index, from: &iter) else {
                    noPage = true
                    return 0
                }
                return copied
            }
            guard let frame = existing ?? (try? addPage(index).frame) else {
                noPage = true
                return 0
            }
            return iter.copy(to: frame, at: inPage, count: length)
        }
        if stored == 0 && count > 0 { throw noPage ? .ENOSPC : .EFAULT }
        return stored
    }

    /// Drops the pages past `size` and zeroes the rest of the last one
    /// (Linux: truncate_inode_pages and the partial-page zeroing), so a
    /// file grown again reads zeros there.
    public func truncate(to size: Int64) {
        let kept = UInt64(size / Int64(Self.pageBytes)) + (size % Int64(Self.pageBytes) == 0 ? 0 : 1)
        let dropped = lock.withLockIrqSave { pages.removeAll(from: kept) }
        UserFrames.release(dropped.map { $0.address })
        accounting?.uncharge(pages: dropped.count)
        let tail = Int(size % Int64(Self.pageBytes))
        if tail != 0, let frame = page(kept - 1) {
            frame.fill(0, at: tail, count: Self.pageBytes - tail)
        }
    }

    /// Fills the holes among the pages a byte range touches with zeroed
    /// pages (Linux: shmem_fallocate). A call that cannot finish, because
    /// the filesystem is full (ENOSPC), memory is (ENOMEM) or the caller is
    /// killed (EINTR), frees the pages it added before failing, so the file
    /// is left as it was and a killed process leaves no memory behind.
    public func allocate(at offset: Int64, count: Int64) throws(Errno) {
        let first = UInt64(offset / Int64(Self.pageBytes))
        let last = UInt64((offset + count - 1) / Int64(Self.pageBytes))
        var added: [ClosedRange<UInt64>] = []
        var failure: Errno?
        for index in first...last {
            if Signals.longLoopMustEnd() {
                failure = .EINTR
                break
            }
            let outcome: (frame: Frame, added: Bool)
            do throws(Errno) {
                outcome = try addPage(index)
            } catch {
                failure = error
                break
            }
            guard outcome.added else { continue }
            if let run = added.last, run.upperBound + 1 == index {
                added[added.count - 1] = run.lowerBound...index
            } else {
                added.append(index...index)
            }
        }
        guard let failure else { return }
        var dropped: [Frame] = []
        lock.withLockIrqSave {
            for run in added {
                for index in run {
                    if let frame = pages[index] { dropped.append(frame) }
                    pages[index] = nil
                }
            }
        }
        UserFrames.release(dropped.map { $0.address })
        accounting?.uncharge(pages: dropped.count)
        throw failure
    }

    /// Makes a byte range a hole: the pages wholly inside it go, the
    /// partial ones at its ends are zeroed there (Linux:
    /// shmem_truncate_range for FALLOC_FL_PUNCH_HOLE).
    public func punchHole(at offset: Int64, count: Int64) {
        let bytes = Int64(Self.pageBytes)
        let end = offset + count
        var dropped: [Frame] = []
        var position = offset
        while position < end {
            let index = UInt64(position / bytes)
            let inPage = Int(position % bytes)
            let length = Int(min(bytes - Int64(inPage), end - position))
            if length == Self.pageBytes {
                if let frame = lock.withLockIrqSave({ () -> Frame? in
                    defer { pages[index] = nil }
                    return pages[index]
                }) {
                    dropped.append(frame)
                }
            } else if let frame = page(index) {
                frame.fill(0, at: inPage, count: length)
            }
            position += Int64(length)
        }
        UserFrames.release(dropped.map { $0.address })
        accounting?.uncharge(pages: dropped.count)
    }

    /// Page `index` for a mapping, created if it is a hole, with a
    /// reference taken that the mapping gives back (Linux: filemap_fault).
    public func mappedFrame(forPage index: UInt64) -> PhysAddr? {
        guard let frame = try? addPage(index).frame else { return nil }
        UserFrames.share(frame.address)
        return frame.address
    }

    /// Bytes of memory the pages occupy, for st_blocks.
    public var allocatedBytes: Int64 {
        lock.withLockIrqSave { Int64(pages.count) * Int64(Self.pageBytes) }
    }

    /// Where the first page at or after `offset`'s begins, or `offset`
    /// itself inside a page; nil if no page follows (Linux:
    /// mapping_seek_hole_data for SEEK_DATA).
    public func dataOffset(from offset: Int64) -> Int64? {
        let index = UInt64(offset / Int64(Self.pageBytes))
        guard let found = lock.withLockIrqSave({ pages.first(from: index)?.index }) else { return nil }
        return found == index ? offset : Int64(found) * Int64(Self.pageBytes)
    }

    /// Where the first hole at or after `offset` begins (SEEK_HOLE); the
    /// caller clips it to the file size.
    public func holeOffset(from offset: Int64) -> Int64 {
        let index = UInt64(offset / Int64(Self.pageBytes))
        let hole = lock.withLockIrqSave { pages.firstHole(from: index) } ?? UInt64.max
        guard hole != index else { return offset }
        // Past the last page below 2^63 the hole starts beyond any offset.
        let (start, overflow) = Int64(clamping: hole).multipliedReportingOverflow(by: Int64(Self.pageBytes))
        return overflow ? Int64.max : start
    }

    private func page(_ index: UInt64) -> Frame? { lock.withLockIrqSave { pages[index] } }

    /// Page `index`, a zeroed one put in if it is a hole, and whether it
    /// was. ENOSPC if the filesystem's size does not allow one more,
    /// ENOMEM if memory does not.
    private func addPage(_ index: UInt64) throws(Errno) -> (frame: Frame, added: Bool) {
        if let existing = page(index) { return (existing, false) }
        return insert(try newPage(zeroed: true), at: index)
    }

    /// Fills the hole at page `index` with a whole page of the user memory
    /// at `iter`, written into a fresh page before it is put in, so it is
    /// never zeroed first and nobody sees it half written; what a faulting
    /// copy left unwritten reads as the hole's zeros (Linux: shmem_write_end
    /// zeroing what a short copy missed of a new folio). The count copied.
    private func fillHole(_ index: UInt64, from iter: inout IOVIter) throws(Errno) -> Int {
        let fresh = try newPage(zeroed: false)
        let copied = iter.copy(to: fresh, at: 0, count: Self.pageBytes)
        guard copied > 0 else {
            discard(fresh)
            return 0
        }
        if copied < Self.pageBytes { fresh.fill(0, at: copied, count: Self.pageBytes - copied) }
        let (kept, added) = insert(fresh, at: index)
        // A mapping faulted the page in meanwhile: the bytes go into that one.
        if !added { kept.write(fresh.read(at: 0, count: copied), at: 0) }
        return copied
    }

    /// A page charged to the filesystem, zeroed or not (ENOSPC, ENOMEM).
    private func newPage(zeroed: Bool) throws(Errno) -> Frame {
        guard accounting?.charge(pages: 1) ?? true else { throw .ENOSPC }
        guard let fresh = UserFrames.allocate(forPageCache: true, zeroed: zeroed) else {
            accounting?.uncharge(pages: 1)
            throw .ENOMEM
        }
        return fresh
    }

    /// Puts `fresh` in at `index` unless a page got there first, which is
    /// kept and `fresh` given back; the page there, and whether it is `fresh`.
    private func insert(_ fresh: Frame, at index: UInt64) -> (frame: Frame, added: Bool) {
        let kept = lock.withLockIrqSave { () -> Frame in
            if let raced = pages[index] { return raced }
            pages[index] = fresh
            return fresh
        }
        if kept != fresh { discard(fresh) }
        return (kept, kept == fresh)
    }

    /// Gives back a page `newPage` made that did not go in.
    private func discard(_ fresh: Frame) {
        UserFrames.release(fresh.address)
        accounting?.uncharge(pages: 1)
    }

    /// Calls `body` with each page a byte range touches, the offset in it
    /// and the length there, until `body` moves fewer bytes than that;
    /// the bytes moved.
    @discardableResult
    private func forEachPiece(at offset: Int64, count: Int, _ body: (UInt64, Int, Int) -> Int) -> Int {
        var position = offset
        let end = offset + Int64(count)
        while position < end {
            let index = UInt64(position / Int64(Self.pageBytes))
            let inPage = Int(position % Int64(Self.pageBytes))
            let length = Int(min(Int64(Self.pageBytes - inPage), end - position))
            let moved = body(index, inPage, length)
            position += Int64(moved)
            if moved < length { break }
        }
        return Int(position - offset)
    }
}

/// What pays for a page cache's pages (Linux: shmem's block accounting
/// against the superblock's max_blocks).
public protocol PageAccounting: AnyObject {
    /// Takes `pages`; false if they would pass the limit.
    func charge(pages: Int) -> Bool
    func uncharge(pages: Int)
}
