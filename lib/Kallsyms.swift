/// The kernel's own symbol table, so that addresses in oopses and stack
/// traces can be printed as `name+0xoff/0xsize` (Linux: kernel/kallsyms.c,
/// scripts/kallsyms.c).
///
/// A build tool produces the table from the linked kernel's symbols and the
/// image carries it as read-only bytes. Byte layout, all integers
/// little-endian:
///
///     offset  size        field
///     0       4           magic, the ASCII bytes "KSYM"
///     4       4           count: number of symbols (UInt32)
///     8       8           base: address the symbol offsets are relative to (UInt64)
///     16      12 * count  entries, sorted by address offset, each:
///                           +0 UInt32  address - base
///                           +4 UInt32  size in bytes
///                           +8 UInt32  offset of the name in the string table
///     16 + 12 * count     string table: names as UTF-8, each followed by a NUL
///
/// Offsets and sizes are 32 bits wide, as in Linux's kallsyms_offsets:
/// the kernel image is far smaller than 4 GiB.
public struct KallsymsTable: Sendable {
    static let magic: [UInt8] = Array("KSYM".utf8)
    static let headerSize = 16
    static let entrySize = 12

    private let bytes: [UInt8]
    /// Address every entry's offset is relative to.
    public let base: UInt64
    /// Number of symbols.
    public let count: Int
    private let stringTableStart: Int

    /// Checks the table completely, so that lookups cannot run off the
    /// bytes however they were damaged.
    public init(bytes: [UInt8]) throws(KallsymsError) {
        guard bytes.count >= Self.headerSize else { throw .truncated }
        guard bytes.starts(with: Self.magic) else { throw .badMagic }
        let count = Int(Self.readUInt32(bytes, at: 4))
        let stringTableStart = Self.headerSize + count * Self.entrySize
        guard stringTableStart <= bytes.count else { throw .truncated }
        let stringTableSize = bytes.count - stringTableStart
        // A NUL at the very end means every name in the table is terminated.
        if count > 0 && bytes.last != 0 { throw .unterminatedName }

        self.bytes = bytes
        self.base = Self.readUInt64(bytes, at: 8)
        self.count = count
        self.stringTableStart = stringTableStart
        for index in 0..<count {
            if Int(nameOffset(index)) >= stringTableSize { throw .nameOutOfBounds }
            if index > 0 && addressOffset(index) < addressOffset(index - 1) { throw .unsorted }
        }
    }

    /// The symbol whose bytes contain `address`, and where in it the address
    /// falls; nil for an address no symbol covers.
    public func lookup(address: UInt64) -> SymbolLocation? {
        guard address >= base else { return nil }
        let target = address - base
        // Binary search for the first entry that starts after the address.
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if addressOffset(middle) <= target { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        // Several names may share a start address (aliases); like Linux,
        // prefer the first of them, here the first whose size covers it.
        let start = addressOffset(low - 1)
        var first = low - 1
        while first > 0 && addressOffset(first - 1) == start { first -= 1 }
        for index in first..<low where target - start < UInt64(size(index)) {
            let symbol = KernelSymbol(name: name(index), address: base + start, size: UInt64(size(index)))
            return SymbolLocation(symbol: symbol, offset: target - start)
        }
        return nil
    }

    /// The symbol at `index`, 0..<count, in address order (for /proc/kallsyms).
    public func symbol(at index: Int) -> KernelSymbol {
        KernelSymbol(name: name(index), address: base + addressOffset(index), size: UInt64(size(index)))
    }

    /// Builds the bytes of a table; used by host tests and the build tool.
    /// Symbols may come in any order; those sharing an address keep theirs.
    public static func encode(symbols: [KernelSymbol], base: UInt64) throws(KallsymsError) -> [UInt8] {
        guard symbols.count <= Int(UInt32.max) else { throw .tooManySymbols }
        let sorted = symbols.enumerated().sorted {
            ($0.element.address, $0.offset) < ($1.element.address, $1.offset)
        }.map { $0.element }

        var entries: [UInt8] = []
        var names: [UInt8] = []
        for symbol in sorted {
            guard symbol.address >= base, symbol.address - base <= UInt64(UInt32.max) else {
                throw .addressOutOfRange
            }
            guard symbol.size <= UInt64(UInt32.max) else { throw .sizeTooLarge }
            guard !symbol.name.utf8.contains(0) else { throw .nameContainsNUL }
            guard names.count <= Int(UInt32.max) else { throw .tooManySymbols }
            appendLittleEndian(UInt32(symbol.address - base), to: &entries)
            appendLittleEndian(UInt32(symbol.size), to: &entries)
            appendLittleEndian(UInt32(names.count), to: &entries)
            names += symbol.name.utf8
            names.append(0)
        }

        var table = magic
        appendLittleEndian(UInt32(symbols.count), to: &table)
        appendLittleEndian(base, to: &table)
        return table + entries + names
    }

    // MARK: Reading entries; `init` has checked every index they touch.

    private func entryStart(_ index: Int) -> Int { Self.headerSize + index * Self.entrySize }
    private func addressOffset(_ index: Int) -> UInt64 { UInt64(Self.readUInt32(bytes, at: entryStart(index))) }
    private func size(_ index: Int) -> UInt32 { Self.readUInt32(bytes, at: entryStart(index) + 4) }
    private func nameOffset(_ index: Int) -> UInt32 { Self.readUInt32(bytes, at: entryStart(index) + 8) }

    private func name(_ index: Int) -> String {
        let start = stringTableStart + Int(nameOffset(index))
        let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: readLittleEndian(bytes, at: offset, byteCount: 4))
    }

    private static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        readLittleEndian(bytes, at: offset, byteCount: 8)
    }

    private static func readLittleEndian(_ bytes: [UInt8], at offset: Int, byteCount: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<byteCount).reversed() {
            value = value << 8 | UInt64(bytes[offset + index])
        }
        return value
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        for index in 0..<(T.bitWidth / 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (index * 8)))
        }
    }
}

/// A named range of kernel addresses.
public struct KernelSymbol: Sendable {
    public var name: String
    public var address: UInt64
    public var size: UInt64

    public init(name: String, address: UInt64, size: UInt64) {
        self.name = name
        self.address = address
        self.size = size
    }
}

/// An address expressed as a symbol plus offset.
public struct SymbolLocation: Sendable, CustomStringConvertible {
    public let symbol: KernelSymbol
    /// Bytes from the symbol's start to the address.
    public let offset: UInt64

    public init(symbol: KernelSymbol, offset: UInt64) {
        self.symbol = symbol
        self.offset = offset
    }

    /// Linux's `%pS` form: `Kernel.panic(_:)+0x1c/0x80`.
    public var description: String {
        symbol.name + "+" + hex(offset) + "/" + hex(symbol.size)
    }
}

/// Why a symbol table could not be read or built.
public enum KallsymsError: Error, Sendable {
    /// The bytes end before the header, entries or names do.
    case truncated
    /// The bytes do not start with "KSYM".
    case badMagic
    /// Entries are not in address order, so binary search would fail.
    case unsorted
    /// An entry's name offset points past the string table.
    case nameOutOfBounds
    /// The string table does not end with a NUL.
    case unterminatedName
    /// A symbol lies below the base or more than 4 GiB above it.
    case addressOutOfRange
    /// A symbol is 4 GiB or larger.
    case sizeTooLarge
    /// A name contains a NUL byte, which would cut it short.
    case nameContainsNUL
    /// Counts or the string table exceed 32-bit fields.
    case tooManySymbols
}
