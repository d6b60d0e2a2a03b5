import ABI

/// The x86-64 relocations a module's object carries, and their arithmetic
/// (Linux: arch/x86/kernel/module.c __write_relocate_add, and the x86-64
/// psABI's table: S the symbol's address, A the addend, P the place, G the
/// symbol's slot in the module's GOT). A result that does not fit its
/// field is ENOEXEC, as Linux's "overflow in relocation type" is.
public enum Relocation {
    // The x86-64 psABI's numbers (include/uapi... arch/x86/include/asm/elf.h).
    public static let R_X86_64_NONE: UInt32 = 0
    public static let R_X86_64_64: UInt32 = 1
    public static let R_X86_64_PC32: UInt32 = 2
    public static let R_X86_64_PLT32: UInt32 = 4
    public static let R_X86_64_GOTPCREL: UInt32 = 9
    public static let R_X86_64_32: UInt32 = 10
    public static let R_X86_64_32S: UInt32 = 11
    public static let R_X86_64_PC64: UInt32 = 24
    public static let R_X86_64_GOTPCRELX: UInt32 = 41
    public static let R_X86_64_REX_GOTPCRELX: UInt32 = 42

    /// Whether `type` refers to the symbol through a GOT slot.
    public static func usesGOT(_ type: UInt32) -> Bool {
        type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX || type == R_X86_64_REX_GOTPCRELX
    }

    /// Why a relocation failed, for the loader's log line.
    public enum Failure: Error, Equatable, Sendable {
        /// Linux: "NAME: Unknown rela relocation: TYPE".
        case unknownType(UInt32)
        /// Linux: "overflow in relocation type TYPE val VALUE".
        case overflow(type: UInt32, value: UInt64)
        /// The place is not inside its section.
        case outsideSection

        public var errno: Errno { .ENOEXEC }
    }

    /// Writes relocation `type` at `offset` of `bytes`, whose byte 0 is at
    /// address `base`: `symbol` is S, `addend` A, `got` the address of the
    /// symbol's GOT slot for the GOT types. `limit` is where the target
    /// section ends in `bytes`.
    public static func apply(
        type: UInt32, symbol: UInt64, addend: Int64, got: UInt64, at offset: Int, limit: Int,
        in bytes: inout [UInt8], base: UInt64
    ) throws(Failure) {
        let place = base &+ UInt64(offset)
        let value: UInt64
        let size: Int
        switch type {
        case R_X86_64_NONE:
            return
        case R_X86_64_64:
            (value, size) = (symbol &+ UInt64(bitPattern: addend), 8)
        case R_X86_64_PC64:
            (value, size) = (symbol &+ UInt64(bitPattern: addend) &- place, 8)
        case R_X86_64_32:
            value = symbol &+ UInt64(bitPattern: addend)
            guard value <= UInt64(UInt32.max) else { throw .overflow(type: type, value: value) }
            size = 4
        case R_X86_64_32S:
            value = symbol &+ UInt64(bitPattern: addend)
            guard fitsInt32(value) else { throw .overflow(type: type, value: value) }
            size = 4
        case R_X86_64_PC32, R_X86_64_PLT32:
            value = symbol &+ UInt64(bitPattern: addend) &- place
            guard fitsInt32(value) else { throw .overflow(type: type, value: value) }
            size = 4
        case R_X86_64_GOTPCREL, R_X86_64_GOTPCRELX, R_X86_64_REX_GOTPCRELX:
            value = got &+ UInt64(bitPattern: addend) &- place
            guard fitsInt32(value) else { throw .overflow(type: type, value: value) }
            size = 4
        default:
            throw .unknownType(type)
        }
        guard offset >= 0, offset <= limit - size, limit <= bytes.count else { throw .outsideSection }
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    }

    /// Whether a 64-bit result survives truncation to a sign-extended 32-bit field.
    static func fitsInt32(_ value: UInt64) -> Bool {
        Int64(bitPattern: value) >= Int64(Int32.min) && Int64(bitPattern: value) <= Int64(Int32.max)
    }
}
