import Testing

@testable import Lib

// MARK: Fixtures

/// What the timer functions see and record: the time the queue is run
/// at, and which timers fired in which order.
private final class HRTimerLog {
    var now: UInt64 = 0
    var fired: [Int] = []
}

/// The reference model: a plain list of (timer, expiry, arrival) kept in
/// arbitrary order and searched for the minimum, run by the same rules the
/// queue promises: earliest expiry first, ties in arrival order, a
/// restarted periodic timer forwarded past `now` and arriving anew.
private struct HRTimerModel {
    struct Entry {
        let index: Int
        let expires: UInt64
        let arrival: Int
    }

    var entries: [Entry] = []
    private var arrivals = 0
    /// The period of each periodic timer, by index; nil for one-shot timers.
    let periods: [UInt64?]

    init(periods: [UInt64?]) { self.periods = periods }

    func expiry(of index: Int) -> UInt64? { entries.first { $0.index == index }?.expires }

    var nextExpiry: UInt64? { entries.map(\.expires).min() }

    mutating func start(_ index: Int, expires: UInt64) {
        cancel(index)
        arrivals += 1
        entries.append(Entry(index: index, expires: expires, arrival: arrivals))
    }

    mutating func cancel(_ index: Int) { entries.removeAll { $0.index == index } }

    /// The indices fired by running at `now`, in firing order.
    mutating func run(now: UInt64) -> [Int] {
        var fired: [Int] = []
        while let first = entries.min(by: { ($0.expires, $0.arrival) < ($1.expires, $1.arrival) }),
            first.expires <= now
        {
            cancel(first.index)
            fired.append(first.index)
            if let period = periods[first.index] {
                // Whole periods until strictly after now.
                let periodsLate = (now - first.expires) / period + 1
                start(first.index, expires: first.expires + periodsLate * period)
            }
        }
        return fired
    }
}

@Suite struct HRTimerQueueTests {
    // MARK: Order

    @Test func firesDueTimersInExpiryOrderAndTiesFirstComeFirstServed() throws {
        let queue = HRTimerQueue()
        let log = HRTimerLog()
        let expiries: [UInt64] = [500, 100, 300, 100, 700, 300]
        let timers = expiries.indices.map { index in
            HRTimer { _ in
                log.fired.append(index)
                return .noRestart
            }
        }
        for (timer, expires) in zip(timers, expiries) { queue.start(timer, expires: expires) }
        #expect(queue.nextExpiry == 100)
        queue.runExpired(now: 99)
        #expect(log.fired.isEmpty)
        queue.runExpired(now: 300)
        #expect(log.fired == [1, 3, 2, 5])
        #expect(queue.nextExpiry == 500)
        #expect(queue.count == 2)
        queue.runExpired(now: 10_000)
        #expect(log.fired == [1, 3, 2, 5, 0, 4])
        #expect(queue.nextExpiry == nil)
        #expect(timers.allSatisfy { !$0.isQueued })
        try queue.tree.validate()
    }

    @Test func startingAQueuedTimerMovesIt() throws {
        let queue = HRTimerQueue()
        let log = HRTimerLog()
        let timers = (0..<2).map { index in
            HRTimer { _ in
                log.fired.append(index)
                return .noRestart
            }
        }
        queue.start(timers[0], expires: 10)
        queue.start(timers[1], expires: 20)
        queue.start(timers[0], expires: 30)
        #expect(queue.count == 2)
        #expect(queue.nextExpiry == 20)
        #expect(timers[0].expires == 30)
        queue.runExpired(now: 30)
        #expect(log.fired == [1, 0])
        try queue.tree.validate()
    }

    // MARK: Forwarding and restarting

    @Test func forwardAdvancesByWholeIntervalsPastNow() {
        let timer = HRTimer { _ in .noRestart }
        // (expires, now, interval) -> (overruns, new expiry), worked out by hand.
        let cases: [(UInt64, UInt64, UInt64, UInt64, UInt64)] = [
            (100, 99, 10, 0, 100),  // not yet due: unchanged
            (100, 100, 10, 1, 110),  // due exactly now: one period on
            (100, 109, 10, 1, 110),
            (100, 110, 10, 2, 120),  // the result is strictly after now
            (100, 135, 10, 4, 140),
            (0, 1_000_000, 1, 1_000_001, 1_000_001),
            (5, .max, .max / 2, 2, .max),  // past the end of the clock: saturates
        ]
        for (expires, now, interval, overruns, newExpiry) in cases {
            timer.expires = expires
            #expect(timer.forward(now: now, interval: interval) == overruns, "expires \(expires) now \(now)")
            #expect(timer.expires == newExpiry, "expires \(expires) now \(now)")
        }
    }

