import Testing

@testable import Lib

@Suite struct IntervalTimerTests {
    @Test func relativeOneShot() {
        var timer = IntervalTimer()
        #expect(!timer.isArmed && timer.remaining(at: 5) == nil)
        timer.set(value: 100, interval: 0, absolute: false, now: 1000)
        #expect(timer.expires == 1100 && timer.remaining(at: 1040) == 60)
        #expect(timer.expire(at: 1099) == 0 && timer.isArmed)
        #expect(timer.expire(at: 1100) == 1 && !timer.isArmed)
        #expect(timer.expire(at: 5000) == 0)
    }

    @Test func periodicCountsOverrunsAndKeepsItsPhase() {
        var timer = IntervalTimer()
        timer.set(value: 100, interval: 50, absolute: false, now: 0)
        #expect(timer.expire(at: 100) == 1 && timer.expires == 150)
        // Noticed late: 150, 200 and 250 have all passed.
        #expect(timer.expire(at: 260) == 3 && timer.expires == 300)
        #expect(timer.remaining(at: 260) == 40)
    }

    @Test func absoluteZeroAndOverflow() {
        var timer = IntervalTimer()
        timer.set(value: 70, interval: 0, absolute: true, now: 100)
        #expect(timer.remaining(at: 100) == 0 && timer.expire(at: 100) == 1)
        timer.set(value: 0, interval: 10, absolute: false, now: 100)
        #expect(!timer.isArmed && timer.interval == 10)
        timer.set(value: .max, interval: 0, absolute: false, now: 100)
        #expect(timer.expires == .max)
        timer.set(value: 10, interval: .max, absolute: false, now: 0)
        #expect(timer.expire(at: 10) == 1 && timer.expires == .max)
        timer.disarm()
        #expect(!timer.isArmed)
    }
}
