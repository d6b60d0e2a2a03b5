/// Per-task scheduling statistics, as Linux reports them in
/// /proc/PID/sched and /proc/PID/schedstat (`struct sched_info`,
/// `struct sched_statistics`, task_struct's nvcsw/nivcsw).
public struct SchedStatistics: Sendable {
    /// How many times the task was switched onto the CPU (sched_info.pcount).
    public internal(set) var timesRun: UInt64 = 0
    /// Switches away from the task because it blocked (nvcsw).
    public internal(set) var voluntarySwitches: UInt64 = 0
    /// Switches away from the task while it was still runnable: it was
    /// preempted or yielded (nivcsw).
    public internal(set) var involuntarySwitches: UInt64 = 0
    /// Total time runnable but waiting for the CPU, ns (sched_info.run_delay).
    public internal(set) var waitTime: UInt64 = 0
    /// The longest single such wait, ns (wait_max).
    public internal(set) var longestWait: UInt64 = 0

    /// When the current wait began, if the task is waiting (sched_info.last_queued).
    var waitingSince: UInt64?

    mutating func beginWait(at now: UInt64) {
        waitingSince = now
    }

    mutating func endWait(at now: UInt64) {
        guard let waitingSince else { return }
        let waited = now - waitingSince
        waitTime += waited
        longestWait = max(longestWait, waited)
        self.waitingSince = nil
    }
}
