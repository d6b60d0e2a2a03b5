import Lib

/// What the boot loader told us, in one protocol-independent form
/// (Linux: struct boot_params, filled from Multiboot or PVH's hvm_start_info).
/// Parsed before any allocator exists, so it uses fixed-capacity storage only.
public struct BootParams {
    public enum BootProtocol: UInt32 {
        case multiboot = 1, pvh = 2, multiboot2 = 3
        public var name: String {
            switch self {
            case .multiboot: "Multiboot"
            case .pvh: "PVH"
            case .multiboot2: "Multiboot2"
            }
        }
    }

    /// Linux's E820 region types (arch/x86/include/uapi/asm/e820.h).
    public enum E820Type: UInt32 {
        case usable = 1, reserved = 2, acpiReclaimable = 3, acpiNVS = 4, unusable = 5, persistent = 7
        public var name: String {
            switch self {
            case .usable: "usable"
            case .reserved: "reserved"
            case .acpiReclaimable: "ACPI data"
            case .acpiNVS: "ACPI NVS"
            case .unusable: "unusable"
            case .persistent: "persistent (type 7)"
            }
        }
    }

    public struct MemoryRegion {
        public var base: UInt64
        public var length: UInt64
        public var type: E820Type
        public var end: UInt64 { base + length }
    }

    /// A file the loader placed in memory for us: the initrd.
    public struct Module {
        public var start: PhysAddr
        public var size: UInt64
    }

    /// Where the boot loader said the ACPI RSDP is (Linux: boot_params.acpi_rsdp_addr,
    /// which the PVH entry fills from hvm_start_info).
    public enum RSDPSource {
        case pvh, multiboot2New, multiboot2Old
        public var name: String {
            switch self {
            case .pvh: "the PVH start info"
            case .multiboot2New: "the Multiboot2 new ACPI tag"
            case .multiboot2Old: "the Multiboot2 old ACPI tag"
            }
        }
    }

    public static let maxRegions = 128
    public static let maxModules = 4

    public let bootProtocol: BootProtocol
    public let infoBlock: PhysAddr
    public private(set) var regionCount = 0
    private var regionStorage = InlineArray<128, MemoryRegion>(
        repeating: MemoryRegion(base: 0, length: 0, type: .reserved))
    public private(set) var moduleCount = 0
    private var moduleStorage = InlineArray<4, Module>(repeating: Module(start: PhysAddr(0), size: 0))
    public private(set) var commandLine: PhysAddr? = nil
    public private(set) var commandLineLength = 0
    /// The RSDP the loader handed over: its physical address (PVH), or a
    /// copy of it (Multiboot2's ACPI tags, copied here because the
    /// information block lies in memory the allocators will reuse).
    public private(set) var rsdpSource: RSDPSource? = nil
    public private(set) var rsdpAddress: PhysAddr? = nil
    private var rsdpCopy = InlineArray<36, UInt8>(repeating: 0)
    private var rsdpCopyLength = 0

    public func region(_ index: Int) -> MemoryRegion { regionStorage[index] }
    public func module(_ index: Int) -> Module { moduleStorage[index] }

    /// Parses the loader's info block; nil for an unknown protocol or a block
    /// that does not carry the promised magic (PVH).
    public init?(protocol rawProtocol: UInt32, info: UInt32) {
        guard let parsed = BootProtocol(rawValue: rawProtocol) else { return nil }
        bootProtocol = parsed
        infoBlock = PhysAddr(UInt64(info))
        switch parsed {
        case .multiboot: parseMultiboot()
        case .pvh: if !parsePVH() { return nil }
        case .multiboot2: parseMultiboot2()
        }
    }

    private mutating func addRegion(base: UInt64, length: UInt64, rawType: UInt32) {
        guard regionCount < BootParams.maxRegions, length > 0 else { return }
        regionStorage[regionCount] = MemoryRegion(
            base: base, length: length, type: E820Type(rawValue: rawType) ?? .reserved)
        regionCount += 1
    }

    private mutating func addModule(start: UInt64, size: UInt64) {
        guard moduleCount < BootParams.maxModules else { return }
        moduleStorage[moduleCount] = Module(start: PhysAddr(start), size: size)
        moduleCount += 1
    }

    private mutating func setCommandLine(_ address: UInt64) {
        guard address != 0 else { return }
        commandLine = PhysAddr(address)
        commandLineLength = PhysicalMemory.stringLength(at: PhysAddr(address), limit: 4096)
    }

