import ABI
import Testing

@testable import Lib

/// A task for the rt-mutex: a name, its own priority and the priority the
/// scheduler was last told (what `setPriority` records).
private final class PITask: RTMutexTask {
    let name: String
    var normalPriority: Int
    var rtMutexLinks = RTMutexLinks<PITask>()
    var running: Int

    init(_ name: String, priority: Int) {
        self.name = name
        normalPriority = priority
        running = priority
    }
}

private func record(_ task: PITask, _ priority: Int) { task.running = priority }

@Suite struct RTMutexTests {
    @Test func waitersQueueByPriorityThenArrival() throws {
        let owner = PITask("owner", priority: 120)
        let mutex = RTMutex(owner: owner)
        let tasks = [("a", 120), ("b", 50), ("c", 120), ("d", 50), ("e", 10)].map { PITask($0.0, priority: $0.1) }
        for task in tasks { try mutex.block(RTMutexWaiter(task: task), setPriority: record) }
        #expect(mutex.waiters.map(\.task.name) == ["e", "b", "d", "a", "c"])
        #expect(tasks.allSatisfy { $0.rtMutexLinks.blockedOn?.lock === mutex })
    }

    @Test func freeMutexIsTakenAtOnce() throws {
        let mutex = RTMutex<PITask>(owner: nil)
        let task = PITask("t", priority: 120)
        let waiter = RTMutexWaiter(task: task)
        try mutex.block(waiter, setPriority: record)
        #expect(waiter.isGranted && mutex.owner === task && mutex.waiters.isEmpty)
        #expect(task.rtMutexLinks.blockedOn == nil)
    }

    @Test func ownerIsBoostedAndRestoredOnUnlock() throws {
        let low = PITask("low", priority: 89)  // SCHED_FIFO 10
        let mutex = RTMutex(owner: low)
        let high = PITask("high", priority: 69)  // SCHED_FIFO 30
        let middle = PITask("middle", priority: 79)
        try mutex.block(RTMutexWaiter(task: middle), setPriority: record)
        #expect(low.running == 79)
        try mutex.block(RTMutexWaiter(task: high), setPriority: record)
        #expect(low.running == 69)

        let next = mutex.unlock(setPriority: record)
        #expect(next?.task === high && next?.isGranted == true)
        #expect(low.running == 89 && low.rtMutexLinks.ownedCount == 0)
        #expect(mutex.owner === high && high.rtMutexLinks.blockedOn == nil)
        // The new owner inherits from the waiter left, which is weaker: no boost.
        #expect(high.running == 69)
        #expect(mutex.unlock(setPriority: record)?.task === middle)
        #expect(mutex.unlock(setPriority: record) == nil && mutex.owner == nil)
    }

    @Test func weakerWaiterLendsNothing() throws {
        let owner = PITask("owner", priority: 50)
        let mutex = RTMutex(owner: owner)
        try mutex.block(RTMutexWaiter(task: PITask("weak", priority: 120)), setPriority: record)
        #expect(owner.running == 50)
    }

    @Test func removedWaiterTakesItsBoostAway() throws {
        let owner = PITask("owner", priority: 120)
        let mutex = RTMutex(owner: owner)
        let strong = RTMutexWaiter(task: PITask("strong", priority: 10))
        let medium = RTMutexWaiter(task: PITask("medium", priority: 60))
        try mutex.block(medium, setPriority: record)
        try mutex.block(strong, setPriority: record)
        #expect(owner.running == 10)
        mutex.remove(strong, setPriority: record)
        #expect(owner.running == 60 && strong.lock == nil && strong.task.rtMutexLinks.blockedOn == nil)
        mutex.remove(medium, setPriority: record)
        #expect(owner.running == 120)
    }

