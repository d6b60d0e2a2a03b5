import Testing

@testable import Lib

/// The arithmetic under CFS: weights, inverse weights, the multiply-shift
/// division, the period, and wrap-safe vruntime comparison.
@Suite struct SchedWeightTests {
    @Test func tablesMatchLinuxAtKnownPoints() {
        let expected: [(nice: Int, weight: UInt64, inverse: UInt32)] = [
            (-20, 88761, 48388), (-5, 3121, 1_376_151), (0, 1024, 4_194_304),
            (5, 335, 12_820_798), (19, 15, 286_331_153),
        ]
        for (nice, weight, inverse) in expected {
            #expect(LoadWeight(nice: nice).weight == weight, "nice \(nice)")
            #expect(LoadWeight(nice: nice).inverseWeight == inverse, "nice \(nice)")
        }
        #expect(LoadWeight.idlePolicy.weight == 3)
        #expect(LoadWeight.nice0Weight == LoadWeight(nice: 0).weight)
    }

    @Test func inverseWeightsAreTwoToThe32OverWeight() {
        for nice in SchedPolicy.niceRange {
            let load = LoadWeight(nice: nice)
            let exact = Double(1 << 32) / Double(load.weight)
            // Linux's table is rounded, a few entries off by one.
            #expect(abs(Double(load.inverseWeight) - exact) <= 1, "nice \(nice)")
        }
    }

    @Test func neighbouringNiceLevelsDifferByAboutAQuarter() {
        for nice in SchedPolicy.niceRange.dropLast() {
            let ratio = Double(LoadWeight(nice: nice).weight) / Double(LoadWeight(nice: nice + 1).weight)
            #expect(ratio >= 1.2 && ratio < 1.3, "nice \(nice)")
        }
    }

    @Test func virtualDeltaIsRealTimeScaledByNice0OverWeight() {
        let deltas: [UInt64] = [1, 999, 750_000, 4_000_000, 1_000_000_000, 1 << 50]
        for nice in SchedPolicy.niceRange {
            let load = LoadWeight(nice: nice)
            for delta in deltas {
                let exact = UInt128(delta) * 1024 / UInt128(load.weight)
                let got = UInt128(load.virtualDelta(delta))
                let error = got > exact ? got - exact : exact - got
                // The rounded inverse costs at most a few parts per million.
                #expect(error <= exact / 100_000 + 1, "nice \(nice) delta \(delta)")
            }
        }
        #expect(LoadWeight(nice: 0).virtualDelta(123_456_789) == 123_456_789)
    }

    @Test func scaleHandlesWideFactorsAndLoads() {
        // A factor beyond 32 bits, and a product with the inverse beyond 32
        // bits, exercise both narrowing steps.
        let cases: [(load: UInt64, factor: UInt64, delta: UInt64)] = [
            (3 * 1024, 1024, 6_000_000),
            (1024, 1 << 33, 1 << 20),
            (15, 88761, 1 << 45),
            (88761 * 1000, 88761, 1_000_000_000),
        ]
        for (loadWeight, factor, delta) in cases {
            let load = LoadWeight(weight: loadWeight)
            let exact = UInt128(delta) * UInt128(factor) / UInt128(loadWeight)
            let got = UInt128(load.scale(delta, by: factor))
            let error = got > exact ? got - exact : exact - got
            // The truncated inverse of a sum is off by up to load / 2^32, relatively:
            // 2% for a thousand nice -20 tasks, as in Linux.
            let tolerance = exact * UInt128(loadWeight) / (1 << 32) + exact / 1_000_000 + 1
            #expect(error <= tolerance, "load \(loadWeight) factor \(factor)")
        }
    }

    @Test func computedInverseSaturates() {
        #expect(LoadWeight(weight: 0).inverseWeight == UInt32.max)
        #expect(LoadWeight(weight: 1 << 40).inverseWeight == 1)
        #expect(LoadWeight(weight: 1024).inverseWeight == UInt32.max / 1024)
    }

    @Test func periodStretchesBeyondNrLatencyTasks() {
        let tunables = SchedTunables()
        #expect(tunables.nrLatency == 8)
        #expect(tunables.period(nrRunning: 1) == 6_000_000)
        #expect(tunables.period(nrRunning: 8) == 6_000_000)
        #expect(tunables.period(nrRunning: 9) == 6_750_000)
        #expect(tunables.roundRobinTimeslice == 100_000_000)
        #expect(tunables.wakeupGranularity == 1_000_000)
    }

    @Test func vruntimeComparisonSurvivesWrap() {
        let nearWrap = UInt64.max - 5
        #expect(Vruntime.isBefore(nearWrap, 3))
        #expect(!Vruntime.isBefore(3, nearWrap))
        #expect(Vruntime.difference(3, nearWrap) == 9)
        #expect(Vruntime.later(nearWrap, 3) == 3)
        #expect(Vruntime.earlier(nearWrap, 3) == nearWrap)
        #expect(!Vruntime.isBefore(7, 7))
    }

    @Test func prioMapsPoliciesOntoOneScale() {
        #expect(SchedState<SimTask>(policy: .fifo, realTimePriority: 99).prio == 0)
        #expect(SchedState<SimTask>(policy: .roundRobin, realTimePriority: 1).prio == 98)
        #expect(SchedState<SimTask>(nice: -20).prio == 100)
        #expect(SchedState<SimTask>().prio == 120)
        #expect(SchedState<SimTask>(policy: .batch, nice: 19).prio == 139)
        #expect(SchedState<SimTask>(policy: .idle, nice: -20).load == .idlePolicy)
    }

    @Test func priorityMustMatchPolicy() {
        #expect(SchedState<SimTask>.isValid(policy: .fifo, realTimePriority: 1))
        #expect(SchedState<SimTask>.isValid(policy: .roundRobin, realTimePriority: 99))
        #expect(!SchedState<SimTask>.isValid(policy: .fifo, realTimePriority: 0))
        #expect(!SchedState<SimTask>.isValid(policy: .roundRobin, realTimePriority: 100))
        #expect(!SchedState<SimTask>.isValid(policy: .normal, realTimePriority: 5))
        #expect(SchedState<SimTask>.isValid(policy: .idle, realTimePriority: 0))
    }

    @Test func userSpacePolicyNumbers() {
        #expect(SchedPolicy(rawValue: 0) == .normal)
        #expect(SchedPolicy(rawValue: 1) == .fifo)
        #expect(SchedPolicy(rawValue: 2) == .roundRobin)
        #expect(SchedPolicy(rawValue: 3) == .batch)
        #expect(SchedPolicy(rawValue: 4) == nil)  // SCHED_ISO, reserved
        #expect(SchedPolicy(rawValue: 5) == .idle)
        #expect(SchedPolicy(rawValue: 6) == nil)  // SCHED_DEADLINE, not supported
    }
}
