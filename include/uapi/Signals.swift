// Signals: their numbers and default actions, signal sets, and views of the
// sigaction structure x86-64 programs hand to rt_sigaction (C, in
// include/uapi/linux/signal.h).

/// A signal number, 1..._NSIG.
/// Linux: arch/x86/include/uapi/asm/signal.h (the numbers) and
/// arch/x86/include/asm/signal.h (_NSIG).
///
/// 1...31 are the classic signals, each with its own meaning and default
/// action; 32...64 are the POSIX real-time signals, which queue instead of
/// collapsing and all default to terminating the process. (glibc keeps 32
/// and 33 for its threads, so user programs see SIGRTMIN as 34.)
public struct Signal: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32

    /// nil for 0 and for numbers above _NSIG. (Signal 0 is not a signal:
    /// kill(pid, 0) only checks that the target exists, and callers handle it
    /// before asking for a `Signal`.)
    public init?(rawValue: Int32) {
        guard 1...Self._NSIG ~= rawValue else { return nil }
        self.rawValue = rawValue
    }

    private init(_ number: Int32) { rawValue = number }

    /// Number of signals: the highest signal number. (x86's uapi header
    /// still offers user space a legacy NSIG of 32; the kernel's count is 64.)
    public static let _NSIG: Int32 = 64

    public static let SIGHUP = Signal(1)
    public static let SIGINT = Signal(2)
    public static let SIGQUIT = Signal(3)
    public static let SIGILL = Signal(4)
    public static let SIGTRAP = Signal(5)
    public static let SIGABRT = Signal(6)
    public static let SIGBUS = Signal(7)
    public static let SIGFPE = Signal(8)
    public static let SIGKILL = Signal(9)
    public static let SIGUSR1 = Signal(10)
    public static let SIGSEGV = Signal(11)
    public static let SIGUSR2 = Signal(12)
    public static let SIGPIPE = Signal(13)
    public static let SIGALRM = Signal(14)
    public static let SIGTERM = Signal(15)
    public static let SIGSTKFLT = Signal(16)
    public static let SIGCHLD = Signal(17)
    public static let SIGCONT = Signal(18)
    public static let SIGSTOP = Signal(19)
    public static let SIGTSTP = Signal(20)
    public static let SIGTTIN = Signal(21)
    public static let SIGTTOU = Signal(22)
    public static let SIGURG = Signal(23)
    public static let SIGXCPU = Signal(24)
    public static let SIGXFSZ = Signal(25)
    public static let SIGVTALRM = Signal(26)
    public static let SIGPROF = Signal(27)
    public static let SIGWINCH = Signal(28)
    public static let SIGIO = Signal(29)
    public static let SIGPWR = Signal(30)
    public static let SIGSYS = Signal(31)
    public static let SIGRTMIN = Signal(32)
    public static let SIGRTMAX = Signal(64)

    // Other names Linux's header gives the same numbers.
    public static let SIGIOT = SIGABRT
    public static let SIGPOLL = SIGIO
    public static let SIGUNUSED = SIGSYS

    public var isRealTime: Bool { rawValue >= Self.SIGRTMIN.rawValue }

    /// SIGKILL and SIGSTOP: their action is fixed. They cannot be caught,
    /// blocked or ignored (Linux: sig_kernel_only).
    public var isKernelOnly: Bool { self == .SIGKILL || self == .SIGSTOP }

    /// What happens when the signal arrives while its handler is SIG_DFL.
    /// Linux: the table above the SIG_KERNEL_*_MASK definitions in
    /// include/linux/signal.h.
    public var defaultAction: SignalDefaultAction {
        switch self {
        case .SIGQUIT, .SIGILL, .SIGTRAP, .SIGABRT, .SIGBUS, .SIGFPE,
            .SIGSEGV, .SIGXCPU, .SIGXFSZ, .SIGSYS:
            .coreDump
        case .SIGCHLD, .SIGURG, .SIGWINCH:
            .ignore
        case .SIGSTOP, .SIGTSTP, .SIGTTIN, .SIGTTOU:
            .stop
        case .SIGCONT:
            .continue
        default:
            // SIGHUP, SIGINT, SIGKILL, SIGUSR1/2, SIGPIPE, SIGALRM, SIGTERM,
            // SIGSTKFLT, SIGVTALRM, SIGPROF, SIGIO, SIGPWR and every real-time signal.
            .terminate
        }
    }
}

/// The default actions of Linux's signal table.
public enum SignalDefaultAction: Sendable {
    /// End the process; a parent's wait reports the signal.
    case terminate
    /// End the process and write a core dump; wait reports the signal with
    /// the core flag (0x80) set.
    case coreDump
    /// Discard the signal.
    case ignore
    /// Stop every thread of the process until SIGCONT.
    case stop
    /// SIGCONT: Linux's table lists it as "ignore", with a job-control effect
    /// of its own: sending it resumes a stopped process, whatever its handler,
    /// and the delivery that follows is then ignored.
    case `continue`
}

