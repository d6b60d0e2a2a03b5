import ABI
import Core
import Lib

/// x86-64 signal frames and system-call restarts (Linux:
/// arch/x86/kernel/signal.c and signal_64.c). A handler runs on a
/// struct rt_sigframe pushed below the interrupted stack (or on the
/// sigaltstack): the return address is the C library's sa_restorer, which
/// calls rt_sigreturn; the ucontext holds every register, the blocked mask
/// to go back to and a pointer to the FXSAVE image of the x87/SSE state.
enum SignalFrame {
    /// The x86-64 ABI lets leaf functions use 128 bytes below RSP.
    private static let redZone: UInt64 = 128
    private static let fpStateSize = UInt64(MemoryLayout<FPState>.size)
    private static let frameSize = UInt64(MemoryLayout<RtSigframe>.size)
    /// Where the ucontext and the siginfo sit: after pretcode, one after the
    /// other (no padding: both are 8-byte aligned; tests/host checks the layout).
    private static let ucontextOffset = UInt64(MemoryLayout<UInt64>.size)
    private static let infoOffset = ucontextOffset + UInt64(MemoryLayout<Ucontext>.size)

    // RFLAGS bits (Linux: X86_EFLAGS_*).
    private static let carry: UInt64 = 1 << 0
    private static let parity: UInt64 = 1 << 2
    private static let adjust: UInt64 = 1 << 4
    private static let zero: UInt64 = 1 << 6
    private static let sign: UInt64 = 1 << 7
    private static let trap: UInt64 = 1 << 8
    private static let direction: UInt64 = 1 << 10
    private static let overflow: UInt64 = 1 << 11
    private static let resume: UInt64 = 1 << 16
    private static let alignmentCheck: UInt64 = 1 << 18
    /// The flags a frame may change on sigreturn (Linux: FIX_EFLAGS); IF and IOPL stay the kernel's.
    private static let userFlags: UInt64 =
        alignmentCheck | overflow | direction | trap | sign | zero | adjust | parity | carry | resume

    /// Pushes the frame for `info`'s handler and points the registers at
    /// it (Linux: setup_rt_frame, get_sigframe, __setup_rt_frame). false if
    /// it cannot be written, or the action has no restorer, which x86-64
    /// requires; the caller then raises SIGSEGV.
    static func setup(
        _ info: Siginfo, _ action: KernelSigaction, blocked: SignalSet, frame: inout TrapFrame, task: Task
    ) -> Bool {
        guard action.flags.contains(.SA_RESTORER) else { return false }
        let alternate = task.alternateSignalStack
        let wasOnAlternate = task.isOnAlternateStack(frame.rsp)
        var top = frame.rsp &- redZone
        if action.flags.contains(.SA_ONSTACK) && task.alternateStackFlags(at: frame.rsp) == 0 {
            top = alternate.ss_sp &+ alternate.ss_size
        }
        let fpAddress = (top &- fpStateSize) & ~63
        // As after a call: RSP + 8 is 16-byte aligned when the handler starts.
        let address = ((fpAddress &- frameSize) & ~15) &- 8
        // A handler nested on the alternate stack that ran off its end (Linux: get_sigframe's check).
        if wasOnAlternate && !task.isOnAlternateStack(address) { return false }
        var sigframe = RtSigframe()
        sigframe.pretcode = action.sa_restorer
        sigframe.uc.uc_flags = Ucontext.UC_SIGCONTEXT_SS | Ucontext.UC_STRICT_RESTORE_SS
        sigframe.uc.uc_stack = StackT(
            ss_sp: alternate.ss_sp, ss_flags: task.alternateStackFlags(at: frame.rsp) | alternate.ss_flags,
            ss_size: alternate.ss_size)
        save(frame, trap: task.lastTrap, blocked: blocked, fpState: fpAddress, in: &sigframe.uc.uc_mcontext)
        sigframe.uc.uc_sigmask = blocked.rawValue
        sigframe.info = info
        do throws(Errno) {
            let fpState = UserPointer<FPState>(address: fpAddress)
            if let fpu = task.fpu { try fpu.save(to: fpState) } else { try fpState.write(FPState()) }
            try UserPointer<RtSigframe>(address: address).write(sigframe)
        } catch {
            return false
        }
        if alternate.ss_flags & StackT.SS_AUTODISARM != 0 { task.alternateSignalStack = StackT() }
        frame.rdi = UInt64(UInt32(bitPattern: info.si_signo))
        frame.rsi = address + infoOffset
        frame.rdx = address + ucontextOffset
        frame.rax = 0
        frame.rsp = address
        frame.rip = action.sa_handler
        frame.cs = UInt64(Selector.userCode)
        frame.ss = UInt64(Selector.userData)
        frame.rflags &= ~(direction | resume | trap)
        // The handler starts with clean x87/SSE registers (Linux: fpu__clear_user_states).
        task.fpu?.reset()
        return true
    }

    /// The registers in the frame's sigcontext, filled in place: the frame
    /// is written to user memory once, from one local (Linux: setup_sigcontext).
    private static func save(
        _ frame: borrowing TrapFrame, trap: TrapInfo, blocked: SignalSet, fpState: UInt64,
        in context: inout Sigcontext
    ) {
        context.r8 = frame.r8
        context.r9 = frame.r9
        context.r10 = frame.r10
        context.r11 = frame.r11
        context.r12 = frame.r12
        context.r13 = frame.r13
        context.r14 = frame.r14
        context.r15 = frame.r15
        context.rdi = frame.rdi
        context.rsi = frame.rsi
        context.rbp = frame.rbp
        context.rbx = frame.rbx
        context.rdx = frame.rdx
        context.rax = frame.rax
        context.rcx = frame.rcx
        context.rsp = frame.rsp
        context.rip = frame.rip
        context.eflags = frame.rflags
        context.cs = UInt16(truncatingIfNeeded: frame.cs)
        context.ss = UInt16(truncatingIfNeeded: frame.ss)
        context.err = trap.errorCode
        context.trapno = trap.trapNumber
        context.oldmask = blocked.rawValue
        context.cr2 = trap.address
        context.fpstate = fpState
    }

