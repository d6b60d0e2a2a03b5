import X86Asm

/// Where the linker put the parts of the kernel image (vmlinux.lds.S symbols).
public enum KernelImage {
    public static var text: Range<UInt64> { linker___text_start()..<linker___text_end() }
    /// Constants and the symbol table, up to the writable data.
    public static var readOnlyData: Range<UInt64> { linker___rodata_start()..<linker___data_start() }
    public static var writableData: Range<UInt64> { linker___data_start()..<linker___image_end() }
    public static var kallsyms: Range<UInt64> { linker___kallsyms_start()..<linker___kallsyms_end() }
    /// A copy of the symbol table the build embedded (tools/kallsyms.sh).
    public static func kallsymsBytes() -> [UInt8] { bytes(kallsyms) }
    /// The linked vDSO (arch/x86_64/entry/vdso/vdso-image.S).
    public static var vdso: Range<UInt64> { linker_vdso_image_start()..<linker_vdso_image_end() }

    /// A copy of bytes the image carries between two of its addresses.
    public static func bytes(_ range: Range<UInt64>) -> [UInt8] {
        precondition(range.lowerBound >= MemoryLayout64.kernelImageBase, "not an image address")
        let bytes = unsafe UnsafeBufferPointer(
            start: UnsafePointer<UInt8>(bitPattern: UInt(range.lowerBound)),
            count: Int(range.upperBound - range.lowerBound))
        return unsafe Array(bytes)
    }
    /// The early heap inside .bss (Linux: the brk area, RESERVE_BRK/extend_brk).
    public static var brk: Range<UInt64> { linker___brk_base()..<linker___brk_limit() }
    public static var initStack: Range<UInt64> { linker_init_stack_bottom()..<linker_init_stack_top() }
    /// The page below the boot stack, left unmapped so an overflow faults.
    public static var initStackGuard: UInt64 { linker___init_stack_guard() }
    /// Physical extent of the whole loaded image, from its first byte to the end of .bss.
    public static var physicalRange: Range<UInt64> {
        0x100000..<(linker___image_end() - MemoryLayout64.kernelImageBase)
    }
}
