import Core
import Lib

/// <linux/timer.h>'s timer_list for C modules (Linux: kernel/time/timer.c's
/// add_timer, mod_timer, del_timer, del_timer_sync). The `struct
/// timer_list` is the module's memory, Linux's layout: `expires` at 16 and
/// `function` at 24. While one is pending the kernel keeps a WheelTimer for
/// its address, which fires in the TIMER softirq: the timer stops being
/// pending, then its function runs with the timer_list, where it may re-arm
/// it but not sleep. Idle timers cost the kernel nothing, so timer_setup and
/// DEFINE_TIMER are plain C.
enum ModuleTimers {
    static let expiresOffset: UInt64 = 16
    static let functionOffset: UInt64 = 24

    private struct State {
        var pending: [(address: UInt64, timer: WheelTimer)] = []
        /// The timer_list whose function is running, 0 if none.
        var running: UInt64 = 0
    }

    private static let state = IRQSafeLocked<State>(State())

    /// mod_timer: sets `expires` and (re)arms the timer; returns whether it was pending.
    static func modify(_ address: UInt64, expires: UInt64) -> Bool {
        ModuleCode.store(expires, at: address + expiresOffset)
        return state.withLock { state in
            if let pending = state.pending.first(where: { $0.address == address })?.timer {
                return KernelTimers.modify(pending, expires: expires)
            }
            let timer = WheelTimer { fired in fire(address, fired) }
            state.pending.append((address, timer))
            KernelTimers.add(timer, expires: expires)
            return false
        }
    }

    /// del_timer: disarms the timer; returns whether it was pending. Its
    /// function may still be running.
    static func delete(_ address: UInt64) -> Bool {
        state.withLock { state in
            guard let index = state.pending.firstIndex(where: { $0.address == address }) else { return false }
            KernelTimers.remove(state.pending.remove(at: index).timer)
            return true
        }
    }

    /// del_timer_sync: disarms the timer and waits for its function to
    /// return, unless called from that function (a deadlock in Linux) or
    /// from another interrupt context.
    static func deleteSync(_ address: UInt64) -> Bool {
        let wasPending = delete(address)
        while !PreemptCount.inInterrupt && state.withLock({ $0.running }) == address { Scheduler.yield() }
        return wasPending
    }

    static func isPending(_ address: UInt64) -> Bool {
        state.withLock { state in state.pending.contains { $0.address == address } }
    }

    /// Disarms every timer that lies in `range` or whose function does, or
    /// whose delayed work's function does (a module's, at its unload), and
    /// waits for those running; returns them.
    static func cancel(in range: Range<UInt64>) -> [UInt64] {
        // Only a timer of neither kind may be a delayed work's (kallsyms is searched then).
        let others = state.withLock { state in
            state.pending.contains {
                !range.contains($0.address) && !range.contains(ModuleCode.load64(at: $0.address + functionOffset))
            }
        }
        let delayedWorkTimer = others ? delayedWorkTimerFunction() : nil
        let cancelled = state.withLock { state -> [UInt64] in
            let doomed = state.pending.filter {
                let function = ModuleCode.load64(at: $0.address + functionOffset)
                return range.contains($0.address) || range.contains(function)
                    || (function == delayedWorkTimer
                        && range.contains(
                            ModuleCode.load64(at: $0.address &- ModuleWork.timerOffset + ModuleWork.functionOffset)))
            }
            for entry in doomed { KernelTimers.remove(entry.timer) }
            state.pending.removeAll { entry in doomed.contains { $0.timer === entry.timer } }
            return doomed.map { $0.address }
        }
        while range.contains(state.withLock({ $0.running })) { Scheduler.yield() }
        return cancelled
    }

    /// The address of delayed_work_timer_fn, the function of every delayed_work's timer.
    private static func delayedWorkTimerFunction() -> UInt64? {
        guard let table = Kallsyms.table else { return nil }
        for index in 0..<table.count where table.symbol(at: index).name == "delayed_work_timer_fn" {
            return table.symbol(at: index).address
        }
        return nil
    }

    /// In the TIMER softirq: runs the module's function unless the timer
    /// was re-armed or deleted since `fired` was queued.
    private static func fire(_ address: UInt64, _ fired: WheelTimer) {
        let function = state.withLock { state -> UInt64 in
            guard let index = state.pending.firstIndex(where: { $0.timer === fired }) else { return 0 }
            state.pending.remove(at: index)
            state.running = address
            return ModuleCode.load64(at: address + functionOffset)
        }
        guard function != 0 else { return }
        ModuleCode.call(function, with: address)
        state.withLock { $0.running = 0 }
    }
}

@c(add_timer)
func addTimer(_ timer: UInt64) {
    _ = ModuleTimers.modify(timer, expires: ModuleCode.load64(at: timer + ModuleTimers.expiresOffset))
}

/// 1 if the timer was pending, else 0.
@c(mod_timer)
func modTimer(_ timer: UInt64, expires: UInt64) -> Int32 { ModuleTimers.modify(timer, expires: expires) ? 1 : 0 }

@c(del_timer)
func delTimer(_ timer: UInt64) -> Int32 { ModuleTimers.delete(timer) ? 1 : 0 }

@c(del_timer_sync)
func delTimerSync(_ timer: UInt64) -> Int32 { ModuleTimers.deleteSync(timer) ? 1 : 0 }

/// Linux's timer_pending is inline, reading the timer's list links; here
/// the kernel's table of pending timers answers.
@c(timer_pending)
func timerPending(_ timer: UInt64) -> Int32 { ModuleTimers.isPending(timer) ? 1 : 0 }
