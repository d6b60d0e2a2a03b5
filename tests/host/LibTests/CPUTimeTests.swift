import ABI
import Testing

@testable import Lib

@Suite struct CPUTimeTests {
    @Test func runtimeIsSplitInTheTicksProportion() {
        var split = CPUTimeSplit()
        // 3 user ticks to 1 system tick: 1200 ns of runtime is 900 + 300.
        #expect(split.adjust(runtime: 1200, ticks: CPUTime(user: 3, system: 1)) == CPUTime(user: 900, system: 300))
    }

    @Test func withoutSamplesEverythingIsUserTime() {
        var split = CPUTimeSplit()
        #expect(split.adjust(runtime: 500, ticks: CPUTime()) == CPUTime(user: 500, system: 0))
        var systemOnly = CPUTimeSplit()
        #expect(systemOnly.adjust(runtime: 500, ticks: CPUTime(system: 4)) == CPUTime(user: 0, system: 500))
    }

    @Test func neitherHalfGoesBackwards() {
        var split = CPUTimeSplit()
        let first = split.adjust(runtime: 1000, ticks: CPUTime(user: 1, system: 1))
        #expect(first == CPUTime(user: 500, system: 500))
        // The proportion swings to all user time: system stays at 500, user takes the rest.
        let second = split.adjust(runtime: 1600, ticks: CPUTime(user: 10, system: 0))
        #expect(second == CPUTime(user: 1100, system: 500))
        // Runtime that did not grow reports the same split again.
        #expect(split.adjust(runtime: 1600, ticks: CPUTime(user: 10, system: 90)) == second)
        // Then towards system time: user stays.
        let third = split.adjust(runtime: 2000, ticks: CPUTime(user: 1, system: 99))
        #expect(third.user == 1100 && third.system == 900)
    }

    @Test func largeValuesScaleWithoutOverflow() {
        var split = CPUTimeSplit()
        let runtime: UInt64 = 1 << 62
        let result = split.adjust(runtime: runtime, ticks: CPUTime(user: 1 << 61, system: 1 << 61))
        #expect(result.total == runtime)
        #expect(result.system == runtime / 2)
        #expect(CPUTimeSplit.scale(.max, by: 1, over: 3) == UInt64.max / 3)
        #expect(CPUTimeSplit.scale(1_000_000_007, by: 123_456_789_012, over: 987_654_321_098) == 124_999_999)
    }

    @Test func usageAccumulatesCountersAndKeepsThePeak() {
        var total = ResourceUsage()
        var child = ResourceUsage()
        child.time = CPUTime(user: 2_500_000_000, system: 1500)
        child.minorFaults = 7
        child.voluntarySwitches = 3
        child.involuntarySwitches = 2
        child.maxResidentKilobytes = 800
        total.maxResidentKilobytes = 1000
        total.accumulate(child)
        total.accumulate(child)
        #expect(total.minorFaults == 14 && total.voluntarySwitches == 6 && total.involuntarySwitches == 4)
        #expect(total.maxResidentKilobytes == 1000)
        let usage = total.rusage
        #expect(usage.ru_utime.tv_sec == 5 && usage.ru_utime.tv_usec == 0)
        #expect(usage.ru_stime.tv_sec == 0 && usage.ru_stime.tv_usec == 3)
        #expect(usage.ru_minflt == 14 && usage.ru_majflt == 0 && usage.ru_maxrss == 1000)
        #expect(usage.ru_nvcsw == 6 && usage.ru_nivcsw == 4)
    }
}
