import Testing

@testable import Lib

private let ms = SchedSimulator.millisecond
private let second = SchedSimulator.second

/// SCHED_FIFO and SCHED_RR, alone and against CFS.
@Suite struct SchedRealTimeTests {
    @Test func priorityArrayPicksTheStrongestLevelInFIFOOrder() {
        var array = RealTimePriorityArray<SimTask>()
        #expect(array.first == nil)
        // Levels on both sides of the 64-bit word boundary, and the extremes.
        let priorities = [1, 35, 36, 99, 36, 50]
        let tasks = priorities.enumerated().map { index, priority in
            SimTask("t\(index)", policy: .fifo, priority: priority)
        }
        for task in tasks { array.insert(task, atHead: false) }
        #expect(array.first === tasks[3])  // priority 99
        array.remove(tasks[3])
        #expect(array.first === tasks[5])  // 50
        array.remove(tasks[5])
        #expect(array.first === tasks[2])  // the first 36 (level 63)
        let movedBehindEqual = array.moveToTail(tasks[2])
        #expect(movedBehindEqual)
        #expect(array.first === tasks[4])  // the other 36
        array.remove(tasks[4])
        array.remove(tasks[2])
        #expect(array.first === tasks[1])  // 35 (level 64)
        let movedAlone = array.moveToTail(tasks[1])
        #expect(!movedAlone)  // alone at its level
        array.remove(tasks[1])
        #expect(array.first === tasks[0])
        let head = SimTask("head", policy: .fifo, priority: 1)
        array.insert(head, atHead: true)
        #expect(array.first === head)
        array.remove(head)
        array.remove(tasks[0])
        #expect(array.first == nil)
        // Removal breaks the links, so nothing keeps the tasks alive.
        for task in tasks + [head] {
            #expect(task.sched.realTimeNext == nil && task.sched.realTimePrevious == nil)
        }
    }

    @Test func fifoThenRoundRobinThenCFS() {
        let sim = SchedSimulator()
        let cfs = SimTask("cfs")
        let roundRobin = SimTask("rr", policy: .roundRobin, priority: 10, behavior: .runOnce(300 * ms))
        let fifo = SimTask("fifo", policy: .fifo, priority: 20, behavior: .runOnce(50 * ms))
        sim.spawn(cfs)
        sim.run(for: 10 * ms)
        sim.spawn(roundRobin)
        sim.spawn(fifo)
        #expect(sim.rq.current === fifo)  // preempted CFS at once
        sim.run(for: 1 * second)

        #expect(sim.sequence(from: 0, to: sim.now) == ["cfs", "fifo", "rr", "cfs"])
        #expect(sim.cpuTime(of: fifo, from: 10 * ms, to: 60 * ms) == 50 * ms)
        // RR's slice ends twice, but alone at its level it just carries on.
        #expect(sim.cpuTime(of: roundRobin, from: 60 * ms, to: 360 * ms) == 300 * ms)
        #expect(sim.cpuTime(of: cfs, from: 10 * ms, to: 360 * ms) == 0)
        #expect(cfs.cpuTime == sim.now - 300 * ms - 50 * ms)
    }

    @Test func fifoHasNoTimeSliceEvenWithAnEqualWaiting() {
        let sim = SchedSimulator()
        let fifo = SimTask("fifo", policy: .fifo, priority: 10, behavior: .runOnce(250 * ms))
        let roundRobin = SimTask("rr", policy: .roundRobin, priority: 10, behavior: .runOnce(10 * ms))
        sim.spawn(fifo)
        sim.spawn(roundRobin)
        sim.spawn(SimTask("cfs"))
        sim.run(for: 1 * second)
        #expect(sim.sequence(from: 0, to: sim.now) == ["fifo", "rr", "cfs"])
        #expect(sim.cpuTime(of: fifo, from: 0, to: 250 * ms) == 250 * ms)
    }

    @Test func fifoAtEqualPriorityDoesNotRoundRobin() {
        let sim = SchedSimulator()
        let first = SimTask("first", policy: .fifo, priority: 30)
        let second = SimTask("second", policy: .fifo, priority: 30)
        sim.spawn(first)
        sim.spawn(second)
        sim.run(for: 2 * SchedSimulator.second)
        #expect(first.cpuTime == 2 * SchedSimulator.second)
        #expect(second.cpuTime == 0)
    }

