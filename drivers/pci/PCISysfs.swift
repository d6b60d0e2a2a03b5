import ABI
import Core
import Lib

/// A function's files in sysfs (Linux: drivers/pci/pci-sysfs.c), in
/// Linux's formats, so lspci-style tools read them: the IDs, class and
/// revision in hex, the interrupt line, the resources as "start end
/// flags" lines, the raw configuration space, the enable count (writable)
/// and the uevent and modalias a hotplug agent would match drivers with.
enum PCISysfs {
    static func addFiles(_ device: PCIDevice) throws(Errno) {
        let identity = device.identity
        let files: [KObjectAttribute] = [
            .text("vendor") { hex(UInt64(identity.vendor), width: 4).withPrefix },
            .text("device") { hex(UInt64(identity.device), width: 4).withPrefix },
            .text("subsystem_vendor") { hex(UInt64(identity.subsystemVendor), width: 4).withPrefix },
            .text("subsystem_device") { hex(UInt64(identity.subsystemDevice), width: 4).withPrefix },
            .text("class") { hex(UInt64(identity.classCode), width: 6).withPrefix },
            .text("revision") { hex(UInt64(device.revision), width: 2).withPrefix },
            .text("irq") { "\(device.irq)" },
            .text("modalias") { identity.modalias },
            KObjectAttribute("resource", show: { Array(resourceText(device).utf8) }),
            KObjectAttribute("config", show: { configBytes(device) }),
            KObjectAttribute(
                "uevent", mode: 0o644,
                show: {
                    let driver = PCI.driver(of: device).map { "DRIVER=\($0.name)\n" } ?? ""
                    return Array((driver + identity.ueventText(slotName: device.name)).utf8)
                }),
            KObjectAttribute(
                "enable", mode: 0o600, show: { Array((device.isEnabled ? "1\n" : "0\n").utf8) },
                store: { (bytes) throws(Errno) in try storeEnable(device, bytes) }),
        ]
        for file in files { try device.kobject.addAttribute(file) }
    }

    /// Seven lines, BARs 0-5 and the ROM, of "0x%016llx 0x%016llx
    /// 0x%016llx": start, end and Linux's resource flags; zeros for none
    /// (Linux: resource_show).
    static func resourceText(_ device: PCIDevice) -> String {
        device.resources.map { bar in
            let (start, end, flags) = bar.map { ($0.base, $0.end, $0.resourceFlags) } ?? (0, 0, 0)
            return "0x\(hex(start, width: 16)) 0x\(hex(end, width: 16)) 0x\(hex(flags, width: 16))\n"
        }.joined()
    }

    /// The configuration space as it is now (Linux: pci_read_config).
    /// Linux shows only the first 64 bytes to readers without
    /// CAP_SYS_ADMIN; here every reader sees all of it.
    static func configBytes(_ device: PCIDevice) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(device.configSpaceSize)
        for offset in stride(from: 0, to: device.configSpaceSize, by: 4) {
            let word = device.read32(offset)
            for shift in stride(from: UInt32(0), to: 32, by: 8) {
                bytes.append(UInt8(truncatingIfNeeded: word >> shift))
            }
        }
        return bytes
    }

    /// A number: nonzero enables the function, zero disables it (Linux:
    /// enable_store); EINVAL for anything else, EBUSY while a driver has
    /// it, EIO to disable one that is not enabled.
    private static func storeEnable(_ device: PCIDevice, _ bytes: [UInt8]) throws(Errno) {
        guard let value = MountOptions.parseDecimal(String(decoding: bytes, as: UTF8.self).trimmingNewline) else {
            throw .EINVAL
        }
        guard PCI.driver(of: device) == nil else { throw .EBUSY }
        if value != 0 {
            device.enable()
        } else if device.isEnabled {
            device.disable()
        } else {
            throw .EIO
        }
    }
}

extension String {
    fileprivate var withPrefix: String { "0x" + self }
    fileprivate var trimmingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
