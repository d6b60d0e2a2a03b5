/// Segment selectors, laid out as Linux's GDT (arch/x86/include/asm/segment.h)
/// so that SYSRET's fixed arithmetic (user CS = STAR.SYSRET + 16, SS = + 8) works.
public enum Selector {
    public static let kernel32Code: UInt16 = 0x08
    public static let kernelCode: UInt16 = 0x10
    public static let kernelData: UInt16 = 0x18
    public static let user32Code: UInt16 = 0x20 | 3
    public static let userData: UInt16 = 0x28 | 3
    public static let userCode: UInt16 = 0x30 | 3
    public static let tss: UInt16 = 0x40
    /// A data segment whose limit is cpu | node << 12, read with LSL by
    /// the vDSO's getcpu (Linux: GDT_ENTRY_CPUNODE, __CPUNODE_SEG).
    public static let cpuNode: UInt16 = 0x78 | 3
}
