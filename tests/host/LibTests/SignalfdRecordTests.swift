import ABI
import Testing

@testable import Lib

@Suite struct SignalfdRecordTests {
    @Test func killAndQueuedSignalsCarryTheSender() {
        var info = Siginfo(signal: .SIGUSR1, code: SignalCode.SI_USER)
        info.si_pid = 42
        info.si_uid = 1000
        let record = SignalfdSiginfo(info)
        #expect(record.ssi_signo == 10 && record.ssi_code == 0 && record.ssi_pid == 42 && record.ssi_uid == 1000)
        #expect(record.ssi_ptr == 0 && record.ssi_int == 0)
        var queued = Siginfo(signal: Signal(rawValue: 40)!, code: SignalCode.SI_MESGQ)
        queued.si_pid = 7
        queued.si_value = 0x1_0000_0005
        let realTime = SignalfdSiginfo(queued)
        #expect(realTime.ssi_pid == 7 && realTime.ssi_ptr == 0x1_0000_0005 && realTime.ssi_int == 5)
    }

    @Test func timersFaultsAndChildrenUseTheirOwnFields() {
        var timer = Siginfo(signal: .SIGALRM, code: SignalCode.SI_TIMER)
        timer.si_tid = 3
        timer.si_overrun = 2
        timer.si_value = 9
        let fromTimer = SignalfdSiginfo(timer)
        #expect(fromTimer.ssi_tid == 3 && fromTimer.ssi_overrun == 2 && fromTimer.ssi_int == 9)
        #expect(fromTimer.ssi_pid == 0)
        var fault = Siginfo(signal: .SIGSEGV, code: SignalCode.SEGV_MAPERR)
        fault.si_addr = 0xdead_0000_1000
        let fromFault = SignalfdSiginfo(fault)
        #expect(fromFault.ssi_addr == 0xdead_0000_1000 && fromFault.ssi_pid == 0)
        var child = Siginfo(signal: .SIGCHLD, code: SignalCode.CLD_EXITED)
        child.si_pid = 5
        child.si_status = 3
        child.si_utime = 11
        let fromChild = SignalfdSiginfo(child)
        #expect(fromChild.ssi_pid == 5 && fromChild.ssi_status == 3 && fromChild.ssi_utime == 11)
        // SI_KERNEL is a kill-style code whatever the signal.
        #expect(SignalfdSiginfo(Siginfo(signal: .SIGSEGV, code: SignalCode.SI_KERNEL)).ssi_addr == 0)
    }

    @Test func bytesAreTheStructureItself() {
        var record = SignalfdSiginfo()
        var next: UInt8 = 1
        var raw = bytes(of: record)
        // Every named field gets distinct bytes; the padding stays zero.
        for offset in 0..<100 where !(82..<84).contains(offset) {
            raw[offset] = next
            next &+= 1
        }
        record = raw.withUnsafeBytes { $0.loadUnaligned(as: SignalfdSiginfo.self) }
        #expect(record.bytes == raw)
    }
}
