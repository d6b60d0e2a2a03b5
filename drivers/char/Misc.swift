import ABI
import Core

/// Miscellaneous character devices, major 10 (Linux: drivers/char/misc.c):
/// one character driver for every minor of the major, and devices that
/// modules register with a `struct miscdevice` (misc_register), each a
/// node /dev/NAME in devtmpfs, /sys/class/misc/NAME and a line of
/// /proc/misc. Opening one hands its file to the module's
/// file_operations with file->private_data pointing at the miscdevice,
/// as misc_open does.
enum MiscDevices {
    static let major: UInt32 = 10
    /// misc->minor asking for a dynamic one (Linux: MISC_DYNAMIC_MINOR).
    static let dynamicMinor: Int32 = 255
    /// Dynamic minors are the highest free one below this (Linux 6.1:
    /// DYNAMIC_MINORS, a bitmap whose bit i is minor 127 - i).
    static let dynamicMinors: UInt32 = 128

    /// A registered device.
    private final class Device {
        let minor: UInt32
        let name: String
        /// Its `struct miscdevice` and `struct file_operations`.
        let miscdevice: UInt64
        let operations: UInt64
        let gate = ModuleCallGate()

        init(minor: UInt32, name: String, miscdevice: UInt64, operations: UInt64) {
            self.minor = minor
            self.name = name
            self.miscdevice = miscdevice
            self.operations = operations
        }
    }

    /// The devices, newest first as /proc/misc lists them (Linux: misc_list).
    private static let devices = SpinLocked<[Device]>([])
    /// Serialises registering and deregistering with their sysfs and
    /// devtmpfs work (Linux: misc_mtx).
    private static let mutex = BootOnce(Mutex())

    /// struct miscdevice (Linux 6.1's layout, include/linux/miscdevice.h).
    private enum Layout {
        static let minor: UInt64 = 0
        static let name: UInt64 = 8
        static let fops: UInt64 = 16
        static let mode: UInt64 = 72
    }

    /// Takes major 10 and makes /proc/misc (Linux: misc_init).
    static func initialize() {
        do throws(Errno) {
            try CharDevices.register(major: major, minor: 0, count: 256, name: "misc", opening: open)
            try ProcFS.create("misc", show: procText)
        } catch {
            pr_err("misc: cannot register: error -\(error.rawValue)")
        }
    }

    /// The file operations for an open of `device` (Linux: misc_open):
    /// ENODEV for a minor no device has.
    private static func open(_ device: UInt64) throws(Errno) -> any FileOperations {
        let minor = DeviceNumber.minor(device)
        guard let found = devices.withLock({ $0.first { $0.minor == minor } }) else { throw .ENODEV }
        return ModuleFile(
            operations: found.operations, owner: ModuleCode.load64(at: found.operations), privateData: found.miscdevice,
            gate: found.gate)
    }

    /// /proc/misc: "minor name" per device, newest first (Linux: misc_seq_show).
    private static func procText() -> String {
        devices.withLock { $0 }.map { device in
            let minor = "\(device.minor)"
            return String(repeating: " ", count: max(0, 3 - minor.utf8.count)) + minor + " " + device.name + "\n"
        }.joined()
    }

    /// misc_register: a dynamic minor (written back to misc->minor) or the
    /// one asked for (EBUSY if taken), EEXIST for a name in use, EINVAL
    /// without a name or file_operations; then the node, with misc->mode's
    /// permissions or 0600, and the sysfs entries.
    static func register(_ miscdevice: UInt64) throws(Errno) {
        let name = String(
            decoding: ModuleCode.string(at: ModuleCode.load64(at: miscdevice + Layout.name), limit: 255), as: UTF8.self)
        let operations = ModuleCode.load64(at: miscdevice + Layout.fops)
        guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "/")), operations != 0 else { throw .EINVAL }
        let asked = Int32(bitPattern: ModuleCode.load32Acquiring(at: miscdevice + Layout.minor))
        let permissions = ModuleCode.load32Acquiring(at: miscdevice + Layout.mode) & 0o7777
        mutex.value.lock()
        defer { mutex.value.unlock() }
        let device = try devices.withLock { devices throws(Errno) -> Device in
            guard !devices.contains(where: { $0.name == name }) else { throw .EEXIST }
            let minor: UInt32
            if asked == dynamicMinor {
                guard
                    let free = (0..<dynamicMinors).reversed().first(where: { minor in
                        !devices.contains { $0.minor == minor }
                    })
                else { throw .EBUSY }
                minor = free
            } else {
                guard asked >= 0, asked < 256, !devices.contains(where: { $0.minor == UInt32(asked) }) else {
                    throw .EBUSY
                }
                minor = UInt32(asked)
            }
            let device = Device(minor: minor, name: name, miscdevice: miscdevice, operations: operations)
            devices.insert(device, at: 0)
            return device
        }
        if asked == dynamicMinor { ModuleCode.store32(device.minor, at: miscdevice + Layout.minor) }
        DeviceModel.createDevice(
            name, className: "misc", mode: permissions == 0 ? 0o600 : permissions, major: major, minor: device.minor)
    }

    /// misc_deregister: waits for the calls into the device under way,
    /// then removes it, its node and its sysfs entries; files still open
    /// read and write EIO afterwards (a module's own are closed by then:
    /// they pin it).
    static func deregister(_ miscdevice: UInt64) {
        mutex.value.lock()
        defer { mutex.value.unlock() }
        let found = devices.withLock { devices -> Device? in
            guard let index = devices.firstIndex(where: { $0.miscdevice == miscdevice }) else { return nil }
            return devices.remove(at: index)
        }
        guard let device = found else { return }
        device.gate.rundown()
        DeviceModel.removeDevice(device.name, className: "misc", major: major, minor: device.minor)
    }
}

/// `int misc_register(struct miscdevice *misc)`: 0 or -errno.
@c(misc_register)
func miscRegister(misc: UInt64) -> Int32 {
    do throws(Errno) {
        try MiscDevices.register(misc)
        return 0
    } catch {
        return -error.rawValue
    }
}

/// `void misc_deregister(struct miscdevice *misc)`.
@c(misc_deregister)
func miscDeregister(misc: UInt64) {
    MiscDevices.deregister(misc)
}
