import ABI

/// The symbols a module exports to later modules (Linux: the module's
/// __ksymtab and __ksymtab_gpl, which find_module_sections finds and
/// find_symbol searches). Each entry is a struct kernel_symbol of three
/// 32-bit offsets, each relative to its own field: the symbol, its name in
/// __ksymtab_strings, its namespace (unsupported, 0). They are read from the
/// linked image, where relocation has filled them in.
public struct ModuleExports: Sendable {
    public struct Export: Sendable, Equatable {
        public let name: [UInt8]
        public let address: UInt64
        public let gplOnly: Bool
    }

    /// Linux: sizeof(struct kernel_symbol) with PREL32 relocations.
    static let entrySize = 12

    public let exports: [Export]

    /// Reads the export tables of `elf` as linked into `linked`: ENOEXEC if
    /// an entry is cut short or points outside the module's memory.
    public init(_ elf: ELFRelocatable, layout: ModuleLayout, linked: LinkedModule) throws(Errno) {
        var exports: [Export] = []
        for (sectionName, gplOnly) in [("__ksymtab", false), ("__ksymtab_gpl", true)] {
            guard let index = elf.sectionIndex(named: sectionName), let start = layout.sectionOffsets[index] else {
                continue
            }
            let size = Int(elf.sections[index].size)
            guard size % Self.entrySize == 0 else { throw .ENOEXEC }
            for entry in stride(from: start, to: start + size, by: Self.entrySize) {
                let value = try Self.target(of: entry, in: linked)
                let name = try Self.target(of: entry + 4, in: linked)
                guard let end = linked.image[name...].firstIndex(of: 0), end > name else { throw .ENOEXEC }
                exports.append(
                    Export(
                        name: Array(linked.image[name..<end]), address: linked.base &+ UInt64(value),
                        gplOnly: gplOnly))
            }
        }
        self.exports = exports
    }

    /// The image offset that the 32-bit self-relative field at `field` points
    /// at (ModuleBugs reads its table's fields the same way).
    static func target(of field: Int, in linked: LinkedModule) throws(Errno) -> Int {
        let image = linked.image
        guard field >= 0, field + 4 <= image.count else { throw .ENOEXEC }
        var raw: UInt32 = 0
        for byte in 0..<4 { raw |= UInt32(image[field + byte]) << (8 * UInt32(byte)) }
        let target = field + Int(Int32(bitPattern: raw))
        guard target >= 0, target < image.count else { throw .ENOEXEC }
        return target
    }
}
