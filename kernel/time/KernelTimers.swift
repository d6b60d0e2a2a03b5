import Core
import Lib

/// Jiffy-resolution timers (Linux: kernel/time/timer.c add_timer/del_timer/
/// mod_timer, run from TIMER_SOFTIRQ). The wheel in lib/time/TimerWheel.swift
/// is per-CPU; interrupts off is the exclusion on its CPU, as for Linux's
/// per-CPU data. Timer functions run from the TIMER softirq and may re-arm
/// timers, their own included.
public enum KernelTimers {
    private static let wheels = PerCPU<TimerWheel?>(nil)
    private static var wheel: TimerWheel? { wheels.withCurrent { $0 } }

    static func initialize() {
        let wheel = TimerWheel(jiffies: Jiffies.value)
        wheels.withCurrent { $0 = wheel }
        Softirq.open(.timer) { run() }
    }

    public static func add(_ timer: WheelTimer, expires: UInt64) {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        wheel?.add(timer, expires: expires)
        CPU.restoreInterrupts(interruptsWereOn)
    }

    /// mod_timer: re-arms a pending or idle timer; returns whether it was pending.
    @discardableResult
    public static func modify(_ timer: WheelTimer, expires: UInt64) -> Bool {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        return wheel?.modify(timer, expires: expires) ?? false
    }

    /// del_timer: returns whether the timer was pending.
    @discardableResult
    public static func remove(_ timer: WheelTimer) -> Bool {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        defer { CPU.restoreInterrupts(interruptsWereOn) }
        return wheel?.remove(timer) ?? false
    }

    /// From the tick: raise the softirq only when something is due.
    static func tick(jiffies: UInt64) {
        if let next = wheel?.nextExpiry, next <= jiffies { Softirq.raise(.timer) }
    }

    private static func run() {
        let interruptsWereOn = CPU.saveAndDisableInterrupts()
        wheel?.runTimers(upTo: Jiffies.value)
        CPU.restoreInterrupts(interruptsWereOn)
    }
}
