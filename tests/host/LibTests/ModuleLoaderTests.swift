import ABI
import Foundation
import Testing

@testable import Lib

/// A module object the host's gcc compiles as the module SDK does (-fpie:
/// PC32, PLT32 and 64 relocations), or with other code-model flags: -fpic
/// refers to extern data through the GOT (REX_GOTPCRELX), and
/// -mcmodel=kernel, Linux's, puts addresses in 32S fields.
private func compileModule(model: [String] = ["-fpie"], extraSource: String = "") throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apus-module-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let source = directory.appendingPathComponent("m.c")
    let object = directory.appendingPathComponent("m.o")
    try
        ("""
    extern int ext_var;
    extern int ext_fn(int);
    static int local = 5;
    int *pointer = &local;
    static const char text[] = "hello";
    const char *message(void) { return text; }
    int get(void) { return ext_fn(ext_var) + local; }
    int init_module(void) { return get(); }
    static char __attribute__((section(".modinfo"), used)) info[] = "license=GPL\\0name=m";
    """ + extraSource).write(to: source, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
        ["cc", "-c", "-O2", "-ffreestanding", "-fno-common", "-mno-red-zone", "-fno-asynchronous-unwind-tables"]
        + model + ["-o", object.path, source.path]
    try process.run()
    process.waitUntilExit()
    try #require(process.terminationStatus == 0)
    return Array(try Data(contentsOf: object))
}

/// The SDK's own headers, as a module includes them.
private let sdkInclude = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../../include").standardized.path

private let kernelBase: UInt64 = 0x7FFF_8010_0000
private let moduleBase: UInt64 = 0x7FFF_C000_0000
private let exports: [String: UInt64] = ["ext_var": kernelBase + 0x1000, "ext_fn": kernelBase + 0x2000]
private func resolve(_ name: [UInt8]) -> UInt64? { exports[String(decoding: name, as: UTF8.self)] }

private func link(_ bytes: [UInt8], base: UInt64 = moduleBase) throws -> LinkedModule {
    let elf = try parse(bytes)
    return try LinkedModule(elf, layout: try ModuleLayout(elf), base: base, resolve: resolve)
}

private func parse(_ bytes: [UInt8]) throws -> ELFRelocatable {
    do throws(Errno) { return try ELFRelocatable(bytes) } catch { throw error }
}

private func readU64(_ bytes: [UInt8], _ at: Int) -> UInt64 {
    (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) }
}

private func readI32(_ bytes: [UInt8], _ at: Int) -> Int64 {
    Int64(Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }))
}

/// `bytes` with `value` written little-endian over `size` bytes at `offset`.
private func patched(_ bytes: [UInt8], at offset: Int, size: Int, _ value: UInt64) -> [UInt8] {
    var bytes = bytes
    for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
    return bytes
}

private func expectLoadError(_ expected: Errno, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    do throws(Errno) {
        let elf = try ELFRelocatable(bytes)
        let layout = try ModuleLayout(elf)
        do throws(LinkedModule.Failure) {
            _ = try LinkedModule(elf, layout: layout, base: moduleBase, resolve: resolve)
            Issue.record("loaded", sourceLocation: sourceLocation)
        } catch {
            #expect(error.errno == expected, sourceLocation: sourceLocation)
        }
    } catch {
        #expect(error == expected, sourceLocation: sourceLocation)
    }
}

