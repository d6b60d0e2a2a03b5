@testable import Lib

// A discrete-event simulator for the scheduler tests: one CPU, a timer
// tick every 4 ms (HZ=250), tasks that compute for a while and then sleep.
// It drives a `RunQueue` exactly as the kernel glue will: enqueue +
// checkPreemptWakeup on wakeups, tick on the timer, dequeue(.sleep) when a
// task blocks, and pickNext whenever a reschedule is due. CPU time is
// measured by the simulator itself, independently of the run queue's own
// accounting.

/// What a simulated task does whenever it runs.
enum SimBehavior {
    /// Never blocks.
    case cpuBound
    /// Computes for `run` ns of CPU time, sleeps `sleep` ns, repeats.
    case periodic(run: UInt64, sleep: UInt64)
    /// Computes for `run` ns of CPU time, then sleeps for good.
    case runOnce(UInt64)
}

final class SimTask: SchedulableEntity {
    var rbLinks = RBLinks<SimTask>()
    var sched: SchedState<SimTask>
    let name: String
    let behavior: SimBehavior

    /// CPU time the simulator saw this task get.
    var cpuTime: UInt64 = 0
    /// CPU time left before it blocks; nil for a CPU-bound task.
    var burstLeft: UInt64?
    /// When it wakes up, while asleep; nil when runnable or asleep for good.
    var wakeAt: UInt64?
    var isAsleep = false
    /// When it last woke up, until it gets the CPU.
    var wokeAt: UInt64?
    /// The longest time from a wakeup to getting the CPU.
    var longestWakeLatency: UInt64 = 0

    init(
        _ name: String, policy: SchedPolicy = .normal, nice: Int = 0, priority: Int = 0,
        behavior: SimBehavior = .cpuBound
    ) {
        self.name = name
        self.behavior = behavior
        sched = SchedState(policy: policy, nice: nice, realTimePriority: priority)
        switch behavior {
        case .cpuBound: burstLeft = nil
        case .periodic(let run, _), .runOnce(let run): burstLeft = run
        }
    }
}

/// One stretch of CPU time given to one task.
struct SimRun {
    let task: SimTask
    let start: UInt64
    var end: UInt64
}

final class SchedSimulator {
    static let tickPeriod: UInt64 = 4_000_000
    static let millisecond: UInt64 = 1_000_000
    static let second: UInt64 = 1_000_000_000

    let idle = SimTask("idle")
    let rq: RunQueue<SimTask>
    private(set) var now: UInt64 = 0
    private var nextTick = tickPeriod
    private(set) var tasks: [SimTask] = []
    /// Every stretch of CPU time, adjacent stretches of one task merged.
    private(set) var runs: [SimRun] = []

    init(tunables: SchedTunables = SchedTunables()) {
        rq = RunQueue(idle: idle, tunables: tunables)
    }

    /// Creates `task` now, as fork + wake_up_new_task would.
    func spawn(_ task: SimTask) {
        tasks.append(task)
        rq.enqueue(task, flags: .new, now: now)
        rq.checkPreemptWakeup(task, now: now)
        rescheduleIfNeeded()
    }

    /// Advances simulated time by `duration`, handling every event on the way.
    func run(for duration: UInt64) {
        let end = now + duration
        while now < end {
            let current = rq.current
            var until = min(end, nextTick)
            if current !== idle, let burstLeft = current.burstLeft { until = min(until, now + burstLeft) }
            for task in tasks { if let wakeAt = task.wakeAt { until = min(until, wakeAt) } }
            account(current, until: until)
            now = until

            if current !== idle, current.burstLeft == 0 { block(current) }
            for task in tasks where task.wakeAt == now { wake(task) }
            if now == nextTick {
                nextTick += Self.tickPeriod
                rq.tick(now: now)
            }
            rescheduleIfNeeded()
        }
    }

    /// CPU time each task got within [start, end), by the simulator's record.
    func cpuTime(of task: SimTask, from start: UInt64, to end: UInt64) -> UInt64 {
        runs.filter { $0.task === task }.reduce(0) { total, run in
            let overlapStart = max(run.start, start)
            let overlapEnd = min(run.end, end)
            return total + (overlapEnd > overlapStart ? overlapEnd - overlapStart : 0)
        }
    }

    /// The tasks that ran within [start, end), in order, repeats merged.
    func sequence(from start: UInt64, to end: UInt64) -> [String] {
        var names: [String] = []
        for run in runs where run.end > start && run.start < end && names.last != run.task.name {
            names.append(run.task.name)
        }
        return names
    }

    private func account(_ current: SimTask, until: UInt64) {
        guard current !== idle, until > now else { return }
        let ran = until - now
        current.cpuTime += ran
        if let burstLeft = current.burstLeft { current.burstLeft = burstLeft - ran }
        if let last = runs.indices.last, runs[last].task === current, runs[last].end == now {
            runs[last].end = until
        } else {
            runs.append(SimRun(task: current, start: now, end: until))
        }
    }

    private func block(_ task: SimTask) {
        rq.dequeue(task, flags: .sleep, now: now)
        task.isAsleep = true
        switch task.behavior {
        case .cpuBound: preconditionFailure("a CPU-bound task never blocks")
        case .periodic(let run, let sleep):
            task.wakeAt = now + sleep
            task.burstLeft = run
        case .runOnce:
            task.wakeAt = nil
        }
    }

    /// Wakes a sleeping `task` now (try_to_wake_up).
    func wake(_ task: SimTask) {
        task.wakeAt = nil
        task.isAsleep = false
        task.wokeAt = now
        rq.enqueue(task, flags: .wakeup, now: now)
        rq.checkPreemptWakeup(task, now: now)
    }

    private func rescheduleIfNeeded() {
        guard rq.needsReschedule || rq.current.isAsleep else { return }
        let next = rq.pickNext(now: now)
        if let wokeAt = next.wokeAt {
            next.longestWakeLatency = max(next.longestWakeLatency, now - wokeAt)
            next.wokeAt = nil
        }
    }
}
