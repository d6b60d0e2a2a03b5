import ABI
import Core
import Lib

/// A bus in the driver model (Linux: struct bus_type, drivers/base/bus.c
/// bus_register, bus_add_device, bus_add_driver): /sys/bus/NAME with
/// `devices`, a symlink for each device on the bus to its directory under
/// /sys/devices, and `drivers`, a directory for each registered driver
/// with a symlink for each device it drives. The device's own directory
/// links back: `subsystem` to the bus and `driver` to its driver. What
/// matches a device to a driver is the bus's own code (drivers/pci).
public final class BusType {
    public let name: String
    private let kobject: KObject
    private let devices: KObject
    private let drivers: KObject

    /// Registers the bus and makes its directories (Linux: bus_register);
    /// ENOENT before the driver model has made /sys/bus.
    public init(_ name: String) throws(Errno) {
        guard let root = DeviceModel.buses else { throw .ENOENT }
        self.name = name
        kobject = try KObject.createAndAdd(name, parent: root)
        devices = try KObject.createAndAdd("devices", parent: kobject)
        drivers = try KObject.createAndAdd("drivers", parent: kobject)
    }

    /// Lists `device` in /sys/bus/NAME/devices and gives it its
    /// `subsystem` link (Linux: bus_add_device).
    public func addDevice(_ device: KObject) throws(Errno) {
        try devices.addLink(device.name, to: device)
        try device.addLink("subsystem", to: kobject)
    }

    /// Takes `device` out of the bus's listing (Linux: bus_remove_device).
    public func removeDevice(_ device: KObject) {
        devices.removeLink(device.name)
        device.removeLink("subsystem")
    }

    /// /sys/bus/NAME/drivers/`name` for a driver being registered (Linux:
    /// bus_add_driver); EEXIST if a driver of that name is there.
    public func addDriver(_ name: String) throws(Errno) -> KObject {
        try KObject.createAndAdd(name, parent: drivers)
    }

    /// Records in sysfs that `driver` drives `device` (Linux:
    /// driver_sysfs_add): the link in the driver's directory and the
    /// device's `driver` link.
    public func bind(_ device: KObject, to driver: KObject) throws(Errno) {
        try driver.addLink(device.name, to: device)
        try device.addLink("driver", to: driver)
    }

    /// Undoes `bind` (Linux: driver_sysfs_remove).
    public func unbind(_ device: KObject, from driver: KObject) {
        driver.removeLink(device.name)
        device.removeLink("driver")
    }
}
