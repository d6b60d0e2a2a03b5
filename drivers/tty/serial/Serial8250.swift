import Core

/// A 16550-compatible UART (Linux: drivers/tty/serial/8250/8250_port.c).
/// Polled output for the console; input by interrupt, drained by the tty
/// layer (drivers/tty/ConsoleInput.swift).
public struct Serial8250: Sendable {
    private let base: UInt16
    private var data: IOPort { IOPort(base) }
    private var interruptEnable: IOPort { IOPort(base + 1) }
    private var fifoControl: IOPort { IOPort(base + 2) }
    private var lineControl: IOPort { IOPort(base + 3) }
    private var modemControl: IOPort { IOPort(base + 4) }
    private var lineStatus: IOPort { IOPort(base + 5) }

    public static let com1 = Serial8250(base: 0x3F8)

    /// 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on.
    public func initialize() {
        interruptEnable.write8(0)
        lineControl.write8(0x80)  // DLAB: the next two writes set the divisor
        data.write8(1)  // 115200 / 1
        interruptEnable.write8(0)
        lineControl.write8(0x03)  // 8N1
        fifoControl.write8(0xC7)  // enable and clear FIFOs, 14-byte threshold
        modemControl.write8(0x0B)  // DTR, RTS, OUT2
    }

    /// Interrupt when a received byte is waiting (IER bit 0, ERBFI).
    public func enableReceiveInterrupt() { interruptEnable.write8(0x01) }

    /// The next received byte, nil when the receive buffer is empty (LSR bit 0).
    public func receivedByte() -> UInt8? {
        guard lineStatus.read8() & 0x01 != 0 else { return nil }
        return data.read8()
    }

    public func write(byte: UInt8) {
        while lineStatus.read8() & 0x20 == 0 {}  // transmit holding register empty
        data.write8(byte)
    }

    /// Writes text, turning "\n" into "\r\n" as a terminal expects.
    public func write(_ text: String) { write(bytes: text.utf8) }

    public func write(bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") { write(byte: UInt8(ascii: "\r")) }
            write(byte: byte)
        }
    }
}
