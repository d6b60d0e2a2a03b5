import X86Asm

/// The processor's own state and features (Linux: arch/x86/kernel/cpu/common.c,
/// struct cpuinfo_x86, irqflags.h).
public enum CPU {
    /// Features the kernel asks about, read once from CPUID (Linux: X86_FEATURE_*).
    public struct Features: Sendable {
        public var vendor: String
        public var family: UInt32, model: UInt32, stepping: UInt32
        public var hasNX, hasSyscall, hasPGE, hasAPIC, hasTSC, hasInvariantTSC: Bool
        public var hasFXSR, hasXSAVE, hasSMEP, hasSMAP, hasUMIP, hasRDRAND, hasX2APIC, hasGBPages: Bool
        public var maxPhysicalAddressBits: UInt32
    }

    public static func probeFeatures() -> Features {
        let leaf0 = cpuid(0, 0)
        var vendorBytes: [UInt8] = []
        for word in [leaf0.ebx, leaf0.edx, leaf0.ecx] {
            for shift in stride(from: 0, to: 32, by: 8) {
                vendorBytes.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
            }
        }
        let leaf1 = cpuid(1, 0)
        let leaf7 = leaf0.eax >= 7 ? cpuid(7, 0) : cpuid_regs(eax: 0, ebx: 0, ecx: 0, edx: 0)
        let maxExtended = cpuid(0x8000_0000, 0).eax
        let ext1 = maxExtended >= 0x8000_0001 ? cpuid(0x8000_0001, 0) : cpuid_regs(eax: 0, ebx: 0, ecx: 0, edx: 0)
        let ext7 = maxExtended >= 0x8000_0007 ? cpuid(0x8000_0007, 0) : cpuid_regs(eax: 0, ebx: 0, ecx: 0, edx: 0)
        let ext8 = maxExtended >= 0x8000_0008 ? cpuid(0x8000_0008, 0) : cpuid_regs(eax: 36, ebx: 0, ecx: 0, edx: 0)
        var family = (leaf1.eax >> 8) & 0xF
        var model = (leaf1.eax >> 4) & 0xF
        if family == 0xF { family += (leaf1.eax >> 20) & 0xFF }
        if family >= 6 { model |= ((leaf1.eax >> 16) & 0xF) << 4 }
        return Features(
            vendor: String(decoding: vendorBytes, as: UTF8.self),
            family: family, model: model, stepping: leaf1.eax & 0xF,
            hasNX: ext1.edx & (1 << 20) != 0, hasSyscall: ext1.edx & (1 << 11) != 0,
            hasPGE: leaf1.edx & (1 << 13) != 0, hasAPIC: leaf1.edx & (1 << 9) != 0,
            hasTSC: leaf1.edx & (1 << 4) != 0, hasInvariantTSC: ext7.edx & (1 << 8) != 0,
            hasFXSR: leaf1.edx & (1 << 24) != 0, hasXSAVE: leaf1.ecx & (1 << 26) != 0,
            hasSMEP: leaf7.ebx & (1 << 7) != 0, hasSMAP: leaf7.ebx & (1 << 20) != 0,
            hasUMIP: leaf7.ecx & (1 << 2) != 0,
            hasRDRAND: leaf1.ecx & (1 << 30) != 0, hasX2APIC: leaf1.ecx & (1 << 21) != 0,
            hasGBPages: ext1.edx & (1 << 26) != 0,
            maxPhysicalAddressBits: ext8.eax & 0xFF)
    }

    /// CR4 bits of the hardening Linux turns on whenever the CPU has it
    /// (arch/x86/kernel/cpu/common.c setup_smep, setup_smap, setup_umip).
    public enum CR4 {
        /// User-Mode Instruction Prevention: SGDT, SIDT, SLDT, SMSW and STR fault in ring 3.
        public static let umip: UInt64 = 1 << 11
        /// Supervisor-Mode Execution Prevention: the kernel cannot run code from user pages.
        public static let smep: UInt64 = 1 << 20
        /// Supervisor-Mode Access Prevention: the kernel cannot touch user pages, unless EFLAGS.AC is set.
        public static let smap: UInt64 = 1 << 21
    }
    /// EFLAGS.AC: with SMAP on, set only inside the user-copy routines.
    public static let alignmentCheckFlag: UInt64 = 1 << 18

