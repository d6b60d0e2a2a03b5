import ABI
import Testing

@testable import Lib

private let ms = SchedSimulator.millisecond

/// Creates two nice-0 tasks at time 0 and runs the one CFS picks. (The
/// second gets the shorter slice, so START_DEBIT places it first.)
private func startTwo(on rq: RunQueue<SimTask>) -> (running: SimTask, waiting: SimTask) {
    let tasks = [SimTask("first"), SimTask("second")]
    for task in tasks { rq.enqueue(task, flags: .new, now: 0) }
    let running = rq.pickNext(now: 0)
    #expect(running === tasks[1])
    return (running, tasks[0])
}

/// The per-CPU run queue: class order, the idle entity, parameter changes
/// and statistics.
@Suite struct SchedRunQueueTests {
    @Test func idleRunsOnlyWhenNothingElseCan() {
        let idle = SimTask("idle")
        let rq = RunQueue(idle: idle)
        #expect(rq.current === idle)
        #expect(rq.pickNext(now: 0) === idle)
        #expect(rq.nrRunning == 0)

        let task = SimTask("task")
        rq.enqueue(task, flags: .new, now: 1 * ms)
        #expect(rq.nrRunning == 1)
        #expect(rq.checkPreemptWakeup(task, now: 1 * ms))  // anything preempts idle
        #expect(rq.pickNext(now: 1 * ms) === task)
        #expect(!rq.needsReschedule)
        #expect(!rq.tick(now: 5 * ms))  // alone: no reason to switch

        rq.dequeue(task, flags: .sleep, now: 6 * ms)
        #expect(rq.nrRunning == 0)
        #expect(rq.pickNext(now: 6 * ms) === idle)
        #expect(task.sched.sumExecRuntime == 5 * ms)
        #expect(task.sched.statistics.voluntarySwitches == 1)
        #expect(rq.switchCount == 2)
    }

    @Test func idleTimeIsWhatTasksLeave() {
        let sim = SchedSimulator()
        let task = SimTask("periodic", behavior: .periodic(run: 2 * ms, sleep: 3 * ms))
        sim.spawn(task)
        sim.run(for: 1 * SchedSimulator.second)
        #expect(task.cpuTime == 400 * ms)
        #expect(task.longestWakeLatency == 0)
        // In and out in each of the 200 periods, and in again at the last instant.
        #expect(sim.rq.switchCount == 2 * 200 + 1)
    }

