import Testing

@testable import Lib

private let ms = SchedSimulator.millisecond

/// A CFS queue whose one running entity has been charged up to `now`.
private func queueRunning(_ task: SimTask, until now: UInt64) -> FairRunQueue<SimTask> {
    let fair = FairRunQueue<SimTask>(tunables: SchedTunables())
    fair.enqueue(task, flags: [], now: 0)
    fair.setNext(fair.pickNext()!, now: 0)
    fair.updateCurrent(now: now)
    return fair
}

/// Enqueues `task` (not waking, so not placed) at `offset` of virtual
/// time from the queue's minVruntime; negative is behind.
private func enqueue(_ task: SimTask, at offset: Int64, in fair: FairRunQueue<SimTask>, now: UInt64) {
    task.sched.vruntime = UInt64(bitPattern: offset)
    fair.enqueue(task, flags: [], now: now)
}

/// Whether two results of the multiply-shift division agree within `tolerance` ns.
private func isClose(_ a: UInt64, _ b: UInt64, within tolerance: UInt64 = 100) -> Bool {
    (a > b ? a - b : b - a) <= tolerance
}

@Suite struct SchedFairRunQueueTests {
    /// The timeline against a model: a list of (vruntime, arrival) kept
    /// sorted. Relative vruntimes span 2^21 ns from a minVruntime 2^20 ns
    /// before the wrap, so the order must hold across the wrap.
    @Test func pickOrderMatchesSortedVruntimeThenArrival() throws {
        var random = TestRandom(seed: 42)
        let fair = FairRunQueue<SimTask>(tunables: SchedTunables())
        let base = fair.minVruntime
        var model: [(task: SimTask, key: Int64, arrival: Int)] = []
        var arrivals = 0
        var lastMin = fair.minVruntime

        func checkPick() throws {
            model.sort { ($0.key, $0.arrival) < ($1.key, $1.arrival) }
            #expect(fair.pickNext() === model.first?.task)
            #expect(fair.nrRunning == model.count)
            #expect(fair.load == UInt64(model.count) * 1024)
            #expect(Vruntime.difference(fair.minVruntime, lastMin) >= 0, "min_vruntime went back")
            lastMin = fair.minVruntime
            try fair.timeline.validate()
        }

        for step in 0..<2000 {
            if model.isEmpty || random.below(3) != 0 {
                let task = SimTask("t\(step)")
                // Few distinct values, so many ties.
                task.sched.vruntime = UInt64(random.below(64)) << 15
                let expected = task.sched.vruntime &+ fair.minVruntime
                fair.enqueue(task, flags: [], now: 0)
                #expect(task.sched.vruntime == expected)
                model.append((task, Int64(bitPattern: expected &- base), arrivals))
                arrivals += 1
            } else {
                let index = random.below(model.count)
                let task = model.remove(at: index).task
                let absolute = task.sched.vruntime
                let minBefore = fair.minVruntime
                fair.dequeue(task, flags: [], now: 0)
                // Not a sleep: the vruntime becomes relative to min_vruntime.
                #expect(task.sched.vruntime == absolute &- minBefore)
                #expect(!task.sched.onRunQueue)
            }
            try checkPick()
        }

        // Drain by running each pick: the order is the model's.
        while let next = fair.pickNext() {
            model.sort { ($0.key, $0.arrival) < ($1.key, $1.arrival) }
            #expect(next === model.removeFirst().task)
            fair.setNext(next, now: 0)
            fair.dequeue(next, flags: .sleep, now: 0)
            fair.putPrevious(now: 0)
        }
        #expect(model.isEmpty)
        #expect(fair.load == 0)
    }

    @Test func dequeueMakesVruntimeRelativeAndEnqueueRestoresIt() {
        let runner = SimTask("runner")
        let fair = queueRunning(runner, until: 5 * ms)
        let waiter = SimTask("waiter")
        enqueue(waiter, at: -2_000_000, in: fair, now: 5 * ms)
        let absolute = waiter.sched.vruntime
        fair.dequeue(waiter, flags: .save, now: 5 * ms)
        #expect(waiter.sched.vruntime == absolute &- fair.minVruntime)
        fair.enqueue(waiter, flags: [], now: 5 * ms)
        #expect(waiter.sched.vruntime == absolute)
    }

