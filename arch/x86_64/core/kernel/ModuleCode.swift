/// The edge between the kernel and a loaded module's C code (Linux has no
/// such edge: C calls C). A module runs with the kernel's privileges, so
/// its function and data addresses are trusted as Linux trusts them; what
/// is checked here is only what keeps the rest of the kernel safe Swift:
/// calls go through C function types, and the kernel memory a module hands
/// over (strings, structures) is read by address here and nowhere else,
/// and the user memory it copies goes through the guarded copies.
public enum ModuleCode {
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

    /// A module function of up to three integer or pointer arguments (a
    /// file_operations' open, release, unlocked_ioctl, llseek): the whole
    /// of %rax, which the caller narrows to the C return type (an `int`
    /// leaves the upper half undefined). Passing unused argument
    /// registers is harmless in the System V ABI.
    public static func call(_ address: UInt64, _ first: UInt64, _ second: UInt64 = 0, _ third: UInt64 = 0) -> UInt64 {
        typealias Function = @convention(c) (UInt64, UInt64, UInt64) -> UInt64
        let function = unsafe unsafeBitCast(UInt(address), to: Function.self)
        return function(first, second, third)
    }

    /// A read or write, `ssize_t (*)(struct file *, char __user *, size_t,
    /// loff_t *)` (file_operations' and proc_ops'): `user` is the caller's
    /// own buffer, which the module reaches with copy_to_user and
    /// copy_from_user, and `position` the file position it may move.
    public static func callTransfer(
        _ address: UInt64, file: UInt64, user: UInt64, count: Int, position: inout Int64
    ) -> Int64 {
        typealias Transfer = @convention(c) (UInt64, UInt64, Int, UnsafeMutablePointer<Int64>) -> Int
        let function = unsafe unsafeBitCast(UInt(address), to: Transfer.self)
        return unsafe withUnsafeMutablePointer(to: &position) { pointer in
            Int64(unsafe function(file, user, count, pointer))
        }
    }

    /// copy_to_user (`toUser`) or copy_from_user for a module: `count`
    /// bytes between the current task's user memory at `user` and the
    /// kernel memory at `kernel`, through the guarded copy, so a bad or
    /// unmapped user address stops the copy rather than the kernel.
    /// Returns the bytes not copied, as Linux's do.
    public static func copyUser(toUser: Bool, user: UInt64, kernel: UInt64, count: UInt64) -> UInt64 {
        guard count > 0 else { return 0 }
        guard isKernelRange(kernel, count: count),
            let pointer = unsafe UnsafeMutableRawPointer(bitPattern: UInt(kernel))
        else { return count }
        return unsafe UserAccess.copy(toUser: toUser, user: user, kernel: pointer, count: count)
    }

    /// clear_user: zeroes `count` bytes of user memory; the bytes not zeroed.
    public static func clearUser(_ user: UInt64, count: UInt64) -> UInt64 {
        UserAccess.clear(user, count: count)
    }

    /// strncpy_from_user into the `count` bytes at `kernel`: the string's
    /// length, `count` if no NUL came within it, or nil for a fault.
    public static func stringFromUser(kernel: UInt64, user: UInt64, count: UInt64) -> UInt64? {
        guard count > 0 else { return 0 }
        guard isKernelRange(kernel, count: count),
            let pointer = unsafe UnsafeMutablePointer<CChar>(bitPattern: UInt(kernel))
        else { return nil }
        return unsafe UserAccess.copyString(from: user, to: pointer, count: count)
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

    private static func isKernelRange(_ address: UInt64, count: UInt64) -> Bool {
        let (end, overflow) = address.addingReportingOverflow(count)
        return isKernelAddress(address) && !overflow && end <= 1 << 47
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
