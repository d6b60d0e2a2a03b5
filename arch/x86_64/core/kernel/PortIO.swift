import X86Asm

/// An x86 I/O port (Linux: arch/x86/include/asm/io.h `inb`/`outb`).
/// Port I/O cannot touch Swift memory, so drivers outside Core use it freely.
public struct IOPort: Sendable {
    public let number: UInt16
    public init(_ number: UInt16) { self.number = number }

    public func read8() -> UInt8 { inb(number) }
    public func read16() -> UInt16 { inw(number) }
    public func read32() -> UInt32 { inl(number) }
    public func write8(_ value: UInt8) { outb(number, value) }
    public func write16(_ value: UInt16) { outw(number, value) }
    public func write32(_ value: UInt32) { outl(number, value) }

    /// The QEMU `isa-debug-exit` device: writing V makes QEMU exit with (V << 1) | 1.
    public static let qemuDebugExit = IOPort(0xF4)
}
