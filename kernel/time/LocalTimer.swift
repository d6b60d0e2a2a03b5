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

    nonisolated(unsafe) public private(set) static var apic: LocalAPIC? = nil
    nonisolated(unsafe) public private(set) static var apicTimerFrequency: UInt64 = 0
    /// Per-tick work other subsystems add (the scheduler tick, timers).
    nonisolated(unsafe) public static var tickHandlers: [() -> Void] = []

    public static func initialize() {
        guard let registers = try? Vmalloc.ioremap(LocalAPIC.physicalBase, size: LocalAPIC.registerSpace) else {
            panic("cannot map the local APIC")
        }
        let apic = LocalAPIC(registers: registers)
        self.apic = apic
        apic.enable(spuriousVector: spuriousVector, errorVector: errorVector)
        pr_info("APIC: local APIC id \(apic.id), version 0x\(hex(UInt64(apic.version), width: 2)) at [mem 0x\(hex(LocalAPIC.physicalBase.value, width: 8))]")

        var tscStart: UInt64 = 0
        let (tscEnd, apicRemaining) = PIT8253.measure(milliseconds: calibrationMilliseconds, start: {
            apic.startFreeRunningTimer()
            tscStart = CPU.timestampCounter()
        }, finish: { (CPU.timestampCounter(), apic.timerCurrentCount) })
        apic.stopTimer()
        let scale = 1000 / calibrationMilliseconds
        let tscFrequency = (tscEnd - tscStart) * scale
        apicTimerFrequency = UInt64(UInt32.max - apicRemaining) * scale
        Clock.start(tscFrequency: tscFrequency, tscAtBoot: tscStart)
        pr_info("tsc: Detected \(decimal(tscFrequency / 1_000_000)).\(decimal(tscFrequency / 1000 % 1000, width: 3, zeroPadded: true)) MHz processor")
        pr_info("APIC timer calibrated: \(decimal(apicTimerFrequency)) Hz, \(decimal(apicTimerFrequency / Jiffies.hz)) counts per tick")

        InterruptTable.setHandler(vector: Int(timerVector)) { _ in
            Jiffies.tick()
            for handler in tickHandlers { handler() }
            apic.endOfInterrupt()
        }
        InterruptTable.setHandler(vector: Int(errorVector)) { _ in
            pr_err("APIC error interrupt")
            apic.endOfInterrupt()
        }
        // A spurious interrupt needs no EOI (Intel SDM 10.9).
        InterruptTable.setHandler(vector: Int(spuriousVector)) { _ in }
        apic.startPeriodicTimer(vector: timerVector, ticks: UInt32(apicTimerFrequency / Jiffies.hz))
        pr_info("clockevents: local APIC timer periodic, HZ=\(Jiffies.hz)")
    }
}
