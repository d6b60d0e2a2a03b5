import ABI
import Core
import Lib

/// The virtual dynamic shared object (Linux: arch/x86/entry/vdso/vma.c): a
/// small ELF library, built from this folder's C, that answers
/// clock_gettime, gettimeofday, time, clock_getres and getcpu in user mode.
/// Boot copies the image into pages of its own; exec maps them into every
/// program as [vdso], with the data page the kernel keeps up to date
/// ([vvar], kernel/time/Vsyscall.swift) just below, and passes the image's
/// address in AT_SYSINFO_EHDR. The C libraries look their functions up in
/// its dynamic symbol table.
enum VDSO {
    private static let pages = BootOnce<(data: SpecialMapping, image: SpecialMapping)>()

    /// The data page, for Vsyscall to write; nil before boot made it.
    static var dataPage: Frame? { pages.valueIfSet.flatMap { Frame(containing: $0.data.frames[0]) } }

    /// Copies the image out of the kernel into user-mappable pages and
    /// fills in the data page (Linux: init_vdso_image).
    static func initialize() {
        let image = KernelImage.bytes(KernelImage.vdso)
        let pageSize = Int(MemoryLayout64.pageSize)
        var imageFrames: [PhysAddr] = []
        for offset in stride(from: 0, to: image.count, by: pageSize) {
            imageFrames.append(allocatePage(with: Array(image[offset..<min(offset + pageSize, image.count)])))
        }
        pages.set((SpecialMapping(frames: [allocatePage(with: [])]), SpecialMapping(frames: imageFrames)))
        Vsyscall.update()
    }

    /// A page that stays allocated for good: the reference taken here is never dropped.
    private static func allocatePage(with bytes: [UInt8]) -> PhysAddr {
        guard let frame = UserFrames.allocate(forPageCache: true) else { panic("vdso: out of memory") }
        frame.write(bytes, at: 0)
        return frame.address
    }

    /// Maps [vvar] and [vdso] next to each other where mmap would put them
    /// and returns the image's address, for AT_SYSINFO_EHDR (Linux: map_vdso).
    /// Like Linux's, [vvar] can never be made writable, while [vdso] can,
    /// for a debugger's breakpoints: a write copies the page.
    static func map(into space: AddressSpace) throws(Errno) -> UInt64 {
        let (data, image) = pages.value
        let dataLength = UInt64(data.frames.count) * MemoryLayout64.pageSize
        let imageLength = UInt64(image.frames.count) * MemoryLayout64.pageSize
        let start = try space.unmappedArea(length: dataLength + imageLength)
        try space.installSpecialMapping(
            data, at: start, length: dataLength, protection: .read, flags: [.mayRead, .dontDump], label: .vvar)
        try space.installSpecialMapping(
            image, at: start + dataLength, length: imageLength, protection: [.read, .exec], flags: .mayAccess,
            label: .vdso)
        return start + dataLength
    }
}
