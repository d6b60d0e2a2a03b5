import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// SMEP, SMAP and UMIP are on whenever the CPU offers them (the
/// `selftest-cpu-max` run has all three), SMAP lets the kernel reach a user
/// page only through the copy routines, and the kernel's mappings are W^X.
enum HardeningTests {
    /// A user address the page table leaves alone otherwise.
    static let userPage = VirtAddr(0x0000_0BAD_5EA1_0000)

    static func run(_ t: inout TestReporter) {
        let features = CPU.probeFeatures()
        for (name, offered, bit) in [
            ("SMEP", features.hasSMEP, CPU.CR4.smep), ("SMAP", features.hasSMAP, CPU.CR4.smap),
            ("UMIP", features.hasUMIP, CPU.CR4.umip),
        ] {
            if offered {
                t.check(CPU.isEnabled(bit), "hardening: \(name) on (CR4.\(name))")
            } else {
                t.check(!CPU.isEnabled(bit), "hardening: \(name) off: this CPU does not offer it")
            }
        }
        if features.hasSMAP { checkSMAP(&t) }
        checkMappings(&t, noExecute: features.hasNX)
    }

    /// W^X for the image, and NX for every kernel mapping that holds data
    /// (docs/memory.md): the direct map, vmalloc (and so kernel stacks).
    private static func checkMappings(_ t: inout TestReporter, noExecute: Bool) {
        let table = KernelPaging.pageTable
        func flags(_ address: UInt64) -> PageFlags { table.translate(VirtAddr(address))?.flags ?? [] }
        let text = flags(KernelImage.text.lowerBound)
        let rodata = flags(KernelImage.readOnlyData.lowerBound)
        let data = flags(KernelImage.writableData.lowerBound)
        t.check(
            text.contains(.present) && !text.contains(.writable) && !text.contains(.noExecute),
            "hardening: W^X: kernel text is read-only and executable")
        t.check(
            rodata.contains(.present) && !rodata.contains(.writable) && rodata.contains(.noExecute) == noExecute,
            "hardening: W^X: rodata is read-only\(noExecute ? " and NX" : "")")
        t.check(
            data.contains(.writable) && data.contains(.noExecute) == noExecute,
            "hardening: W^X: data and bss are writable\(noExecute ? " and NX" : "")")
        let direct = flags(PhysAddr(1 << 20).directMapped.value)
        t.check(
            direct.contains(.writable) && direct.contains(.noExecute) == noExecute,
            "hardening: the direct map is writable\(noExecute ? " and NX" : "")")
        guard let area = try? Vmalloc.allocate(size: MemoryLayout64.pageSize) else {
            t.check(false, "hardening: a vmalloc page")
            return
        }
        t.check(
            flags(area.value).contains(.noExecute) == noExecute,
            "hardening: vmalloc memory (kernel stacks too)\(noExecute ? " is NX" : "")")
        try? Vmalloc.free(area)
    }

    /// A user page in this kernel thread's table: a plain read faults, the
    /// copy routine (stac/clac) reads it.
    private static func checkSMAP(_ t: inout TestReporter) {
        guard let frame = mapUserPage(), let page = Frame(containing: frame) else {
            t.check(false, "hardening: a user page to read")
            return
        }
        page.store64(0x5EA1_ED00_CAFE_F00D, at: 0)
        t.check(smap_probe_read(userPage.value) == -1, "hardening: SMAP: a plain kernel read of a user page faults")
        let copied = try? UserPointer<UInt64>(address: userPage.value).read()
        t.check(copied == 0x5EA1_ED00_CAFE_F00D, "hardening: SMAP: copy_from_user reads the same page")
        unmapUserPage()
    }

    /// Maps a zeroed page at `userPage` with user permissions; its frame.
    static func mapUserPage() -> PhysAddr? {
        guard let frame = PageAllocator.allocateZeroedPage() else { return nil }
        do throws(PageTableError) {
            try PageTable.active.map(
                userPage, to: frame, flags: [.present, .writable, .user, .noExecute],
                allocateTable: KernelPaging.allocateTableFrame)
        } catch {
            try? PageAllocator.free(frame)
            return nil
        }
        return frame
    }

    static func unmapUserPage() {
        if let frame = try? PageTable.active.unmap(userPage) { try? PageAllocator.free(frame) }
    }
}
