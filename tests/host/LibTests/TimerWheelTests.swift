import Testing

@testable import Lib

// MARK: Fixtures

/// Records which timers fired, in order; timers log their index here.
private final class FiringLog {
    var fired: [Int] = []
}

/// The reference model: when each pending timer fires, worked out from the
/// rule the wheel promises rather than from its buckets. A timer whose delay
/// from the wheel clock is d goes to the level with granularity g = 8^n, the
/// smallest with d < 63·g (g at most 8^8), and fires at the first multiple
/// of g after its expiry; a timer already due fires at the clock; a delay
/// past the cutoff is cut to the maximum timeout.
private struct WheelModel {
    var clock: UInt64
    /// Firing jiffy of each pending timer, by index.
    var fireAt: [Int: UInt64] = [:]

    static func firingJiffy(expires: UInt64, clock: UInt64) -> UInt64 {
        guard expires >= clock else { return clock }
        let delay = expires - clock
        let target = delay >= TimerWheel.timeoutCutoff ? clock + TimerWheel.maximumTimeout : expires
        var granularity: UInt64 = 1
        while delay >= 63 * granularity && granularity < 1 << 24 { granularity *= 8 }
        return (target / granularity + 1) * granularity
    }

    mutating func arm(_ index: Int, expires: UInt64) {
        fireAt[index] = Self.firingJiffy(expires: expires, clock: clock)
    }

    var nextExpiry: UInt64? { fireAt.values.min() }

    /// Takes out the timers due by `jiffies`, as `runTimers` should fire them.
    mutating func run(upTo jiffies: UInt64) -> [Int: UInt64] {
        let due = fireAt.filter { $0.value <= jiffies }
        for index in due.keys { fireAt[index] = nil }
        clock = max(clock, jiffies + 1)
        return due
    }
}

/// A wheel, its timers and the model, driven in lockstep.
private struct WheelHarness {
    let wheel: TimerWheel
    let log = FiringLog()
    var timers: [WheelTimer] = []
    var model: WheelModel
    var now: UInt64

    init(jiffies: UInt64, timerCount: Int) {
        wheel = TimerWheel(jiffies: jiffies)
        model = WheelModel(clock: jiffies)
        now = jiffies
        for index in 0..<timerCount {
            timers.append(WheelTimer { [log] _ in log.fired.append(index) })
        }
    }

    /// Runs the wheel to `jiffies` and checks it fired exactly the model's
    /// due timers, in order of firing jiffy.
    mutating func run(upTo jiffies: UInt64) {
        #expect(wheel.nextExpiry == model.nextExpiry, "next expiry before running to \(jiffies)")
        let due = model.run(upTo: jiffies)
        log.fired.removeAll()
        wheel.runTimers(upTo: jiffies)
        now = jiffies
        #expect(log.fired.sorted() == due.keys.sorted(), "timers fired by \(jiffies)")
        let firingOrder = log.fired.map { due[$0] ?? 0 }
        #expect(firingOrder == firingOrder.sorted(), "timers fired out of order by \(jiffies)")
        #expect(wheel.clock == model.clock)
        for index in due.keys { #expect(!timers[index].isPending) }
    }

    /// Advances to `target` the NO_HZ way: straight to each next expiry.
    mutating func jump(to target: UInt64) {
        while let next = wheel.nextExpiry, next <= target { run(upTo: next) }
        run(upTo: target)
    }
}

/// A delay spread over every level of the wheel, sometimes negative (due already).
private func randomTimeout(_ random: inout TestRandom) -> Int64 {
    let level = Int.random(in: 0..<TimerWheel.levelCount, using: &random)
    let span = Int64(64) << (3 * level)
    return Int64.random(in: -5..<span, using: &random)
}

private func offset(_ jiffies: UInt64, by delta: Int64) -> UInt64 {
    delta < 0 ? jiffies - UInt64(-delta) : jiffies + UInt64(delta)
}

@Suite struct TimerWheelTests {
    // MARK: Placement

