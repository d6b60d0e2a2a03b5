import Core
import Lib
import Synchronization

/// printk for C modules (Linux: vprintk in kernel/printk/printk.c, which
/// _printk, arch/x86_64/core/lib/printk.S, calls with its va_list): the
/// format is expanded by Lib's Vsprintf, a leading KERN_* marker picks the
/// level (MESSAGE_LOGLEVEL_DEFAULT without one), and one trailing newline
/// ends the record. Returns the length printed.
@c(vprintk)
func vprintk(format: UInt64, arguments: UInt64) -> Int32 {
    let text = formatFromModule(format, arguments: arguments)
    let prefix = LogLevel.parsePrefix(of: text)
    var message = text.dropFirst(prefix.length)
    if message.last == UInt8(ascii: "\n") { message = message.dropLast() }
    let fallback = LogLevel(rawValue: UInt8(truncatingIfNeeded: Printk.defaultMessageLogLevel.load(ordering: .relaxed)))
    Printk.emit(prefix.level ?? fallback ?? .messageDefault, facility: 0, message)
    return Int32(message.count)
}
