import Core
import Lib

// Formatting into a module's buffer (Linux: lib/vsprintf.c's vsnprintf and
// vscnprintf; snprintf, scnprintf and sprintf, in arch/x86_64/core/lib/
// printk.S, call these with their va_list). The conversions are printk's
// (Lib's Vsprintf).

/// A module's C format string expanded with its va_list.
func formatFromModule(_ format: UInt64, arguments: UInt64) -> [UInt8] {
    Vsprintf.format(
        ModuleCode.string(at: format, limit: Vsprintf.maximumStringLength),
        next: { ModuleCode.nextArgument(arguments) },
        string: { address, limit in ModuleCode.string(at: address, limit: limit) },
        hashPointer: { KernelPointers.hashed($0) })
}

/// Writes what fits of `text` and a NUL into `size` bytes at `buffer`; returns the bytes written, NUL excluded.
private func store(_ text: [UInt8], in buffer: UInt64, size: UInt64) -> Int {
    guard size > 0 else { return 0 }
    let count = Int(min(UInt64(text.count), size - 1))
    ModuleCode.write(Array(text.prefix(count)) + [0], to: buffer)
    return count
}

/// `int vsnprintf(char *buf, size_t size, const char *fmt, va_list)`: the
/// length the whole text has, even when cut short.
@c(vsnprintf)
func vsnprintf(buffer: UInt64, size: UInt64, format: UInt64, arguments: UInt64) -> Int32 {
    let text = formatFromModule(format, arguments: arguments)
    _ = store(text, in: buffer, size: size)
    return Int32(clamping: text.count)
}

/// `int vscnprintf(char *buf, size_t size, const char *fmt, va_list)`: the length written.
@c(vscnprintf)
func vscnprintf(buffer: UInt64, size: UInt64, format: UInt64, arguments: UInt64) -> Int32 {
    Int32(clamping: store(formatFromModule(format, arguments: arguments), in: buffer, size: size))
}