    @Test func firesAtTheBoundaryOfTheLevelsGranularity() {
        // Clock 1000: delays up to 62 go to level 0 and fire one jiffy after
        // expiry; 63 ... 503 to level 1 (multiples of 8); 504 to level 2
        // (multiples of 64). Worked out by hand.
        let cases: [(delay: UInt64, firesAt: UInt64)] = [
            (0, 1001), (1, 1002), (62, 1063), (63, 1064), (64, 1072), (503, 1504), (504, 1536),
        ]
        for (delay, firesAt) in cases {
            let wheel = TimerWheel(jiffies: 1000)
            var firedAt: UInt64?
            let timer = WheelTimer { _ in firedAt = wheel.clock - 1 }
            wheel.add(timer, expires: 1000 + delay)
            #expect(wheel.nextExpiry == firesAt, "delay \(delay)")
            wheel.runTimers(upTo: firesAt - 1)
            #expect(firedAt == nil, "delay \(delay) fired early")
            wheel.runTimers(upTo: firesAt)
            #expect(firedAt == firesAt, "delay \(delay)")
        }
    }

    @Test func neverFiresEarlyAndAtMostAnEighthLate() {
        var random = TestRandom(seed: 7)
        var timeouts = Array(Int64(-5)...2000)
        for _ in 0..<3000 {
            timeouts.append(Int64.random(in: 0..<Int64(TimerWheel.timeoutCutoff) - 1, using: &random))
        }
        for timeout in timeouts {
            let now: UInt64 = 12_345
            let wheel = TimerWheel(jiffies: now)
            wheel.runTimers(upTo: now)
            var firedAt: UInt64?
            let timer = WheelTimer { _ in firedAt = wheel.clock - 1 }
            let expires = offset(now, by: timeout)
            wheel.add(timer, expires: expires)
            while firedAt == nil, let next = wheel.nextExpiry { wheel.runTimers(upTo: next) }
            guard let firedAt else {
                Issue.record("timeout \(timeout) never fired")
                continue
            }
            #expect(firedAt > expires, "timeout \(timeout) fired early")
            if timeout > 0 {
                // Level n > 0 needs a delay of at least 63·8^(n-1) jiffies.
                let slack = max(1, UInt64(timeout) * 8 / 63)
                #expect(firedAt - expires <= slack, "timeout \(timeout) fired \(firedAt - expires) late")
            } else {
                #expect(firedAt == now + 1, "overdue timer waited")
            }
        }
    }

    @Test func delaysBeyondTheWheelAreCutToItsLastBucket() {
        let now: UInt64 = 77
        let wheel = TimerWheel(jiffies: now)
        var firedAt: UInt64?
        let timer = WheelTimer { _ in firedAt = wheel.clock - 1 }
        wheel.add(timer, expires: now + 10 * TimerWheel.timeoutCutoff)
        let next = try! #require(wheel.nextExpiry)
        #expect(next > now + TimerWheel.maximumTimeout && next <= now + TimerWheel.timeoutCutoff)
        wheel.runTimers(upTo: next)
        #expect(firedAt == next)
    }

    // MARK: Against the model

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomOperationsMatchTheModel(seed: UInt64) {
        var random = TestRandom(seed: seed)
        var harness = WheelHarness(jiffies: 1_000_000 * seed, timerCount: 150)
        for _ in 0..<4000 {
            let index = Int.random(in: 0..<harness.timers.count, using: &random)
            let timer = harness.timers[index]
            let wasPending = harness.model.fireAt[index] != nil
            #expect(timer.isPending == wasPending)
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<30 where !wasPending:
                let expires = offset(harness.now, by: randomTimeout(&random))
                harness.wheel.add(timer, expires: expires)
                harness.model.arm(index, expires: expires)
            case 0..<50:
                let expires = offset(harness.now, by: randomTimeout(&random))
                #expect(harness.wheel.modify(timer, expires: expires) == wasPending)
                harness.model.arm(index, expires: expires)
                #expect(timer.expires == expires)
            case 50..<65:
                #expect(harness.wheel.remove(timer) == wasPending)
                harness.model.fireAt[index] = nil
            case 65..<80:
                // Tick by tick, as with a periodic tick.
                for _ in 0..<Int.random(in: 1...8, using: &random) { harness.run(upTo: harness.now + 1) }
            case 80..<90:
                // One call catching up many ticks: after an interrupt-off stretch.
                harness.run(upTo: harness.now + UInt64.random(in: 0..<5000, using: &random))
            default:
                let timeout = UInt64(randomTimeout(&random).magnitude)
                harness.jump(to: harness.now + timeout)
            }
        }
        harness.jump(to: harness.now + TimerWheel.timeoutCutoff)
        #expect(harness.wheel.nextExpiry == nil)
    }

