import ABI
import Core
import Lib

/// /sys/kernel (Linux: kernel/ksysfs.c): uevent_seqnum, the number of
/// uevents sent (none: Apus sends no uevents yet), and uevent_helper, the
/// program a uevent would run, which root may set; at most 255 bytes
/// (ENOENT beyond, as Linux answers), a trailing newline dropped.
enum KSysfs {
    /// The kobject of /sys/kernel, for others to hang directories on
    /// (Linux: kernel_kobj).
    static var kernel: KObject? { kernelObject.valueIfSet }
    private static let kernelObject = BootOnce<KObject>()
    private static let ueventHelper = SpinLocked<[UInt8]>([])
    private static let ueventHelperLimit = 256

    static func initialize() {
        do throws(Errno) {
            let kernel = try KObject.createAndAdd("kernel", parent: nil)
            try kernel.addAttribute(.text("uevent_seqnum") { "0" })
            try kernel.addAttribute(
                KObjectAttribute(
                    "uevent_helper", mode: 0o644, show: { ueventHelper.withLock { $0 } + [UInt8(ascii: "\n")] },
                    store: { (bytes) throws(Errno) in
                        guard bytes.count < ueventHelperLimit else { throw .ENOENT }
                        let value = bytes.last == UInt8(ascii: "\n") ? Array(bytes.dropLast()) : bytes
                        ueventHelper.withLock { $0 = value }
                    }))
            kernelObject.set(kernel)
        } catch {
            pr_err("ksysfs: cannot make /sys/kernel: error -\(error.rawValue)")
        }
    }
}
