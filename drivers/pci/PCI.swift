import ABI
import Core
import Lib

/// The PCI bus (Linux: drivers/pci/pci-driver.c pci_bus_type,
/// pci_register_driver, pci_unregister_driver; drivers/pci/bus.c
/// pci_bus_add_device; arch/x86/pci/legacy.c pci_subsys_init): the
/// functions found at boot, the registered drivers, and the binding of
/// the two by ID table, in either order — a function found after a
/// driver is offered to it, a driver registered after the scan is
/// offered every unbound function.
public enum PCI {
    private struct Registry {
        var devices: [PCIDevice] = []
        var drivers: [(driver: any PCIDriver, kobject: KObject)] = []
    }
    /// Devices, drivers and every device's `driver`, which changes only
    /// under this lock; probe and remove run outside it.
    private static let registry = SpinLocked(Registry())
    private static let bus = BootOnce<BusType>()

    /// Chooses the configuration mechanism while the boot information is
    /// at hand (Linux: pci_arch_init, an arch_initcall).
    public static func archInit(boot: BootParams) {
        if let ops = PCIArch.initialize(boot: boot) { PCIConfig.use(ops) }
    }

    /// Scans from bus 0 and lists what it finds in sysfs and
    /// /proc/bus/pci, once the driver model is up (Linux: pci_subsys_init:
    /// pcibios_scan_root, then pci_bus_add_devices).
    public static func initialize() {
        guard PCIConfig.isAvailable else { return }
        do throws(Errno) {
            let pciBus = try BusType("pci")
            bus.set(pciBus)
            guard let devicesRoot = DeviceModel.devices else { return }
            pr_info("PCI host bridge to bus 0000:00")
            let root = try KObject.createAndAdd("pci0000:00", parent: devicesRoot)
            var scanned = [Bool](repeating: false, count: 256)
            let found = PCIProbe.scanBus(0, parent: nil, directory: root, scanned: &scanned)
            for device in found.sorted(by: { $0.address < $1.address }) {
                try PCISysfs.addFiles(device)
                try pciBus.addDevice(device.kobject)
                registry.withLock { $0.devices.append(device) }
                attach(device)
            }
            try ProcBusPCI.initialize()
        } catch {
            pr_err("PCI: cannot list the devices in sysfs: error -\(error.rawValue)")
        }
    }

    /// Runs `body` under the registry's lock, which also guards each
    /// device's enable count.
    static func locked<R>(_ body: () -> R) -> R { registry.withLock { _ in body() } }

    /// Every function found, in bus order (Linux: for_each_pci_dev).
    public static var devices: [PCIDevice] { registry.withLock { $0.devices } }

    /// The function at `address`, if there is one (Linux: pci_get_domain_bus_and_slot).
    public static func device(at address: PCIAddress) -> PCIDevice? {
        registry.withLock { $0.devices.first { $0.address == address } }
    }

    /// The driver bound to `device`, if any.
    public static func driver(of device: PCIDevice) -> (any PCIDriver)? { registry.withLock { _ in device.driver } }

    /// Registers `driver` and offers it every unbound function (Linux:
    /// pci_register_driver, driver_attach); EEXIST if a driver has its
    /// name, ENODEV if there is no PCI bus.
    public static func register(_ driver: any PCIDriver) throws(Errno) {
        guard let bus = bus.valueIfSet else { throw .ENODEV }
        guard !registry.withLock({ $0.drivers.contains { $0.driver.name == driver.name } }) else { throw .EEXIST }
        let kobject = try bus.addDriver(driver.name)
        let unbound = registry.withLock { registry in
            registry.drivers.append((driver, kobject))
            return registry.devices.filter { $0.driver == nil }
        }
        for device in unbound { tryBind(device, to: driver, kobject: kobject) }
    }

    /// Takes `driver` away, its `remove` called for each function it
    /// drives (Linux: pci_unregister_driver, driver_detach).
    public static func unregister(_ driver: any PCIDriver) {
        guard let bus = bus.valueIfSet,
            let (kobject, bound) = registry.withLock({ registry -> (KObject, [PCIDevice])? in
                guard let index = registry.drivers.firstIndex(where: { $0.driver === driver }) else { return nil }
                let kobject = registry.drivers.remove(at: index).kobject
                return (kobject, registry.devices.filter { $0.driver === driver })
            })
        else { return }
        for device in bound {
            driver.remove(device)
            bus.unbind(device.kobject, from: kobject)
            registry.withLock { _ in device.driver = nil }
            pr_info("\(driver.name) \(device.name): removed")
        }
        kobject.remove()
    }

    /// Offers a newly found function to the drivers in turn (Linux: device_attach).
    private static func attach(_ device: PCIDevice) {
        for (driver, kobject) in registry.withLock({ $0.drivers }) {
            if tryBind(device, to: driver, kobject: kobject) { return }
        }
    }

    /// Binds `device` to `driver` if its table matches and its probe
    /// succeeds (Linux: pci_bus_match, then really_probe). The device is
    /// claimed under the lock first, so two drivers cannot both probe it.
    @discardableResult
    private static func tryBind(_ device: PCIDevice, to driver: any PCIDriver, kobject: KObject) -> Bool {
        guard let id = PCIDeviceID.match(driver.idTable, device.identity),
            registry.withLock({ _ -> Bool in
                guard device.driver == nil else { return false }
                device.driver = driver
                return true
            })
        else { return false }
        do throws(Errno) {
            try driver.probe(device, id: id)
        } catch {
            pr_info("\(driver.name) \(device.name): probe failed with error -\(error.rawValue)")
            registry.withLock { _ in device.driver = nil }
            return false
        }
        do throws(Errno) {
            try bus.valueIfSet?.bind(device.kobject, to: kobject)
        } catch {
            pr_err("\(driver.name) \(device.name): cannot link it in sysfs: error -\(error.rawValue)")
        }
        pr_info("\(driver.name) \(device.name): bound")
        return true
    }
}