    @Test func setSchedulerRejectsMismatchedPriority() {
        let rq = RunQueue(idle: SimTask("idle"))
        let task = SimTask("task")
        rq.enqueue(task, flags: .new, now: 0)
        for (policy, priority) in [(SchedPolicy.fifo, 0), (.roundRobin, 100), (.normal, 1), (.batch, -1)] {
            #expect(throws: Errno.EINVAL) {
                try rq.setScheduler(task, policy: policy, priority: priority, now: 0)
            }
        }
        #expect(task.sched.policy == .normal && task.sched.schedClass == .fair)
        #expect(rq.fair.nrRunning == 1)
    }

    @Test func runningTaskMovesBetweenClasses() throws {
        let rq = RunQueue(idle: SimTask("idle"))
        let (task, other) = startTwo(on: rq)

        try rq.setScheduler(task, policy: .fifo, priority: 10, now: 2 * ms)
        #expect(task.sched.schedClass == .realTime)
        #expect(rq.current === task && rq.realTime.current === task && rq.fair.current == nil)
        #expect((rq.realTime.nrRunning, rq.fair.nrRunning, rq.nrRunning) == (1, 1, 2))
        #expect(task.sched.sumExecRuntime == 2 * ms)
        // FIFO now: the CFS task never gets the CPU.
        #expect(!rq.tick(now: 100 * ms))

        try rq.setScheduler(task, policy: .normal, priority: 0, now: 100 * ms)
        #expect((rq.realTime.nrRunning, rq.fair.nrRunning) == (0, 2))
        // Back in CFS as the running task, which must let CFS decide again.
        #expect(rq.needsReschedule)
        #expect(rq.fair.current === task)
        // It left CFS at min_vruntime (relative 0) and returns there; its
        // 98 ms as FIFO do not count against it. `other` now holds
        // min_vruntime, and was there first.
        #expect(task.sched.vruntime == rq.fair.minVruntime)
        #expect(other.sched.vruntime == rq.fair.minVruntime)
        #expect(rq.pickNext(now: 100 * ms) === other)
    }

    @Test func waitingTaskPromotedToRealTimePreempts() throws {
        let rq = RunQueue(idle: SimTask("idle"))
        let (_, waiting) = startTwo(on: rq)
        try rq.setScheduler(waiting, policy: .roundRobin, priority: 1, now: 1 * ms)
        #expect(rq.needsReschedule)
        #expect(rq.pickNext(now: 1 * ms) === waiting)

        // Lowering a running RT task below a waiting one gives way too.
        let strong = SimTask("strong", policy: .fifo, priority: 40)
        let weak = SimTask("weak", policy: .fifo, priority: 20)
        rq.enqueue(strong, flags: .wakeup, now: 2 * ms)
        rq.enqueue(weak, flags: .wakeup, now: 2 * ms)
        #expect(rq.pickNext(now: 2 * ms) === strong)
        try rq.setScheduler(strong, policy: .fifo, priority: 10, now: 3 * ms)
        #expect(rq.needsReschedule)
        #expect(rq.pickNext(now: 3 * ms) === weak)
    }

    @Test func sleeperKeepsItsPlaceAcrossAClassRoundTrip() throws {
        let sim = SchedSimulator()
        let hog = SimTask("hog")
        let sleeper = SimTask("sleeper", behavior: .runOnce(20 * ms))
        sim.spawn(hog)
        sim.spawn(sleeper)
        sim.run(for: 200 * ms)
        #expect(sleeper.isAsleep)

        // Leaving CFS settles the sleep credit: at most half a latency.
        let minAtSwitch = sim.rq.fair.minVruntime
        try sim.rq.setScheduler(sleeper, policy: .fifo, priority: 1, now: sim.now)
        #expect(sleeper.sched.vruntime == 0 &- 3 * ms)  // relative to min_vruntime
        sim.run(for: 100 * ms)
        try sim.rq.setScheduler(sleeper, policy: .batch, priority: 0, now: sim.now)
        #expect(sim.rq.fair.minVruntime != minAtSwitch)
        #expect(sleeper.sched.vruntime == sim.rq.fair.minVruntime &- 3 * ms)
        sim.wake(sleeper)
        #expect(sleeper.sched.vruntime == sim.rq.fair.minVruntime &- 3 * ms)
        // BATCH: no wakeup preemption, in spite of the lead.
        #expect(!sim.rq.needsReschedule)
    }

    @Test func setNiceOnAWaitingTaskKeepsItsPlace() throws {
        let rq = RunQueue(idle: SimTask("idle"))
        let tasks = (0..<4).map { SimTask("t\($0)") }
        for task in tasks { rq.enqueue(task, flags: .new, now: 0) }
        #expect(rq.pickNext(now: 0) === tasks[3])
        let waiting = tasks[1]
        let vruntime = waiting.sched.vruntime
        rq.setNice(waiting, to: -10, now: 1 * ms)
        #expect(waiting.sched.vruntime == vruntime)
        #expect(waiting.sched.load.weight == 9548)
        #expect(rq.fair.load == 3 * 1024 + 9548)
        #expect(rq.fair.nrRunning == 4)
        try rq.fair.timeline.validate()

        // Out of range: ignored. A real-time task only stores it.
        rq.setNice(waiting, to: 20, now: 1 * ms)
        #expect(waiting.sched.nice == -10)
        try rq.setScheduler(tasks[2], policy: .fifo, priority: 1, now: 1 * ms)
        rq.setNice(tasks[2], to: 7, now: 1 * ms)
        #expect(tasks[2].sched.nice == 7 && tasks[2].sched.load.weight == 1024)
        try rq.setScheduler(tasks[2], policy: .normal, priority: 0, now: 1 * ms)
        #expect(tasks[2].sched.load.weight == 215)
    }

    @Test func weakeningTheRunningTaskReschedules() {
        let rq = RunQueue(idle: SimTask("idle"))
        let (running, _) = startTwo(on: rq)
        rq.setNice(running, to: -5, now: 1 * ms)
        #expect(!rq.needsReschedule)
        #expect(rq.current === running && rq.fair.current === running)
        rq.setNice(running, to: 10, now: 1 * ms)
        #expect(rq.needsReschedule)
    }

    @Test func statisticsCountSwitchesAndWaits() {
        let sim = SchedSimulator()
        let a = SimTask("a")
        let b = SimTask("b")
        sim.spawn(a)
        sim.run(for: 1 * ms)
        sim.spawn(b)
        sim.run(for: 1 * SchedSimulator.second - 1 * ms)
        // Two nice-0 hogs: each runs one tick (4 ms > its 3 ms slice) in
        // turn; one switch from idle, then one per tick.
        #expect(sim.rq.switchCount == 1 + 250)
        #expect(a.sched.statistics.timesRun == 126 && b.sched.statistics.timesRun == 125)
        #expect(a.sched.statistics.involuntarySwitches + b.sched.statistics.involuntarySwitches == 250)
        #expect(a.sched.statistics.voluntarySwitches == 0)
        #expect(a.sched.statistics.longestWait == 4 * ms)
        #expect(a.sched.statistics.waitTime == 125 * 4 * ms)
    }
}
