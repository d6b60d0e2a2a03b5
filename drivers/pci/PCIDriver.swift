import ABI
import Core
import Lib

/// A driver for PCI functions (Linux: struct pci_driver): its name (its
/// directory in /sys/bus/pci/drivers), the identities it drives, and what
/// it does when a matching function comes or goes. `probe` throwing
/// leaves the function unbound, free for another driver.
public protocol PCIDriver: AnyObject {
    var name: String { get }
    var idTable: [PCIDeviceID] { get }
    /// Takes `device`, which matched `id` (Linux: probe).
    func probe(_ device: PCIDevice, id: PCIDeviceID) throws(Errno)
    /// Lets go of `device`: the driver is leaving (Linux: remove).
    func remove(_ device: PCIDevice)
}