@Suite struct ModuleLoaderTests {
    @Test func parsesAndLinksAModule() throws {
        let bytes = try compileModule()
        let elf = try parse(bytes)
        let layout = try ModuleLayout(elf)
        #expect(layout.textSize % 4096 == 0 && layout.readOnlySize % 4096 == 0 && layout.dataSize % 4096 == 0)
        let module = try LinkedModule(elf, layout: layout, base: moduleBase, resolve: resolve)
        let text = try #require(elf.sectionIndex(named: ".text"))
        #expect(layout.sectionOffsets[text] == 0)
        // Every relocation of a placed section now holds its formula's value.
        var checked = 0
        for index in elf.sections.indices where elf.sections[index].type == ELFRelocatable.SHT_RELA {
            let (target, entries) = try elf.relocations(in: index)
            guard let start = layout.sectionOffsets[target] else { continue }
            for entry in entries {
                let symbol = elf.symbols[entry.symbolIndex]
                let s: UInt64 =
                    symbol.isUndefined
                    ? try #require(resolve(symbol.name))
                    : moduleBase + UInt64(try #require(layout.sectionOffsets[Int(symbol.sectionIndex)])) + symbol.value
                let place = start + Int(entry.offset)
                let p = moduleBase + UInt64(place)
                switch entry.type {
                case Relocation.R_X86_64_64:
                    #expect(readU64(module.image, place) == s &+ UInt64(bitPattern: entry.addend))
                case Relocation.R_X86_64_PC32, Relocation.R_X86_64_PLT32:
                    #expect(
                        readI32(module.image, place) == Int64(bitPattern: s &+ UInt64(bitPattern: entry.addend) &- p))
                default:
                    Issue.record("unexpected relocation type \(entry.type)")
                }
                checked += 1
            }
        }
        #expect(checked >= 4)
        // The .data pointer points at `local`, whose 5 is in the image.
        let pointer = try #require(module.address(of: "pointer"))
        let local = readU64(module.image, Int(pointer - moduleBase))
        #expect(module.image[Int(local - moduleBase)] == 5)
        #expect(module.address(of: "init_module") != nil)
        #expect(module.symbols.contains { $0.name == Array("get".utf8) && $0.letter == UInt8(ascii: "T") })
        #expect(module.symbols.contains { $0.name == Array("local".utf8) && $0.letter == UInt8(ascii: "d") })
        // .modinfo is not loaded, but readable.
        let info = ModInfo(elf.contents(of: try #require(elf.sectionIndex(named: ".modinfo"))))
        #expect(info.value("license") == Array("GPL".utf8) && info.value("name") == Array("m".utf8))
    }

    @Test func gotRelocationsGoThroughTheModuleGOT() throws {
        let bytes = try compileModule(model: ["-fpic"])
        let elf = try parse(bytes)
        let layout = try ModuleLayout(elf)
        let module = try LinkedModule(elf, layout: layout, base: moduleBase, resolve: resolve)
        var sawGOT = false
        for index in elf.sections.indices where elf.sections[index].type == ELFRelocatable.SHT_RELA {
            let (target, entries) = try elf.relocations(in: index)
            guard let start = layout.sectionOffsets[target] else { continue }
            for entry in entries where Relocation.usesGOT(entry.type) {
                let place = start + Int(entry.offset)
                let slot = Int(Int64(place) + readI32(module.image, place) - entry.addend)
                // The slot lies in the read-only region and holds the symbol's address.
                #expect(slot >= layout.textSize && slot < layout.textSize + layout.readOnlySize)
                #expect(resolve(elf.symbols[entry.symbolIndex].name) == readU64(module.image, slot))
                sawGOT = true
            }
        }
        #expect(sawGOT)
    }

    @Test func relocationArithmetic() throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        let base: UInt64 = 0x1000
        try Relocation.apply(
            type: Relocation.R_X86_64_PC32, symbol: 0x2000, addend: -4, got: 0, at: 4, limit: 16, in: &bytes,
            base: base)
        #expect(readI32(bytes, 4) == 0x2000 - 4 - 0x1004)
        try Relocation.apply(
            type: Relocation.R_X86_64_64, symbol: 0x1234_5678_9abc, addend: 1, got: 0, at: 8, limit: 16, in: &bytes,
            base: base)
        #expect(readU64(bytes, 8) == 0x1234_5678_9abd)
        try Relocation.apply(
            type: Relocation.R_X86_64_32, symbol: 0xffff_fff0, addend: 0xf, got: 0, at: 0, limit: 16, in: &bytes,
            base: base)
        #expect(bytes[0..<4] == [0xff, 0xff, 0xff, 0xff])
        let cases: [(UInt32, UInt64, Int64)] = [
            (Relocation.R_X86_64_32, 0xffff_fff0, 0x10),  // past 2^32
            (Relocation.R_X86_64_32S, 0x8000_0000, 0),  // past 2^31
            (Relocation.R_X86_64_PC32, 0x1_0000_1000, 0),  // 4 GiB away
            (Relocation.R_X86_64_PLT32, 0x7FFF_8000_0000, 0),
        ]
        for (type, symbol, addend) in cases {
            do throws(Relocation.Failure) {
                try Relocation.apply(
                    type: type, symbol: symbol, addend: addend, got: 0, at: 0, limit: 16, in: &bytes, base: base)
                Issue.record("type \(type) did not overflow")
            } catch {
                guard case .overflow(type, _) = error else { Issue.record("\(error)"); continue }
            }
        }
        #expect(throws: Relocation.Failure.unknownType(37)) {
            try Relocation.apply(type: 37, symbol: 0, addend: 0, got: 0, at: 0, limit: 16, in: &bytes, base: base)
        }
        #expect(throws: Relocation.Failure.outsideSection) {
            try Relocation.apply(
                type: Relocation.R_X86_64_64, symbol: 0, addend: 0, got: 0, at: 12, limit: 16, in: &bytes, base: base)
        }
    }

    @Test func malformedObjectsAreRefused() throws {
        let bytes = try compileModule()
        let elf = try parse(bytes)
        expectLoadError(.ENOEXEC, [])
        expectLoadError(.ENOEXEC, Array(bytes.prefix(63)))
        expectLoadError(.ENOEXEC, Array(bytes.prefix(bytes.count / 2)))
        expectLoadError(.ENOEXEC, patched(bytes, at: 18, size: 2, 3))  // EM_386
        expectLoadError(.ENOEXEC, patched(bytes, at: 16, size: 2, 2))  // ET_EXEC
        expectLoadError(.ENOEXEC, patched(bytes, at: 4, size: 1, 1))  // ELFCLASS32
        expectLoadError(.ENOEXEC, patched(bytes, at: 40, size: 8, UInt64.max - 10))  // e_shoff
        expectLoadError(.ENOEXEC, patched(bytes, at: 62, size: 2, 0xfff))  // e_shstrndx
        // The null section 0 made a relocation section, or given bytes outside the file.
        expectLoadError(.ENOEXEC, patched(bytes, at: Int(readU64(bytes, 40)) + 4, size: 4, 4))
        expectLoadError(
            .ENOEXEC,
            patched(
                patched(bytes, at: Int(readU64(bytes, 40)) + 4, size: 4, 1), at: Int(readU64(bytes, 40)) + 24, size: 8,
                UInt64.max / 2))
        let shoff = Int(readU64(bytes, 40))
        let text = try #require(elf.sectionIndex(named: ".text"))
        expectLoadError(.ENOEXEC, patched(bytes, at: shoff + text * 64 + 24, size: 8, UInt64(bytes.count)))
        expectLoadError(.ENOEXEC, patched(bytes, at: shoff + text * 64 + 32, size: 8, UInt64.max))
        expectLoadError(.ENOEXEC, patched(bytes, at: shoff + text * 64 + 8, size: 8, 7))  // SHF_WRITE|ALLOC|EXEC
        // A symbol name past its string table, a symbol in no section.
        let symtab = try #require(elf.sections.firstIndex { $0.type == ELFRelocatable.SHT_SYMTAB })
        let firstSymbol = elf.sections[symtab].offset + 24
        expectLoadError(.ENOEXEC, patched(bytes, at: firstSymbol, size: 4, 0xffff_fff0))
        expectLoadError(.ENOEXEC, patched(bytes, at: firstSymbol + 6, size: 2, 0x7000))
        // A relocation of an unknown type, one naming a symbol past the table, one outside its section.
        let rela = try #require(elf.sectionIndex(named: ".rela.text"))
        let relaOffset = elf.sections[rela].offset
        expectLoadError(.ENOEXEC, patched(bytes, at: relaOffset + 8, size: 4, 37))
        expectLoadError(.ENOEXEC, patched(bytes, at: relaOffset + 12, size: 4, 0xffff))
        expectLoadError(.ENOEXEC, patched(bytes, at: relaOffset, size: 8, 0x7fff_ffff))
        // Linux's -mcmodel=kernel code needs the top 2 GiB of the address space, which is not Apus's.
        let kernelModel = try compileModule(model: ["-mcmodel=kernel", "-fno-pic"])
        #expect(throws: LinkedModule.Failure.self) { try link(kernelModel) }
        // A module placed 4 GiB from the kernel cannot reach it with rel32.
        #expect(throws: LinkedModule.Failure.self) { try link(bytes, base: 0x6000_0000_0000) }
    }

    @Test func unknownSymbolsAreNamed() throws {
        let bytes = try compileModule(extraSource: "extern void missing(void); void call(void) { missing(); }")
        let elf = try parse(bytes)
        #expect(throws: LinkedModule.Failure.unknownSymbols([Array("missing".utf8)])) {
            _ = try LinkedModule(elf, layout: try ModuleLayout(elf), base: moduleBase, resolve: resolve)
        }
        let weak = try compileModule(
            extraSource: "extern void maybe(void) __attribute__((weak)); void (*hook)(void) = maybe;")
        let module = try link(weak)
        // An unresolved weak symbol is 0.
        #expect(readU64(module.image, Int(try #require(module.address(of: "hook")) - moduleBase)) == 0)
    }

    /// A Swift module carries weak copies of the runtime (swift_retain, ...); an exported strong
    /// definition of the same name wins, as a linker binds it, and every reference goes there.
    @Test func weakDefinitionsYieldToExports() throws {
        let bytes = try compileModule(
            extraSource: """

                __attribute__((weak)) int swift_retain(int x) { return x + 1; }
                __attribute__((weak)) int own_helper(int x) { return x + 2; }
                int use_helpers(int x) { return swift_retain(x) + own_helper(x); }
                int (*retain_pointer)(int) = swift_retain;
                """)
        let kernelRetain = kernelBase + 0x3000
        let elf = try parse(bytes)
        let layout = try ModuleLayout(elf)
        let module = try LinkedModule(elf, layout: layout, base: moduleBase) { name in
            name == Array("swift_retain".utf8) ? kernelRetain : resolve(name)
        }
        // The kernel's definition is not the module's: /proc/kallsyms does not list it.
        #expect(!module.symbols.contains { $0.name == Array("swift_retain".utf8) })
        let ownHelper = try #require(module.address(of: "own_helper"))
        #expect(ownHelper >= moduleBase && ownHelper < moduleBase + UInt64(layout.size))
        var bound = (retain: 0, own: 0)
        for index in elf.sections.indices where elf.sections[index].type == ELFRelocatable.SHT_RELA {
            let (target, entries) = try elf.relocations(in: index)
            guard let start = layout.sectionOffsets[target] else { continue }
            for entry in entries {
                let name = String(decoding: elf.symbols[entry.symbolIndex].name, as: UTF8.self)
                guard name == "swift_retain" || name == "own_helper" else { continue }
                let s = name == "swift_retain" ? kernelRetain : ownHelper
                let place = start + Int(entry.offset)
                let value = s &+ UInt64(bitPattern: entry.addend)
                if entry.type == Relocation.R_X86_64_64 {
                    #expect(readU64(module.image, place) == value)
                } else {
                    #expect(readI32(module.image, place) == Int64(bitPattern: value &- (moduleBase + UInt64(place))))
                }
                if name == "swift_retain" { bound.retain += 1 } else { bound.own += 1 }
            }
        }
        // The call and the pointer to swift_retain, the call to own_helper: each a relocation.
        #expect(bound.retain == 2 && bound.own == 1)
    }

    /// <linux/bug.h>'s BUG() is a ud2 with a __bug_table entry naming its file and line.
    @Test func bugTableNamesEachBUG() throws {
        let bytes = try compileModule(
            model: ["-fpie", "-I", sdkInclude],
            extraSource: """

                #include <linux/bug.h>
                int checked(int x) { BUG_ON(x > 3); return x; }
                """)
        let elf = try parse(bytes)
        let layout = try ModuleLayout(elf)
        let module = try LinkedModule(elf, layout: layout, base: moduleBase, resolve: resolve)
        let bugs = try ModuleBugs(elf, layout: layout, linked: module).bugs
        try #require(bugs.count == 1)
        let at = Int(bugs[0].address - moduleBase)
        #expect(Array(module.image[at..<at + 2]) == [0x0F, 0x0B])
        let checked = try #require(module.address(of: "checked"))
        #expect(bugs[0].address > checked && bugs[0].address < checked + 64)
        #expect(String(decoding: bugs[0].file, as: UTF8.self).hasSuffix("/m.c"))
        // The source's 9 lines, then the #include: BUG_ON is on line 11.
        #expect(bugs[0].line == 11)
        // A module without BUG() has no table.
        let plain = try compileModule()
        let plainELF = try parse(plain)
        #expect(try ModuleBugs(plainELF, layout: try ModuleLayout(plainELF), linked: try link(plain)).bugs.isEmpty)
    }

    @Test func exportTablesNameTheExportedSymbols() throws {
        let bytes = try compileModule(
            model: ["-fpie", "-I", sdkInclude],
            extraSource: """

                #include <linux/export.h>
                int twice(int x) { return 2 * x; }
                EXPORT_SYMBOL(twice);
                EXPORT_SYMBOL_GPL(get);
                """)
        let elf = try parse(bytes)
        let layout = try ModuleLayout(elf)
        let module = try LinkedModule(elf, layout: layout, base: moduleBase, resolve: resolve)
        let exports = try ModuleExports(elf, layout: layout, linked: module)
        #expect(
            exports.exports == [
                ModuleExports.Export(
                    name: Array("twice".utf8), address: try #require(module.address(of: "twice")), gplOnly: false),
                ModuleExports.Export(
                    name: Array("get".utf8), address: try #require(module.address(of: "get")), gplOnly: true),
            ])
        // An entry cut short, or one pointing outside the module, is ENOEXEC.
        for table in [".long 0", ".long 0x1000000, 0, 0"] {
            let bad = try compileModule(extraSource: "asm(\".section __ksymtab, \\\"a\\\"\\n\(table)\\n.previous\");")
            let badElf = try parse(bad)
            let badLayout = try ModuleLayout(badElf)
            let linked = try LinkedModule(badElf, layout: badLayout, base: moduleBase, resolve: resolve)
            #expect(throws: Errno.ENOEXEC) { try ModuleExports(badElf, layout: badLayout, linked: linked) }
        }
    }

    @Test func parametersAreReadAndSet() throws {
        let bytes = try compileModule(
            model: ["-fpie", "-I", sdkInclude],
            extraSource: """

                #define MODULE_INFO(tag, info) /* the test's own .modinfo is not const */
                #include <linux/moduleparam.h>
                static short level = 3;
                module_param(level, short, 0644);
                static char *who = "x";
                module_param_named(my_name, who, charp, 0444);
                """)
        let elf = try parse(bytes)
        let layout = try ModuleLayout(elf, argumentsSize: 64)
        let module = try LinkedModule(elf, layout: layout, base: moduleBase, resolve: resolve)
        let parameters = try ModuleParameters(elf, layout: layout, image: module.image, base: moduleBase)
        #expect(
            parameters.parameters.map { String(decoding: $0.name, as: UTF8.self) }.sorted() == ["level", "my_name"])
        let level = try #require(parameters.parameter(named: Array("level".utf8)))
        let name = try #require(parameters.parameter(named: Array("my-name".utf8)))
        #expect(level.kind == .short && level.permissions == 0o644)
        #expect(name.kind == .charp && name.permissions == 0o444)
        var image = module.image
        let strings = layout.argumentsOffset..<layout.argumentsOffset + 64
        let unknown = try parameters.apply(
            Array("level=-2 my-name=\"a b\" other=1".utf8), to: &image, base: moduleBase, strings: strings)
        #expect(unknown == [Array("other".utf8)])
        #expect(image[level.offset] == 0xfe && image[level.offset + 1] == 0xff)
        #expect(readU64(image, name.offset) == moduleBase + UInt64(layout.argumentsOffset))
        #expect(Array(image[layout.argumentsOffset..<layout.argumentsOffset + 4]) == Array("a b\0".utf8))
        #expect(
            throws: ModuleParameters.Failure.invalid(
                parameter: Array("level".utf8), value: Array("x".utf8), errno: .EINVAL)
        ) {
            _ = try parameters.apply(Array("level=x".utf8), to: &image, base: moduleBase, strings: strings)
        }
    }

    @Test func gplCompatibleLicences() {
        #expect(ModInfo.isGPLCompatible(Array("GPL".utf8)))
        #expect(ModInfo.isGPLCompatible(Array("Dual BSD/GPL".utf8)))
        #expect(!ModInfo.isGPLCompatible(Array("Proprietary".utf8)))
        #expect(!ModInfo.isGPLCompatible([]))
    }

    @Test func vsprintfFormats() {
        let strings: [UInt64: String] = [0x100: "world", 0x200: "abcdef"]
        func format(_ text: String, _ arguments: [UInt64]) -> String {
            var queue = arguments[...]
            let bytes = Vsprintf.format(
                Array(text.utf8), next: { queue.popFirst() ?? 0 },
                string: { address, limit in Array((strings[address] ?? "").utf8.prefix(limit)) },
                hashPointer: { $0 ^ 0xff })
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(format("Hello module: received %zu bytes\n", [13]) == "Hello module: received 13 bytes\n")
        #expect(format("%d %i %u", [UInt64(bitPattern: -5), 0xffff_ffff, 0xffff_ffff]) == "-5 -1 4294967295")
        #expect(format("%ld %lld %hhd %hu", [UInt64(bitPattern: -5), 7, 0x1ff, 0x1_0002]) == "-5 7 -1 2")
        #expect(format("%x %X %#x %#o %o", [255, 255, 255, 8, 0]) == "ff FF 0xff 010 0")
        #expect(format("[%5d|%-5d|%05d|%+d|% d|%.3d]", [42, 42, 42, 42, 42, 7]) == "[   42|42   |00042|+42| 42|007]")
        #expect(format("%s, %.3s %8s|%-4s|%s", [0x100, 0x200, 0x100, 0x100, 0]) == "world, abc    world|world|(null)")
        #expect(format("%c%c %% %*d %.*s", [0x41, 0x42, 4, 7, 2, 0x200]) == "AB %    7 ab")
        #expect(format("%px %p", [0x1234, 0x1234]) == "0000000000001234 00000000000012cb")
        #expect(format("%q %", []) == "%q %")
    }
}
