import ABI

/// What each signal does for a process: one sigaction per signal (Linux:
/// the `action` array of struct sighand_struct, include/linux/sched/signal.h,
/// with the rules of do_sigaction and flush_signal_handlers in kernel/signal.c).
public struct SignalActionTable: Sendable {
    /// One action per signal, or empty while every action is SIG_DFL — as
    /// for most processes, which then carry no table at all.
    private var actions: [KernelSigaction] = []

    /// Every signal at SIG_DFL.
    public init() {}

    /// Every signal ignored (Linux: ignore_signals, what kernel threads have).
    public static let ignoringAll = SignalActionTable(
        actions: Array(repeating: KernelSigaction(handler: KernelSigaction.SIG_IGN), count: Int(Signal._NSIG)))

    private init(actions: [KernelSigaction]) { self.actions = actions }

    public subscript(signal: Signal) -> KernelSigaction {
        actions.isEmpty ? KernelSigaction() : actions[Int(signal.rawValue - 1)]
    }

    /// rt_sigaction: returns the action in force and installs `new` if
    /// given. SIGKILL's and SIGSTOP's actions cannot be changed (EINVAL),
    /// though they can be read. Flags the kernel does not know are cleared
    /// in both directions, and the action's mask never holds SIGKILL or SIGSTOP.
    @discardableResult
    public mutating func change(_ signal: Signal, to new: KernelSigaction?) throws(Errno) -> KernelSigaction {
        if new != nil && signal.isKernelOnly { throw .EINVAL }
        var old = self[signal]
        old.flags = old.flags.intersection(.UAPI_SA_FLAGS)
        if var action = new {
            action.flags = action.flags.intersection(.UAPI_SA_FLAGS)
            action.mask = action.mask.removingUnblockable()
            if actions.isEmpty { actions = Array(repeating: KernelSigaction(), count: Int(Signal._NSIG)) }
            actions[Int(signal.rawValue - 1)] = action
        }
        return old
    }

    /// Sets `signal` back to SIG_DFL, as SA_RESETHAND does on delivery and
    /// a forced fault signal does to an ignored one (Linux: the sa_handler =
    /// SIG_DFL of get_signal and force_sig_info_to_task).
    public mutating func resetToDefault(_ signal: Signal) {
        guard !actions.isEmpty else { return }
        actions[Int(signal.rawValue - 1)] = KernelSigaction()
    }

    /// What execve does to the actions (Linux: flush_signal_handlers with
    /// force_default false): a handler address means nothing in the new
    /// program, so caught signals return to SIG_DFL; ignored ones stay
    /// ignored. Flags, masks and restorers are cleared.
    public mutating func resetForExec() {
        actions = actions.map {
            KernelSigaction(
                handler: $0.sa_handler == KernelSigaction.SIG_IGN ? KernelSigaction.SIG_IGN : KernelSigaction.SIG_DFL)
        }
        if actions.allSatisfy({ $0.sa_handler == KernelSigaction.SIG_DFL }) { actions = [] }
    }

    /// Whether `action`, installed for `signal`, ignores it (Linux:
    /// sig_handler_ignored): a sent signal it ignores is discarded at once.
    public static func ignores(_ action: KernelSigaction, _ signal: Signal) -> Bool {
        action.sa_handler == KernelSigaction.SIG_IGN
            || (action.sa_handler == KernelSigaction.SIG_DFL
                && (signal.defaultAction == .ignore || signal.defaultAction == .continue))
    }

    /// Whether delivering `signal` with `action` installed ends the process
    /// (Linux: sig_fatal): the action is SIG_DFL and the default is to
    /// terminate, with or without a core.
    public static func kills(_ action: KernelSigaction, _ signal: Signal) -> Bool {
        action.sa_handler == KernelSigaction.SIG_DFL
            && (signal.defaultAction == .terminate || signal.defaultAction == .coreDump)
    }
}

extension SignalSet {
    /// SIGKILL and SIGSTOP: never blocked, never in a handler's mask.
    public static let unblockable: SignalSet = {
        var set = SignalSet()
        set.insert(.SIGKILL)
        set.insert(.SIGSTOP)
        return set
    }()

    public func removingUnblockable() -> SignalSet { SignalSet(rawValue: rawValue & ~Self.unblockable.rawValue) }

    /// The blocked set after rt_sigprocmask's `how` with `set` (Linux:
    /// sigprocmask); SIGKILL and SIGSTOP stay unblocked whatever is asked.
    public func applying(_ how: SigprocmaskHow, _ set: SignalSet) -> SignalSet {
        let result =
            switch how {
            case .SIG_BLOCK: SignalSet(rawValue: rawValue | set.rawValue)
            case .SIG_UNBLOCK: SignalSet(rawValue: rawValue & ~set.rawValue)
            case .SIG_SETMASK: set
            }
        return result.removingUnblockable()
    }

    public var isEmpty: Bool { rawValue == 0 }

    /// The lowest-numbered signal in the set (Linux delivers the lowest first).
    public var first: Signal? {
        guard rawValue != 0 else { return nil }
        return Signal(rawValue: Int32(rawValue.trailingZeroBitCount) + 1)
    }

    public func union(_ other: SignalSet) -> SignalSet { SignalSet(rawValue: rawValue | other.rawValue) }
    public func subtracting(_ other: SignalSet) -> SignalSet { SignalSet(rawValue: rawValue & ~other.rawValue) }
}