    @Test func runningChargesWeightedVirtualTime() {
        let heavy = SimTask("heavy", nice: -5)
        let fair = queueRunning(heavy, until: 0)
        let start = heavy.sched.vruntime
        fair.updateCurrent(now: 10 * ms)
        #expect(heavy.sched.sumExecRuntime == 10 * ms)
        // 10 ms * 1024 / 3121, within the multiply-shift's rounding.
        let advanced = heavy.sched.vruntime &- start
        #expect(advanced >= 3_280_900 && advanced <= 3_281_100)
        // Alone on the queue, it is min_vruntime.
        #expect(fair.minVruntime == heavy.sched.vruntime)
    }

    @Test func sliceSharesThePeriodByWeight() {
        let fair = FairRunQueue<SimTask>(tunables: SchedTunables())
        let tasks = (0..<3).map { SimTask("t\($0)") }
        for task in tasks { fair.enqueue(task, flags: [], now: 0) }
        #expect(isClose(fair.slice(of: tasks[0]), 2 * ms))

        // A joining entity counts as if queued: 4 tasks share 6 ms.
        let joining = SimTask("joining")
        #expect(isClose(fair.slice(of: joining), 1_500_000))

        // A heavy task gets its weight's part: 6 ms * 3121 / (3121 + 3 * 1024).
        let heavy = SimTask("heavy", nice: -5)
        fair.enqueue(heavy, flags: [], now: 0)
        let exact = 6 * ms * 3121 / (3121 + 3 * 1024)
        #expect(isClose(fair.slice(of: heavy), exact))

        // Beyond nr_latency the period stretches, and no slice goes below min_granularity.
        for index in 0..<8 { fair.enqueue(SimTask("more\(index)"), flags: [], now: 0) }
        #expect(fair.slice(of: tasks[0]) == 750_000)
    }

    @Test func newEntityStartsOneVirtualSliceAfterMinVruntime() {
        let runner = SimTask("runner")
        let fair = queueRunning(runner, until: 50 * ms)
        let newcomer = SimTask("new")
        fair.enqueue(newcomer, flags: .new, now: 50 * ms)
        // Two nice-0 tasks share 6 ms: 3 ms each.
        #expect(isClose(newcomer.sched.vruntime &- fair.minVruntime, 3 * ms))

        // A light newcomer's slice is short in real time but long in its virtual time.
        let light = SimTask("light", nice: 19)
        fair.enqueue(light, flags: .new, now: 50 * ms)
        let realSlice = 6 * ms * 15 / (2 * 1024 + 15)
        let expected = max(realSlice, 750_000) * 1024 / 15
        let placed = light.sched.vruntime &- fair.minVruntime
        #expect(isClose(placed, expected, within: 1000))
    }

    @Test func sleeperIsCreditedAtMostHalfALatency() {
        let runner = SimTask("runner")
        let fair = queueRunning(runner, until: 100 * ms)
        let sleeper = SimTask("sleeper")
        sleeper.sched.vruntime = fair.minVruntime &- 50 * ms  // slept long
        fair.enqueue(sleeper, flags: .wakeup, now: 100 * ms)
        #expect(sleeper.sched.vruntime == fair.minVruntime &- 3 * ms)

        let napper = SimTask("napper")
        let ownVruntime = fair.minVruntime &- 1 * ms  // slept briefly
        napper.sched.vruntime = ownVruntime
        fair.enqueue(napper, flags: .wakeup, now: 100 * ms)
        #expect(napper.sched.vruntime == ownVruntime)

        // SCHED_IDLE sleepers earn half a min_granularity only.
        let idler = SimTask("idler", policy: .idle)
        idler.sched.vruntime = fair.minVruntime &- 50 * ms
        fair.enqueue(idler, flags: .wakeup, now: 100 * ms)
        #expect(idler.sched.vruntime == fair.minVruntime &- 375_000)
    }

