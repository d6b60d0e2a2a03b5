import ABI
import Testing

@testable import Lib

@Suite struct SigPendingTests {
    private func info(_ signal: Signal, value: UInt64 = 0) -> Siginfo {
        var info = Siginfo(signal: signal, code: SignalCode.SI_QUEUE)
        info.si_value = value
        return info
    }

    @Test func standardSignalsCoalesceRealTimeOnesQueue() {
        let pending = SigPending()
        #expect(!pending.coalesces(.SIGUSR1))
        pending.add(.SIGUSR1, info: info(.SIGUSR1), owner: 7)
        #expect(pending.coalesces(.SIGUSR1))
        let realTime = Signal(rawValue: 40)!
        pending.add(realTime, info: info(realTime, value: 1), owner: 7)
        #expect(!pending.coalesces(realTime))
        pending.add(realTime, info: info(realTime, value: 2), owner: 8)
        // Oldest first, each with its value and owner; the bit stays until the last goes.
        let first = pending.take(realTime)
        #expect(first?.info.si_value == 1 && first?.owner == 7 && pending.signals.contains(realTime))
        let second = pending.take(realTime)
        #expect(second?.info.si_value == 2 && second?.owner == 8 && !pending.signals.contains(realTime))
        #expect(pending.take(realTime) == nil)
    }

    @Test func aSignalWithoutARecordGetsAPlainSiginfo() {
        let pending = SigPending()
        pending.add(.SIGTERM, info: nil)
        let taken = pending.take(.SIGTERM)
        #expect(taken?.owner == nil && taken?.info.si_code == SignalCode.SI_USER)
        #expect(taken?.info.si_signo == Signal.SIGTERM.rawValue && pending.signals.isEmpty)
    }

    @Test func nextPrefersFaultsThenTheLowestNumberOutsideTheMask() {
        let pending = SigPending()
        pending.add(.SIGTERM, info: nil)
        pending.add(.SIGINT, info: nil)
        pending.add(.SIGSEGV, info: nil)
        #expect(pending.next(notIn: SignalSet()) == .SIGSEGV)
        #expect(pending.next(notIn: SignalSet(signals: [.SIGSEGV])) == .SIGINT)
        #expect(pending.next(notIn: SignalSet(signals: [.SIGSEGV, .SIGINT, .SIGTERM])) == nil)
    }

    @Test func removeReturnsTheOwnersOfTheRecordsItDrops() {
        let pending = SigPending()
        let realTime = Signal(rawValue: 50)!
        pending.add(realTime, info: info(realTime), owner: 3)
        pending.add(realTime, info: info(realTime), owner: 4)
        pending.add(.SIGUSR2, info: info(.SIGUSR2), owner: 5)
        #expect(pending.remove(SignalSet(signals: [realTime])).sorted() == [3, 4])
        #expect(!pending.signals.contains(realTime) && pending.signals.contains(.SIGUSR2))
        #expect(pending.removeAll() == [5] && pending.signals.isEmpty)
    }
}
