import ABI
import Core
import Lib

/// A process's signal actions, shared by its threads and by CLONE_SIGHAND
/// clones; fork gives the child a copy (Linux: struct sighand_struct).
public final class SignalHandlers {
    private var table = SignalActionTable()
    private let lock = SpinLock()
    /// signalfd readers and pollers of the threads sharing these actions,
    /// woken by every signal queued for them (Linux: signalfd_wqh).
    let signalfdWait = WaitQueue()

    public init() {}

    private init(table: SignalActionTable) { self.table = table }

    /// What every kernel thread but init has: all signals ignored (Linux:
    /// ignore_signals in kthreadd, inherited by the threads it creates). So
    /// a user process whose parent is a kernel thread is reaped at exit
    /// rather than left a zombie nobody waits for. Never changed.
    static var kernelThreads: SignalHandlers { ignoringAll.value }
    private static let ignoringAll = BootOnce(SignalHandlers(table: .ignoringAll))

    /// A copy for a forked child (Linux: copy_sighand without CLONE_SIGHAND).
    func copy() -> SignalHandlers {
        let copy = SignalHandlers()
        copy.table = lock.withLockIrqSave { table }
        return copy
    }

    public var actions: SignalActionTable { lock.withLockIrqSave { table } }

    /// One signal's action, without copying the table.
    subscript(signal: Signal) -> KernelSigaction { lock.withLockIrqSave { table[signal] } }

    /// rt_sigaction's update (see `SignalActionTable.change`).
    func change(_ signal: Signal, to new: KernelSigaction?) throws(Errno) -> KernelSigaction {
        try lock.withLockIrqSave { () throws(Errno) -> KernelSigaction in try table.change(signal, to: new) }
    }

    /// SA_RESETHAND's and a forced signal's reset (see `SignalActionTable.resetToDefault`).
    func resetToDefault(_ signal: Signal) {
        lock.withLockIrqSave { table.resetToDefault(signal) }
    }

    /// execve's reset (see `SignalActionTable.resetForExec`).
    func resetForExec() {
        lock.withLockIrqSave { table.resetForExec() }
    }
}
