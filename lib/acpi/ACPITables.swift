/// The ACPI tables a kernel needs to switch the machine off and reset it,
/// parsed from their bytes (ACPI 6.5, chapter 5.2; Linux:
/// drivers/acpi/acpica/tbxface.c, tbfadt.c, include/acpi/actbl*.h). The
/// kernel half, which finds them in physical memory, is drivers/acpi.

/// Reads little-endian fields out of a table's bytes; nil past the end.
struct TableBytes {
    let bytes: [UInt8]
    func u8(_ offset: Int) -> UInt8? { offset >= 0 && offset < bytes.count ? bytes[offset] : nil }
    func u16(_ offset: Int) -> UInt16? { value(offset, 2).map { UInt16($0) } }
    func u32(_ offset: Int) -> UInt32? { value(offset, 4).map { UInt32($0) } }
    func u64(_ offset: Int) -> UInt64? { value(offset, 8) }
    func text(_ offset: Int, _ count: Int) -> String? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }
    private func value(_ offset: Int, _ count: Int) -> UInt64? {
        guard offset >= 0, offset + count <= bytes.count else { return nil }
        var result: UInt64 = 0
        for index in (offset..<(offset + count)).reversed() { result = result << 8 | UInt64(bytes[index]) }
        return result
    }
}

/// Whether `bytes` sum to zero modulo 256, as every ACPI structure must.
public func acpiChecksumIsValid(_ bytes: some Collection<UInt8>) -> Bool {
    bytes.reduce(UInt8(0)) { $0 &+ $1 } == 0
}

/// The Root System Description Pointer: where the tables start (Linux:
/// struct acpi_table_rsdp). Found on a 16-byte boundary in the BIOS areas.
public struct RSDP: Equatable {
    public static let signature = Array("RSD PTR ".utf8)
    /// Bytes of the ACPI 1.0 structure, and of the 2.0 one.
    public static let length = 20
    public static let extendedLength = 36

    public let revision: UInt8
    public let oemID: String
    public let rsdtAddress: UInt32
    /// The XSDT, from revision 2 on; preferred over the RSDT when present.
    public let xsdtAddress: UInt64?

    /// The RSDP at the start of `bytes` (at least `extendedLength` when
    /// available); nil without the signature or with a bad checksum.
    public init?(_ bytes: [UInt8]) {
        let table = TableBytes(bytes: bytes)
        guard bytes.count >= Self.length, Array(bytes[0..<8]) == Self.signature,
            acpiChecksumIsValid(bytes[0..<Self.length]),
            let revision = table.u8(15), let oemID = table.text(9, 6), let rsdt = table.u32(16)
        else { return nil }
        self.revision = revision
        self.oemID = oemID
        rsdtAddress = rsdt
        if revision >= 2, let length = table.u32(20), length >= Self.extendedLength, bytes.count >= Self.extendedLength,
            acpiChecksumIsValid(bytes[0..<Self.extendedLength]), let xsdt = table.u64(24), xsdt != 0
        {
            xsdtAddress = xsdt
        } else {
            xsdtAddress = nil
        }
    }
}

/// The header every system description table starts with (Linux: struct
/// acpi_table_header).
public struct ACPITableHeader: Equatable {
    public static let length = 36
    public let signature: String
    /// The whole table's length, header included.
    public let length: UInt32
    public let revision: UInt8
    public let oemID: String

    public init?(_ bytes: [UInt8]) {
        let table = TableBytes(bytes: bytes)
        guard bytes.count >= Self.length, let signature = table.text(0, 4), let length = table.u32(4),
            length >= UInt32(Self.length),
            let revision = table.u8(8), let oemID = table.text(10, 6)
        else { return nil }
        self.signature = signature
        self.length = length
        self.revision = revision
        self.oemID = oemID
    }

