import ABI
import Core
import Lib

/// The driver model's directories in sysfs and the devices in them
/// (Linux: drivers/base/core.c device_create and device_add, class.c,
/// init.c's driver_init, block/genhd.c's /sys/block). A device is a
/// kobject under /sys/devices with `dev` and `uevent` files, linked from
/// /sys/class/CLASS/NAME and /sys/dev/char/MAJOR:MINOR, and a node in
/// devtmpfs. /sys/block is there, empty until there are block devices;
/// /sys/bus holds the buses (drivers/base/Bus.swift).
enum DeviceModel {
    private struct Roots {
        let devices: KObject
        let buses: KObject
        let character: KObject
        let classes: KSet
        let block: KSet
    }
    private static let roots = BootOnce<Roots>()
    /// The kobjects of /sys/class/NAME, made as devices of the class come.
    private static let classes = SpinLocked<[KSet]>([])

    /// Makes /sys/devices, /sys/bus, /sys/dev/char, /sys/class and
    /// /sys/block (Linux: devices_init, buses_init, classes_init,
    /// genhd_device_init).
    static func initialize() {
        do throws(Errno) {
            let devices = try KObject.createAndAdd("devices", parent: nil)
            let dev = try KObject.createAndAdd("dev", parent: nil)
            _ = try dev.child("block")
            roots.set(
                Roots(
                    devices: devices, buses: try KObject.createAndAdd("bus", parent: nil),
                    character: try dev.child("char"),
                    classes: try KSet.createAndAdd("class", parent: nil),
                    block: try KSet.createAndAdd("block", parent: nil)))
        } catch {
            pr_err("driver model: cannot make its sysfs directories: error -\(error.rawValue)")
        }
    }

    /// /sys/devices, for subsystems that add their own (the CPUs).
    static var devices: KObject? { roots.valueIfSet?.devices }

    /// /sys/bus, where each bus registers.
    static var buses: KObject? { roots.valueIfSet?.buses }

    /// A character device called `name` of class `className` (Linux:
    /// device_create): its node in devtmpfs with `mode`, its kobject in
    /// /sys/devices/`parent`/`className`/`name` — or under
    /// /sys/devices/virtual/`className` without a parent — with `dev`
    /// ("MAJOR:MINOR") and `uevent`, and its links from the class and
    /// from /sys/dev/char.
    static func createDevice(
        _ name: String, className: String, parent: [String] = [], mode: UInt32, major: UInt32, minor: UInt32
    ) {
        Devtmpfs.createNode(name, mode: mode, major: major, minor: minor)
        guard let roots = roots.valueIfSet else { return }
        do throws(Errno) {
            var directory = roots.devices
            for component in (parent.isEmpty ? ["virtual"] : parent) + [className] {
                directory = try directory.child(component)
            }
            let device = try KObject.createAndAdd(name, parent: directory)
            let number = "\(major):\(minor)"
            try device.addAttribute(.text("dev") { number })
            try device.addAttribute(
                KObjectAttribute(
                    "uevent", mode: 0o644, show: { Array("MAJOR=\(major)\nMINOR=\(minor)\nDEVNAME=\(name)\n".utf8) }))
            try deviceClass(className, in: roots.classes).kobject.addLink(name, to: device)
            try roots.character.addLink(number, to: device)
        } catch {
            pr_err("driver model: cannot add \(name) to sysfs: error -\(error.rawValue)")
        }
    }

    /// Removes what `createDevice` made for the character device `name`
    /// of class `className` (Linux: device_destroy and device_del): its
    /// node, its links and its kobject.
    static func removeDevice(_ name: String, className: String, parent: [String] = [], major: UInt32, minor: UInt32) {
        Devtmpfs.deleteNode(name)
        guard let roots = roots.valueIfSet else { return }
        roots.character.removeLink("\(major):\(minor)")
        Self.classes.withLock { $0.first { $0.kobject.name == className } }?.kobject.removeLink(name)
        var directory: KObject? = roots.devices
        for component in (parent.isEmpty ? ["virtual"] : parent) + [className, name] {
            directory = directory?.existingChild(component)
        }
        directory?.remove()
    }

    /// /sys/class/`name`, made the first time (Linux: class_register).
    private static func deviceClass(_ name: String, in classes: KSet) throws(Errno) -> KSet {
        if let existing = Self.classes.withLock({ $0.first { $0.kobject.name == name } }) { return existing }
        let made = try KSet.createAndAdd(name, parent: classes.kobject)
        Self.classes.withLock { $0.append(made) }
        return made
    }
}