    /// Whether a CR4 hardening bit is on.
    public static func isEnabled(_ bit: UInt64) -> Bool { read_cr4() & bit != 0 }

    /// Turns on what the kernel relies on: no-execute pages, global pages,
    /// and the hardening bits the CPU offers.
    public static func enableFeatures(_ features: Features) {
        if features.hasNX {
            wrmsr(MSR.efer, rdmsr(MSR.efer) | (1 << 11))
            unsafe PageTable.supportsNoExecute = true
        }
        if features.hasPGE { write_cr4(read_cr4() | (1 << 7)) }
        // User programs use SSE: FXSAVE/FXRSTOR and SSE exceptions on (CR4.OSFXSR,
        // OSXMMEXCPT), x87 emulation off and WAIT honouring TS (CR0.EM clear, MP set).
        if features.hasFXSR {
            write_cr4(read_cr4() | (1 << 9) | (1 << 10))
            write_cr0((read_cr0() & ~(1 << 2)) | (1 << 1))
        }
        if features.hasSMEP { write_cr4(read_cr4() | CR4.smep) }
        if features.hasSMAP {
            applySMAPAlternatives()
            write_cr4(read_cr4() | CR4.smap)
        }
        if features.hasUMIP { write_cr4(read_cr4() | CR4.umip) }
    }

    /// Turns the NOPs smap.h left at each stac/clac site into the real
    /// instruction (Linux: apply_alternatives). Runs on the boot page
    /// tables, before the image's text becomes read-only.
    private static func applySMAPAlternatives() {
        var entry = linker___smap_alternatives_start()
        while entry < linker___smap_alternatives_end() {
            let site = unsafe UnsafePointer<UInt64>(bitPattern: UInt(entry))!
            let code = unsafe UnsafeMutablePointer<UInt8>(bitPattern: UInt(site[0]))!
            unsafe code[0] = 0x0F
            unsafe code[1] = 0x01
            unsafe code[2] = UInt8(truncatingIfNeeded: site[1])
            entry += 16
        }
    }

    /// What AT_HWCAP tells a new program: CPUID leaf 1's EDX feature bits
    /// (Linux: ELF_HWCAP, boot_cpu_data.x86_capability[CPUID_1_EDX]).
    public static var elfHardwareCapabilities: UInt64 { UInt64(cpuid(1, 0).edx) }

    public enum MSR {
        public static let efer: UInt32 = 0xC000_0080
        public static let apicBase: UInt32 = 0x1B
    }

    // Interrupt flag (Linux: local_irq_save/restore).
    public static func disableInterrupts() { local_irq_disable() }
    public static func enableInterrupts() { local_irq_enable() }
    public static var interruptsEnabled: Bool { read_rflags() & (1 << 9) != 0 }
    /// Disables interrupts and says whether they were on, for a matching restore.
    public static func saveAndDisableInterrupts() -> Bool {
        let wasEnabled = interruptsEnabled
        local_irq_disable()
        return wasEnabled
    }
    public static func restoreInterrupts(_ wasEnabled: Bool) { if wasEnabled { local_irq_enable() } }

    /// Sleeps until the next interrupt with interrupts enabled (Linux: safe_halt).
    public static func idle() { safe_halt() }
    /// Stops this CPU for good (Linux: the end of panic()).
    public static func haltForever() -> Never {
        while true { local_irq_disable(); halt() }
    }
    public static func relax() { cpu_relax() }

    /// The address a page fault was about (CR2).
    public static var faultAddress: UInt64 { read_cr2() }
    public static var controlRegisters: (cr0: UInt64, cr2: UInt64, cr3: UInt64, cr4: UInt64) {
        (read_cr0(), read_cr2(), read_cr3(), read_cr4())
    }
    public static func timestampCounter() -> UInt64 { rdtsc() }
    public static var framePointer: UInt64 { read_frame_pointer() }
}