    @Test func boostTravelsAlongTheChain() throws {
        // c owns m2; b owns m1 and waits for m2; a waits for m1.
        let a = PITask("a", priority: 10)
        let b = PITask("b", priority: 80)
        let c = PITask("c", priority: 120)
        let m1 = RTMutex(owner: b)
        let m2 = RTMutex(owner: c)
        try m2.block(RTMutexWaiter(task: b), setPriority: record)
        #expect(c.running == 80)
        let waiterA = RTMutexWaiter(task: a)
        try m1.block(waiterA, setPriority: record)
        #expect(b.running == 10 && c.running == 10)
        #expect(m2.topWaiter?.priority == 10)
        // a gives up: both fall back.
        m1.remove(waiterA, setPriority: record)
        #expect(b.running == 80 && c.running == 80)
    }

    @Test func boostFromTwoMutexesTakesTheStronger() throws {
        let owner = PITask("owner", priority: 120)
        let first = RTMutex(owner: owner)
        let second = RTMutex(owner: owner)
        try first.block(RTMutexWaiter(task: PITask("x", priority: 40)), setPriority: record)
        try second.block(RTMutexWaiter(task: PITask("y", priority: 20)), setPriority: record)
        #expect(owner.running == 20)
        _ = second.unlock(setPriority: record)
        #expect(owner.running == 40)
        _ = first.unlock(setPriority: record)
        #expect(owner.running == 120)
    }

    @Test func deadlocksAreRefused() throws {
        let a = PITask("a", priority: 120)
        let b = PITask("b", priority: 120)
        let m1 = RTMutex(owner: a)
        let m2 = RTMutex(owner: b)
        // Locking a mutex one already owns.
        #expect(throws: Errno.EDEADLK) { try m1.block(RTMutexWaiter(task: a), setPriority: record) }
        // a waits for m2 (b's); b asking for m1 (a's) closes the cycle.
        try m2.block(RTMutexWaiter(task: a), setPriority: record)
        let waiterB = RTMutexWaiter(task: b)
        #expect(throws: Errno.EDEADLK) { try m1.block(waiterB, setPriority: record) }
        #expect(m1.waiters.isEmpty && waiterB.lock == nil && b.rtMutexLinks.blockedOn == nil)
    }

    @Test func chainsPastTheDepthLimitAreRefused() throws {
        // task i owns mutex i and waits for mutex i + 1.
        let count = RTMutex<PITask>.maxLockDepth + 1
        let tasks = (0..<count).map { PITask("t\($0)", priority: 120) }
        let mutexes = tasks.map { RTMutex(owner: $0) }
        for index in 0..<(count - 1) {
            try mutexes[index + 1].block(RTMutexWaiter(task: tasks[index]), setPriority: record)
        }
        // A waiter on mutex 0 would start a chain of `count` owners.
        let late = PITask("late", priority: 120)
        #expect(throws: Errno.EDEADLK) { try mutexes[0].block(RTMutexWaiter(task: late), setPriority: record) }
        // One step shorter is allowed.
        try mutexes[1].block(RTMutexWaiter(task: late), setPriority: record)
        // Break the cycles so the tasks are freed.
        for mutex in mutexes { for waiter in mutex.waiters { mutex.remove(waiter, setPriority: record) } }
    }

    @Test func ownPriorityChangeMovesTheWaiterAndTheBoost() throws {
        let owner = PITask("owner", priority: 120)
        let mutex = RTMutex(owner: owner)
        let first = PITask("first", priority: 60)
        let second = PITask("second", priority: 70)
        try mutex.block(RTMutexWaiter(task: first), setPriority: record)
        try mutex.block(RTMutexWaiter(task: second), setPriority: record)
        second.normalPriority = 30
        RTMutex.adjustPriority(of: second, setPriority: record)
        #expect(mutex.waiters.map(\.task.name) == ["second", "first"])
        #expect(owner.running == 30)
        owner.normalPriority = 20
        RTMutex.adjustPriority(of: owner, setPriority: record)
        #expect(owner.running == 20)
    }
}
