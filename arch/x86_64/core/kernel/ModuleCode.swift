/// The edge between the kernel and a loaded module's C code (Linux has no
/// such edge: C calls C). A module runs with the kernel's privileges, so
/// its function and data addresses are trusted as Linux trusts them; what
/// is checked here is only what keeps the rest of the kernel safe Swift:
/// calls go through C function types, and the kernel memory a module hands
/// over (strings, structures) is read by address here and nowhere else.
public enum ModuleCode {
    /// The buffers of the proc_ops calls under way: a module's `char __user *`
    /// is one of them, and copy_to_user/copy_from_user accept nothing else.
    private static let userWindows = IRQSafeLocked<[Range<UInt64>]>([])

    /// `int init(void)`, a module's init_module.
    public static func callInit(_ address: UInt64) -> Int32 {
        let function = unsafe unsafeBitCast(UInt(address), to: (@convention(c) () -> Int32).self)
        return function()
    }

    /// `void exit(void)`, a module's cleanup_module.
    public static func callExit(_ address: UInt64) {
        let function = unsafe unsafeBitCast(UInt(address), to: (@convention(c) () -> Void).self)
        function()
    }

    /// A proc_ops read or write, `ssize_t (*)(struct file *, char __user *,
    /// size_t, loff_t *)`. Apus's file operations move bytes through kernel
    /// buffers, so the module's user buffer is `buffer`'s storage, which
    /// copy_to_user and copy_from_user accept for the length of the call.
    public static func callTransfer(_ address: UInt64, buffer: inout [UInt8], position: inout Int64) -> Int64 {
        typealias Transfer =
            @convention(c) (
                UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, Int, UnsafeMutablePointer<Int64>
            ) -> Int
        let function = unsafe unsafeBitCast(UInt(address), to: Transfer.self)
        return unsafe buffer.withUnsafeMutableBytes { bytes in
            let start = UInt64(UInt(bitPattern: bytes.baseAddress))
            let window = start..<start + UInt64(bytes.count)
            userWindows.withLock { $0.append(window) }
            defer { userWindows.withLock { windows in windows.removeAll { $0 == window } } }
            return unsafe withUnsafeMutablePointer(to: &position) { pointer in
                Int64(unsafe function(nil, bytes.baseAddress, bytes.count, pointer))
            }
        }
    }

    /// copy_to_user (`toUser`) or copy_from_user for a module: `user` and
    /// `count` must lie inside the buffer of a proc_ops call under way.
    /// Returns the bytes not copied, as Linux's do.
    public static func copyUser(toUser: Bool, user: UInt64, kernel: UInt64, count: UInt64) -> UInt64 {
        let (end, overflow) = user.addingReportingOverflow(count)
        guard !overflow, isKernelAddress(kernel),
            userWindows.withLock({ windows in windows.contains { $0.lowerBound <= user && end <= $0.upperBound } })
        else { return count }
        guard count > 0, let userPointer = unsafe UnsafeMutableRawPointer(bitPattern: UInt(user)),
            let kernelPointer = unsafe UnsafeMutableRawPointer(bitPattern: UInt(kernel))
        else { return 0 }
        if toUser {
            unsafe userPointer.copyMemory(from: kernelPointer, byteCount: Int(count))
        } else {
            unsafe kernelPointer.copyMemory(from: userPointer, byteCount: Int(count))
        }
        return 0
    }

    /// At most `limit` bytes of the NUL-terminated string a module passed.
    public static func string(at address: UInt64, limit: Int) -> [UInt8] {
        guard isKernelAddress(address), let pointer = unsafe UnsafePointer<UInt8>(bitPattern: UInt(address)) else {
            return []
        }
        var bytes: [UInt8] = []
        while bytes.count < limit, unsafe pointer[bytes.count] != 0 { bytes.append(unsafe pointer[bytes.count]) }
        return bytes
    }

    /// Zeroes `count` bytes a module was given (kzalloc's memory).
    public static func zero(_ address: UInt64, count: Int) {
        guard isKernelAddress(address), count > 0,
            let pointer = unsafe UnsafeMutableRawPointer(bitPattern: UInt(address))
        else { return }
        unsafe pointer.initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }

    /// The 64-bit word at `address` in a module's structure (a proc_ops's function pointers).
    public static func load64(at address: UInt64) -> UInt64 {
        guard isKernelAddress(address), address & 7 == 0 else { return 0 }
        return unsafe UnsafePointer<UInt64>(bitPattern: UInt(address))?.pointee ?? 0
    }

    /// The `size`-byte (1, 2, 4 or 8) little-endian integer at `address` in
    /// a module's memory: a module_param's variable, for /sys/module.
    public static func load(at address: UInt64, size: Int) -> UInt64 {
        guard isKernelAddress(address), [1, 2, 4, 8].contains(size),
            let pointer = unsafe UnsafePointer<UInt8>(bitPattern: UInt(address))
        else { return 0 }
        return (0..<size).reduce(UInt64(0)) { unsafe $0 | UInt64(pointer[$1]) << (8 * UInt64($1)) }
    }

    /// Writes `bytes` at `address` in a module's memory: a module_param's
    /// variable, or the kmalloc'd copy of a charp's new string.
    public static func store(_ bytes: [UInt8], at address: UInt64) {
        guard isKernelAddress(address), !bytes.isEmpty,
            let pointer = unsafe UnsafeMutablePointer<UInt8>(bitPattern: UInt(address))
        else { return }
        for (index, byte) in bytes.enumerated() { unsafe pointer[index] = byte }
    }

    /// Kernel memory, not user space: a module's pointers never reach user
    /// pages unchecked (SMAP would fault on them anyway).
    static func isKernelAddress(_ address: UInt64) -> Bool {
        address >= MemoryLayout64.pageOffset && address < 1 << 47
    }

    /// The next argument of a C `va_list` (the System V x86-64 layout:
    /// gp_offset, fp_offset, overflow_arg_area, reg_save_area), for
    /// vprintk. Modules are built without SSE, so every argument is an
    /// integer or pointer in a general register or on the stack.
    public static func nextArgument(_ list: UInt64) -> UInt64 {
        guard isKernelAddress(list), let gpOffset = unsafe UnsafeMutablePointer<UInt32>(bitPattern: UInt(list)),
            let overflowArea = unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(list + 8)),
            let saveArea = unsafe UnsafeMutablePointer<UInt64>(bitPattern: UInt(list + 16))
        else { return 0 }
        let slot: UInt64
        if unsafe gpOffset.pointee < 48 {
            slot = unsafe saveArea.pointee + UInt64(gpOffset.pointee)
            unsafe gpOffset.pointee += 8
        } else {
            slot = unsafe overflowArea.pointee
            unsafe overflowArea.pointee += 8
        }
        return unsafe UnsafePointer<UInt64>(bitPattern: UInt(slot))?.pointee ?? 0
    }
}
