import ABI
import Core

/// The character devices the kernel has drivers for (Linux: fs/char_dev.c,
/// cdev_add and the cdev_map that chrdev_open searches): a range of device
/// numbers and the file operations that opening such a device node gives.
/// A node whose number no driver registered opens with ENXIO.
public enum CharDevices {
    private struct Registration {
        let major: UInt32
        let minors: Range<UInt32>
        let driver: any FileOperations
    }

    private static let registrations = SpinLocked<[Registration]>([])

    /// Registers `driver` for minors `minor..<minor + count` of `major`
    /// (Linux: cdev_add). EBUSY if any of those numbers is taken.
    public static func register(major: UInt32, minor: UInt32, count: UInt32 = 1, _ driver: any FileOperations)
        throws(Errno)
    {
        let minors = minor..<(minor + count)
        try registrations.withLock { registrations throws(Errno) in
            guard !registrations.contains(where: { $0.major == major && $0.minors.overlaps(minors) }) else {
                throw .EBUSY
            }
            registrations.append(Registration(major: major, minors: minors, driver: driver))
        }
    }

    /// The driver of device `device`, encoded as st_rdev; nil if none.
    static func driver(for device: UInt64) -> (any FileOperations)? {
        let major = DeviceNumber.major(device)
        let minor = DeviceNumber.minor(device)
        return registrations.withLock { registrations in
            registrations.first { $0.major == major && $0.minors.contains(minor) }?.driver
        }
    }
}
