import ABI
import Core
import Kernel
import Lib
import UserTestPrograms

/// SMEP, SMAP and UMIP are on whenever the CPU offers them (the
/// `selftest-cpu-max` run has all three), and SMAP lets the kernel reach a
/// user page only through the copy routines.
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
