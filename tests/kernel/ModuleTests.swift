import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// The module loader from inside (docs/modules.md), with the textbook
/// hello.ko the SDK builds (tests/kernel/module_images.S): the memory of a
/// loaded module has its protections (text read-execute, read-only data
/// read-only, data read-write, both NX), and neither an unload nor a load
/// refused at any step keeps a single page: the free page count is not
/// lower afterwards (it may be higher, when a slab page empties).
enum ModuleTests {
    static func run(_ t: inout TestReporter) {
        let image = KernelImage.bytes(hello_ko_start_address()..<hello_ko_end_address())
        guard let elf = try? ELFRelocatable(image), let layout = try? ModuleLayout(elf) else {
            t.check(false, "modules: hello.ko parses")
            return
        }
        // A first load makes the module area's page tables, which stay.
        _ = try? ModuleLoader.load(image, arguments: [], flags: 0)
        try? ModuleLoader.unload("hello", flags: [])
        let before = PageAllocator.freePages
        do throws(Errno) {
            _ = try ModuleLoader.load(image, arguments: [], flags: 0)
        } catch {
            t.check(false, "modules: hello.ko loads (errno \(error.rawValue))")
            return
        }
        guard let module = ModuleLoader.modules.first(where: { $0.name == "hello" }) else {
            t.check(false, "modules: hello is listed once loaded")
            return
        }
        t.check(
            module.base.value >= MemoryLayout64.modulesStart && module.base.value < MemoryLayout64.modulesEnd
                && module.size == layout.size,
            "modules: hello's \(module.size) bytes are in the module area")
        checkProtections(&t, base: module.base.value, layout: layout)
        do throws(Errno) {
            try ModuleLoader.unload("hello", flags: [])
        } catch {
            t.check(false, "modules: rmmod hello (errno \(error.rawValue))")
        }
        t.check(
            PageAllocator.freePages >= before,
            "modules: an unload gives back every page (\(before) free before, \(PageAllocator.freePages) after)")
        checkFailures(&t, image, elf)
    }

    private static func checkProtections(_ t: inout TestReporter, base: UInt64, layout: ModuleLayout) {
        let noExecute = CPU.probeFeatures().hasNX
        func flags(_ offset: Int) -> PageFlags {
            KernelPaging.pageTable.translate(VirtAddr(base + UInt64(offset)))?.flags ?? []
        }
        let text = flags(0)
        let rodata = flags(layout.textSize)
        let data = flags(layout.textSize + layout.readOnlySize)
        t.check(
            text.contains(.present) && !text.contains(.writable) && !text.contains(.noExecute),
            "modules: module text is read-only and executable")
        t.check(
            rodata.contains(.present) && !rodata.contains(.writable) && rodata.contains(.noExecute) == noExecute,
            "modules: module rodata is read-only\(noExecute ? " and NX" : "")")
        t.check(
            data.contains(.present) && data.contains(.writable) && data.contains(.noExecute) == noExecute,
            "modules: module data is writable\(noExecute ? " and NX" : "")")
    }

    /// A copy of `bytes` with `value` written little-endian over `size` bytes at `offset`.
    private static func patched(_ bytes: [UInt8], at offset: Int, size: Int, _ value: UInt64) -> [UInt8] {
        var bytes = bytes
        for index in 0..<size { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))) }
        return bytes
    }

    /// Loads refused before memory is taken (a bad header), after it (an
    /// unknown relocation type) and by a name already loaded: each is
    /// its errno, and the free page count does not move.
    private static func checkFailures(_ t: inout TestReporter, _ image: [UInt8], _ elf: ELFRelocatable) {
        guard let rela = elf.sectionIndex(named: ".rela.text") else {
            t.check(false, "modules: hello.ko has .rela.text")
            return
        }
        let relocationType = elf.sections[rela].offset + 8
        let cases: [(String, [UInt8], Errno)] = [
            ("a truncated file", Array(image.prefix(image.count / 2)), .ENOEXEC),
            ("another machine", patched(image, at: 18, size: 2, 3), .ENOEXEC),
            ("an unknown relocation type", patched(image, at: relocationType, size: 4, 37), .ENOEXEC),
        ]
        let before = PageAllocator.freePages
        for (what, bytes, expected) in cases {
            var result: Errno?
            do throws(Errno) { _ = try ModuleLoader.load(bytes, arguments: [], flags: 0) } catch { result = error }
            t.check(result == expected, "modules: \(what) is refused with errno \(expected.rawValue)")
        }
        t.check(
            PageAllocator.freePages >= before,
            "modules: refused loads keep no page (\(before) free before, \(PageAllocator.freePages) after)")
    }
}
