import Core
import Synchronization

/// The load averages (Linux: kernel/sched/loadavg.c): every 5 seconds the
/// number of runnable and uninterruptibly sleeping tasks is folded into
/// three exponentially decaying averages, over 1, 5 and 15 minutes, in
/// fixed point with 11 fractional bits.
public enum LoadAverage {
    public static let fixedShift: UInt64 = 11  // FSHIFT
    public static let fixed1: UInt64 = 1 << fixedShift  // FIXED_1
    /// 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min) (EXP_1, EXP_5, EXP_15).
    private static let decay: [UInt64] = [1884, 2014, 2037]
    /// LOAD_FREQ: 5 s and one tick.
    private static let interval = 5 * Jiffies.hz + 1

    private static let state = IRQSafeLocked((averages: [UInt64](repeating: 0, count: 3), nextSample: interval))

    public static var averages: [UInt64] { state.withLock { $0.averages } }

    /// From the tick: samples when the interval has passed (Linux: calc_global_load).
    static func tick(jiffies: UInt64) {
        let due = state.withLock { $0.nextSample <= jiffies }
        guard due else { return }
        let active = UInt64(activeTasks()) * fixed1
        state.withLock { state in
            state.nextSample = jiffies + interval
            for index in 0..<3 {
                // calc_load: load * exp + active * (1 - exp), rounded up while rising.
                var next = state.averages[index] * decay[index] + active * (fixed1 - decay[index])
                if active >= state.averages[index] { next += fixed1 - 1 }
                state.averages[index] = next >> fixedShift
            }
        }
    }

    /// Runnable tasks and those in uninterruptible sleep, not the idle task
    /// nor TASK_IDLE sleepers (Linux: calc_load_fold_active).
    private static func activeTasks() -> Int {
        var count = 0
        for task in PidAllocation.allTasks where task.pid > 0 {
            let state = task.state
            if state == .running || (state.contains(.uninterruptible) && !state.contains(.noLoad)) { count += 1 }
        }
        return count
    }
}
