import ABI

/// The record a signalfd read returns for one signal (Linux:
/// signalfd_copyinfo in fs/signalfd.c): the siginfo's union member that
/// the signal and code select (Linux: siginfo_layout) copied to its fixed
/// place in `struct signalfd_siginfo`.
extension SignalfdSiginfo {
    public init(_ info: Siginfo) {
        self.init()
        ssi_signo = UInt32(bitPattern: info.si_signo)
        ssi_errno = info.si_errno
        ssi_code = info.si_code
        switch Layout(info) {
        case .kill:
            ssi_pid = UInt32(bitPattern: info.si_pid)
            ssi_uid = info.si_uid
        case .timer:
            ssi_tid = UInt32(bitPattern: info.si_tid)
            ssi_overrun = UInt32(bitPattern: info.si_overrun)
            ssi_ptr = info.si_value
            ssi_int = Int32(truncatingIfNeeded: info.si_value)
        case .poll:
            // _sigpoll: a long band where si_pid and si_uid are, then the int fd.
            ssi_band = UInt32(bitPattern: info.si_pid)
            ssi_fd = info.si_status
        case .fault:
            ssi_addr = info.si_addr
        case .child:
            ssi_pid = UInt32(bitPattern: info.si_pid)
            ssi_uid = info.si_uid
            ssi_status = info.si_status
            ssi_utime = UInt64(bitPattern: info.si_utime)
            ssi_stime = UInt64(bitPattern: info.si_stime)
        case .realTime:
            ssi_pid = UInt32(bitPattern: info.si_pid)
            ssi_uid = info.si_uid
            ssi_ptr = info.si_value
            ssi_int = Int32(truncatingIfNeeded: info.si_value)
        case .system:
            // _sigsys: the call's address, then the call number and the arch.
            ssi_call_addr = info.si_addr
            ssi_syscall = info.si_status
            ssi_arch = UInt32(bitPattern: info.__pad1)
        }
    }

    /// Which member of siginfo's union a signal carries (Linux: enum siginfo_layout).
    private enum Layout {
        case kill, timer, poll, fault, child, realTime, system

        /// Linux: siginfo_layout. Positive codes below SI_KERNEL are the
        /// signal's own (a fault's, SIGCHLD's, SIGPOLL's, SIGSYS's) up to
        /// its last defined code; any other small one is SIGPOLL's.
        init(_ info: Siginfo) {
            let code = info.si_code
            guard code > SignalCode.SI_USER && code < SignalCode.SI_KERNEL else {
                self =
                    code == SignalCode.SI_TIMER
                    ? .timer
                    : code == SignalCode.SI_SIGIO ? .poll : code < 0 ? .realTime : .kill
                return
            }
            let own: (last: Int32, layout: Layout)? =
                switch info.si_signo {
                case Signal.SIGILL.rawValue: (11, .fault)  // NSIGILL
                case Signal.SIGFPE.rawValue: (15, .fault)  // NSIGFPE
                case Signal.SIGSEGV.rawValue: (10, .fault)  // NSIGSEGV
                case Signal.SIGBUS.rawValue: (5, .fault)  // NSIGBUS
                case Signal.SIGTRAP.rawValue: (6, .fault)  // NSIGTRAP
                case Signal.SIGCHLD.rawValue: (6, .child)  // NSIGCHLD
                case Signal.SIGPOLL.rawValue: (6, .poll)  // NSIGPOLL
                case Signal.SIGSYS.rawValue: (2, .system)  // NSIGSYS
                default: nil
                }
            if let own, code <= own.last {
                self = own.layout
            } else {
                self = code <= 6 ? .poll : .kill
            }
        }
    }

    /// The record's bytes as a read hands them out, each field at its
    /// offset in the C structure (checked against it by the host tests).
    public var bytes: [UInt8] {
        var bytes = [UInt8](repeating: 0, count: MemoryLayout<SignalfdSiginfo>.size)
        bytes.storeLittleEndian(ssi_signo, at: 0)
        bytes.storeLittleEndian(ssi_errno, at: 4)
        bytes.storeLittleEndian(ssi_code, at: 8)
        bytes.storeLittleEndian(ssi_pid, at: 12)
        bytes.storeLittleEndian(ssi_uid, at: 16)
        bytes.storeLittleEndian(ssi_fd, at: 20)
        bytes.storeLittleEndian(ssi_tid, at: 24)
        bytes.storeLittleEndian(ssi_band, at: 28)
        bytes.storeLittleEndian(ssi_overrun, at: 32)
        bytes.storeLittleEndian(ssi_trapno, at: 36)
        bytes.storeLittleEndian(ssi_status, at: 40)
        bytes.storeLittleEndian(ssi_int, at: 44)
        bytes.storeLittleEndian(ssi_ptr, at: 48)
        bytes.storeLittleEndian(ssi_utime, at: 56)
        bytes.storeLittleEndian(ssi_stime, at: 64)
        bytes.storeLittleEndian(ssi_addr, at: 72)
        bytes.storeLittleEndian(ssi_addr_lsb, at: 80)
        bytes.storeLittleEndian(ssi_syscall, at: 84)
        bytes.storeLittleEndian(ssi_call_addr, at: 88)
        bytes.storeLittleEndian(ssi_arch, at: 96)
        return bytes
    }
}
