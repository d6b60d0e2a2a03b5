/// A place kernel messages are shown (Linux: struct console, register_console).
public protocol Console: AnyObject {
    var name: String { get }
    func write(_ text: String)
    /// Raw bytes from user space, passed through unchanged except "\n" → "\r\n" (the tty's ONLCR).
    func write(bytes: [UInt8])
}

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

/// Writes from user programs to the console (Linux: /dev/console). The tty
/// layer with its line discipline replaces this with the user-space issue.
public enum ConsoleOutput {
    public static func write(_ bytes: [UInt8]) {
        Printk.forEachConsole { $0.write(bytes: bytes) }
    }
}
