/// The I/O APIC (Linux: arch/x86/kernel/apic/io_apic.c): routes device
/// interrupt lines (the ISA IRQs 0-15 and PCI lines) to vectors on a CPU.
/// Registers are reached indirectly: write the index to IOREGSEL, then read or
/// write IOWIN.
public struct IOAPIC: Sendable {
    /// The address every PC chipset (and QEMU) uses; ACPI's MADT confirms it on real machines.
    public static let defaultPhysicalBase = PhysAddr(0xFEC0_0000)
    public static let registerSpace: UInt64 = 4096

    private let registers: MMIORegion
    public init(registers: MMIORegion) { self.registers = registers }

    private func read(_ index: UInt32) -> UInt32 {
        registers.write32(0x00, index)
        return registers.read32(0x10)
    }
    private func write(_ index: UInt32, _ value: UInt32) {
        registers.write32(0x00, index)
        registers.write32(0x10, value)
    }

    public var id: UInt32 { (read(0x00) >> 24) & 0xF }
    /// Number of input lines (redirection entries).
    public var lineCount: Int { Int((read(0x01) >> 16) & 0xFF) + 1 }

    /// Routes input `line` to `vector` on the CPU whose APIC id is `destination`
    /// (fixed delivery, physical destination, active high), edge-triggered as
    /// ISA devices signal, or level-triggered as PCI's INTx lines are: a level
    /// line stays asserted until the device is serviced and is not delivered
    /// again before the local APIC's EOI.
    public func route(line: Int, vector: UInt8, destination: UInt32, masked: Bool = false, level: Bool = false) {
        let entry = UInt32(0x10 + 2 * line)
        write(entry + 1, destination << 24)
        write(entry, UInt32(vector) | (level ? 1 << 15 : 0) | (masked ? 1 << 16 : 0))
    }

    public func maskAll() {
        for line in 0..<lineCount { route(line: line, vector: 0, destination: 0, masked: true) }
    }
}