    /// rt_sigreturn (Linux: arch/x86/kernel/signal_64.c): the frame the
    /// handler returned from sits just above RSP, since its `ret` popped
    /// pretcode. Every general register, the user flags, the x87/SSE state,
    /// the blocked mask and the alternate stack come back from it; a frame
    /// that cannot be read, or holds addresses no CPU would return to, is
    /// SIGSEGV. The registers replace the call's.
    static func rtSigreturn(_ registers: inout TrapFrame) throws(Errno) -> Int64 {
        let task = Scheduler.current
        let context: Sigcontext
        let sigframe: RtSigframe
        do throws(Errno) {
            sigframe = try UserPointer<RtSigframe>(address: registers.rsp &- 8).read()
            context = sigframe.uc.uc_mcontext
            guard isCanonical(context.rip), isCanonical(context.rsp) else { throw Errno.EFAULT }
            if context.fpstate == 0 {
                task.fpu?.reset()
            } else {
                try task.fpu?.load(from: UserPointer<FPState>(address: context.fpstate))
            }
        } catch {
            Signals.force(Siginfo(signal: .SIGSEGV, code: SignalCode.SI_KERNEL))
            return 0
        }
        Signals.setBlocked(SignalSet(rawValue: sigframe.uc.uc_sigmask), task)
        registers.r8 = context.r8
        registers.r9 = context.r9
        registers.r10 = context.r10
        registers.r11 = context.r11
        registers.r12 = context.r12
        registers.r13 = context.r13
        registers.r14 = context.r14
        registers.r15 = context.r15
        registers.rdi = context.rdi
        registers.rsi = context.rsi
        registers.rbp = context.rbp
        registers.rbx = context.rbx
        registers.rdx = context.rdx
        registers.rcx = context.rcx
        registers.rsp = context.rsp
        registers.rip = context.rip
        registers.rflags = (registers.rflags & ~userFlags) | (context.eflags & userFlags)
        registers.cs = UInt64(Selector.userCode)
        registers.ss = UInt64(Selector.userData)
        // No longer a system call: nothing restarts it (Linux: orig_ax = -1).
        registers.errorCode = UInt64.max
        // Errors other than EFAULT are ignored, as Linux's restore_altstack does.
        try? task.setAlternateStack(sigframe.uc.uc_stack, stackPointer: context.rsp)
        // The dispatcher puts it in RAX.
        return Int64(bitPattern: context.rax)
    }

    /// Whether RIP or RSP holds an address IRET can load (bits 63-47 alike).
    private static func isCanonical(_ address: UInt64) -> Bool {
        let upper = address >> 47
        return upper == 0 || upper == (1 << 17) - 1
    }

    // MARK: System-call restarts

    /// The call this frame returns from, if it is a system call (Linux:
    /// syscall_get_nr ≥ 0): entry.S marks its frames with vector -1, and
    /// rt_sigreturn clears the number.
    private static func isSystemCall(_ frame: TrapFrame) -> Bool {
        frame.vector == UInt64.max && Int64(bitPattern: frame.errorCode) >= 0
    }

    private static func result(_ frame: TrapFrame) -> Errno? {
        let value = Int64(bitPattern: frame.rax)
        guard value < 0, value >= -4095 else { return nil }
        return Errno(rawValue: Int32(-value))
    }

    /// Back to the SYSCALL instruction with the number in RAX again.
    private static func restart(_ frame: inout TrapFrame, number: UInt64) {
        frame.rax = number
        frame.rip &-= 2
    }

    /// A handler is about to run (Linux: handle_signal's switch): a call a
    /// signal interrupted fails with EINTR, or restarts for ERESTARTNOINTR
    /// and, with SA_RESTART, ERESTARTSYS.
    static func restartBeforeHandler(_ frame: inout TrapFrame, restart restartable: Bool) {
        guard isSystemCall(frame) else { return }
        switch result(frame) {
        case .ERESTART_RESTARTBLOCK, .ERESTARTNOHAND: frame.rax = UInt64(bitPattern: -Int64(Errno.EINTR.rawValue))
        case .ERESTARTSYS:
            if restartable {
                restart(&frame, number: frame.errorCode)
            } else {
                frame.rax = UInt64(bitPattern: -Int64(Errno.EINTR.rawValue))
            }
        case .ERESTARTNOINTR: restart(&frame, number: frame.errorCode)
        default: break
        }
    }

    /// No handler ran (Linux: arch_do_signal_or_restart's tail): every
    /// interrupted call restarts, through restart_syscall for
    /// ERESTART_RESTARTBLOCK.
    static func restartWithoutHandler(_ frame: inout TrapFrame) {
        guard isSystemCall(frame) else { return }
        switch result(frame) {
        case .ERESTARTNOHAND, .ERESTARTSYS, .ERESTARTNOINTR: restart(&frame, number: frame.errorCode)
        case .ERESTART_RESTARTBLOCK: restart(&frame, number: UInt64(SyscallNumber.restart_syscall.rawValue))
        default: break
        }
    }
}
