import X86Asm

/// The Global Descriptor Table and Task State Segment of one CPU (Linux:
/// arch/x86/kernel/cpu/common.c gdt_page, struct tss_struct). In long mode
/// segments are flat; the GDT still chooses the privilege level, and the TSS
/// names the stacks the CPU switches to: RSP0 on entry from user mode and the
/// Interrupt Stack Table for exceptions that must not trust the current stack.
@safe public final class CPUTables {
    /// IST slots (1-based, as the IDT's 3-bit field counts them).
    public enum InterruptStack: UInt8 { case doubleFault = 1, nmi = 2, machineCheck = 3 }

    private let gdt: UnsafeMutablePointer<UInt64>
    private let tss: UnsafeMutableRawPointer
    private static let gdtEntries = 16
    private static let tssSize = 104
    private static let istStackSize = 8192

    /// The tables of CPU `cpu`, on NUMA node 0.
    public init(cpu: UInt64) {
        unsafe gdt = .allocate(capacity: CPUTables.gdtEntries)
        unsafe tss = .allocate(byteCount: CPUTables.tssSize, alignment: 16)
        unsafe tss.initializeMemory(as: UInt8.self, repeating: 0, count: CPUTables.tssSize)
        // Descriptor bits: P=1<<47, DPL<<45, S=1<<44, code 0xA<<40 (exec/read) or data 0x2<<40 (rw),
        // L=1<<53, G|D/B for 32-bit.
        let code64: UInt64 = 0x0020_9A00_0000_0000
        let data: UInt64 = 0x00C0_9200_0000_FFFF | 0x000F_0000_0000_0000
        let code32: UInt64 = 0x00CF_9A00_0000_FFFF
        let user: UInt64 = 3 << 45
        unsafe gdt[0] = 0
        unsafe gdt[1] = code32
        unsafe gdt[2] = code64
        unsafe gdt[3] = data
        unsafe gdt[4] = code32 | user
        unsafe gdt[5] = data | user
        unsafe gdt[6] = code64 | user
        unsafe gdt[7] = 0
        // A 16-byte system descriptor: available 64-bit TSS (type 9).
        let base = unsafe UInt64(UInt(bitPattern: tss))
        let limit = UInt64(CPUTables.tssSize - 1)
        unsafe gdt[8] = limit | (base & 0xFF_FFFF) << 16 | 0x89 << 40 | ((base >> 24) & 0xFF) << 56
        unsafe gdt[9] = base >> 32
        for unused in 10..<15 { unsafe gdt[unused] = 0 }
        // Present, DPL 3, read-only data, byte-granular limit cpu | node << 12 (Linux: setup_getcpu).
        unsafe gdt[Int(Selector.cpuNode >> 3)] = 0x0040_F100_0000_0000 | (cpu & 0xFFF)
        unsafe tss.storeBytes(of: UInt16(CPUTables.tssSize), toByteOffset: 102, as: UInt16.self)  // no I/O bitmap
        for stack in [InterruptStack.doubleFault, .nmi, .machineCheck] {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: CPUTables.istStackSize, alignment: 16)
            let top = UInt64(UInt(bitPattern: memory)) + UInt64(CPUTables.istStackSize)
            unsafe tss.storeBytes(of: top, toByteOffset: 36 + 8 * (Int(stack.rawValue) - 1), as: UInt64.self)
        }
    }

    /// Makes these tables the CPU's own: lgdt, segment reloads, ltr.
    public func load() {
        unsafe lgdt(UInt64(UInt(bitPattern: gdt)), UInt16(CPUTables.gdtEntries * 8 - 1))
        reload_segments(UInt64(Selector.kernelCode), UInt64(Selector.kernelData))
        ltr(Selector.tss)
    }

    /// The stack the CPU loads on an interrupt from ring 3 (TSS.RSP0).
    public func setKernelStack(top: UInt64) {
        unsafe tss.storeBytes(of: top, toByteOffset: 4, as: UInt64.self)
    }
}