    /// Multiboot v1 information structure (Multiboot Specification 0.6.96, section 3.3).
    private mutating func parseMultiboot() {
        let info = infoBlock
        let flags = PhysicalMemory.read32(info)
        if flags & (1 << 2) != 0 { setCommandLine(UInt64(PhysicalMemory.read32(info + 16))) }
        if flags & (1 << 3) != 0 {
            let count = PhysicalMemory.read32(info + 20)
            let table = PhysAddr(UInt64(PhysicalMemory.read32(info + 24)))
            for index in 0..<UInt64(count) {
                let entry = table + index * 16
                let start = UInt64(PhysicalMemory.read32(entry))
                let end = UInt64(PhysicalMemory.read32(entry + 4))
                addModule(start: start, size: end - start)
            }
        }
        if flags & (1 << 6) != 0 {
            let length = UInt64(PhysicalMemory.read32(info + 44))
            var entry = PhysAddr(UInt64(PhysicalMemory.read32(info + 48)))
            let end = entry + length
            while entry < end {
                let size = UInt64(PhysicalMemory.read32(entry))  // excludes the size field itself
                addRegion(
                    base: PhysicalMemory.read64(entry + 4), length: PhysicalMemory.read64(entry + 12),
                    rawType: PhysicalMemory.read32(entry + 20))
                entry = entry + size + 4
            }
        }
    }

    /// The Multiboot2 tag list (Multiboot2 Specification 2.0, section 3.6), walked by Lib's `Multiboot2`.
    private mutating func parseMultiboot2() {
        let info = infoBlock
        let read32 = { (offset: UInt64) -> UInt32 in PhysicalMemory.read32(info + offset) }
        Multiboot2.forEachTag(read32: read32) { type, offset, size in
            let tag = info + offset
            switch Multiboot2.TagType(rawValue: type) {
            case .commandLine: setCommandLine((tag + 8).value)
            case .module:
                let start = UInt64(PhysicalMemory.read32(tag + 8))
                addModule(start: start, size: UInt64(PhysicalMemory.read32(tag + 12)) - start)
            case .memoryMap:
                let entrySize = UInt64(PhysicalMemory.read32(tag + 8))
                var entry = tag + 16
                while entrySize > 0 && entry + entrySize <= tag + size {
                    addRegion(
                        base: PhysicalMemory.read64(entry), length: PhysicalMemory.read64(entry + 8),
                        rawType: PhysicalMemory.read32(entry + 16))
                    entry = entry + entrySize
                }
            default: break
            }
        }
        if let copy = Multiboot2.rsdpCopy(read32: read32) {
            for index in 0..<copy.length {
                rsdpCopy[index] = PhysicalMemory.read8(info + copy.offset + UInt64(index))
            }
            rsdpCopyLength = copy.length
            rsdpAddress = info + copy.offset
            rsdpSource = copy.isNew ? .multiboot2New : .multiboot2Old
        }
    }

    /// struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h).
    private mutating func parsePVH() -> Bool {
        let info = infoBlock
        guard PhysicalMemory.read32(info) == 0x336E_C578 else { return false }
        let version = PhysicalMemory.read32(info + 4)
        let moduleCount = PhysicalMemory.read32(info + 12)
        let moduleList = PhysAddr(PhysicalMemory.read64(info + 16))
        for index in 0..<UInt64(moduleCount) {
            let entry = moduleList + index * 32
            addModule(start: PhysicalMemory.read64(entry), size: PhysicalMemory.read64(entry + 8))
        }
        setCommandLine(PhysicalMemory.read64(info + 24))
        let rsdp = PhysicalMemory.read64(info + 32)
        if rsdp != 0 {
            rsdpAddress = PhysAddr(rsdp)
            rsdpSource = .pvh
        }
        if version >= 1 {
            let table = PhysAddr(PhysicalMemory.read64(info + 40))
            let entries = PhysicalMemory.read32(info + 48)
            for index in 0..<UInt64(entries) {
                let entry = table + index * 24
                addRegion(
                    base: PhysicalMemory.read64(entry), length: PhysicalMemory.read64(entry + 8),
                    rawType: PhysicalMemory.read32(entry + 16))
            }
        }
        return true
    }

    /// The loader's copy of the RSDP, if it gave one (Multiboot2); call once a heap exists.
    public func rsdpCopyBytes() -> [UInt8]? {
        guard rsdpCopyLength > 0 else { return nil }
        return (0..<rsdpCopyLength).map { rsdpCopy[$0] }
    }

    /// Bytes of the command line; call once a heap exists.
    public func commandLineBytes() -> [UInt8] {
        guard let address = commandLine else { return [] }
        return PhysicalMemory.bytes(at: address, count: commandLineLength)
    }
}