    @Test func roundRobinAtEqualPriorityAlternatesEvery100ms() {
        let sim = SchedSimulator()
        let a = SimTask("a", policy: .roundRobin, priority: 30)
        let b = SimTask("b", policy: .roundRobin, priority: 30)
        sim.spawn(a)
        sim.spawn(b)
        sim.spawn(SimTask("cfs"))
        sim.run(for: 1 * second)
        #expect(sim.sequence(from: 0, to: sim.now) == ["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"])
        for run in sim.runs { #expect(run.end - run.start == 100 * ms, "\(run.task.name) at \(run.start)") }
    }

    @Test func wakingHigherPriorityPreemptsAtOnce() {
        let sim = SchedSimulator()
        let low = SimTask("low", policy: .fifo, priority: 10)
        let high = SimTask(
            "high", policy: .roundRobin, priority: 50,
            behavior: .periodic(run: 3 * ms, sleep: 7 * ms))
        sim.spawn(low)
        sim.spawn(high)
        sim.run(for: 1 * second)
        #expect(high.longestWakeLatency == 0)
        #expect(high.cpuTime == 300 * ms)
        #expect(low.cpuTime == 700 * ms)
    }

    @Test func wakingLowerOrEqualPriorityDoesNotPreempt() {
        let idle = SimTask("idle")
        let rq = RunQueue(idle: idle)
        let running = SimTask("running", policy: .fifo, priority: 50)
        rq.enqueue(running, flags: .new, now: 0)
        #expect(rq.checkPreemptWakeup(running, now: 0))
        #expect(rq.pickNext(now: 0) === running)
        for (policy, priority) in [(SchedPolicy.fifo, 50), (.roundRobin, 49), (.normal, 0)] {
            let woken = SimTask("woken", policy: policy, priority: priority)
            rq.enqueue(woken, flags: .wakeup, now: 1 * ms)
            #expect(!rq.checkPreemptWakeup(woken, now: 1 * ms), "\(policy) \(priority)")
        }
        let stronger = SimTask("stronger", policy: .fifo, priority: 51)
        rq.enqueue(stronger, flags: .wakeup, now: 2 * ms)
        #expect(rq.checkPreemptWakeup(stronger, now: 2 * ms))
        #expect(rq.pickNext(now: 2 * ms) === stronger)
        // The preempted task is first in line again, ahead of its equal.
        rq.dequeue(stronger, flags: .sleep, now: 3 * ms)
        #expect(rq.pickNext(now: 3 * ms) === running)
    }

    @Test func yieldSendsARealTimeTaskBehindItsEquals() {
        let rq = RunQueue(idle: SimTask("idle"))
        let first = SimTask("first", policy: .fifo, priority: 5)
        let second = SimTask("second", policy: .fifo, priority: 5)
        rq.enqueue(first, flags: .new, now: 0)
        rq.enqueue(second, flags: .new, now: 0)
        #expect(rq.pickNext(now: 0) === first)
        rq.yieldCurrent(now: 1 * ms)
        #expect(rq.needsReschedule)
        #expect(rq.pickNext(now: 1 * ms) === second)
        #expect(rq.yieldCount == 1)
        #expect(first.sched.statistics.involuntarySwitches == 1)
    }

    @Test func cfsStarvesWhileRealTimeRuns() {
        let sim = SchedSimulator()
        let cfs = SimTask("cfs", nice: -20)
        sim.spawn(cfs)
        sim.spawn(SimTask("spinner", policy: .fifo, priority: 1, behavior: .runOnce(1 * second)))
        sim.run(for: 1 * second)
        #expect(cfs.cpuTime == 0)
        sim.run(for: 4 * ms)
        #expect(cfs.cpuTime == 4 * ms)
        #expect(cfs.sched.statistics.waitTime == 1 * second)
    }

    @Test func inheritedPriorityRunsTheOwnerAboveAHogAndEndsWithTheLoan() {
        // The priority inversion of an rt-mutex: a CFS owner, a FIFO hog.
        let sim = SchedSimulator()
        let owner = SimTask("owner", nice: 5)
        let hog = SimTask("hog", policy: .fifo, priority: 20)
        sim.spawn(owner)
        sim.run(for: 10 * ms)
        sim.spawn(hog)
        #expect(sim.rq.current === hog)
        sim.run(for: 1 * ms)
        // A FIFO 30 waiter lends its level: the owner preempts the hog, in the real-time class.
        sim.rq.setInheritedPriority(owner, 69, now: sim.now)
        #expect(owner.sched.prio == 69 && owner.sched.normalPrio == 125 && owner.sched.schedClass == .realTime)
        #expect(owner.sched.policy == .normal && owner.sched.realTimePriority == 0)
        sim.run(for: 10 * ms)
        #expect(sim.sequence(from: 10 * ms, to: sim.now) == ["hog", "owner"])
        // A nice change while boosted is kept for later and moves nothing.
        sim.rq.setNice(owner, to: 0, now: sim.now)
        #expect(owner.sched.prio == 69 && owner.sched.nice == 0)
        // A loan weaker than its own priority is no loan.
        sim.rq.setInheritedPriority(hog, 90, now: sim.now)
        #expect(hog.sched.inheritedPrio == nil)
        // The loan ends: back to CFS, and the hog runs again.
        sim.rq.setInheritedPriority(owner, nil, now: sim.now)
        #expect(owner.sched.schedClass == .fair && owner.sched.prio == 120)
        #expect(sim.rq.needsReschedule)
        sim.run(for: 10 * ms)
        #expect(sim.rq.current === hog)
    }
}
