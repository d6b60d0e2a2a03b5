import ABI

/// Where a module's sections go in its memory, and the module linked there
/// (Linux: kernel/module/main.c layout_sections, move_module,
/// simplify_symbols and apply_relocations). The memory is one block of
/// three page-aligned regions, so each gets its own page protection:
/// text (read-execute), read-only data with the module's GOT (read-only
/// once linked) and data with .bss (read-write, no execute). Sections
/// without SHF_ALLOC (.modinfo, symbols, relocations) stay in the file.
/// Linux keeps .init sections apart to free them after init; here they
/// stay with the rest for the module's life.
public struct ModuleLayout: Sendable {
    public static let pageSize = 4096
    /// The largest module accepted (Linux's module area is 1 GiB; past
    /// this its allocation fails, ENOMEM).
    public static let maximumSize = 64 << 20

    /// Each placed section's offset in the module's memory, by section
    /// index (nil: not loaded). Arrays, not dictionaries: the kernel has no
    /// floating-point `ceil`, which Dictionary's sizing needs.
    public let sectionOffsets: [Int?]
    public let textSize: Int
    /// Read-only data and the GOT.
    public let readOnlySize: Int
    public let dataSize: Int
    /// Where the GOT starts, and the slot of each symbol that a GOT
    /// relocation names (by symbol index; nil: none).
    let gotOffset: Int
    let gotSlots: [Int?]
    /// Room at the end of the data region for the load's arguments, where
    /// charp parameters point (Linux: mod->args).
    public let argumentsOffset: Int

    public var size: Int { textSize + readOnlySize + dataSize }

    public init(_ elf: ELFRelocatable, argumentsSize: Int = 0) throws(Errno) {
        var offsets = [Int?](repeating: nil, count: elf.sections.count)
        var cursor = 0
        func place(_ index: Int) throws(Errno) {
            let section = elf.sections[index]
            let alignment = max(Int(truncatingIfNeeded: section.alignment), 1)
            guard section.alignment <= UInt64(Self.pageSize), alignment & (alignment - 1) == 0,
                section.size <= UInt64(Self.maximumSize)
            else { throw .ENOEXEC }
            cursor = (cursor + alignment - 1) & ~(alignment - 1)
            offsets[index] = cursor
            cursor += Int(section.size)
            guard cursor <= Self.maximumSize else { throw .ENOMEM }
        }
        func pageUp(_ value: Int) -> Int { (value + Self.pageSize - 1) & ~(Self.pageSize - 1) }
        let placed = elf.sections.indices.filter { index in
            let section = elf.sections[index]
            let kept = section.name != Array(".modinfo".utf8) && section.name != Array("__versions".utf8)
            return index != 0 && section.isAllocated && kept
        }
        // Linux: module_enforce_rwx_sections.
        guard !placed.contains(where: { elf.sections[$0].isWritable && elf.sections[$0].isExecutable }) else {
            throw .ENOEXEC
        }
        for index in placed where elf.sections[index].isExecutable { try place(index) }
        textSize = pageUp(cursor)
        cursor = textSize
        for index in placed where !elf.sections[index].isExecutable && !elf.sections[index].isWritable {
            try place(index)
        }
        var slots = [Int?](repeating: nil, count: elf.symbols.count)
        var slotCount = 0
        for index in elf.sections.indices where elf.sections[index].type == ELFRelocatable.SHT_RELA {
            for entry in try elf.relocations(in: index).entries
            where Relocation.usesGOT(entry.type) && slots[entry.symbolIndex] == nil {
                slots[entry.symbolIndex] = slotCount
                slotCount += 1
            }
        }
        gotOffset = (cursor + 7) & ~7
        gotSlots = slots
        cursor = gotOffset + 8 * slotCount
        readOnlySize = pageUp(cursor) - textSize
        cursor = textSize + readOnlySize
        for index in placed where elf.sections[index].isWritable { try place(index) }
        argumentsOffset = cursor
        cursor += argumentsSize
        guard cursor <= Self.maximumSize else { throw .ENOMEM }
        dataSize = pageUp(cursor) - textSize - readOnlySize
        sectionOffsets = offsets
    }
}

/// A module's memory image, linked to run at `base` (Linux: the module's
/// core_layout after apply_relocations), and its symbols.
public struct LinkedModule: Sendable {
    /// One symbol the module defines, for /proc/kallsyms (Linux: the
    /// module's core_kallsyms): its letter is nm's (`t`, `d`, `r`, `b`,
    /// capital when global).
    public struct DefinedSymbol: Sendable {
        public let name: [UInt8]
        public let address: UInt64
        public let letter: UInt8
    }

    /// Why linking failed.
    public enum Failure: Error, Equatable, Sendable {
        /// Undefined symbols the kernel does not export (Linux logs each:
        /// "NAME: Unknown symbol SYM (err -2)"), ENOENT.
        case unknownSymbols([[UInt8]])
        /// A common symbol: Linux's "please compile with -fno-common", ENOEXEC.
        case commonSymbol([UInt8])
        case relocation(Relocation.Failure)
        case malformed(Errno)

        public var errno: Errno {
            switch self {
            case .unknownSymbols: .ENOENT
            case .commonSymbol: .ENOEXEC
            case .relocation(let failure): failure.errno
            case .malformed(let errno): errno
            }
        }
    }