/// A set of signals, as sigprocmask, sigpending and sa_mask carry it: one
/// 64-bit word where signal n is bit n - 1.
/// Linux: sigset_t in arch/x86/include/asm/signal.h (_NSIG_WORDS is 1 on
/// x86-64, so rt_sigprocmask's `sigsetsize` must be 8).
public struct SignalSet: Equatable, Sendable {
    public var rawValue: UInt64

    public init(rawValue: UInt64 = 0) { self.rawValue = rawValue }

    private static func bit(_ signal: Signal) -> UInt64 { 1 << UInt64(signal.rawValue - 1) }

    public func contains(_ signal: Signal) -> Bool { rawValue & Self.bit(signal) != 0 }
    public mutating func insert(_ signal: Signal) { rawValue |= Self.bit(signal) }
    public mutating func remove(_ signal: Signal) { rawValue &= ~Self.bit(signal) }
}

/// The `how` of rt_sigprocmask. Linux: include/uapi/asm-generic/signal-defs.h.
public enum SigprocmaskHow: Int32, Sendable {
    /// Add the given signals to the blocked set.
    case SIG_BLOCK = 0
    /// Remove them from it.
    case SIG_UNBLOCK = 1
    /// Replace the blocked set.
    case SIG_SETMASK = 2
}

/// sa_flags. Linux: include/uapi/asm-generic/signal-defs.h, plus
/// SA_RESTORER from arch/x86/include/uapi/asm/signal.h.
public struct SigactionFlags: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// SIGCHLD only: no signal when a child stops or continues.
    public static let SA_NOCLDSTOP = SigactionFlags(rawValue: 0x0000_0001)
    /// SIGCHLD only: children are reaped at once and leave no zombie.
    public static let SA_NOCLDWAIT = SigactionFlags(rawValue: 0x0000_0002)
    /// Call the handler with (signo, siginfo_t *, ucontext *).
    public static let SA_SIGINFO = SigactionFlags(rawValue: 0x0000_0004)
    /// A bit no kernel will ever support. A program sets it and reads the
    /// action back: if the kernel cleared it, the kernel also clears every
    /// other flag it does not know, so the survivors are the supported ones.
    public static let SA_UNSUPPORTED = SigactionFlags(rawValue: 0x0000_0400)
    public static let SA_EXPOSE_TAGBITS = SigactionFlags(rawValue: 0x0000_0800)
    /// `sa_restorer` is valid. On x86-64 it is mandatory: the kernel has no
    /// signal trampoline of its own, so the handler returns into the C
    /// library's restorer, which calls rt_sigreturn.
    public static let SA_RESTORER = SigactionFlags(rawValue: 0x0400_0000)
    /// Run the handler on the alternate stack set by sigaltstack.
    public static let SA_ONSTACK = SigactionFlags(rawValue: 0x0800_0000)
    /// Restart interrupted system calls instead of failing them with EINTR.
    public static let SA_RESTART = SigactionFlags(rawValue: 0x1000_0000)
    /// Do not block the signal while its own handler runs.
    public static let SA_NODEFER = SigactionFlags(rawValue: 0x4000_0000)
    /// Reset the handler to SIG_DFL when the signal is delivered.
    public static let SA_RESETHAND = SigactionFlags(rawValue: 0x8000_0000)
    // Old names for the same two bits.
    public static let SA_NOMASK = SA_NODEFER
    public static let SA_ONESHOT = SA_RESETHAND
}

extension KernelSigaction {
    /// Handler values that are not addresses. Linux: signal-defs.h.
    public static let SIG_DFL: UInt64 = 0
    public static let SIG_IGN: UInt64 = 1

    public init(
        handler: UInt64 = Self.SIG_DFL, flags: SigactionFlags = [],
        restorer: UInt64 = 0, mask: SignalSet = SignalSet()
    ) {
        self.init(sa_handler: handler, sa_flags: flags.rawValue, sa_restorer: restorer, sa_mask: mask.rawValue)
    }

    /// sa_flags as the option set it is.
    public var flags: SigactionFlags {
        get { SigactionFlags(rawValue: sa_flags) }
        set { sa_flags = newValue.rawValue }
    }

    /// sa_mask as a signal set.
    public var mask: SignalSet {
        get { SignalSet(rawValue: sa_mask) }
        set { sa_mask = newValue.rawValue }
    }
}

extension SigactionFlags {
    /// The flags rt_sigaction keeps; it clears every other bit of a new or
    /// returned action, so a program can test for support (SA_UNSUPPORTED).
    /// Linux: UAPI_SA_FLAGS in include/linux/signal_types.h, with x86's SA_RESTORER.
    public static let UAPI_SA_FLAGS: SigactionFlags = [
        .SA_NOCLDSTOP, .SA_NOCLDWAIT, .SA_SIGINFO, .SA_ONSTACK, .SA_RESTART, .SA_NODEFER,
        .SA_RESETHAND, .SA_EXPOSE_TAGBITS, .SA_RESTORER,
    ]
}

