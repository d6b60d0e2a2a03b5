import X86Asm

/// The storage of the tick count: `jiffies_64` in the image's data
/// (jiffies.S), which C modules link against as `jiffies` (Linux exports the
/// variable itself). Kernel code reads it through Jiffies.
public enum JiffiesCounter {
    public static var value: UInt64 { jiffies_read() }
    public static func increment() { jiffies_increment() }
    /// Where the variable is, for the export table.
    public static var address: UInt64 { jiffies_address() }
}
