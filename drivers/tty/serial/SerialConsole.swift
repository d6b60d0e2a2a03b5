/// The 16550 on COM1 as a console (Linux: the 8250 console, `console=ttyS0`).
public final class SerialConsole: Console {
    public let name = "ttyS0"
    private let port: Serial8250
    public init(port: Serial8250) {
        self.port = port
        port.initialize()
    }
    public func write(_ text: String) { port.write(text) }
    public func write(bytes: [UInt8]) { port.write(bytes: bytes) }
}
