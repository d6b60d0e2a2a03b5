import Testing

@testable import Lib

/// The reference model: one Bool per PID and bit-by-bit linear searches,
/// following Linux's alloc_pid and idr_alloc_cyclic step by step.
private struct PidModel {
    var inUse: [Bool]
    var pidMax: Int
    var lastHandedOut = -1

    init(pidMax: Int, capacity: Int) {
        inUse = Array(repeating: false, count: capacity)
        self.pidMax = pidMax
    }

    mutating func allocate() -> Int? {
        let cursor = lastHandedOut + 1
        let lowest = cursor > PidAllocator.reservedPids ? PidAllocator.reservedPids : 1
        let start = max(cursor, lowest)
        guard
            let pid = (start..<max(start, pidMax)).first(where: { !inUse[$0] })
                ?? (lowest..<max(lowest, min(start, pidMax))).first(where: { !inUse[$0] })
        else { return nil }
        inUse[pid] = true
        lastHandedOut = pid
        return pid
    }
}

@Suite struct PidAllocatorTests {
    // MARK: Order

    @Test func bootHandsOutIdleInitAndKthreaddInOrder() throws {
        let pids = PidAllocator()
        try pids.allocate(exactly: 0)
        #expect(try pids.allocate() == 1)
        #expect(try pids.allocate() == 2)
        #expect(try pids.allocate() == 3)
        #expect(pids.isAllocated(0))
        #expect(pids.pidMax == PidAllocator.defaultPidMax)
    }

    @Test func freedPidsAreReusedOnlyAfterWrapping() throws {
        let pids = PidAllocator(pidMax: 400)
        for expected in 1..<400 { #expect(try pids.allocate() == expected) }
        // Free a low PID, one in the middle and the last; the next PIDs skip
        // everything below the cursor until it wraps, then stay above 300.
        for pid in [5, 350, 399] { try pids.free(pid) }
        #expect(try pids.allocate() == 350)
        #expect(try pids.allocate() == 399)
        #expect(throws: PidAllocatorError.exhausted) { try pids.allocate() }
        #expect(!pids.isAllocated(5))
    }

    @Test func afterWrappingTheSearchContinuesFromTheLastPid() throws {
        let pids = PidAllocator(pidMax: 1000)
        for _ in 1..<1000 { _ = try pids.allocate() }
        for pid in [2, 310, 320, 700, 800] { try pids.free(pid) }
        #expect(try pids.allocate() == 310)
        try pids.free(305)
        // Cyclic: 305 is behind the cursor, so it waits for the next wrap.
        #expect(try pids.allocate() == 320)
        #expect(try pids.allocate() == 700)
        #expect(try pids.allocate() == 800)
        #expect(try pids.allocate() == 305)
    }

    @Test func searchesCrossWordBoundaries() throws {
        let pids = PidAllocator(pidMax: 1024)
        for _ in 1..<1024 { _ = try pids.allocate() }
        // Free PIDs at and next to 64-bit word edges, scanned from the wrap point.
        let edges = [319, 320, 383, 384, 447, 448, 1023]
        for pid in edges.reversed() { try pids.free(pid) }
        for pid in edges { #expect(try pids.allocate() == pid) }
    }

    // MARK: Errors

    @Test func freeingAFreePidIsAnError() throws {
        let pids = PidAllocator()
        let pid = try pids.allocate()
        try pids.free(pid)
        #expect(throws: PidAllocatorError.notAllocated) { try pids.free(pid) }
        #expect(throws: PidAllocatorError.notAllocated) { try pids.free(77) }
        #expect(throws: PidAllocatorError.notAllocated) { try pids.free(-1) }
        #expect(throws: PidAllocatorError.notAllocated) { try pids.free(1 << 40) }
    }

    @Test func explicitAllocationChecksRangeAndUse() throws {
        let pids = PidAllocator(pidMax: 500)
        try pids.allocate(exactly: 42)
        #expect(throws: PidAllocatorError.alreadyAllocated) { try pids.allocate(exactly: 42) }
        #expect(throws: PidAllocatorError.outOfRange) { try pids.allocate(exactly: 500) }
        #expect(throws: PidAllocatorError.outOfRange) { try pids.allocate(exactly: -1) }
        // The cursor did not move, and 42 is skipped when reached.
        for expected in Array(1..<42) + [43] { #expect(try pids.allocate() == expected) }
    }

    @Test func exhaustionIsReportedAndRecoveredFrom() throws {
        let pids = PidAllocator(pidMax: PidAllocator.minimumPidMax)
        for expected in 1...PidAllocator.reservedPids { #expect(try pids.allocate() == expected) }
        #expect(throws: PidAllocatorError.exhausted) { try pids.allocate() }
        // Once wrapped, only the PID at reservedPids is in the allocatable range.
        try pids.free(7)
        #expect(throws: PidAllocatorError.exhausted) { try pids.allocate() }
        try pids.free(PidAllocator.reservedPids)
        #expect(try pids.allocate() == PidAllocator.reservedPids)
    }

    // MARK: pid_max

    @Test func pidMaxStaysWithinItsBounds() throws {
        let pids = PidAllocator(pidMax: 1000, capacity: 5000)
        #expect(throws: PidAllocatorError.invalidPidMax) { try pids.setPidMax(PidAllocator.minimumPidMax - 1) }
        #expect(throws: PidAllocatorError.invalidPidMax) { try pids.setPidMax(5001) }
        try pids.setPidMax(5000)
        try pids.setPidMax(PidAllocator.minimumPidMax)
        #expect(pids.pidMax == PidAllocator.minimumPidMax)
        #expect(pids.capacity == 5000)
    }

    @Test func loweringPidMaxWrapsSoonerAndKeepsPidsAboveIt() throws {
        let pids = PidAllocator(pidMax: 2000)
        for _ in 1..<1500 { _ = try pids.allocate() }
        try pids.setPidMax(1000)
        for pid in [400, 1200] { try pids.free(pid) }
        // The cursor is past the new pid_max: wrap at once; 1200 is out of reach.
        #expect(try pids.allocate() == 400)
        #expect(throws: PidAllocatorError.exhausted) { try pids.allocate() }
        #expect(pids.isAllocated(1499))
        try pids.free(1499)
        try pids.setPidMax(2000)
        #expect(try pids.allocate() == 1200)
    }

    // MARK: Against the model

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomAllocationAndFreeMatchTheModel(seed: UInt64) throws {
        var random = TestRandom(seed: seed)
        let capacity = 3000
        let pids = PidAllocator(pidMax: 1000, capacity: capacity)
        var model = PidModel(pidMax: 1000, capacity: capacity)
        var live: [Int] = []
        for _ in 0..<20_000 {
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<55:
                let expected = model.allocate()
                do {
                    let pid = try pids.allocate()
                    #expect(pid == expected)
                    live.append(pid)
                } catch {
                    #expect(error == .exhausted)
                    #expect(expected == nil)
                }
            case 55..<99 where !live.isEmpty:
                let pid = live.remove(at: Int.random(in: 0..<live.count, using: &random))
                try pids.free(pid)
                model.inUse[pid] = false
            default:
                let pidMax = Int.random(in: PidAllocator.minimumPidMax...capacity, using: &random)
                try pids.setPidMax(pidMax)
                model.pidMax = pidMax
            }
        }
        for pid in 0..<capacity { #expect(pids.isAllocated(pid) == model.inUse[pid]) }
    }
}