    /// GNU as before 2.37 leaves an unreferenced undefined
    /// _GLOBAL_OFFSET_TABLE_ in PIC objects (Linux: ignore_undef_symbol).
    static let globalOffsetTable = Array("_GLOBAL_OFFSET_TABLE_".utf8)

    public let base: UInt64
    public let image: [UInt8]
    public let symbols: [DefinedSymbol]

    /// Lays `elf` out at `base` as `layout` says, binding each undefined
    /// symbol to what `resolve` returns for its name (nil: unknown; a weak
    /// symbol is then 0, as Linux allows) and each weak definition to what
    /// it returns, if anything (the definition is then not the module's), and
    /// applies every relocation of an allocated section.
    public init(
        _ elf: ELFRelocatable, layout: ModuleLayout, base: UInt64, resolve: ([UInt8]) -> UInt64?
    ) throws(Failure) {
        self.base = base
        var image = [UInt8](repeating: 0, count: layout.size)
        for (index, placed) in layout.sectionOffsets.enumerated() where elf.sections[index].hasFileBytes {
            guard let offset = placed else { continue }
            image.replaceSubrange(offset..<offset + Int(elf.sections[index].size), with: elf.contents(of: index))
        }
        var addresses = [UInt64](repeating: 0, count: elf.symbols.count)
        var unknown: [[UInt8]] = []
        var defined: [DefinedSymbol] = []
        for (index, symbol) in elf.symbols.enumerated() where index != 0 {
            switch symbol.sectionIndex {
            case ELFRelocatable.SHN_UNDEF:
                if let address = resolve(symbol.name) {
                    addresses[index] = address
                } else if symbol.binding != ELFRelocatable.STB_WEAK && symbol.name != Self.globalOffsetTable {
                    unknown.append(symbol.name)
                }
            case ELFRelocatable.SHN_ABS:
                addresses[index] = symbol.value
            case ELFRelocatable.SHN_COMMON:
                throw .commonSymbol(symbol.name)
            case let section where section >= ELFRelocatable.SHN_LORESERVE:
                throw .malformed(.ENOEXEC)
            case let section:
                guard let offset = layout.sectionOffsets[Int(section)] else { continue }
                // A weak definition yields to an exported strong one of the same name, as a
                // linker binds it: a Swift module's own copies of the runtime become the kernel's.
                if symbol.binding == ELFRelocatable.STB_WEAK, !symbol.name.isEmpty, let address = resolve(symbol.name) {
                    addresses[index] = address
                    continue
                }
                addresses[index] = base &+ UInt64(offset) &+ symbol.value
                if !symbol.name.isEmpty,
                    symbol.type == ELFRelocatable.STT_FUNC || symbol.type == ELFRelocatable.STT_OBJECT
                {
                    defined.append(
                        DefinedSymbol(
                            name: symbol.name, address: addresses[index],
                            letter: Self.letter(elf.sections[Int(section)], global: symbol.binding != 0)))
                }
            }
        }
        guard unknown.isEmpty else { throw .unknownSymbols(unknown) }
        for (symbolIndex, placed) in layout.gotSlots.enumerated() {
            guard let slot = placed else { continue }
            let at = layout.gotOffset + 8 * slot
            for byte in 0..<8 {
                image[at + byte] = UInt8(truncatingIfNeeded: addresses[symbolIndex] >> (8 * UInt64(byte)))
            }
        }
        for index in elf.sections.indices {
            let type = elf.sections[index].type
            guard type == ELFRelocatable.SHT_RELA || type == ELFRelocatable.SHT_REL else { continue }
            guard type == ELFRelocatable.SHT_RELA else { throw .malformed(.ENOEXEC) }
            let relocations: (target: Int, entries: [ELFRelocatable.Relocation])
            do throws(Errno) { relocations = try elf.relocations(in: index) } catch { throw .malformed(error) }
            // Relocations of sections that are not loaded are not applied (Linux: apply_relocations).
            guard let start = layout.sectionOffsets[relocations.target] else { continue }
            let limit = start + Int(elf.sections[relocations.target].size)
            for entry in relocations.entries {
                guard entry.offset < UInt64(ModuleLayout.maximumSize) else { throw .relocation(.outsideSection) }
                let got = layout.gotSlots[entry.symbolIndex].map { base &+ UInt64(layout.gotOffset + 8 * $0) } ?? 0
                do throws(Relocation.Failure) {
                    try Relocation.apply(
                        type: entry.type, symbol: addresses[entry.symbolIndex], addend: entry.addend, got: got,
                        at: start + Int(entry.offset), limit: limit, in: &image, base: base)
                } catch {
                    throw .relocation(error)
                }
            }
        }
        self.image = image
        symbols = defined
    }

    /// The address of a defined symbol called `name`.
    public func address(of name: String) -> UInt64? {
        let wanted = Array(name.utf8)
        return symbols.first { $0.name == wanted }?.address
    }

    private static func letter(_ section: ELFRelocatable.Section, global: Bool) -> UInt8 {
        let letter: Character =
            section.isExecutable ? "t" : !section.hasFileBytes ? "b" : section.isWritable ? "d" : "r"
        let value = letter.asciiValue ?? 0
        return global ? value - 32 : value
    }
}