    // MARK: Timer functions

    @Test func timersArmedByAFunctionFireOnTheNextRun() {
        let wheel = TimerWheel(jiffies: 100)
        let log = FiringLog()
        let overdue = WheelTimer { _ in log.fired.append(1) }
        let dueNow = WheelTimer { _ in log.fired.append(2) }
        let dueNext = WheelTimer { _ in log.fired.append(3) }
        let first = WheelTimer { _ in
            log.fired.append(0)
            wheel.add(overdue, expires: 90)
            wheel.add(dueNow, expires: 105)
            wheel.add(dueNext, expires: 106)
        }
        wheel.add(first, expires: 104)
        wheel.runTimers(upTo: 105)
        #expect(log.fired == [0])
        #expect(wheel.nextExpiry == 106)
        wheel.runTimers(upTo: 106)
        #expect(log.fired.sorted() == [0, 1, 2])
        wheel.runTimers(upTo: 107)
        #expect(log.fired.sorted() == [0, 1, 2, 3])
    }

    @Test func aFunctionCanRearmItsOwnTimer() {
        let wheel = TimerWheel(jiffies: 0)
        var firings: [UInt64] = []
        let periodic = WheelTimer { timer in
            firings.append(wheel.clock - 1)
            #expect(wheel.runningTimer === timer)
            #expect(!timer.isPending)
            #expect(!wheel.remove(timer))
            if firings.count < 5 { wheel.modify(timer, expires: timer.expires + 10) }
        }
        wheel.add(periodic, expires: 10)
        for jiffies in 1...100 as ClosedRange<UInt64> { wheel.runTimers(upTo: jiffies) }
        #expect(firings == [11, 21, 31, 41, 51])
        #expect(wheel.runningTimer == nil)
    }

    @Test func aFunctionCanCancelATimerDueAtTheSameTick() {
        let wheel = TimerWheel(jiffies: 0)
        let log = FiringLog()
        var timers: [WheelTimer] = []
        for index in 0..<2 {
            timers.append(
                WheelTimer { _ in
                    log.fired.append(index)
                    #expect(wheel.remove(timers[1 - index]), "peer was no longer pending")
                })
        }
        for timer in timers { wheel.add(timer, expires: 5) }
        wheel.runTimers(upTo: 50)
        #expect(log.fired.count == 1)
        #expect(timers.allSatisfy { !$0.isPending })
    }

    @Test func aFunctionCanPostponeATimerDueAtTheSameTick() {
        let wheel = TimerWheel(jiffies: 0)
        var firings: [(index: Int, at: UInt64)] = []
        var timers: [WheelTimer] = []
        for index in 0..<2 {
            timers.append(
                WheelTimer { _ in
                    firings.append((index, wheel.clock - 1))
                    if firings.count == 1 { #expect(wheel.modify(timers[1 - index], expires: 20)) }
                })
        }
        for timer in timers { wheel.add(timer, expires: 5) }
        for jiffies in 1...30 as ClosedRange<UInt64> { wheel.runTimers(upTo: jiffies) }
        #expect(firings.map(\.at) == [6, 21])
        #expect(Set(firings.map(\.index)) == [0, 1])
    }

    // MARK: Lifetime

    @Test func droppingAWheelReleasesItsTimers() {
        weak var probe: WheelTimer?
        do {
            let wheel = TimerWheel(jiffies: 0)
            var timers: [WheelTimer] = []
            for delay in 0..<200 as Range<UInt64> {
                let timer = WheelTimer { _ in }
                wheel.add(timer, expires: delay * 37)
                timers.append(timer)
            }
            // Shares its level-2 bucket with timers[14] (expiry 518).
            probe = timers[15]
        }
        #expect(probe == nil)
    }

    @Test func anUnarmedTimerIsNotPending() {
        let wheel = TimerWheel(jiffies: 0)
        let timer = WheelTimer { _ in }
        #expect(!timer.isPending)
        #expect(!wheel.remove(timer))
        #expect(wheel.nextExpiry == nil)
        #expect(!wheel.modify(timer, expires: 3))
        #expect(timer.isPending)
        #expect(wheel.modify(timer, expires: 4))
        #expect(wheel.remove(timer))
        #expect(!timer.isPending)
        #expect(wheel.nextExpiry == nil)
    }
}
