import ABI

/// Signals waiting for a thread, or for a whole process (Linux: struct
/// sigpending and the queue rules of __send_signal_locked, collect_signal
/// and next_signal in kernel/signal.c). A standard signal is pending at
/// most once: sending it again while it waits changes nothing. A real-time
/// signal queues once per send, each instance with its own siginfo. Every
/// instance may carry a siginfo record; one sent when the records ran out
/// (RLIMIT_SIGPENDING) is only a bit, and is delivered with a plain SI_USER
/// siginfo. Each record names the user it is counted against (Linux: the
/// sigqueue's ucounts), so the count drops for the same user when it goes.
/// A class, so a waiter can test the set without copying the queue.
public final class SigPending {
    /// Which signals are pending.
    public private(set) var signals = SignalSet()
    /// The records, oldest first, with the user each is counted against.
    private var records: [(info: Siginfo, owner: UInt32)] = []

    public init() {}

    /// Whether sending `signal` now would only coalesce with the pending
    /// one (Linux: legacy_queue): a standard signal already pending.
    public func coalesces(_ signal: Signal) -> Bool { !signal.isRealTime && signals.contains(signal) }

    /// Adds `signal`, with `info` as its record (counted against `owner`) if there is one.
    public func add(_ signal: Signal, info: Siginfo?, owner: UInt32 = 0) {
        signals.insert(signal)
        if let info { records.append((info, owner)) }
    }

    /// The signal to deliver next among those not in `blocked` (Linux:
    /// next_signal): the synchronous ones a fault raises first, then the
    /// lowest number.
    public func next(notIn blocked: SignalSet) -> Signal? {
        let deliverable = signals.subtracting(blocked)
        let synchronous = deliverable.intersection(.synchronous)
        return synchronous.first ?? deliverable.first
    }

    /// Takes one instance of `signal` (Linux: collect_signal): its oldest
    /// record, or a plain SI_USER siginfo if it had none. `owner` is the
    /// user the record was counted against, nil without a record.
    public func take(_ signal: Signal) -> (info: Siginfo, owner: UInt32?)? {
        guard signals.contains(signal) else { return nil }
        guard let index = records.firstIndex(where: { $0.info.si_signo == signal.rawValue }) else {
            signals.remove(signal)
            return (Siginfo(signal: signal, code: SignalCode.SI_USER), nil)
        }
        let record = records.remove(at: index)
        // A standard signal has one record at most (senders ask `coalesces` first): only a
        // real-time one needs the search.
        if !signal.isRealTime || !records.contains(where: { $0.info.si_signo == signal.rawValue }) {
            signals.remove(signal)
        }
        return (record.info, record.owner)
    }

    /// Forgets every instance of the signals in `set`; returns the owners
    /// of the records that went with them (Linux: flush_sigqueue_mask).
    @discardableResult
    public func remove(_ set: SignalSet) -> [UInt32] {
        signals = signals.subtracting(set)
        let removed = records.filter { set.contains(signo: $0.info.si_signo) }
        records.removeAll { set.contains(signo: $0.info.si_signo) }
        return removed.map { $0.owner }
    }

    /// Forgets everything (Linux: flush_sigqueue).
    @discardableResult
    public func removeAll() -> [UInt32] { remove(SignalSet(rawValue: ~0)) }
}

extension SignalSet {
    /// Signals a fault raises, delivered before others (Linux: SYNCHRONOUS_MASK).
    public static let synchronous = SignalSet(signals: [.SIGSEGV, .SIGBUS, .SIGILL, .SIGTRAP, .SIGFPE, .SIGSYS])

    public init(signals: [Signal]) {
        self.init()
        for signal in signals { insert(signal) }
    }

    public func intersection(_ other: SignalSet) -> SignalSet { SignalSet(rawValue: rawValue & other.rawValue) }

    fileprivate func contains(signo: Int32) -> Bool { Signal(rawValue: signo).map { contains($0) } ?? false }
}
