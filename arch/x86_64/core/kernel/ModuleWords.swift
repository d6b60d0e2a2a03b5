import X86Asm

/// The words of a module's C structures that the kernel's side of the
/// module API reads and writes (struct mutex's owner, a spinlock, a
/// completion's count, a timer's expires and function, a work item's
/// function), and the calls of
/// the callbacks they hold. Addresses are checked to be kernel memory, as
/// for ModuleCode's other accesses; the module owns the structures.
extension ModuleCode {
    /// Atomically replaces the 64-bit word at `address` by `desired` if it
    /// holds `expected` (Linux: atomic_long_cmpxchg); false otherwise.
    public static func compareExchange(at address: UInt64, expected: UInt64, desired: UInt64) -> Bool {
        guard isKernelAddress(address), address & 7 == 0 else { return false }
        return atomic_cmpxchg_u64(address, expected, desired) != 0
    }

    /// The 64-bit word at `address`, read with acquire ordering.
    public static func loadAcquiring(at address: UInt64) -> UInt64 {
        guard isKernelAddress(address), address & 7 == 0 else { return 0 }
        return atomic_load_u64(address)
    }

    /// Stores a 64-bit word with release ordering.
    public static func store(_ value: UInt64, at address: UInt64) {
        guard isKernelAddress(address), address & 7 == 0 else { return }
        atomic_store_u64(address, value)
    }

    /// Swaps the 32-bit word at `address` (a spinlock's), returning the old value.
    public static func exchange32(at address: UInt64, _ value: UInt32) -> UInt32 {
        guard isKernelAddress(address), address & 3 == 0 else { return 0 }
        return atomic_xchg_u32(address, value)
    }

    public static func store32(_ value: UInt32, at address: UInt64) {
        guard isKernelAddress(address), address & 3 == 0 else { return }
        atomic_store_u32(address, value)
    }

    /// The 32-bit counterparts, for a completion's `done`.
    public static func compareExchange32(at address: UInt64, expected: UInt32, desired: UInt32) -> Bool {
        guard isKernelAddress(address), address & 3 == 0 else { return false }
        return atomic_cmpxchg_u32(address, expected, desired) != 0
    }

    public static func load32Acquiring(at address: UInt64) -> UInt32 {
        guard isKernelAddress(address), address & 3 == 0 else { return 0 }
        return atomic_load_u32(address)
    }

    /// Copies `bytes` to module memory (kstrdup's copy).
    public static func write(_ bytes: [UInt8], to address: UInt64) {
        guard isKernelAddress(address), !bytes.isEmpty,
            let pointer = unsafe UnsafeMutableRawPointer(bitPattern: UInt(address))
        else { return }
        unsafe bytes.withUnsafeBytes { source in
            unsafe pointer.copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
    }

    /// `void fn(void *argument)`: a timer's function with its timer_list, a
    /// work item's with its work_struct.
    public static func call(_ function: UInt64, with argument: UInt64) {
        let callback = unsafe unsafeBitCast(UInt(function), to: (@convention(c) (UInt64) -> Void).self)
        callback(argument)
    }
}
