import Core
import Lib

/// Device interrupt lines (Linux: kernel/irq/manage.c request_irq). A driver
/// asks for an ISA line; it is routed through the I/O APIC to Linux's vector
/// for that line on this CPU, and the handler runs in hard-interrupt context
/// with the local APIC acknowledged after it.
public enum Irq {
    /// ISA_IRQ_VECTOR(irq) in arch/x86/include/asm/irq_vectors.h.
    static func vector(forISALine line: Int) -> Int { 0x30 + line }

    /// Routes ISA line `line` to `handler`; false if there is no I/O APIC or
    /// local APIC to deliver it, and the driver must poll instead.
    @discardableResult
    public static func request(isaLine line: Int, name: String, _ handler: @escaping () -> Void) -> Bool {
        guard let ioapic = IOAPICSetup.ioapic, let apic = LocalTimer.apic, line < ioapic.lineCount else {
            pr_warn("irq \(line): cannot route \(name), no APIC")
            return false
        }
        let vector = vector(forISALine: line)
        InterruptTable.setHandler(vector: vector) { _ in
            handler()
            apic.endOfInterrupt()
        }
        ioapic.route(line: line, vector: UInt8(vector), destination: apic.id)
        pr_info("irq \(line): \(name) on vector 0x\(hex(UInt64(vector), width: 2))")
        return true
    }
}
