import X86Asm

/// The local APIC of a CPU (Linux: arch/x86/kernel/apic/apic.c): it delivers
/// interrupts to its core, takes their end-of-interrupt, and has the per-CPU
/// timer that drives the scheduler tick. Used through its xAPIC MMIO page,
/// which QEMU's default CPU (no x2APIC) requires.
public struct LocalAPIC: Sendable {
    public static let defaultPhysicalBase = PhysAddr(0xFEE0_0000)
    public static let registerSpace: UInt64 = 4096

    private enum Register: UInt64 {
        case id = 0x20, version = 0x30, taskPriority = 0x80, endOfInterrupt = 0xB0
        case spuriousVector = 0xF0, errorStatus = 0x280
        case timerVector = 0x320, lint0 = 0x350, lint1 = 0x360, errorVector = 0x370
        case timerInitialCount = 0x380, timerCurrentCount = 0x390, timerDivide = 0x3E0
    }

    private let registers: MMIORegion
    public init(registers: MMIORegion) { self.registers = registers }

    /// Where the firmware put the APIC (IA32_APIC_BASE MSR).
    public static var physicalBase: PhysAddr {
        PhysAddr(rdmsr(CPU.MSR.apicBase) & 0xF_FFFF_F000)
    }

    private func read(_ register: Register) -> UInt32 { registers.read32(register.rawValue) }
    private func write(_ register: Register, _ value: UInt32) { registers.write32(register.rawValue, value) }

    private static let masked: UInt32 = 1 << 16

    public var id: UInt32 { read(.id) >> 24 }
    public var version: UInt32 { read(.version) & 0xFF }

    /// Software-enables the APIC with `spuriousVector`, accepts every priority,
    /// masks the legacy LINT pins and routes APIC errors to `errorVector`.
    public func enable(spuriousVector: UInt8, errorVector: UInt8) {
        wrmsr(CPU.MSR.apicBase, rdmsr(CPU.MSR.apicBase) | (1 << 11))  // global enable
        write(.taskPriority, 0)
        write(.lint0, LocalAPIC.masked)
        write(.lint1, LocalAPIC.masked)
        write(.errorVector, UInt32(errorVector))
        write(.errorStatus, 0)
        write(.spuriousVector, (1 << 8) | UInt32(spuriousVector))
    }

    public func endOfInterrupt() { write(.endOfInterrupt, 0) }

    /// Divide-by-16: the count runs at bus clock / 16 (encoding 0b0011).
    private static let divideBy16: UInt32 = 0x3

    /// Lets the timer count down from its maximum without interrupting, for calibration.
    public func startFreeRunningTimer() {
        write(.timerDivide, LocalAPIC.divideBy16)
        write(.timerVector, LocalAPIC.masked)
        write(.timerInitialCount, UInt32.max)
    }
    public var timerCurrentCount: UInt32 { read(.timerCurrentCount) }

    /// Interrupts on `vector` every `ticks` timer ticks (Linux: the periodic clockevent mode).
    public func startPeriodicTimer(vector: UInt8, ticks: UInt32) {
        write(.timerDivide, LocalAPIC.divideBy16)
        write(.timerVector, (1 << 17) | UInt32(vector))
        write(.timerInitialCount, ticks)
    }
    /// Interrupts on `vector` once, after `ticks` timer ticks (Linux: the oneshot clockevent mode).
    public func startOneShotTimer(vector: UInt8, ticks: UInt32) {
        write(.timerDivide, LocalAPIC.divideBy16)
        write(.timerVector, UInt32(vector))
        write(.timerInitialCount, max(ticks, 1))
    }
    public func stopTimer() {
        write(.timerVector, LocalAPIC.masked)
        write(.timerInitialCount, 0)
    }
}
