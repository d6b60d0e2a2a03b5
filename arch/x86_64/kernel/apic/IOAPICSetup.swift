import Core
import Lib

/// Puts the I/O APIC in a known state (Linux: arch/x86/kernel/apic/io_apic.c
/// setup_IO_APIC): every line masked until a driver asks for its IRQ.
public enum IOAPICSetup {
    private static let chip = BootOnce<IOAPIC>()
    public static var ioapic: IOAPIC? { chip.valueIfSet }

    public static func initialize() {
        guard let registers = try? Vmalloc.ioremap(IOAPIC.defaultPhysicalBase, size: IOAPIC.registerSpace) else {
            pr_warn("IOAPIC: cannot map registers, device interrupts unavailable")
            return
        }
        let ioapic = IOAPIC(registers: registers)
        ioapic.maskAll()
        chip.set(ioapic)
        pr_info(
            "IOAPIC[0]: apic_id \(ioapic.id), address 0x\(hex(IOAPIC.defaultPhysicalBase.value, width: 8)), GSI 0-\(ioapic.lineCount - 1)"
        )
    }
}
