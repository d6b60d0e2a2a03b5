import Core
import Lib

/// Brings up the local APIC, measures the TSC and the APIC timer against the
/// PIT, and starts the periodic tick (Linux: arch/x86/kernel/apic/apic.c
/// setup_boot_APIC_clock and calibrate_APIC_clock, arch/x86/kernel/tsc.c).
public enum LocalTimer {
    /// Linux's vector numbers (arch/x86/include/asm/irq_vectors.h).
    public static let timerVector: UInt8 = 0xEC
    public static let errorVector: UInt8 = 0xFE
    public static let spuriousVector: UInt8 = 0xFF
    private static let calibrationMilliseconds: UInt64 = 50

    private static let localAPIC = BootOnce<LocalAPIC>()
    private static let timerFrequency = BootOnce<UInt64>()
    public static var apic: LocalAPIC? { localAPIC.valueIfSet }
    /// APIC timer counts per second; 0 before calibration.
    public static var apicTimerFrequency: UInt64 { timerFrequency.valueIfSet ?? 0 }

    public static func initialize() {
        guard let registers = try? Vmalloc.ioremap(LocalAPIC.physicalBase, size: LocalAPIC.registerSpace) else {
            panic("cannot map the local APIC")
        }
        let apic = LocalAPIC(registers: registers)
        localAPIC.set(apic)
        apic.enable(spuriousVector: spuriousVector, errorVector: errorVector)
        pr_info(
            "APIC: local APIC id \(apic.id), version 0x\(hex(UInt64(apic.version), width: 2)) at [mem 0x\(hex(LocalAPIC.physicalBase.value, width: 8))]"
        )

        var tscStart: UInt64 = 0
        let (tscEnd, apicRemaining) = PIT8253.measure(
            milliseconds: calibrationMilliseconds,
            start: {
                apic.startFreeRunningTimer()
                tscStart = CPU.timestampCounter()
            }, finish: { (CPU.timestampCounter(), apic.timerCurrentCount) })
        apic.stopTimer()
        let scale = 1000 / calibrationMilliseconds
        let tscFrequency = (tscEnd - tscStart) * scale
        let apicTimerFrequency = UInt64(UInt32.max - apicRemaining) * scale
        timerFrequency.set(apicTimerFrequency)
        Clock.start(tscFrequency: tscFrequency, tscAtBoot: tscStart)
        pr_info(
            "tsc: Detected \(decimal(tscFrequency / 1_000_000)).\(decimal(tscFrequency / 1000 % 1000, width: 3, zeroPadded: true)) MHz processor"
        )
        pr_info(
            "APIC timer calibrated: \(decimal(apicTimerFrequency)) Hz, \(decimal(apicTimerFrequency / Jiffies.hz)) counts per tick"
        )

        InterruptTable.setHandler(vector: Int(timerVector)) { _ in
            apic.endOfInterrupt()
            HRTimers.interrupt()
        }
        InterruptTable.setHandler(vector: Int(errorVector)) { _ in
            pr_err("APIC error interrupt")
            apic.endOfInterrupt()
        }
        // A spurious interrupt needs no EOI (Intel SDM 10.9).
        InterruptTable.setHandler(vector: Int(spuriousVector)) { _ in }
        HRTimers.initialize(program: { deadline in program(apic, deadline: deadline) }, tick: tick)
        pr_info("clockevents: local APIC timer one-shot, hrtimer tick at HZ=\(Jiffies.hz)")
    }

    /// Arms the one-shot timer for `deadline` (ns since boot); a deadline
    /// already past fires at once (Linux: clockevents_program_event).
    private static func program(_ apic: LocalAPIC, deadline: UInt64) {
        let now = Clock.nanosecondsSinceBoot()
        let delta = deadline > now ? deadline - now : 0
        let product = delta.multipliedFullWidth(by: apicTimerFrequency)
        let ticks = product.high == 0 ? product.low / 1_000_000_000 : UInt64(UInt32.max)
        apic.startOneShotTimer(vector: timerVector, ticks: UInt32(min(ticks, UInt64(UInt32.max))))
    }

    /// The periodic tick (Linux: tick_sched_timer → tick_sched_handle).
    private static func tick() {
        Jiffies.tick()
        Scheduler.tick()
        KernelTimers.tick(jiffies: Jiffies.value)
        LoadAverage.tick(jiffies: Jiffies.value)
        Profile.tick(rip: IrqFlow.interruptedRIP, userMode: IrqFlow.interruptedUser)
    }
}
