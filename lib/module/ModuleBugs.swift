import ABI

/// The BUG() sites of a module (Linux: lib/bug.c module_bug_finalize and
/// find_bug, with CONFIG_GENERIC_BUG_RELATIVE_POINTERS). `__bug_table` holds
/// a struct bug_entry per BUG(): the ud2's address and the source file's
/// name, each a 32-bit offset relative to its own field, then the line and
/// the flags as 16-bit numbers. They are read from the linked image, where
/// relocation has filled them in.
public struct ModuleBugs: Sendable {
    public struct Bug: Sendable, Equatable {
        /// Where the BUG()'s ud2 is.
        public let address: UInt64
        public let file: [UInt8]
        public let line: UInt16
    }

    /// Linux: sizeof(struct bug_entry) with relative pointers.
    static let entrySize = 12

    public let bugs: [Bug]

    /// Reads `elf`'s bug table as linked into `linked`: ENOEXEC if an entry
    /// is cut short or points outside the module's memory.
    public init(_ elf: ELFRelocatable, layout: ModuleLayout, linked: LinkedModule) throws(Errno) {
        guard let index = elf.sectionIndex(named: "__bug_table"), let start = layout.sectionOffsets[index] else {
            bugs = []
            return
        }
        let size = Int(elf.sections[index].size)
        guard size % Self.entrySize == 0 else { throw .ENOEXEC }
        var bugs: [Bug] = []
        for entry in stride(from: start, to: start + size, by: Self.entrySize) {
            let address = try ModuleExports.target(of: entry, in: linked)
            let file = try ModuleExports.target(of: entry + 4, in: linked)
            guard let end = linked.image[file...].firstIndex(of: 0) else { throw .ENOEXEC }
            let line = UInt16(linked.image[entry + 8]) | UInt16(linked.image[entry + 9]) << 8
            bugs.append(
                Bug(address: linked.base &+ UInt64(address), file: Array(linked.image[file..<end]), line: line))
        }
        self.bugs = bugs
    }
}
