import ABI
import Testing

@testable import Lib

@Suite struct SignalActionTableTests {
    @Test func changeReturnsTheOldActionAndCleansTheNewOne() throws {
        var table = SignalActionTable()
        #expect(sameBytes(table[.SIGINT], KernelSigaction()))
        var mask = SignalSet()
        mask.insert(.SIGKILL)
        mask.insert(.SIGUSR1)
        mask.insert(.SIGSTOP)
        let handler = KernelSigaction(
            handler: 0x40_1000, flags: [.SA_RESTORER, .SA_SIGINFO, .SA_UNSUPPORTED],
            restorer: 0x40_2000, mask: mask)
        let old = try table.change(.SIGINT, to: handler)
        #expect(sameBytes(old, KernelSigaction()))
        let installed = table[.SIGINT]
        #expect(installed.flags == [.SA_RESTORER, .SA_SIGINFO])  // SA_UNSUPPORTED cleared
        #expect(
            installed.mask.contains(.SIGUSR1) && !installed.mask.contains(.SIGKILL)
                && !installed.mask.contains(.SIGSTOP))
        #expect(sameBytes(try table.change(.SIGINT, to: nil), installed))
    }

    @Test func sigkillAndSigstopCanBeReadButNotChanged() throws {
        var table = SignalActionTable()
        #expect(throws: Errno.EINVAL) {
            try table.change(.SIGKILL, to: KernelSigaction(handler: KernelSigaction.SIG_IGN))
        }
        #expect(throws: Errno.EINVAL) { try table.change(.SIGSTOP, to: KernelSigaction()) }
        #expect(sameBytes(try table.change(.SIGKILL, to: nil), KernelSigaction()))
    }

    @Test func execKeepsIgnoredSignalsAndResetsHandlers() throws {
        var table = SignalActionTable()
        try table.change(.SIGPIPE, to: KernelSigaction(handler: KernelSigaction.SIG_IGN, flags: [.SA_RESTART]))
        try table.change(.SIGTERM, to: KernelSigaction(handler: 0x40_1000, flags: [.SA_RESTORER], restorer: 0x40_2000))
        table.resetForExec()
        #expect(sameBytes(table[.SIGPIPE], KernelSigaction(handler: KernelSigaction.SIG_IGN)))
        #expect(sameBytes(table[.SIGTERM], KernelSigaction()))
    }

    @Test func ignoredAndFatalFollowTheHandlerAndTheDefault() throws {
        var table = SignalActionTable()
        func ignored(_ signal: Signal) -> Bool { SignalActionTable.ignores(table[signal], signal) }
        func fatal(_ signal: Signal) -> Bool { SignalActionTable.kills(table[signal], signal) }
        #expect(ignored(.SIGCHLD) && ignored(.SIGWINCH) && ignored(.SIGCONT))
        #expect(!ignored(.SIGTERM) && fatal(.SIGTERM) && fatal(.SIGSEGV))
        #expect(fatal(Signal(rawValue: 40)!))
        #expect(!fatal(.SIGCHLD) && !fatal(.SIGSTOP))
        try table.change(.SIGTERM, to: KernelSigaction(handler: KernelSigaction.SIG_IGN))
        #expect(ignored(.SIGTERM) && !fatal(.SIGTERM))
        try table.change(.SIGCHLD, to: KernelSigaction(handler: 0x40_1000))
        #expect(!ignored(.SIGCHLD))
    }

    @Test func anActionAloneTellsWhetherItIgnores() {
        #expect(SignalActionTable.ignores(KernelSigaction(handler: KernelSigaction.SIG_IGN), .SIGTERM))
        #expect(SignalActionTable.ignores(KernelSigaction(), .SIGWINCH))
        #expect(!SignalActionTable.ignores(KernelSigaction(), .SIGTERM))
        #expect(!SignalActionTable.ignores(KernelSigaction(handler: 0x40_1000), .SIGCHLD))
    }

    @Test func sigprocmaskNeverBlocksKillOrStop() {
        var set = SignalSet()
        set.insert(.SIGKILL)
        set.insert(.SIGINT)
        set.insert(.SIGSTOP)
        let blocked = SignalSet().applying(.SIG_BLOCK, set)
        #expect(blocked.contains(.SIGINT) && !blocked.contains(.SIGKILL) && !blocked.contains(.SIGSTOP))
        var usr = SignalSet()
        usr.insert(.SIGUSR1)
        let both = blocked.applying(.SIG_BLOCK, usr)
        #expect(both.contains(.SIGUSR1) && both.contains(.SIGINT))
        #expect(both.applying(.SIG_UNBLOCK, set) == usr)
        #expect(
            both.applying(.SIG_SETMASK, SignalSet(rawValue: .max)) == SignalSet(rawValue: .max).removingUnblockable())
        #expect(both.first == .SIGINT && SignalSet().first == nil)
    }
}
