import ABI
import Core
import Lib

/// /proc/bus/pci/devices (Linux: drivers/pci/proc.c show_device): a line
/// per function, tab-separated: bus and devfn, vendor and device, the
/// interrupt line, the seven resources' starts (with their low flag bits)
/// and sizes, and the bound driver's name.
enum ProcBusPCI {
    static func initialize() throws(Errno) {
        let bus = try ProcFS.mkdir("bus")
        let pci = try ProcFS.mkdir("pci", parent: bus)
        try ProcFS.create("devices", parent: pci) { PCI.devices.map(line).joined() }
    }

    static func line(_ device: PCIDevice) -> String {
        let address = device.address, identity = device.identity
        var text = hex(UInt64(address.bus), width: 2) + hex(UInt64(address.devfn), width: 2) + "\t"
        text += hex(UInt64(identity.vendor), width: 4) + hex(UInt64(identity.device), width: 4)
        text += "\t" + hex(UInt64(device.irq), width: 1)
        // PCI_REGION_FLAG_MASK: the BAR's own low bits ride on the start.
        for bar in device.resources { text += "\t" + padded(bar.map { $0.base | $0.resourceFlags & 0xF } ?? 0) }
        for bar in device.resources { text += "\t" + padded(bar?.size ?? 0) }
        return text + "\t" + (PCI.driver(of: device)?.name ?? "") + "\n"
    }

    /// "%16llx": hex right-aligned in 16 columns.
    private static func padded(_ value: UInt64) -> String {
        let digits = hex(value, width: 1)
        return String(repeating: " ", count: max(0, 16 - digits.count)) + digits
    }
}
