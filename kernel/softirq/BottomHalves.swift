import Core

/// local_bh_disable and local_bh_enable (Linux: kernel/softirq.c). While
/// disabled, the softirq count in the preempt count is raised, so neither
/// an interrupt's exit nor ksoftirqd runs softirqs (timer callbacks among
/// them) on this CPU; enabling runs what was raised meanwhile. Linux's
/// SOFTIRQ_DISABLE_OFFSET, twice the serving offset, keeps "disabled" apart
/// from "serving".
public enum BottomHalves {
    static let disableOffset = 2 * PreemptCount.softirqOffset

    public static func disable() { PreemptCount.add(disableOffset) }

    public static func enable() {
        PreemptCount.subtract(disableOffset)
        Softirq.runFromDaemon()
    }
}

@c(local_bh_disable)
func localBhDisable() { BottomHalves.disable() }

@c(local_bh_enable)
func localBhEnable() { BottomHalves.enable() }