/// `si_code` values: why a signal was sent. Linux: include/uapi/asm-generic/siginfo.h.
public enum SignalCode {
    /// Sent by kill(2).
    public static let SI_USER: Int32 = 0
    /// Sent by the kernel.
    public static let SI_KERNEL: Int32 = 0x80
    /// Sent by sigqueue(3) (rt_sigqueueinfo).
    public static let SI_QUEUE: Int32 = -1
    /// A POSIX timer expired.
    public static let SI_TIMER: Int32 = -2
    /// A message arrived on an empty POSIX message queue (mq_notify).
    public static let SI_MESGQ: Int32 = -3
    /// Queued by the kernel for SIGIO (F_SETSIG).
    public static let SI_SIGIO: Int32 = -5
    /// Sent by tkill(2) or tgkill(2).
    public static let SI_TKILL: Int32 = -6

    // Faults: what the CPU reported (si_addr holds the address).
    /// SIGSEGV: no mapping at the address.
    public static let SEGV_MAPERR: Int32 = 1
    /// SIGSEGV: a mapping that does not allow the access.
    public static let SEGV_ACCERR: Int32 = 2
    /// SIGBUS: an address inside a mapping with nothing behind it (past a file's end).
    public static let BUS_ADRERR: Int32 = 2
    /// SIGFPE: integer division by zero.
    public static let FPE_INTDIV: Int32 = 1
    /// SIGILL: an illegal opcode.
    public static let ILL_ILLOPN: Int32 = 2
    /// SIGTRAP: a breakpoint (int3).
    public static let TRAP_BRKPT: Int32 = 1

    // SIGCHLD's codes: what happened to the child.
    public static let CLD_EXITED: Int32 = 1
    public static let CLD_KILLED: Int32 = 2
    public static let CLD_DUMPED: Int32 = 3
    public static let CLD_TRAPPED: Int32 = 4
    public static let CLD_STOPPED: Int32 = 5
    public static let CLD_CONTINUED: Int32 = 6
}

extension Siginfo {
    /// A siginfo for `signal` with `code`, the union zero.
    public init(signal: Signal, code: Int32) {
        self.init()
        si_signo = signal.rawValue
        si_code = code
    }

    /// Faults: the address, overlaying si_pid and si_uid (`_sigfault._addr`).
    public var si_addr: UInt64 {
        get { UInt64(UInt32(bitPattern: si_pid)) | UInt64(si_uid) << 32 }
        set {
            si_pid = Int32(truncatingIfNeeded: newValue)
            si_uid = UInt32(truncatingIfNeeded: newValue >> 32)
        }
    }

    /// A POSIX timer's ID and overrun count, in si_pid's and si_uid's places (`_timer`).
    public var si_tid: Int32 {
        get { si_pid }
        set { si_pid = newValue }
    }
    public var si_overrun: Int32 {
        get { Int32(bitPattern: si_uid) }
        set { si_uid = UInt32(bitPattern: newValue) }
    }

    /// sigqueue's and timers' value, overlaying si_status and the word after it (`_rt._sigval`).
    public var si_value: UInt64 {
        get { UInt64(UInt32(bitPattern: si_status)) | UInt64(UInt32(bitPattern: __pad1)) << 32 }
        set {
            si_status = Int32(truncatingIfNeeded: newValue)
            __pad1 = Int32(truncatingIfNeeded: newValue >> 32)
        }
    }
}

extension Ucontext {
    /// uc_flags: sigcontext's ss is meaningful, and sigreturn restores it as saved.
    /// Linux: arch/x86/include/uapi/asm/ucontext.h.
    public static let UC_SIGCONTEXT_SS: UInt64 = 0x2
    public static let UC_STRICT_RESTORE_SS: UInt64 = 0x4
}

extension StackT {
    /// ss_flags: the thread is running on the alternate stack now (only read back).
    public static let SS_ONSTACK: Int32 = 1
    /// ss_flags: no alternate stack.
    public static let SS_DISABLE: Int32 = 2
    /// ss_flags, OR'd in: clear the stack settings while a handler runs on it.
    public static let SS_AUTODISARM = Int32(bitPattern: 0x8000_0000)
    /// The smallest stack sigaltstack accepts (Linux: MINSIGSTKSZ, x86-64's uapi value).
    public static let MINSIGSTKSZ: UInt64 = 2048

    public init(ss_sp: UInt64 = 0, ss_flags: Int32 = 0, ss_size: UInt64 = 0) {
        self.init()
        self.ss_sp = ss_sp
        self.ss_flags = ss_flags
        self.ss_size = ss_size
    }
}
