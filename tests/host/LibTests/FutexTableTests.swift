import ABI
import Testing

@testable import Lib

private final class Sleeper {
    let name: Int
    init(_ name: Int) { self.name = name }
}

@Suite struct FutexTableTests {
    private let a = FutexKey(space: 1, address: 0x1000)
    private let b = FutexKey(space: 1, address: 0x1004)
    private let otherSpace = FutexKey(space: 2, address: 0x1000)

    private func queue(_ table: FutexTable<Sleeper>, _ key: FutexKey, _ names: [Int], bitset: UInt32 = .max)
        -> [FutexWaiter<Sleeper>]
    {
        names.map { name in
            let waiter = FutexWaiter(owner: Sleeper(name), key: key, bitset: bitset)
            table.enqueue(waiter)
            return waiter
        }
    }

    @Test func wakesInArrivalOrderUpToTheCount() {
        for buckets in [1, 256] {  // one bucket: every key collides
            let table = FutexTable<Sleeper>(bucketCount: buckets)
            _ = queue(table, a, [1, 2, 3])
            _ = queue(table, b, [10])
            _ = queue(table, otherSpace, [20])
            #expect(table.count == 5)
            let woken = table.wake(a, count: 2)
            #expect(woken.map { $0.owner.name } == [1, 2])
            #expect(woken.allSatisfy { $0.isWoken && !$0.isQueued })
            #expect(table.waiters(on: a).map { $0.owner.name } == [3])
            #expect(table.wake(otherSpace, count: 10).map { $0.owner.name } == [20])
            #expect(table.wake(a, count: Int.max).map { $0.owner.name } == [3])
            #expect(table.wake(a, count: 1).isEmpty)
            #expect(table.count == 1)
        }
    }

    @Test func countZeroStillWakesOneAsLinuxDoes() {
        let table = FutexTable<Sleeper>()
        _ = queue(table, a, [1, 2])
        #expect(table.wake(a, count: 0).map { $0.owner.name } == [1])
        #expect(table.wake(a, count: -5).map { $0.owner.name } == [2])
    }

    @Test func bitsetsSelectWaiters() {
        let table = FutexTable<Sleeper>()
        _ = queue(table, a, [1], bitset: 0b01)
        _ = queue(table, a, [2], bitset: 0b10)
        _ = queue(table, a, [3], bitset: 0b11)
        #expect(table.wake(a, count: 10, bitset: 0b10).map { $0.owner.name } == [2, 3])
        #expect(table.wake(a, count: 10, bitset: 0b10).isEmpty)
        #expect(table.wake(a, count: 10).map { $0.owner.name } == [1])
    }

    @Test func removeTellsWhetherAWakerCameFirst() {
        let table = FutexTable<Sleeper>()
        let waiters = queue(table, a, [1, 2])
        #expect(table.remove(waiters[1]))  // a timeout: still queued, now removed
        #expect(!waiters[1].isWoken)
        _ = table.wake(a, count: 5)
        #expect(!table.remove(waiters[0]))  // woken already
        #expect(waiters[0].isWoken && table.count == 0)
    }

    @Test func requeueWakesSomeAndMovesTheRest() {
        let table = FutexTable<Sleeper>()
        let waiters = queue(table, a, [1, 2, 3, 4, 5])
        _ = queue(table, b, [9])
        let result = table.requeue(from: a, to: b, wakeCount: 1, requeueCount: 2)
        #expect(result.woken.map { $0.owner.name } == [1] && result.requeued == 2)
        #expect(table.waiters(on: a).map { $0.owner.name } == [4, 5])
        #expect(table.waiters(on: b).map { $0.owner.name } == [9, 2, 3])
        #expect(waiters[1].key == b && !waiters[1].isWoken && waiters[1].isQueued)
        // Nothing to wake and nothing to move: nobody is touched.
        let none = table.requeue(from: a, to: b, wakeCount: 0, requeueCount: 0)
        #expect(none.woken.isEmpty && none.requeued == 0)
        // A moved waiter is found, and woken, under its new key.
        #expect(table.wake(b, count: 3).map { $0.owner.name } == [9, 2, 3])
        #expect(table.count == 2)
    }

    @Test func requeuePIWaitersLeaveOnlyByARequeueToTheirPIFutex() throws {
        let table = FutexTable<Sleeper>(bucketCount: 1)
        let plain = queue(table, a, [1])
        let requeuePI = [2, 3, 4].map { name in
            let waiter = FutexWaiter(owner: Sleeper(name), key: a, bitset: .max, requeuePITarget: b)
            table.enqueue(waiter)
            return waiter
        }
        #expect(table.hasRequeuePIWaiter(on: a) && !table.hasRequeuePIWaiter(on: b))
        // A wake or a plain requeue passes them by.
        #expect(table.wake(a, count: 10).map { $0.owner.name } == [1])
        #expect(!plain[0].isQueued)
        let moved = table.requeue(from: a, to: otherSpace, wakeCount: 0, requeueCount: 10)
        #expect(moved.requeued == 0 && requeuePI.allSatisfy(\.isQueued))
        // The PI requeue finds them in order, without dequeueing them.
        let found = try table.requeuePICandidates(from: a, to: b, count: 2)
        #expect(found.map { $0.owner.name } == [2, 3] && found.allSatisfy(\.isQueued))
        // To another PI futex, or past a plain waiter: EINVAL.
        expectError(.EINVAL) { () throws(Errno) in _ = try table.requeuePICandidates(from: a, to: otherSpace, count: 1)
        }
        _ = queue(table, a, [5])
        #expect(try table.requeuePICandidates(from: a, to: b, count: 3).count == 3)
        expectError(.EINVAL) { () throws(Errno) in _ = try table.requeuePICandidates(from: a, to: b, count: 4) }
        for waiter in requeuePI { table.remove(waiter) }
    }
}