    @Test func aPeriodicTimerKeepsItsPeriodAndCountsOverruns() {
        let queue = HRTimerQueue()
        let log = HRTimerLog()
        var overruns: [UInt64] = []
        let periodic = HRTimer { timer in
            #expect(queue.runningTimer === timer)
            #expect(!timer.isQueued)
            overruns.append(timer.forward(now: log.now, interval: 1_000))
            return .restart
        }
        queue.start(periodic, expires: 1_000)
        for now in [999, 1_000, 1_500, 2_000, 5_500, 5_999] as [UInt64] {
            log.now = now
            queue.runExpired(now: now)
        }
        // Due at 3000 but run at 5500: one run, reporting the 3 expiries
        // (3000, 4000, 5000) it stands for.
        #expect(overruns == [1, 1, 3])
        #expect(periodic.expires == 6_000)
        #expect(periodic.isQueued)
        #expect(queue.runningTimer == nil)
    }

    // MARK: Functions that start and cancel

    @Test func cancellingARunningTimerIsSafeAndRestartStillWins() throws {
        let queue = HRTimerQueue()
        var runs = 0
        var cancelResults: [Bool] = []
        let timer = HRTimer { timer in
            runs += 1
            cancelResults.append(queue.cancel(timer))
            timer.forward(now: 100, interval: 50)
            return runs == 1 ? .restart : .noRestart
        }
        queue.start(timer, expires: 100)
        queue.runExpired(now: 100)
        // Its function returned .restart after the cancel: queued again, at 150.
        #expect(cancelResults == [false])
        #expect(timer.isQueued)
        #expect(queue.nextExpiry == 150)
        queue.runExpired(now: 200)
        #expect(runs == 2)
        #expect(!timer.isQueued)
        #expect(!queue.cancel(timer))
        try queue.tree.validate()
    }

    @Test func aFunctionCanCancelATimerThatIsDueButHasNotRun() {
        let queue = HRTimerQueue()
        let log = HRTimerLog()
        var victim: HRTimer?
        let first = HRTimer { _ in
            log.fired.append(0)
            #expect(queue.cancel(victim!))
            return .noRestart
        }
        victim = HRTimer { _ in
            log.fired.append(1)
            return .noRestart
        }
        queue.start(first, expires: 10)
        queue.start(victim!, expires: 20)
        queue.runExpired(now: 30)
        #expect(log.fired == [0])
        #expect(queue.count == 0)
    }

    @Test func aFunctionThatStartsItsOwnTimerIsNotQueuedTwice() throws {
        let queue = HRTimerQueue()
        for restart in [HRTimerRestart.noRestart, .restart] {
            var runs = 0
            let timer = HRTimer { timer in
                runs += 1
                if runs == 1 { queue.start(timer, expires: 500) }
                return restart
            }
            queue.start(timer, expires: 100)
            queue.runExpired(now: 100)
            // Started from its function: queued once, at the expiry it chose.
            #expect(runs == 1)
            #expect(queue.count == 1)
            #expect(queue.nextExpiry == 500)
            try queue.tree.validate()
            #expect(queue.cancel(timer))
        }
    }

    @Test func aTimerStartedAlreadyDueRunsInTheSamePass() {
        let queue = HRTimerQueue()
        let log = HRTimerLog()
        let late = HRTimer { _ in
            log.fired.append(1)
            return .noRestart
        }
        let first = HRTimer { _ in
            log.fired.append(0)
            queue.start(late, expires: 5)
            return .noRestart
        }
        queue.start(first, expires: 10)
        queue.runExpired(now: 10)
        #expect(log.fired == [0, 1])
    }

    // MARK: Against the model

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomOperationsMatchTheModel(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let timerCount = 60
        // Every third timer is periodic, with its own period.
        var periods: [UInt64?] = []
        for index in 0..<timerCount {
            let period: UInt64? = index % 3 == 0 ? UInt64(700 + 13 * index) : nil
            periods.append(period)
        }
        var model = HRTimerModel(periods: periods)
        let queue = HRTimerQueue()
        let log = HRTimerLog()
        let timers = (0..<timerCount).map { index in
            HRTimer { timer in
                log.fired.append(index)
                guard let period = periods[index] else { return .noRestart }
                timer.forward(now: log.now, interval: period)
                return .restart
            }
        }
        for _ in 0..<5000 {
            let index = Int.random(in: 0..<timerCount, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                // Sometimes already due; sometimes the same expiry as another timer.
                let expires =
                    Bool.random(using: &random)
                    ? log.now + UInt64.random(in: 0..<5_000, using: &random)
                    : model.entries.randomElement(using: &random)?.expires ?? log.now
                queue.start(timers[index], expires: expires)
                model.start(index, expires: expires)
            case 5..<7:
                #expect(queue.cancel(timers[index]) == (model.expiry(of: index) != nil))
                model.cancel(index)
            default:
                log.now += UInt64.random(in: 0..<3_000, using: &random)
                log.fired.removeAll()
                queue.runExpired(now: log.now)
                #expect(log.fired == model.run(now: log.now), "run at \(log.now)")
            }
            #expect(queue.nextExpiry == model.nextExpiry)
            #expect(queue.count == model.entries.count)
            let queued = timers.map { $0.isQueued ? $0.expires : nil }
            var modelQueued = [UInt64?](repeating: nil, count: timerCount)
            for entry in model.entries { modelQueued[entry.index] = entry.expires }
            #expect(queued == modelQueued)
        }
        try queue.tree.validate()
    }
}
