// The Swift module API (docs/modules.md): what a module written in Swift
// imports. Embedded Swift emits every function a module uses into the module
// itself, so this file adds no symbols a module must link against: it
// bottoms out in the kernel's C exports (_printk, __kmalloc, kfree,
// _copy_to_user, _copy_from_user, proc_create, proc_remove, misc_register,
// misc_deregister) through the
// clang module CLinux, the SDK's own headers.
@_exported import CLinux
import Synchronization

/// A record's level (Linux: the KERN_* prefixes of kern_levels.h).
public enum LogLevel: Sendable {
    case emerg, alert, crit, err, warning, notice, info, debug

    var prefix: StaticString {
        switch self {
        case .emerg: "\u{1}0"
        case .alert: "\u{1}1"
        case .crit: "\u{1}2"
        case .err: "\u{1}3"
        case .warning: "\u{1}4"
        case .notice: "\u{1}5"
        case .info: "\u{1}6"
        case .debug: "\u{1}7"
        }
    }
}

/// One log record's text, built on the stack from a string literal with
/// integer and static-string interpolations: no allocation, so printk works
/// where the kernel's heap cannot be used. Longer text is cut at `capacity`.
public struct LogMessage: ExpressibleByStringInterpolation {
    static let capacity = 240
    var bytes = InlineArray<240, UInt8>(repeating: 0)
    var count = 0

    init() {}

    public init(stringLiteral value: StaticString) {
        append(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self = stringInterpolation.message
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { for byte in $0 { append(byte) } }
    }

    mutating func append(_ byte: UInt8) {
        guard count < Self.capacity else { return }
        bytes[count] = byte
        count += 1
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var message = LogMessage()

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: StaticString) {
            message.append(literal)
        }

        /// Decimal, as printk's %d and %u.
        public mutating func appendInterpolation(_ value: some BinaryInteger) {
            if value < 0 { message.append(UInt8(ascii: "-")) }
            var digits = InlineArray<40, UInt8>(repeating: 0)
            var rest = value.magnitude
            var length = 0
            repeat {
                digits[length] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                length += 1
            } while rest != 0
            while length > 0 {
                length -= 1
                message.append(digits[length])
            }
        }

        public mutating func appendInterpolation(_ value: StaticString) {
            message.append(value)
        }
    }
}

/// Logs `message` at `level` as one record (Linux: printk(KERN_x "...\n")),
/// adding the newline that ends it; returns the length logged.
@discardableResult
public func printk(_ level: LogLevel, _ message: LogMessage) -> Int {
    var record = message
    if record.count == 0 || record.bytes[record.count - 1] != UInt8(ascii: "\n") {
        record.append(UInt8(ascii: "\n"))
    }
    let length = Int32(record.count)
    return level.prefix.withUTF8Buffer { prefix in
        record.bytes.span.withUnsafeBufferPointer { text in
            Int(swift_printk(cString(prefix.baseAddress), cString(text.baseAddress), length))
        }
    }
}

private func cString(_ bytes: UnsafePointer<UInt8>?) -> UnsafePointer<CChar>? {
    UnsafeRawPointer(bytes)?.assumingMemoryBound(to: CChar.self)
}

/// The user's buffer of a read or write (Linux: a `char __user *` and its
/// size): reachable only through copy_to_user and copy_from_user.
public struct UserBuffer {
    let address: UnsafeMutableRawPointer?
    public let count: Int

    public init(_ address: UnsafeMutablePointer<CChar>?, count: Int) {
        self.address = UnsafeMutableRawPointer(address)
        self.count = count
    }

    public init(_ address: UnsafePointer<CChar>?, count: Int) {
        self.init(UnsafeMutablePointer(mutating: address), count: count)
    }

    /// A read of the file whose contents are `text`, from `position` on:
    /// copies what fits, advances `position` and returns the bytes copied,
    /// 0 at the end, -EFAULT if the buffer is not writable (Linux's
    /// simple_read_from_buffer).
    public func read(_ text: StaticString, position: UnsafeMutablePointer<loff_t>?) -> Int {
        guard let position, position.pointee >= 0 else { return -Int(EINVAL) }
        let size = text.utf8CodeUnitCount
        guard position.pointee < size else { return 0 }
        let start = Int(position.pointee)
        let length = min(count, size - start)
        let left = _copy_to_user(address, text.utf8Start + start, UInt(length))
        guard left == 0 else { return -Int(EFAULT) }
        position.pointee += loff_t(length)
        return length
    }
}

/// The C signatures of a read and a write, file_operations' and proc_ops'
/// (include/linux/fs.h, proc_fs.h); a closure that captures nothing
/// converts to them.
public typealias FileRead =
    @convention(c) (
        UnsafeMutablePointer<file>?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutablePointer<loff_t>?
    ) -> Int
public typealias FileWrite =
    @convention(c) (
        UnsafeMutablePointer<file>?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<loff_t>?
    ) -> Int
/// file_operations' open and release: 0 or -errno.
public typealias FileOpen = @convention(c) (UnsafeMutablePointer<inode>?, UnsafeMutablePointer<file>?) -> Int32

