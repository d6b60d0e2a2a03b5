import ABI
import Core

/// The character devices the kernel has drivers for (Linux: fs/char_dev.c,
/// register_chrdev_region with cdev_add, and the cdev_map that chrdev_open
/// searches): a range of device numbers, the driver's name for them, and
/// the file operations that opening such a device node gives. A node whose
/// number no driver registered opens with ENXIO.
public enum CharDevices {
    private struct Registration {
        let major: UInt32
        let minors: Range<UInt32>
        let name: String
        /// The file operations for an open of the device number (Linux: the cdev's f_op).
        let driver: (UInt64) throws(Errno) -> any FileOperations
    }

    private static let registrations = SpinLocked<[Registration]>([])

    /// Registers `driver` for minors `minor..<minor + count` of `major`
    /// under `name`, which /proc/devices shows (Linux: register_chrdev_region
    /// and cdev_add). EBUSY if any of those numbers is taken.
    public static func register(
        major: UInt32, minor: UInt32, count: UInt32 = 1, name: String, _ driver: any FileOperations
    ) throws(Errno) {
        try register(major: major, minor: minor, count: count, name: name, opening: { _ throws(Errno) in driver })
    }

    /// The same for a driver whose open files each get their own file
    /// operations, made by `opening` from the device number, or its error
    /// (Linux: a cdev whose open replaces f_op, as misc_open does).
    static func register(
        major: UInt32, minor: UInt32, count: UInt32, name: String,
        opening: @escaping (UInt64) throws(Errno) -> any FileOperations
    ) throws(Errno) {
        let minors = minor..<(minor + count)
        try registrations.withLock { registrations throws(Errno) in
            guard !registrations.contains(where: { $0.major == major && $0.minors.overlaps(minors) }) else {
                throw .EBUSY
            }
            registrations.append(Registration(major: major, minors: minors, name: name, driver: opening))
        }
    }

    /// The file operations for an open of device `device`, encoded as
    /// st_rdev: ENXIO if no driver has it (Linux: chrdev_open).
    static func driver(for device: UInt64) throws(Errno) -> any FileOperations {
        let major = DeviceNumber.major(device)
        let minor = DeviceNumber.minor(device)
        let driver = registrations.withLock { registrations in
            registrations.first { $0.major == major && $0.minors.contains(minor) }?.driver
        }
        guard let driver else { throw .ENXIO }
        return try driver(device)
    }

    /// /proc/devices' character part: "major name" per driver, by major and
    /// then minor, a driver's consecutive registrations under one name once
    /// (Linux: chrdev_show, which lists regions, here one per minor range).
    static func procText() -> String {
        let sorted = registrations.withLock { $0 }.sorted {
            ($0.major, $0.minors.lowerBound) < ($1.major, $1.minors.lowerBound)
        }
        var lines: [String] = []
        for (index, registration) in sorted.enumerated() {
            if index > 0 && sorted[index - 1].major == registration.major && sorted[index - 1].name == registration.name
            {
                continue
            }
            let major = "\(registration.major)"
            lines.append(
                String(repeating: " ", count: max(0, 3 - major.utf8.count)) + major + " " + registration.name + "\n")
        }
        return lines.joined()
    }
}
