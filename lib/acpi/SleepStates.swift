/// The sleep-type values of a sleep state, read from the DSDT's AML just
/// far enough: the object `\_S5_` is a package whose first two elements are
/// SLP_TYPa and SLP_TYPb (ACPI 6.5, 7.4.2; Linux reads them with the AML
/// interpreter in acpi_get_sleep_type_data). Here the bytes are matched,
/// as small kernels do, instead of interpreting the AML.
public enum SleepStates {
    /// AML opcodes (ACPI 6.5, 20.2).
    static let nameOp: UInt8 = 0x08
    static let packageOp: UInt8 = 0x12
    static let zeroOp: UInt8 = 0x00
    static let oneOp: UInt8 = 0x01
    static let bytePrefix: UInt8 = 0x0A
    static let wordPrefix: UInt8 = 0x0B
    static let dwordPrefix: UInt8 = 0x0C
    static let onesOp: UInt8 = 0xFF

    /// SLP_TYPa and SLP_TYPb of `state` ("_S5_" for soft-off) in `aml`
    /// (a DSDT with its header, or any AML); nil when there is no such
    /// package of at least two integer constants.
    public static func sleepTypes(of state: String = "_S5_", in aml: [UInt8]) -> (a: UInt8, b: UInt8)? {
        let name = Array(state.utf8)
        guard name.count == 4, aml.count > name.count else { return nil }
        var start = 0
        while start + name.count <= aml.count {
            if aml[start..<(start + name.count)].elementsEqual(name), isNameDefinition(aml, nameAt: start),
                let types = packageTypes(aml, from: start + name.count)
            {
                return types
            }
            start += 1
        }
        return nil
    }

    /// Whether the name at `index` follows NameOp, with or without a root prefix `\`.
    private static func isNameDefinition(_ aml: [UInt8], nameAt index: Int) -> Bool {
        if index >= 1 && aml[index - 1] == nameOp { return true }
        return index >= 2 && aml[index - 1] == UInt8(ascii: "\\") && aml[index - 2] == nameOp
    }

    /// PackageOp PkgLength NumElements, then two integer constants.
    private static func packageTypes(_ aml: [UInt8], from index: Int) -> (a: UInt8, b: UInt8)? {
        guard index < aml.count, aml[index] == packageOp, index + 1 < aml.count else { return nil }
        // PkgLength: bits 6-7 of its first byte count the bytes that follow it.
        let lengthBytes = Int(aml[index + 1] >> 6)
        var position = index + 2 + lengthBytes + 1  // past NumElements
        guard position <= aml.count, let a = integer(aml, at: &position), let b = integer(aml, at: &position) else {
            return nil
        }
        return (UInt8(truncatingIfNeeded: a), UInt8(truncatingIfNeeded: b))
    }

    /// One integer constant (ZeroOp, OneOp, OnesOp or a Byte/Word/DWord
    /// prefix and its value), advancing `position` past it.
    private static func integer(_ aml: [UInt8], at position: inout Int) -> UInt64? {
        guard position < aml.count else { return nil }
        let op = aml[position]
        let size: Int
        switch op {
        case zeroOp, oneOp, onesOp:
            position += 1
            return op == zeroOp ? 0 : op == oneOp ? 1 : UInt64.max
        case bytePrefix: size = 1
        case wordPrefix: size = 2
        case dwordPrefix: size = 4
        default: return nil
        }
        guard position + size < aml.count else { return nil }
        var value: UInt64 = 0
        for offset in (1...size).reversed() { value = value << 8 | UInt64(aml[position + offset]) }
        position += 1 + size
        return value
    }
}
