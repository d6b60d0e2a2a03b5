import Core
import Lib

/// Device interrupt lines (Linux: kernel/irq/manage.c request_irq and
/// free_irq). A driver asks for one of the legacy lines 0-15 — an ISA
/// device's, or the line the firmware routed a PCI function's INTx pin to
/// — and it is routed through the I/O APIC to Linux's vector for that
/// line on this CPU; the handler runs in hard-interrupt context with the
/// local APIC acknowledged after it. One handler per line: a second
/// request for a line in use is refused (Linux chains IRQF_SHARED ones).
public enum Irq {
    /// ISA_IRQ_VECTOR(irq) in arch/x86/include/asm/irq_vectors.h.
    static func vector(forISALine line: Int) -> Int { 0x30 + line }
    /// The lines with a vector of their own (Linux: NR_IRQS_LEGACY).
    static let legacyLines = 16
    /// Who holds each line, for the refusal and the log.
    private static let owners = SpinLocked([String?](repeating: nil, count: legacyLines))

    /// Routes line `line` to `handler`, level-triggered if `level` (PCI
    /// INTx) or edge-triggered (ISA); false if there is no I/O APIC or
    /// local APIC to deliver it, the line has no vector, or it is taken,
    /// and the driver must poll instead.
    @discardableResult
    public static func request(
        isaLine line: Int, name: String, level: Bool = false, _ handler: @escaping () -> Void
    ) -> Bool {
        guard let ioapic = IOAPICSetup.ioapic, let apic = LocalTimer.apic, line >= 0, line < legacyLines,
            line < ioapic.lineCount
        else {
            pr_warn("irq \(line): cannot route \(name), no APIC or no vector for the line")
            return false
        }
        let taken = owners.withLock { owners -> String? in
            if let owner = owners[line] { return owner }
            owners[line] = name
            return nil
        }
        if let taken {
            pr_warn("irq \(line): cannot route \(name), \(taken) has it")
            return false
        }
        let vector = vector(forISALine: line)
        InterruptTable.setHandler(vector: vector) { _ in
            handler()
            apic.endOfInterrupt()
        }
        ioapic.route(line: line, vector: UInt8(vector), destination: apic.id, level: level)
        pr_info("irq \(line): \(name) on vector 0x\(hex(UInt64(vector), width: 2))\(level ? ", level-triggered" : "")")
        return true
    }

    /// Masks line `line` and forgets its handler (Linux: free_irq).
    public static func free(isaLine line: Int) {
        guard let ioapic = IOAPICSetup.ioapic, line >= 0, line < legacyLines, line < ioapic.lineCount else { return }
        ioapic.route(line: line, vector: 0, destination: 0, masked: true)
        InterruptTable.removeHandler(vector: vector(forISALine: line))
        owners.withLock { $0[line] = nil }
    }
}