/// A file in /proc a module creates in its init and removes in its exit
/// (Linux: proc_create and proc_remove). A module-level `let`: it keeps the
/// entry and its proc_ops (kmalloc'd, since the kernel holds on to them)
/// between the two calls.
public struct ProcEntry: ~Copyable, Sendable {
    let name: StaticString
    let mode: umode_t
    let readFunction: FileRead?
    let writeFunction: FileWrite?
    let entry = Atomic<UInt>(0)
    let operations = Atomic<UInt>(0)

    public init(_ name: StaticString, mode: umode_t, read: FileRead? = nil, write: FileWrite? = nil) {
        self.name = name
        self.mode = mode
        self.readFunction = read
        self.writeFunction = write
    }

    /// Creates the file; false if the name is taken or memory is short.
    public func create() -> Bool {
        guard let memory = swift_kzalloc(MemoryLayout<proc_ops>.size) else { return false }
        let ops = memory.bindMemory(to: proc_ops.self, capacity: 1)
        ops.pointee.proc_read = readFunction
        ops.pointee.proc_write = writeFunction
        guard let created = proc_create(cString(name.utf8Start), mode, nil, ops) else {
            kfree(memory)
            return false
        }
        entry.store(UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(created))), ordering: .releasing)
        operations.store(UInt(bitPattern: Int(bitPattern: memory)), ordering: .releasing)
        return true
    }

    /// Removes the file after the calls under way, then frees its proc_ops.
    public func remove() {
        if let created = OpaquePointer(bitPattern: entry.exchange(0, ordering: .acquiringAndReleasing)) {
            proc_remove(created)
        }
        kfree(UnsafeRawPointer(bitPattern: operations.exchange(0, ordering: .acquiringAndReleasing)))
    }
}

/// A misc character device a module registers in its init and removes in
/// its exit (Linux: misc_register and misc_deregister): /dev/NAME, major
/// 10 with a dynamic minor, whose file_operations are the given functions
/// with `.owner = THIS_MODULE`, so the module stays loaded while one of
/// its files is open. A module-level `let`, like `ProcEntry`; its
/// miscdevice and file_operations are kmalloc'd by `register()`, since the
/// kernel keeps them, and freed by `deregister()`.
public struct MiscDevice: ~Copyable, Sendable {
    let name: StaticString
    let mode: umode_t
    let openFunction: FileOpen?
    let readFunction: FileRead?
    let writeFunction: FileWrite?
    let releaseFunction: FileOpen?
    /// The miscdevice, with its file_operations after it.
    let device = Atomic<UInt>(0)

    public init(
        _ name: StaticString, mode: umode_t = 0o600, open: FileOpen? = nil, read: FileRead? = nil,
        write: FileWrite? = nil, release: FileOpen? = nil
    ) {
        self.name = name
        self.mode = mode
        self.openFunction = open
        self.readFunction = read
        self.writeFunction = write
        self.releaseFunction = release
    }

    /// Registers the device: 0, or misc_register's -errno (-ENOMEM if memory is short).
    public func register() -> Int32 {
        let size = MemoryLayout<miscdevice>.stride + MemoryLayout<file_operations>.size
        guard let memory = swift_kzalloc(size) else { return -ENOMEM }
        let misc = memory.bindMemory(to: miscdevice.self, capacity: 1)
        let operations = (memory + MemoryLayout<miscdevice>.stride).bindMemory(to: file_operations.self, capacity: 1)
        operations.pointee.owner = swift_this_module()
        operations.pointee.open = openFunction
        operations.pointee.read = readFunction
        operations.pointee.write = writeFunction
        operations.pointee.release = releaseFunction
        misc.pointee.minor = MISC_DYNAMIC_MINOR
        misc.pointee.name = cString(name.utf8Start)
        misc.pointee.fops = UnsafePointer(operations)
        misc.pointee.mode = mode
        let result = misc_register(misc)
        guard result == 0 else {
            kfree(memory)
            return result
        }
        device.store(UInt(bitPattern: Int(bitPattern: memory)), ordering: .releasing)
        return 0
    }

    /// The minor misc_register chose, or -1 before.
    public var minor: Int32 {
        UnsafePointer<miscdevice>(bitPattern: device.load(ordering: .acquiring))?.pointee.minor ?? -1
    }

    /// Removes the device after the calls under way, then frees its memory.
    public func deregister() {
        guard
            let misc = UnsafeMutablePointer<miscdevice>(
                bitPattern: device.exchange(0, ordering: .acquiringAndReleasing))
        else { return }
        misc_deregister(misc)
        kfree(misc)
    }
}

/// The module's .modinfo (Linux: MODULE_LICENSE, MODULE_AUTHOR,
/// MODULE_DESCRIPTION, MODULE_VERSION). The SDK reads the declaration's
/// `key: "value"` lines from the source, one a line, and writes them into
/// .modinfo as modpost does; the value itself is not used at run time.
public struct ModuleInfo: Sendable {
    public init(
        license: StaticString, author: StaticString = "", description: StaticString = "",
        version: StaticString = ""
    ) {}
}
