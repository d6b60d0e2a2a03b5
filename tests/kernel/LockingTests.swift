import Core
import Kernel
import Lib
import Synchronization

enum LockingTests {
    /// 8 threads × 10k lock/unlock around a read-modify-write that yields in
    /// the middle now and then, so a missing exclusion would lose increments.
    static func mutex(_ t: inout TestReporter) {
        let mutex = Mutex()
        var counter = 0
        let threads = 8, rounds = 10_000
        let done = Completion()
        let warningsBefore = Mutex.debugWarnings.load(ordering: .relaxed)
        for index in 0..<threads {
            KThreads.run(name: "mutex-test/\(index)") {
                for round in 0..<rounds {
                    mutex.lock()
                    let value = counter
                    if round % 1000 == index { Scheduler.yield() }
                    counter = value + 1
                    mutex.unlock()
                }
                done.complete()
                return 0
            }
        }
        for _ in 0..<threads { done.wait() }
        t.check(counter == threads * rounds, "mutex: 8 threads x 10k lock/unlock lose no increment (\(counter))")
        t.check(
            Mutex.debugWarnings.load(ordering: .relaxed) == warningsBefore, "mutex: no owner violations in correct use")
        mutex.lock()
        let intruder = Completion()
        KThreads.run(name: "mutex-intruder") {
            mutex.unlock()
            intruder.complete()
            return 0
        }
        intruder.wait()
        t.check(
            Mutex.debugWarnings.load(ordering: .relaxed) == warningsBefore + 1 && mutex.isLocked,
            "mutex: an unlock by a task that is not the owner is reported and refused")
        mutex.unlock()
    }

    static func semaphores(_ t: inout TestReporter) {
        let rwsem = RWSemaphore()
        rwsem.downRead()
        t.check(rwsem.tryDownRead() && !rwsem.tryDownWrite(), "rwsem: readers share, a writer is excluded")
        rwsem.upRead()
        rwsem.upRead()
        t.check(rwsem.tryDownWrite() && !rwsem.tryDownRead(), "rwsem: a writer excludes readers")
        rwsem.upWrite()

        let violationsBefore = MightSleep.violations.load(ordering: .relaxed)
        let spin = SpinLock()
        pr_info("# selftest: expected report begins")
        spin.lock()
        mightSleep("selftest: sleeping call under a spinlock")
        spin.unlock()
        pr_info("# selftest: expected report ends")
        t.check(
            MightSleep.violations.load(ordering: .relaxed) == violationsBefore + 1,
            "might_sleep: a sleeping call while holding a spinlock is reported")
    }

    /// A reader inside its read section before synchronize_rcu must have left before it returns.
    static func rcu(_ t: inout TestReporter) {
        var readerInside = false
        var readerLeftAt: UInt64 = 0
        let entered = Completion()
        KThreads.run(name: "rcu-reader") {
            RCU.readLock()
            readerInside = true
            entered.complete()
            // Stay in the read section across several ticks; preemptible RCU lets it be preempted.
            let until = Clock.nanosecondsSinceBoot() + 50_000_000
            while Clock.nanosecondsSinceBoot() < until { CPU.relax() }
            readerLeftAt = Clock.nanosecondsSinceBoot()
            readerInside = false
            RCU.readUnlock()
            return 0
        }
        entered.wait()
        let wasInside = readerInside
        RCU.synchronize()
        let returnedAt = Clock.nanosecondsSinceBoot()
        t.check(
            wasInside && !readerInside && readerLeftAt > 0 && readerLeftAt <= returnedAt,
            "rcu: synchronize_rcu returned only after a reader that started before it left")
        var callbackRan = false
        RCU.call { callbackRan = true }
        RCU.synchronize()
        t.check(callbackRan, "rcu: call_rcu callbacks run after a grace period")
    }

    /// Producer and consumer over a wait queue: 100k items through a 64-slot ring, in order.
    private static let ring = IRQSafeLocked((slots: [Int](), head: 0, tail: 0))

    static func producerConsumer(_ t: inout TestReporter) {
        let items = 100_000
        ring.withLock { $0 = (Array(repeating: 0, count: 64), 0, 0) }
        let notFull = WaitQueue(), notEmpty = WaitQueue()
        var received = 0, outOfOrder = 0
        let done = Completion()
        KThreads.run(name: "consumer") {
            while received < items {
                notEmpty.wait { ring.withLock { $0.head != $0.tail } }
                let value = ring.withLock { state -> Int in
                    let value = state.slots[state.tail % 64]
                    state.tail += 1
                    return value
                }
                notFull.wakeUp()
                if value != received { outOfOrder += 1 }
                received += 1
            }
            done.complete()
            return 0
        }
        for item in 0..<items {
            notFull.wait { ring.withLock { $0.head - $0.tail < 64 } }
            ring.withLock { state in
                state.slots[state.head % 64] = item
                state.head += 1
            }
            notEmpty.wakeUp()
        }
        done.wait()
        t.check(
            received == items && outOfOrder == 0,
            "waitqueue: producer/consumer moved \(received) items, \(outOfOrder) out of order")
    }
}