    @Test func tickPreemptsAfterTheSlice() {
        let first = SimTask("first")
        let fair = queueRunning(first, until: 0)
        fair.enqueue(SimTask("second"), flags: [], now: 0)
        // Ideal slice 3 ms; the vruntime lead over the waiter stays below it.
        #expect(!fair.tick(now: 2 * ms))
        #expect(!fair.tick(now: 2_900_000))
        #expect(fair.tick(now: 3_100_000))
    }

    @Test func tickPreemptsWhenFarAheadOfTheLeftmost() {
        let first = SimTask("first")
        let fair = queueRunning(first, until: 0)
        // The waiter is 2.5 ms of virtual time behind; the slice is 3 ms.
        enqueue(SimTask("behind"), at: -2_500_000, in: fair, now: 0)
        // Below min_granularity: no preemption, whatever the lead.
        #expect(!fair.tick(now: 700_000))
        // 0.8 ms run: lead 3.3 ms > 3 ms.
        #expect(fair.tick(now: 800_000))
    }

    @Test func wakeupPreemptsBeyondTheWeightedGranularity() {
        for (nice, lead, preempts) in [
            (0, ms, false), (0, ms + 1, true),
            (19, 68 * ms, false), (19, 69 * ms, true),
        ] {
            let fair = queueRunning(SimTask("runner"), until: 10 * ms)
            let woken = SimTask("woken", nice: nice)
            enqueue(woken, at: -Int64(lead), in: fair, now: 10 * ms)
            #expect(fair.checkPreemptWakeup(woken, now: 10 * ms) == preempts, "nice \(nice) lead \(lead)")
        }
    }

    @Test func batchAndIdlePolicyNeverPreemptOnWakeup() {
        for policy in [SchedPolicy.batch, .idle] {
            let fair = queueRunning(SimTask("runner"), until: 10 * ms)
            let woken = SimTask("woken", policy: policy)
            enqueue(woken, at: -100_000_000, in: fair, now: 10 * ms)
            #expect(!fair.checkPreemptWakeup(woken, now: 10 * ms), "\(policy)")
        }
        // But a SCHED_IDLE runner gives way to any normal waker at once.
        let fair = queueRunning(SimTask("idle runner", policy: .idle), until: 10 * ms)
        let woken = SimTask("woken")
        enqueue(woken, at: 0, in: fair, now: 10 * ms)
        #expect(fair.checkPreemptWakeup(woken, now: 10 * ms))
    }

    @Test func preemptingWakerIsPickedEvenIfNotLeftmost() {
        let runner = SimTask("runner")
        let fair = queueRunning(runner, until: 10 * ms)
        let leftmost = SimTask("leftmost")
        enqueue(leftmost, at: -3_000_000, in: fair, now: 10 * ms)
        let woken = SimTask("woken")
        enqueue(woken, at: -2_500_000, in: fair, now: 10 * ms)
        #expect(fair.checkPreemptWakeup(woken, now: 10 * ms))
        fair.putPrevious(now: 10 * ms)
        // Within a granularity of the leftmost, the next buddy wins.
        #expect(fair.pickNext() === woken)
        fair.setNext(woken, now: 10 * ms)
        fair.putPrevious(now: 10 * ms)
        // Picking it spent the hint.
        #expect(fair.pickNext() === leftmost)
    }

    @Test func yieldPassesOverTheYielderOnlyWhenFair() {
        // (offset of the other entity, whether the yielder yields, who runs next)
        for (offset, yields, otherRuns) in [
            (Int64(500_000), false, false), (500_000, true, true),
            (2_000_000, true, false),
        ] {
            let yielder = SimTask("yielder")
            let fair = queueRunning(yielder, until: 0)
            let other = SimTask("other")
            enqueue(other, at: offset, in: fair, now: 0)
            if yields { fair.yieldCurrent() }
            fair.putPrevious(now: 0)
            #expect(fair.timeline.leftmost === yielder)
            #expect((fair.pickNext() === other) == otherRuns, "offset \(offset) yields \(yields)")
        }
    }
}