    /// The physical addresses an RSDT (4 bytes each) or XSDT (8 bytes)
    /// lists after its header.
    public static func entries(of table: [UInt8], entrySize: Int) -> [UInt64] {
        let bytes = TableBytes(bytes: table)
        return stride(from: length, to: table.count - entrySize + 1, by: entrySize).compactMap {
            entrySize == 8 ? bytes.u64($0) : bytes.u32($0).map(UInt64.init)
        }
    }
}

/// A register's place as ACPI describes it (Linux: struct
/// acpi_generic_address).
public struct GenericAddress: Equatable {
    public enum Space: UInt8 { case systemMemory = 0, systemIO = 1, pciConfiguration = 2 }
    public let spaceID: UInt8
    public let bitWidth: UInt8
    public let address: UInt64

    init?(_ table: TableBytes, at offset: Int) {
        guard let space = table.u8(offset), let width = table.u8(offset + 1), let address = table.u64(offset + 4),
            address != 0
        else { return nil }
        spaceID = space
        bitWidth = width
        self.address = address
    }

    public init(spaceID: UInt8, bitWidth: UInt8, address: UInt64) {
        self.spaceID = spaceID
        self.bitWidth = bitWidth
        self.address = address
    }

    public var space: Space? { Space(rawValue: spaceID) }
}

/// What the Fixed ACPI Description Table ("FACP") says about power
/// (Linux: struct acpi_table_fadt; ACPI 6.5 table 5.9).
public struct FADT: Equatable {
    /// The DSDT, whose AML holds the sleep states' register values.
    public let dsdtAddress: UInt64
    /// Where ACPI mode is switched on: write `acpiEnable` to this port.
    public let smiCommand: UInt32
    public let acpiEnable: UInt8
    /// The PM1a and PM1b control registers (I/O ports), where SLP_TYP and
    /// SLP_EN put the machine to sleep.
    public let pm1aControl: UInt16
    public let pm1bControl: UInt16
    /// The reset register and the value that resets, when the flags say
    /// there is one (RESET_REG_SUP).
    public let resetRegister: GenericAddress?
    public let resetValue: UInt8

    /// FADT flag bit 10 (ACPI_FADT_RESET_REGISTER).
    static let resetRegisterSupported: UInt32 = 1 << 10

    public init?(_ bytes: [UInt8]) {
        let table = TableBytes(bytes: bytes)
        guard let header = ACPITableHeader(bytes), header.signature == "FACP", bytes.count >= Int(header.length),
            let dsdt = table.u32(40), let smi = table.u32(48), let enable = table.u8(52),
            let pm1a = table.u32(64), let pm1b = table.u32(68)
        else { return nil }
        let length = Int(header.length)
        // X_DSDT (offset 140) supersedes DSDT when the table is long enough to have it.
        let extendedDSDT = length >= 148 ? table.u64(140) ?? 0 : 0
        dsdtAddress = extendedDSDT != 0 ? extendedDSDT : UInt64(dsdt)
        smiCommand = smi
        acpiEnable = enable
        pm1aControl = UInt16(truncatingIfNeeded: pm1a)
        pm1bControl = UInt16(truncatingIfNeeded: pm1b)
        let flags = length >= 116 ? table.u32(112) ?? 0 : 0
        if flags & Self.resetRegisterSupported != 0, length >= 129 {
            resetRegister = GenericAddress(table, at: 116)
            resetValue = table.u8(128) ?? 0
        } else {
            resetRegister = nil
            resetValue = 0
        }
    }
}

/// The PM1 control register's sleep bits (ACPI 6.5, 4.8.3.2.1): SLP_TYP
/// in bits 10-12, SLP_EN in bit 13; SCI_EN (bit 0) says ACPI mode is on.
public enum PM1Control {
    public static let sciEnable: UInt16 = 1 << 0
    public static let sleepEnable: UInt16 = 1 << 13

    /// The value that enters the sleep state of type `sleepType`.
    public static func sleepCommand(_ sleepType: UInt8) -> UInt16 {
        UInt16(sleepType & 7) << 10 | sleepEnable
    }
}
