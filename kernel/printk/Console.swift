/// A place kernel messages are shown (Linux: struct console, register_console).
/// Drivers provide them: the serial console is drivers/tty/serial/SerialConsole.swift.
public protocol Console: AnyObject {
    var name: String { get }
    func write(_ text: String)
    /// Raw bytes from user space, passed through unchanged except "\n" → "\r\n" (the tty's ONLCR).
    func write(bytes: [UInt8])
}

/// Writes from user programs to the console (Linux: /dev/console). The tty
/// layer with its line discipline replaces this with the user-space issue.
public enum ConsoleOutput {
    public static func write(_ bytes: [UInt8]) {
        Printk.forEachConsole { $0.write(bytes: bytes) }
    }
}
