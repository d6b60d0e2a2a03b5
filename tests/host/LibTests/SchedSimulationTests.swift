import Testing

@testable import Lib

private let ms = SchedSimulator.millisecond
private let second = SchedSimulator.second

/// Whether `actual` is within `tolerance` (relative) of `expected`.
private func isWithin(_ tolerance: Double, _ actual: UInt64, of expected: Double) -> Bool {
    abs(Double(actual) - expected) <= tolerance * expected
}

/// Whole-system behaviour of CFS: simulated CPU-bound and interactive tasks
/// on one CPU with a 4 ms tick.
@Suite struct SchedSimulationTests {
    @Test func cpuTimeFollowsWeights() {
        let sim = SchedSimulator()
        let tasks = [SimTask("nice0", nice: 0), SimTask("nice5", nice: 5), SimTask("nice-5", nice: -5)]
        for task in tasks { sim.spawn(task) }
        sim.run(for: 10 * second)

        let totalWeight = Double(1024 + 335 + 3121)
        for task in tasks {
            let share = Double(task.sched.load.weight) / totalWeight
            #expect(
                isWithin(0.02, task.cpuTime, of: share * Double(10 * second)),
                "\(task.name): \(task.cpuTime) ns")
        }
        // The run queue's own accounting agrees with the simulator's, except
        // for the running task's last, not yet charged stretch.
        for task in tasks where task !== sim.rq.current {
            #expect(task.sched.sumExecRuntime == task.cpuTime)
        }
        #expect(tasks.reduce(0) { $0 + $1.cpuTime } == 10 * second)
    }

    @Test func equalNiceGetsEqualShares() {
        let sim = SchedSimulator()
        let tasks = (0..<4).map { SimTask("hog\($0)", nice: 3) }
        for task in tasks { sim.spawn(task) }
        sim.run(for: 10 * second)
        for task in tasks {
            #expect(isWithin(0.02, task.cpuTime, of: Double(10 * second) / 4), "\(task.name)")
        }
        // A task waits at most the other three's slices between runs (each
        // rounded up to a tick), never a whole period more.
        for task in tasks {
            #expect(task.sched.statistics.longestWait <= 3 * 2 * SchedSimulator.tickPeriod)
        }
    }

    @Test func sleeperGetsCPUPromptlyAndDoesNotStarveOthers() {
        let sim = SchedSimulator()
        let hogs = [SimTask("hog0"), SimTask("hog1")]
        let interactive = SimTask("interactive", behavior: .periodic(run: 1 * ms, sleep: 10 * ms))
        for task in hogs + [interactive] { sim.spawn(task) }
        sim.run(for: 10 * second)

        // Wakeup preemption: it gets the CPU within sched_latency of waking
        // (in fact at once, being half a latency behind the hogs).
        #expect(interactive.longestWakeLatency <= SchedTunables().latency)
        #expect(interactive.sched.statistics.longestWait <= SchedTunables().latency)
        // It gets all it asks for: 1 ms of every 11 ms.
        #expect(isWithin(0.02, interactive.cpuTime, of: Double(10 * second) / 11))
        // The hogs share the rest evenly, and the CPU never idles.
        let rest = 10 * second - interactive.cpuTime
        for hog in hogs { #expect(isWithin(0.02, hog.cpuTime, of: Double(rest) / 2), "\(hog.name)") }
        #expect(hogs.reduce(interactive.cpuTime) { $0 + $1.cpuTime } == 10 * second)
    }

    @Test func frequentSleepersCannotStarveAHog() {
        // Five tasks that each want 1 ms of every 2 ms: far more than the CPU.
        // Sleeping earns at most half a latency of credit per wakeup, so they
        // are treated like CPU-bound tasks and the hog gets a fair sixth.
        let sim = SchedSimulator()
        let hog = SimTask("hog")
        sim.spawn(hog)
        for index in 0..<5 {
            sim.spawn(SimTask("sleeper\(index)", behavior: .periodic(run: 1 * ms, sleep: 1 * ms)))
        }
        sim.run(for: 10 * second)
        #expect(isWithin(0.1, hog.cpuTime, of: Double(10 * second) / 6), "hog: \(hog.cpuTime) ns")
    }

    @Test func newTaskCannotMonopoliseTheCPU() {
        let sim = SchedSimulator()
        let hogs = [SimTask("hog0"), SimTask("hog1")]
        for hog in hogs { sim.spawn(hog) }
        sim.run(for: 1 * second)

        let newcomer = SimTask("new")
        let start = sim.now
        sim.spawn(newcomer)
        // Placed one slice (6 ms shared by 3) after min_vruntime.
        let placed = newcomer.sched.vruntime &- sim.rq.fair.minVruntime
        #expect(placed >= 1_999_000 && placed <= 2 * ms)
        // It does not preempt on arrival; the hogs' current period is theirs.
        #expect(sim.rq.current !== newcomer)

        sim.run(for: 100 * ms)
        #expect(sim.cpuTime(of: newcomer, from: start, to: start + 100 * ms) <= 40 * ms)
        sim.run(for: 3 * second)
        for task in hogs + [newcomer] {
            let got = sim.cpuTime(of: task, from: start, to: sim.now)
            #expect(isWithin(0.02, got, of: Double(sim.now - start) / 3), "\(task.name)")
        }
    }

    @Test func setNiceReweightsFromThenOn() throws {
        let sim = SchedSimulator()
        let steady = SimTask("steady")
        let changed = SimTask("changed")
        sim.spawn(steady)
        sim.spawn(changed)
        sim.run(for: 1 * second)
        #expect(isWithin(0.02, changed.cpuTime, of: Double(second) / 2))

        // Change it whether it is running or waiting at this moment.
        sim.rq.setNice(changed, to: 5, now: sim.now)
        #expect(changed.sched.load.weight == 335)
        #expect(sim.rq.fair.load == 1024 + 335)
        try sim.rq.fair.timeline.validate()
        let start = sim.now
        sim.run(for: 10 * second)
        let got = sim.cpuTime(of: changed, from: start, to: sim.now)
        #expect(isWithin(0.02, got, of: Double(10 * second) * 335 / (1024 + 335)))
    }

    @Test func schedIdleGetsOnlyLeftovers() {
        let sim = SchedSimulator()
        let normal = SimTask("normal", nice: 19)
        let background = SimTask("background", policy: .idle)
        sim.spawn(background)
        sim.spawn(normal)
        sim.run(for: 10 * second)
        // Weight 3 against nice 19's 15: a sixth, allowing for the tick's granularity.
        #expect(isWithin(0.05, background.cpuTime, of: Double(10 * second) * 3 / 18))
    }
}
