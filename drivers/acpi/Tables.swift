import Core
import Lib

/// Finding the ACPI tables in physical memory (Linux: drivers/acpi/tables.c,
/// acpi_os_get_root_pointer, acpi_find_root_pointer in
/// drivers/acpi/acpica/tbxfroot.c): the RSDP the boot loader handed over,
/// or else the one in the EBDA's first KiB or the BIOS area 0xE0000-0xFFFFF,
/// then the RSDT or XSDT it points to, then the tables those list. The formats are parsed in
/// lib/acpi; here are only the reads.
enum ACPITables {
    /// The BIOS data area word holding the EBDA's real-mode segment.
    static let ebdaSegmentPointer = PhysAddr(0x40E)
    static let biosAreaStart: UInt64 = 0xE0000
    static let biosAreaEnd: UInt64 = 0x100000
    /// Tables longer than this are taken for garbage.
    static let maximumTableLength: UInt32 = 4 << 20

    /// The RSDP, its physical address and where it was found: where the
    /// boot loader said (Linux: boot_params.acpi_rsdp_addr, taken first),
    /// else the firmware's areas; nil if neither has one.
    static func findRSDP(boot: BootParams) -> (rsdp: RSDP, address: UInt64, source: String)? {
        if let source = boot.rsdpSource, let address = boot.rsdpAddress {
            if let bytes = boot.rsdpCopyBytes() ?? read(address.value, count: RSDP.extendedLength),
                let rsdp = RSDP(bytes)
            {
                return (rsdp, address.value, source.name)
            }
            pr_warn("ACPI: the RSDP from \(source.name) is not valid; searching the BIOS areas")
        }
        return scanForRSDP().map { ($0.rsdp, $0.address, "the EBDA and BIOS area scan") }
    }

    /// The RSDP the firmware left in the EBDA or the BIOS area, and its address.
    private static func scanForRSDP() -> (rsdp: RSDP, address: UInt64)? {
        let ebda = UInt64(PhysicalMemory.read16(ebdaSegmentPointer)) << 4
        var areas: [(start: UInt64, end: UInt64)] = [(biosAreaStart, biosAreaEnd)]
        if ebda >= 0x400 && ebda < biosAreaStart { areas.insert((ebda, ebda + 1024), at: 0) }
        for area in areas {
            // The signature is on a 16-byte boundary (ACPI 6.5, 5.2.5.1).
            for address in stride(from: area.start, to: area.end - UInt64(RSDP.extendedLength), by: 16) {
                let bytes = PhysicalMemory.bytes(at: PhysAddr(address), count: RSDP.extendedLength)
                if let rsdp = RSDP(bytes) { return (rsdp, address) }
            }
        }
        return nil
    }

    /// The whole table at `address`, if its header is sane and its checksum right.
    static func table(at address: UInt64) -> [UInt8]? {
        guard let headerBytes = read(address, count: ACPITableHeader.length),
            let header = ACPITableHeader(headerBytes), header.length <= maximumTableLength,
            let bytes = read(address, count: Int(header.length)), acpiChecksumIsValid(bytes)
        else { return nil }
        pr_info(
            "ACPI: \(header.signature) 0x\(hex(address, width: 16)) \(hex(UInt64(header.length), width: 6)) (v\(hex(UInt64(header.revision), width: 2)) \(header.oemID))"
        )
        return bytes
    }

    /// The tables the root table lists, as (signature, address).
    static func rootEntries(_ found: RSDP) -> [UInt64] {
        let (address, entrySize) = found.xsdtAddress.map { ($0, 8) } ?? (UInt64(found.rsdtAddress), 4)
        guard let root = table(at: address) else { return [] }
        return ACPITableHeader.entries(of: root, entrySize: entrySize)
    }

    /// `count` bytes of physical memory at `address`. ACPI tables sit in
    /// memory the direct map may leave out (reserved), so they are mapped
    /// for the read and unmapped after (Linux: acpi_os_map_memory).
    static func read(_ address: UInt64, count: Int) -> [UInt8]? {
        let rounded = (count + 3) & ~3
        guard let region = try? Vmalloc.ioremap(PhysAddr(address), size: UInt64(rounded)) else { return nil }
        defer { try? Vmalloc.free(VirtAddr(region.base.value & ~(MemoryLayout64.pageSize - 1))) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rounded)
        for offset in stride(from: 0, to: rounded, by: 4) {
            let word = region.read32(UInt64(offset))
            for shift in stride(from: 0, to: 32, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt32(shift)))
            }
        }
        return Array(bytes.prefix(count))
    }
}

extension ACPITables {
    /// The first table with `signature` that the root table lists, whole
    /// and checked (Linux: acpi_get_table); nil without ACPI or without
    /// such a table. Other tables' headers are read without logging them.
    static func find(_ signature: String, boot: BootParams) -> [UInt8]? {
        guard let (rsdp, _, _) = findRSDP(boot: boot) else { return nil }
        for entry in rootEntries(rsdp) {
            guard let bytes = read(entry, count: ACPITableHeader.length),
                ACPITableHeader(bytes)?.signature == signature
            else { continue }
            return table(at: entry)
        }
        return nil
    }
}
