import Core

/// What surrounds every interrupt handler (Linux: kernel/softirq.c
/// irq_enter/irq_exit and the arch's irqentry_exit). Device interrupts count
/// as hard-interrupt context while their handler runs; on the way out pending
/// softirqs run, and if the tick or a wakeup asked for a reschedule and the
/// interrupted code may be preempted, the scheduler switches tasks right here.
public enum IrqFlow {
    /// Interrupts taken per vector on this CPU (Linux: kstat_irqs, /proc/interrupts).
    private static let perCPUCounts = PerCPU<[UInt64]>(Array(repeating: 0, count: InterruptTable.vectorCount))
    public static var counts: [UInt64] { perCPUCounts.withCurrent { $0 } }
    /// Whether the interrupt being handled came from user mode, for the
    /// tick's CPU-time accounting (Linux: user_mode(get_irq_regs())).
    private static let interruptedUserMode = PerCPU<Bool>(false)
    public static var interruptedUser: Bool { interruptedUserMode.withCurrent { $0 } }
    /// Where it came from, for the tick's profile (Linux: instruction_pointer(get_irq_regs())).
    private static let interruptedAddress = PerCPU<UInt64>(0)
    public static var interruptedRIP: UInt64 { interruptedAddress.withCurrent { $0 } }

    public static func install() {
        InterruptTable.setFlow { frame in
            let vector = Int(frame.vector)
            perCPUCounts.withCurrent { $0[vector] += 1 }
            guard vector >= InterruptTable.firstExternalVector else {
                InterruptTable.runHandler(&frame)  // exceptions are not interrupts
                // A fault in user code has queued its signal: deliver it now.
                if frame.isUserMode { Signals.exitToUserMode(&frame) }
                return
            }
            PreemptCount.add(PreemptCount.hardirqOffset)
            interruptedUserMode.withCurrent { $0 = frame.isUserMode }
            interruptedAddress.withCurrent { $0 = frame.rip }
            InterruptTable.runHandler(&frame)
            PreemptCount.subtract(PreemptCount.hardirqOffset)
            if !PreemptCount.inInterrupt && Softirq.hasPending { Softirq.run() }
            // Kernel preemption (CONFIG_PREEMPT): only where the interrupted
            // code had interrupts on and held no lock.
            let interruptedWithInterruptsOn = frame.rflags & (1 << 9) != 0
            if Scheduler.needsReschedule && PreemptCount.value == 0 && interruptedWithInterruptsOn {
                Scheduler.preempt()
            }
            // Back to user mode: signals sent while it ran (or was preempted) in user code arrive here.
            if frame.isUserMode { Signals.exitToUserMode(&frame) }
        }
    }
}
