import ABI
import Testing

@testable import Lib

@Suite struct FileLockTests {
    let a = LockOwner(id: 1, isOpenFile: false)
    let b = LockOwner(id: 2, isOpenFile: false)
    let ofd = LockOwner(id: 3, isOpenFile: true)

    private func lock(_ owner: LockOwner, _ range: ClosedRange<Int64>, write: Bool = true) -> FileLock {
        FileLock(owner: owner, pid: 7, isWrite: write, start: range.lowerBound, end: range.upperBound)
    }

    private func ranges(_ list: FileLockList) -> [ClosedRange<Int64>] { list.locks.map { $0.start...$0.end } }

    @Test func rangesFollowFlockRules() throws {
        #expect(try FileLock.range(base: 0, start: 10, length: 5) == 10...14)
        #expect(try FileLock.range(base: 100, start: -10, length: 0) == 90...Int64.max)
        #expect(try FileLock.range(base: 0, start: 10, length: -5) == 5...9)
        #expect(throws: Errno.EINVAL) { try FileLock.range(base: 0, start: -1, length: 1) }
        #expect(throws: Errno.EINVAL) { try FileLock.range(base: 0, start: 3, length: -5) }
        #expect(throws: Errno.EINVAL) { try FileLock.range(base: 0, start: 0, length: -1) }
        #expect(throws: Errno.EOVERFLOW) { try FileLock.range(base: 0, start: Int64.max, length: 2) }
        #expect(throws: Errno.EOVERFLOW) { try FileLock.range(base: Int64.max, start: 1, length: 1) }
        #expect(try FileLock.range(base: 0, start: Int64.max, length: 1) == Int64.max...Int64.max)
    }

    @Test func conflictsNeedAnotherOwnerAndAWriter() {
        var list = FileLockList()
        list.apply(lock(a, 0...9))
        #expect(list.conflict(with: lock(b, 9...20))?.owner == a)
        #expect(list.conflict(with: lock(b, 10...20)) == nil)
        #expect(list.conflict(with: lock(a, 0...9)) == nil)
        #expect(list.conflict(with: lock(ofd, 5...5, write: false)) != nil)
        var readers = FileLockList()
        readers.apply(lock(a, 0...9, write: false))
        #expect(readers.conflict(with: lock(b, 0...9, write: false)) == nil)
        #expect(readers.conflict(with: lock(b, 0...0)) != nil)
    }

    @Test func unlockingSplitsAndLockingMerges() {
        var list = FileLockList()
        list.apply(lock(a, 0...99))
        list.apply(lock(a, 40...59), unlock: true)
        #expect(ranges(list) == [0...39, 60...99])
        // The same type touching or overlapping merges into one lock.
        list.apply(lock(a, 40...59))
        #expect(ranges(list) == [0...99])
        // A different type in the middle splits the old one around it.
        list.apply(lock(a, 10...19, write: false))
        #expect(ranges(list) == [0...9, 10...19, 20...99])
        #expect(list.locks.map(\.isWrite) == [true, false, true])
        // Another owner's locks are untouched by it all.
        list.apply(lock(b, 200...Int64.max))
        list.apply(lock(a, 0...Int64.max), unlock: true)
        #expect(ranges(list) == [200...Int64.max])
        list.removeAll(of: b)
        #expect(list.locks.isEmpty)
        // Adjacent at the very end of the offsets does not overflow.
        list.apply(lock(a, 5...Int64.max))
        list.apply(lock(a, 0...4))
        #expect(ranges(list) == [0...Int64.max])
    }

    @Test func deadlocksAreFoundAlongTheWaitChain() {
        let c = LockOwner(id: 4, isOpenFile: false)
        var waits = LockWaits()
        #expect(!waits.wouldDeadlock(a, waitingFor: b))
        waits.add(b, waitingFor: c)
        waits.add(c, waitingFor: a)
        #expect(waits.wouldDeadlock(a, waitingFor: b))
        #expect(!waits.wouldDeadlock(ofd, waitingFor: b))
        waits.remove(c)
        #expect(!waits.wouldDeadlock(a, waitingFor: b))
    }
}
