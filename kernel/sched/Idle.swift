import Core

/// What a CPU does when nothing is runnable (Linux: kernel/sched/idle.c
/// do_idle): halt until an interrupt, then schedule if it made work.
public enum Idle {
    public static func loop() -> Never {
        while true {
            CPU.disableInterrupts()
            if Scheduler.needsReschedule {
                CPU.enableInterrupts()
                Scheduler.schedule()
            } else {
                // sti;hlt: an interrupt between the check and the halt still wakes it.
                CPU.idle()
            }
        }
    }
}
