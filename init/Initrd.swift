import Core
import Lib

/// The initial RAM disk the boot loader placed in memory (Linux:
/// init/do_mounts_initrd.c, init/initramfs.c). For now it is located and
/// checksummed so the tests can prove it survives boot; unpacking it into
/// the root filesystem arrives with the VFS.
public enum Initrd {
    private static let found = BootOnce<(module: BootParams.Module, checksum: UInt32)>()
    public static var location: BootParams.Module? { found.valueIfSet?.module }
    /// Adler-32 of the initrd as the boot loader left it; 0 without one.
    public static var bootChecksum: UInt32 { found.valueIfSet?.checksum ?? 0 }

    static func locate(_ boot: BootParams) {
        guard boot.moduleCount > 0 else { return }
        let module = boot.module(0)
        let bootChecksum = PhysicalMemory.adler32(at: module.start, count: Int(module.size))
        found.set((module, bootChecksum))
        pr_info(
            "initrd: \(decimal(module.size)) bytes at [mem 0x\(hex(module.start.value, width: 16))-0x\(hex(module.start.value + module.size - 1, width: 16))], adler32 0x\(hex(UInt64(bootChecksum), width: 8))"
        )
    }
}
