/// The scheduler's tuning knobs with Linux's defaults for one CPU
/// (kernel/sched/fair.c `sysctl_sched_*`, kernel/sched/rt.c
/// `sched_rr_timeslice`). All times are nanoseconds.
///
/// Linux multiplies the CFS values by 1 + log2(CPUs), on the grounds that
/// a bigger machine can afford longer slices; for one CPU that factor is 1.
public struct SchedTunables: Sendable {
    /// The period in which every runnable CFS task should run once, as long
    /// as there are at most `nrLatency` of them (sysctl_sched_latency).
    public var latency: UInt64 = 6_000_000

    /// The shortest slice CFS hands out, so that with many tasks the
    /// switching itself does not eat the CPU (sysctl_sched_min_granularity).
    public var minGranularity: UInt64 = 750_000

    /// How far, in nice-0 virtual time, a waking task must be behind the
    /// running one to preempt it; damps ping-pong between tasks that wake
    /// each other (sysctl_sched_wakeup_granularity).
    public var wakeupGranularity: UInt64 = 1_000_000

    /// SCHED_RR's time slice (Linux: RR_TIMESLICE).
    public var roundRobinTimeslice: UInt64 = 100_000_000

    public init() {}

    /// How many tasks fit into `latency` at `minGranularity` each; with more,
    /// the period stretches instead of the slices shrinking (sched_nr_latency).
    public var nrLatency: Int {
        Int((latency + minGranularity - 1) / minGranularity)
    }

    /// The time in which each of `nrRunning` tasks should run once (__sched_period).
    func period(nrRunning: Int) -> UInt64 {
        nrRunning > nrLatency ? UInt64(nrRunning) * minGranularity : latency
    }
}
