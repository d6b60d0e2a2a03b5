/// The legacy 8259 interrupt controllers (Linux: arch/x86/kernel/i8259.c).
/// Apus routes interrupts through the APICs, so the PICs are only remapped
/// away from the exception vectors (a spurious IRQ must not look like a
/// double fault) and then masked for good.
public enum PIC8259 {
    private static let master = (command: IOPort(0x20), data: IOPort(0x21))
    private static let slave = (command: IOPort(0xA0), data: IOPort(0xA1))

    public static func disable(vectorBase: UInt8) {
        master.command.write8(0x11)  // ICW1: initialise, expect ICW4
        slave.command.write8(0x11)
        master.data.write8(vectorBase)  // ICW2: vector offsets
        slave.data.write8(vectorBase + 8)
        master.data.write8(0x04)  // ICW3: slave on IRQ2
        slave.data.write8(0x02)
        master.data.write8(0x01)  // ICW4: 8086 mode
        slave.data.write8(0x01)
        master.data.write8(0xFF)  // mask everything
        slave.data.write8(0xFF)
    }
}
